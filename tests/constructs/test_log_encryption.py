"""log_kms_key_arn: the variant's log group is encrypted with the given key, and only that one."""

from tests.helpers import default_data, synth

KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def test_a_variant_key_encrypts_only_its_own_log_group():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["log_kms_key_arn"] = KEY
    groups = synth(data)["resource"]["aws_cloudwatch_log_group"]
    assert groups["news-encoder_treatment"]["kms_key_id"] == KEY
    assert "kms_key_id" not in groups["news-encoder_control"]
