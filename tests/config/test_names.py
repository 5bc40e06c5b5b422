import pytest

from modules.config import names

#: Every AWS region name as of 2026 (commercial, China, GovCloud).
AWS_REGIONS = (
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
    "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2", "cn-north-1", "cn-northwest-1",
    "us-gov-east-1", "us-gov-west-1",
)  # fmt: skip


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
    n = names.VariantNames.of("c" * 64, long, "v" * 64, "ap-northeast-1")
    assert len(n.execution_role) <= 64
    assert len(n.task_role) <= 64
    assert n.execution_role != n.task_role
    # a-b/c and a/b-c would collide if names were joined with '-'
    assert (
        names.VariantNames.of("k", "a-b", "c", "us-east-1").service
        != names.VariantNames.of("k", "a", "b-c", "us-east-1").service
    )


@pytest.mark.parametrize(
    ("region", "code"),
    [("ap-northeast-1", "apne1"), ("us-east-1", "use1"), ("eu-central-2", "euc2"), ("us-gov-west-1", "usgovw1")],
)
def test_region_codes(region, code):
    assert names.region_code(region) == code


def test_iam_role_names_are_unique_across_regions_other_names_stay_regional():
    """IAM is global: the same config in a second region must not reuse (and fight over) the roles."""
    tokyo, osaka = (names.VariantNames.of("c", "p", "v", region) for region in ("ap-northeast-1", "ap-northeast-3"))
    assert (tokyo.execution_role, tokyo.task_role) == ("c_p_v_apne1_exec", "c_p_v_apne1_task")
    assert (osaka.execution_role, osaka.task_role) == ("c_p_v_apne3_exec", "c_p_v_apne3_task")
    assert (tokyo.family, tokyo.service, tokyo.security_group) == (osaka.family, osaka.service, osaka.security_group)


def test_region_codes_of_every_region_are_distinct():
    regions = AWS_REGIONS
    assert len({names.region_code(region) for region in regions}) == len(regions)
