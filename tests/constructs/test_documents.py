"""IAM policy and container documents, built without synthesizing anything."""

from modules.constructs import documents
from modules.constructs.props import VariantServiceProps, service_props
from tests.helpers import default_data, load

LOG_GROUP_ARN = "${aws_cloudwatch_log_group.x.arn}"


def variant_props(data: dict, index: int = 0) -> VariantServiceProps:
    """The props of one variant of a config, as the stack builds them."""
    deployment = load(data)
    spec = deployment.variants[index]
    return service_props(spec, deployment, region=deployment.region, tags=deployment.resource_tags(spec))


def statements_by_sid(doc):
    return {s["Sid"]: s for s in doc["Statement"]}


def test_execution_policy_is_scoped_to_one_repository_log_group_and_its_secrets():
    control = load(default_data()).variants[0]
    by_sid = statements_by_sid(documents.execution_role_policy(variant_props(default_data()), LOG_GROUP_ARN))
    assert set(by_sid) == {"EcrAuth", "EcrPull", "Logs", "Secrets"}
    assert by_sid["EcrAuth"] == {
        "Sid": "EcrAuth",
        "Effect": "Allow",
        "Action": "ecr:GetAuthorizationToken",
        "Resource": "*",
    }
    assert by_sid["EcrPull"]["Resource"] == control.repository.arn
    assert by_sid["Logs"]["Resource"] == f"{LOG_GROUP_ARN}:log-stream:*"
    assert by_sid["Secrets"]["Resource"] == [control.settings.secrets["FEATURE_STORE_TOKEN"]]
    wildcard = [s["Sid"] for s in by_sid.values() if s["Resource"] == "*"]
    assert wildcard == ["EcrAuth"]


def test_no_secrets_means_no_secret_statement_and_parameters_use_ssm():
    data = default_data()
    data["pipelines"]["news-encoder"]["secrets"] = {}
    assert "Secrets" not in statements_by_sid(documents.execution_role_policy(variant_props(data), LOG_GROUP_ARN))
    param = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/p"
    data["pipelines"]["news-encoder"]["secrets"] = {"P": param}
    by_sid = statements_by_sid(documents.execution_role_policy(variant_props(data), LOG_GROUP_ARN))
    assert by_sid["Parameters"] == {
        "Sid": "Parameters",
        "Effect": "Allow",
        "Action": "ssm:GetParameters",
        "Resource": [param],
    }


def test_container_definition():
    treatment = load(default_data()).variants[1]
    (container,) = documents.container_definitions(treatment.containers[0], "ap-northeast-1")
    assert container["name"] == "news-encoder"
    assert container["image"] == treatment.image.uri
    assert container["entryPoint"] == ["python", "-m", "news_encoder.stream"]
    assert "command" not in container  # `command: []` keeps the image's CMD
    assert container["environment"] == [
        {"name": "MODEL_VERSION", "value": "v2"},
        {"name": "SOURCE_STREAM", "value": "news-articles"},
    ]
    assert container["secrets"][0]["name"] == "FEATURE_STORE_TOKEN"
    assert container["readonlyRootFilesystem"] is True
    assert container["mountPoints"] == [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}]
    assert container["user"] == "1000:1000"
    assert container["logConfiguration"] == {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": "/ecs/feature-pipelines/news-encoder/treatment",
            "awslogs-region": "ap-northeast-1",
            "awslogs-stream-prefix": "treatment",
        },
    }


KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def test_secrets_kms_keys_are_decryptable_only_through_the_services_holding_the_secrets():
    data = default_data()
    pipeline = data["pipelines"]["news-encoder"]
    pipeline["secrets_kms_key_arns"] = [KEY]
    pipeline["secrets"]["P"] = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/p"
    by_sid = statements_by_sid(documents.execution_role_policy(variant_props(data), LOG_GROUP_ARN))
    assert by_sid["SecretsKms"] == {
        "Sid": "SecretsKms",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": [KEY],
        "Condition": {
            "StringEquals": {
                "kms:ViaService": ["secretsmanager.ap-northeast-1.amazonaws.com", "ssm.ap-northeast-1.amazonaws.com"]
            }
        },
    }
    assert "SecretsKms" not in statements_by_sid(
        documents.execution_role_policy(variant_props(default_data()), LOG_GROUP_ARN)
    )
