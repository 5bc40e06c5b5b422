"""Credential heuristics for plain environment variables."""

import pytest

from modules.policy import credentials


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "dbPassword",
        "PASSWD",
        "AUTH_TOKEN",
        "GITHUB_TOKEN",
        "CLIENT_SECRET",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID_X_SECRET",
        "STRIPE_API_KEY",
        "apiKey",
        "PRIVATE_KEY",
        "MONGO_CONNECTION_STRING",
        "SENTRY_DSN",
        "GOOGLE_APPLICATION_CREDENTIALS",
    ],
)
def test_credential_names(name):
    assert credentials.credential_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "SOURCE_STREAM",
        "MODEL_VERSION",
        "PWD",
        "MAX_TOKENS",
        "TOKENIZER_PATH",
        "PARTITION_KEY",
        "SORT_KEY",
        "KEY_PREFIX",
        "DB_SECRET_ARN",
        "TOKEN_URL",
        "PASSWORD_FILE",
        "SECRET_NAME",
    ],
)
def test_ordinary_names(name):
    assert not credentials.credential_name(name)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIE", "a private key"),
        ("postgres://app:s3cret@db.internal:5432/features", "a URL with a password"),
        ("redis://:s3cret@cache:6379/0", "a URL with a password"),
        ("Server=db;Database=x;User Id=app;Password=s3cret;", "a connection string with a password"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", "a JSON web token"),
        ("ghp_" + "a" * 36, "a GitHub token"),
        ("xoxb-1234567890-abcdef", "a Slack token"),
    ],
)
def test_credential_values(value, kind):
    assert credentials.credential_value(value) == kind


@pytest.mark.parametrize(
    "value",
    ["news-articles", "v2", "https://api.example.com/v1", "postgres://db.internal:5432/x", "user@example.com", ""],
)
def test_ordinary_values(value):
    assert credentials.credential_value(value) is None
