import pytest

from modules.config import arns


def test_repository_uri_by_tag_and_digest():
    repo = arns.parse_repository_arn("arn:aws:ecr:ap-northeast-1:123456789012:repository/team/news-encoder")
    assert repo.uri == "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/team/news-encoder"
    assert repo.image(tag="v1") == f"{repo.uri}:v1"
    digest = "sha256:" + "a" * 64
    assert repo.image(tag="v1", digest=digest) == f"{repo.uri}@{digest}"


def test_china_partition_uses_its_own_domain():
    repo = arns.parse_repository_arn("arn:aws-cn:ecr:cn-north-1:123456789012:repository/x")
    assert repo.uri.endswith("amazonaws.com.cn/x")


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:s3:::bucket",
        "arn:aws:ecr:ap-northeast-1:1234:repository/x",
        "arn:aws:ecr:tokyo:123456789012:repository/x",
        "arn:aws:ecr:ap-northeast-1:123456789012:image/x",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/Upper",
    ],
)
def test_bad_repository_arns(arn):
    with pytest.raises(ValueError, match="expected arn:aws:ecr"):
        arns.parse_repository_arn(arn)


def test_secret_references_grant_the_secret_not_the_json_key():
    base = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:db-AbCdEf"
    assert arns.secret_resource_arn(base) == base
    assert arns.secret_resource_arn(base + ":password::") == base
    param = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/feature/token"
    assert arns.secret_resource_arn(param) == param
    assert arns.secret_service(param) == "ssm"
    with pytest.raises(ValueError):
        arns.secret_resource_arn("hunter2")


def test_a_partial_secret_arn_grants_the_secret_by_its_six_character_suffix():
    """IAM matches the full ARN (`<name>-AbCdEf`); the partial one alone would deny the task its secret."""
    partial = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:feature/db"
    assert arns.secret_resource_arn(partial) == partial + "-??????"
    assert arns.secret_resource_arn(partial + ":password:AWSCURRENT:") == partial + "-??????"
