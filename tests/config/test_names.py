import pytest

from modules.config import names


@pytest.mark.parametrize("name", ["a", "news-encoder", "v2", "control-2026"])
def test_valid_names(name):
    assert names.check_name(name) == name


@pytest.mark.parametrize("name", ["", "News", "a_b", "-a", "a-", "2a", "a b", "a" * 65])
def test_invalid_names(name):
    with pytest.raises(ValueError):
        names.check_name(name)


def test_fit_keeps_short_names_and_hashes_long_ones_stably():
    assert names.fit("short", 64) == "short"
    long = "x" * 100
    fitted = names.fit(long, 64)
    assert len(fitted) == 64
    assert fitted == names.fit(long, 64)
    assert fitted != names.fit("x" * 99 + "y", 64)


def test_variant_names_fit_aws_limits_and_do_not_collide():
    long = "p" * 64
    n = names.VariantNames.of("c" * 64, long, "v" * 64)
    assert len(n.execution_role) <= 64
    assert len(n.task_role) <= 64
    assert n.execution_role != n.task_role
    # a-b/c and a/b-c would collide if names were joined with '-'
    assert names.VariantNames.of("k", "a-b", "c").service != names.VariantNames.of("k", "a", "b-c").service
