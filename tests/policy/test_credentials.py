"""Credential heuristics for plain environment variables."""

import random
import string

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


@pytest.mark.parametrize(
    "name",
    [
        "PGPASSWORD",
        "MYSQL_PWD",
        "DB_PASS",
        "SMTP_PASS",
        "STRIPE_KEY",
        "OPENAI_KEY",
        "REDISCLI_AUTH",
        "DBPASSWORD",
        "AZURE_STORAGE_KEY",
        "MASTER_KEY",
        "BASIC_AUTH",
        "VPN_PSK",
        "AWS_SESSION_TOKEN",
        "db-password",
        "apiKey",
    ],
)
def test_well_known_credential_names(name):
    assert credentials.credential_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "OLDPWD",
        "PASSWORD_MIN_LENGTH",
        "TOKEN_TYPE",
        "AUTH_MODE",
        "FEATURE_KEY",
        "CACHE_KEY",
        "KMS_KEY_ID",
        "PGPASSFILE",
        "SECRETS_MANAGER_ENDPOINT",
        "USE_SECRETS_MANAGER",
        "DB_PASSWORD_PARAM",
        "BYPASS",
        "PASSWORD_AUTH_ENABLED",
    ],
)
def test_ordinary_names_stay_ordinary(name):
    assert not credentials.credential_name(name)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key"),
        ("key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY;region=x", "an AWS secret access key"),
        ("Zx8Kq2LmN4pR7sT1vW3yB5dF6gH9jQ0aXc", "a high-entropy token"),
        ("Bearer 5GIjgUqu3LUm9qnJp-v3pgPWl0NfjlbBcWV3PhReJxo", "a high-entropy token"),
        ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "a Stripe secret key"),
        ("sk-proj-" + "a1B2c3D4e5F6g7H8i9J0k1L2", "an OpenAI or Anthropic API key"),
        ("glpat-" + "abcdefghij0123456789", "a GitLab token"),
        ("AIza" + "SyA1234567890abcdefghijklmnopqrstuv", "a Google API key"),
        ("hf_" + "abcdefghijklmnopqrstuvwxyz01234567", "a Hugging Face token"),
        ("github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "a GitHub token"),
        ('PlainLoginModule required username="app" password="s3cret";', "a password assignment"),
        ("https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX", "a Slack webhook URL"),
    ],
)
def test_credential_shaped_values(value, kind):
    assert credentials.credential_value(value) == kind


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-20",  # an image tag
        "1.0.0-rc.1+build.20261120",
        "https://api.example.com/v1/models?version=3",  # a URL without a password
        "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/news-encoder:2026-11-20",
        "7f91240a-48af-8306-55a6-3540b772229a",  # a UUID
        "11f6ad8ec52a2984abaafd7c3b516503785c2072",  # a commit SHA (hex secrets are found by name only)
        "sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
        "HuggingFaceTB/SmolLM2-135M-Instruct-20241101",  # model names and versions
        "sentence-transformers/all-MiniLM-L6-v2",
        "meta-llama/Meta-Llama-3.1-8B-Instruct",
        "news_encoder_v2_checkpoint_20261101_final",
        "MyCompanyFeatureStoreIngestionPipeline2026",  # identifiers made of words
        "com.example.features.NewsEncoderStreamProcessor2026",
        "/opt/ml/Model/NewsEncoder/Checkpoint-20261101/Weights",  # paths
        "s3://feature-store/NewsEncoder/Embeddings/2026/11/20/Part0001.parquet",
        "arn:aws:kinesis:ap-northeast-1:123456789012:stream/news-articles",
        "--password=${DB_PASSWORD}",  # a shell expansion, not a password
        "sk-learn",
    ],
)
def test_ordinary_values_are_not_credentials(value):
    assert credentials.credential_value(value) is None


def test_most_random_tokens_are_found_by_entropy():
    alphabet = string.ascii_letters + string.digits + "-_"
    rng = random.Random(14)
    tokens = ["".join(rng.choice(alphabet) for _ in range(43)) for _ in range(500)]
    assert sum(credentials.credential_value(token) is not None for token in tokens) >= 475


@pytest.mark.parametrize(
    ("value", "is_reference"),
    [
        ("arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:db-AbCdEf", True),
        ("arn:aws:ssm:ap-northeast-1:123456789012:parameter/prod/db/password", True),
        ("arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", True),
        ("/prod/db/password", True),  # an SSM parameter name
        ("/run/secrets/db_password", True),  # a mounted secret file
        ("/hunter2", False),  # one segment: a value that merely starts with /
        ("/../etc/passwd", False),
        ("/a b/c", False),
        ("/prod/token\n", False),
        ("arn:hunter2", False),  # merely starts with arn:
        ("arn:aws:s3:::bucket/password.txt", False),
        ("arn:aws:secretsmanager:ap-northeast-1:1234:secret:x", False),
        ("hunter2", False),
    ],
)
def test_references_are_recognized_by_their_real_shape(value, is_reference):
    assert credentials.reference(value) is is_reference


@pytest.mark.parametrize(
    ("args", "found"),
    [
        (["app", "--password=hunter2"], {1: "gives --password a plain value"}),
        (["app", "--token", "abc123", "--port", "80"], {2: "gives --token a plain value"}),
        (["sh", "-c", "MYSQL_PWD=x mysql && app --client-secret 's3'"], {2: "gives MYSQL_PWD a plain value"}),
        (["app", "--key", "AKIAIOSFODNN7EXAMPLE"], {2: "holds what looks like an AWS access key id"}),
        (["app", "--api-key=$KEY", "--password-file", "/run/secrets/db", "--token", "/prod/token"], {}),
        (["app", "--password", "-v"], {}),
    ],
)
def test_credential_arguments(args, found):
    assert credentials.credential_arguments(args) == found


@pytest.mark.parametrize(
    "name",
    [
        # glued words: a credential word after a qualifier, without a separator
        "AUTHTOKEN",
        "APITOKEN",
        "ACCESSTOKEN",
        "DBPASS",
        "ADMINPASS",
        "DBPWD",
        "APPSECRET",
        "DBCREDS",
        "SECRETKEY",
        "ACCESSKEY",
        "STRIPEKEY",
        # camelCase, with acronyms and split credential words
        "dbPassWord",
        "RootPassWord",
        "adminPwd",
        "APIKey",
        "OAuthToken",
        "userPassPhrase",
        # abbreviations
        "DB_CREDS",
        "userCreds",
        "SMTP_CRED",
        "DB_PRIV_KEY",
        # a well-known credential variable inside a longer name
        "AWS_SECRET_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY_VALUE",
        "AWS_SECRET_ACCESS_KEY_VERSION",
        "PROD_PGPASSWORD",
        "GH_TOKEN_ID",
        # numbered
        "DB_PASS2",
        "REDIS_PWD_1",
        "apiKey2",
    ],
)
def test_credential_names_glued_camel_cased_abbreviated_or_extended(name):
    assert credentials.credential_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "TOKENIZER_NAME",
        "TOKENIZER",
        "KEYSPACE",
        "PASSTHROUGH",
        "PASSTHROUGH_MODE",
        "COMPASS_HEADING",
        "SURPASS",
        "NUM_PASSES",
        "PASS_COUNT",
        "PASSENGER_TABLE",
        "MONKEY",
        "HOTKEY",
        "KEYBOARD_LAYOUT",
        "CREDIT_LIMIT",
        "AWS_ACCESS_KEY_ID",
        "PRIVATE_KEY_ID",  # the id of a key pair (a service account file has both)
        "SECRET_ID",  # a Secrets Manager secret id: a reference
        "AWS_SECRET_ACCESS_KEY_FILE",
        "TOKENS_PER_SECOND",
        "MAX_NEW_TOKENS",
        "TOKEN_ISSUER",  # words that describe a credential, not hold it
        "TOKEN_AUDIENCE",
        "TOKEN_BUCKET_SIZE",
        "APP_KEY_PREFIX",
        "CREDENTIAL_PROVIDER",
        "SECRET_VERSION",
        "PASSWORD_POLICY",
    ],
)
def test_ordinary_names_stay_ordinary_however_written(name):
    assert not credentials.credential_name(name)


@pytest.mark.parametrize(
    ("args", "found"),
    [
        (["mysql", "-h", "db", "-u", "app", "-pS3cret", "features"], {5: "gives -p a plain value"}),
        (["sh", "-c", "exec /usr/bin/mysqldump -uroot -p'S3cret' features"], {2: "gives -p a plain value"}),
        (["mariadb", "-pS3cret"], {1: "gives -p a plain value"}),
        (["sshpass", "-p", "S3cret", "ssh", "host"], {2: "gives -p a plain value"}),
        (["sh", "-c", "redis-cli -h cache -a S3cret ping"], {2: "gives -a a plain value"}),
        (["mongosh", "--host", "db", "-p", "S3cret"], {4: "gives -p a plain value"}),
        (["sqlcmd", "-S", "db", "-U", "sa", "-P", "S3cret"], {6: "gives -P a plain value"}),
        (["curl", "-u", "admin:S3cret", "https://example.com"], {2: "gives -u a plain value"}),
        (["curl", "--user=admin:S3cret", "https://example.com"], {1: "gives --user a plain value"}),
    ],
)
def test_password_options_of_common_clients(args, found):
    assert credentials.credential_arguments(args) == found


@pytest.mark.parametrize(
    "args",
    [
        ["mysql", "-h", "db", "-p", "features"],  # -p alone prompts; `features` is the database
        ["mysql", "-P", "3306", "-p$MYSQL_PWD"],
        ["sh", "-c", 'mysql -p"${DB_PASSWORD}" features'],
        ["ssh", "-p", "2222", "host"],
        ["app", "-p", "8080", "-pfast"],  # -p of a program that takes no password there
        ["sh", "-c", "mkdir -p /tmp/x && app -pS3cret"],
        ["curl", "-u", "admin", "https://example.com"],  # prompts for the password
        ["curl", "-u", "admin:$TOKEN", "https://example.com"],
        ["redis-cli", "-h", "cache", "ping"],
    ],
)
def test_ordinary_client_options_pass(args):
    assert credentials.credential_arguments(args) == {}
