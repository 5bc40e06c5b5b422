"""The backend: block: defaults, templates, and one line per bad input."""

import pytest

from modules.config.backend import BackendConfig, placeholders, render
from tests.helpers import config_problems, default_data, load


def with_backend(**backend):
    data = default_data()
    data["backend"] = backend
    return data


def test_local_is_the_default():
    assert load(default_data()).backend == BackendConfig(type="local")


def test_s3_defaults():
    backend = load(with_backend(type="s3", bucket="acme-state")).backend
    assert (backend.key, backend.encrypt, backend.use_lockfile) == ("{project}/{stack}.tfstate", True, True)
    assert backend.region is None and backend.dynamodb_table is None


def test_templates():
    assert placeholders("{project}/{stack}.tfstate") == {"project", "stack"}
    assert render("{project}/{stack}.tfstate", stack="prd", project="fp") == "fp/prd.tfstate"
    with pytest.raises(ValueError, match=r"unknown placeholder \{env\}"):
        placeholders("{env}.tfstate")


@pytest.mark.parametrize(
    ("backend", "path", "fragment"),
    [
        ({"type": "gcs"}, "backend.type", "'local', 's3' or 'cloud'"),
        ({"type": "s3"}, "backend.bucket", "required for type s3"),
        ({"type": "s3", "bucket": "Bad_Bucket"}, "backend.bucket", "does not match"),
        ({"type": "s3", "bucket": "b-1", "key": "state.tfstate"}, "backend.key", "e.g. '{project}/{stack}.tfstate'"),
        ({"type": "s3", "bucket": "b-1", "key": "{env}/{stack}"}, "backend.key", "unknown placeholder {env}"),
        ({"type": "s3", "bucket": "b-1", "key": "{stack"}, "backend.key", "malformed template"),
        ({"type": "s3", "bucket": "b-1", "role_arn": "arn:aws:iam::1:role/x"}, "backend.role_arn", "not an IAM role"),
        ({"type": "s3", "bucket": "b-1", "kms_key_id": "my-key"}, "backend.kms_key_id", "not a KMS key"),
        ({"type": "s3", "bucket": "b-1", "lockfile": True}, "backend.lockfile", "did you mean 'use_lockfile'?"),
        ({"bucket": "b-1"}, "backend.bucket", "not used by type local"),
        ({"type": "s3", "bucket": "b-1", "organization": "acme"}, "backend.organization", "not used by type s3"),
        ({"type": "cloud", "workspace": "{stack}"}, "backend.organization", "required for type cloud"),
        ({"type": "cloud", "organization": "acme"}, "backend.workspace", "set workspace"),
        (
            {"type": "cloud", "organization": "acme", "workspace": "{stack}", "workspace_tags": ["{stack}"]},
            "backend.workspace",
            "not both",
        ),
        ({"type": "cloud", "organization": "acme", "workspace": "fp"}, "backend.workspace", "e.g. '{project}-{stack}'"),
        (
            {"type": "cloud", "organization": "acme", "workspace": "{project}/{stack}"},
            "backend.workspace",
            "only letters, digits, '-' and '_'",
        ),
        (
            {"type": "cloud", "organization": "acme", "workspace_tags": ["fp", "ml"]},
            "backend.workspace_tags",
            "no tag contains {stack}",
        ),
    ],
)
def test_each_bad_backend_gives_one_line_with_its_path_and_fix(backend, path, fragment):
    (line,) = config_problems(with_backend(**backend))
    assert line.startswith(f"{path}: "), line
    assert fragment in line


@pytest.mark.parametrize(
    "key",
    [
        "alias/terraform-state",
        "0123abcd-0123-4567-89ab-0123456789ab",
        "mrk-0123456789abcdef0123456789abcdef",
        "arn:aws:kms:ap-northeast-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab",
        "arn:aws:kms:ap-northeast-1:123456789012:alias/terraform-state",
    ],
)
def test_kms_key_forms_terraform_accepts(key):
    assert load(with_backend(type="s3", bucket="b-1", kms_key_id=key)).backend.kms_key_id == key
