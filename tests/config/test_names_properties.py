"""Property: every derived AWS name fits its limit and charset, is stable, and never collides."""

import re

from hypothesis import given
from hypothesis import strategies as st

from modules.config import names
from tests.config.test_names import AWS_REGIONS
from tests.strategies import names as valid_names

regions = st.sampled_from(AWS_REGIONS)

#: Characters each AWS name may hold (IAM roles: [\w+=,.@-]; log groups also '/').
CHARSETS = {
    "service": r"[A-Za-z0-9_-]+",
    "family": r"[A-Za-z0-9_-]+",
    "execution_role": r"[\w+=,.@-]+",
    "task_role": r"[\w+=,.@-]+",
    "security_group": r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+",
    "log_group": r"[A-Za-z0-9_\-/.#]+",
}
#: AWS's own length limits (not names.LIMITS: a wrong limit there must fail here). ECS service
#: names and task definition families: 255 letters, digits, '-' and '_'; IAM role names: 64;
#: security group names: 255; CloudWatch Logs group names: 512.
AWS_LIMITS = {
    "service": 255,
    "family": 255,
    "execution_role": 64,
    "task_role": 64,
    "security_group": 255,
    "log_group": 512,
}


@given(valid_names, valid_names, valid_names, regions)
def test_every_name_fits_its_limit_and_charset_and_is_stable(cluster, pipeline, variant, region):
    derived = names.VariantNames.of(cluster, pipeline, variant, region)
    assert derived == names.VariantNames.of(cluster, pipeline, variant, region)
    for field, limit in AWS_LIMITS.items():
        value = getattr(derived, field)
        assert len(value) <= limit, (field, value)
        assert re.fullmatch(CHARSETS[field], value), (field, value)


@given(valid_names, st.lists(st.tuples(valid_names, valid_names), min_size=2, max_size=2, unique=True), regions)
def test_two_variants_of_one_cluster_never_share_a_name(cluster, pairs, region):
    first, second = (names.VariantNames.of(cluster, pipeline, variant, region) for pipeline, variant in pairs)
    for field in AWS_LIMITS:
        assert getattr(first, field) != getattr(second, field), field
    assert first.execution_role != first.task_role


@given(st.text(min_size=1, max_size=600), st.integers(20, 512))
def test_fit_is_stable_and_within_the_limit(name, limit):
    fitted = names.fit(name, limit)
    assert len(fitted) <= limit
    assert fitted == names.fit(name, limit)
    assert (fitted == name) == (len(name) <= limit)


@given(valid_names, valid_names, valid_names, st.lists(regions, min_size=2, max_size=2, unique=True))
def test_one_variant_in_two_regions_never_shares_an_iam_role_name(cluster, pipeline, variant, two_regions):
    first, second = (names.VariantNames.of(cluster, pipeline, variant, region) for region in two_regions)
    assert {first.execution_role, first.task_role}.isdisjoint({second.execution_role, second.task_role})
