"""Does a plain value carry a credential? Pure heuristics over names, values and arguments.

- Names are split into words at separators, case changes and digits (`DB_PASSWORD`, `dbPassWord`
  -> DB, PASS(WORD)) and matched against credential words (also glued after a qualifier:
  `AUTHTOKEN`, `DBPASS`; also split by case and rejoined: `PassWord`), abbreviations (`CREDS`,
  `PWD`), word pairs, vendor key names and well-known variables read by clients (`PGPASSWORD`,
  `MYSQL_PWD`, ..., also inside a longer name); a name whose last word says where a credential is
  (`*_ARN`, `*_FILE`, `*_URL`, ...) or describes it (`*_ID`, `*_TYPE`, ...) is not a credential name.
- Values are matched against the shapes of well-known credentials (AWS access key ids and secret
  access keys, private keys, passwords in URLs and connection strings, documented token prefixes)
  and a conservative high-entropy check: a run of 32 or more base64/base64url characters mixing
  upper case, lower case and digits, of high Shannon entropy, that is not made of words. Hex-only
  and lower-case-only strings are never "high entropy" (commit SHAs, image digests, UUIDs), nor are
  identifiers made of words (model names, image tags, class names, paths): a hex secret is found
  by its name only.
- A reference to a credential is recognized only by its real shape: a Secrets Manager secret, SSM
  parameter or KMS key ARN, or an absolute path of two or more segments (an SSM parameter name or
  a mounted secret file such as /run/secrets/db). Anything else merely starting with `/` or `arn:`
  is a plain value.
- Arguments (command, entry point, health check) are read word by word (so `sh -c "app --token x"`
  counts): `--password=x`, `--token x`, `PGPASSWORD=x`, the password options of common clients
  (`mysql -px`, `sshpass -p x`, `redis-cli -a x`, `curl -u user:x`), and any credential-shaped word.
A false alarm blocks synth, so every value pattern is specific.
"""

from __future__ import annotations

import collections
import itertools
import math
import re
from collections.abc import Sequence

from ..config import arns

#: A name containing one of these words names a credential (also split by case: PassWord, ApiKey).
_WORDS = frozenset(
    {
        "PASSWORD", "PASSWD", "PASSPHRASE", "PASSCODE", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS", "CREDS",
        "APIKEY", "DSN",
    }
)  # fmt: skip
#: ... or a word glued from a qualifier and one of these (AUTHTOKEN, APPSECRET, DBCREDS, PGPASSWORD).
_GLUED = ("PASSWORD", "PASSWD", "PASSPHRASE", "PASSCODE", "SECRET", "TOKEN", "CREDENTIALS", "CREDS", "APIKEY")
#: ... or a word containing one of these anywhere (PGPASSWORD, DBPASSWORDHASH).
_CONTAINED = re.compile("PASSWORD|PASSWD|PASSPHRASE")
#: ... or ending with one of these words, alone or glued (DB_PASS, MYSQL_PWD, DBPASS, ADMINPWD; a bare
#: PWD is the working directory).
_LAST_WORDS = ("PASS", "PWD", "PW", "PSK", "CRED")
#: Words that merely end like a credential: English words, and the shell's previous directory.
_NOT_GLUED = frozenset({"BYPASS", "COMPASS", "ENCOMPASS", "SURPASS", "TRESPASS", "OVERPASS", "UNDERPASS", "OLDPWD"})
#: ... unless its last word says where the credential is (SECRET_ARN, TOKEN_FILE, TOKEN_URL) ...
_POINTER_WORDS = frozenset(
    {"ARN", "NAME", "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "PARAM", "PARAMETER", "HEADER"}
)
#: ... or describes it (TOKEN_TYPE, PASSWORD_MIN_LENGTH, KMS_KEY_ID, TOKEN_ISSUER); a well-known
#: variable stays a credential with these (AWS_SECRET_ACCESS_KEY_ID).
_DESCRIBING_WORDS = frozenset(
    {
        "ID", "TTL", "REGION", "LENGTH", "TYPE", "ENABLED", "REQUIRED", "ISSUER", "AUDIENCE", "SCOPE",
        "LIMIT", "SIZE", "COUNT", "PREFIX", "SUFFIX", "PROVIDER", "TIMEOUT", "EXPIRY", "VERSION",
        "ALGORITHM", "FORMAT", "POLICY",
    }
)  # fmt: skip
#: ... or one of these word pairs.
_PAIRS = frozenset(
    {
        ("API", "KEY"),
        ("ACCESS", "KEY"),
        ("PRIVATE", "KEY"),
        ("SIGNING", "KEY"),
        ("ENCRYPTION", "KEY"),
        ("MASTER", "KEY"),
        ("LICENSE", "KEY"),
        ("ACCOUNT", "KEY"),
        ("STORAGE", "KEY"),
        ("SERVICE", "KEY"),
        ("SESSION", "KEY"),
        ("HMAC", "KEY"),
        ("PRIV", "KEY"),
        ("ENC", "KEY"),
        ("CRYPTO", "KEY"),
        ("AES", "KEY"),
        ("SECRET", "KEY"),
        ("JWT", "KEY"),
        ("SSH", "KEY"),
        ("APP", "KEY"),
        ("AUTH", "KEY"),
        ("CLIENT", "SECRET"),
        ("CONNECTION", "STRING"),
        ("CONN", "STR"),
        ("BASIC", "AUTH"),
        ("HTTP", "AUTH"),
        ("PROXY", "AUTH"),
    }
)
#: Services whose `<SERVICE>_KEY` is an API key (STRIPE_KEY, SENDGRID_KEY, OPENAI_KEY).
_VENDORS = frozenset(
    {
        "STRIPE", "SENDGRID", "MAILGUN", "MAILCHIMP", "TWILIO", "OPENAI", "ANTHROPIC", "COHERE", "MISTRAL",
        "ALGOLIA", "PUSHER", "DATADOG", "DD", "NEWRELIC", "SENTRY", "SEGMENT", "MAPBOX", "GOOGLE", "GCP",
        "AZURE", "HUGGINGFACE", "HF", "PINECONE", "WANDB", "SLACK", "GITHUB", "GITLAB", "NPM", "PYPI",
    }
)  # fmt: skip
#: Variables that well-known clients read a credential from, whatever their words say.
KNOWN_NAMES = frozenset(
    {
        "PGPASSWORD",  # libpq (psql, psycopg)
        "MYSQL_PWD",  # MySQL clients
        "REDISCLI_AUTH",  # redis-cli
        "AWS_SECRET_ACCESS_KEY",  # AWS SDKs
        "AWS_SESSION_TOKEN",  # AWS SDKs
        "GH_TOKEN",  # GitHub CLI
        "NPM_TOKEN",  # npm
        "TWINE_PASSWORD",  # twine
        "VAULT_TOKEN",  # HashiCorp Vault
        "DOCKER_AUTH_CONFIG",  # GitLab runner, Docker credentials
    }
)

_VALUE_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a URL with a password", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@")),
    ("a connection string with a password", re.compile(r"(?i)(?:^|;)\s*(?:password|pwd)\s*=\s*[^;\s$]")),
    ("a password assignment", re.compile(r"(?i)\bpassword\s*=\s*[\"']?[^\s\"';&$]")),
    ("a JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})\b")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20}\b")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Slack webhook URL", re.compile(r"hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+")),
    ("a Stripe secret key", re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("an OpenAI or Anthropic API key", re.compile(r"\bsk-(?:proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{20,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a PyPI token", re.compile(r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{40,}")),
    ("a Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{34,}\b")),
    ("a SendGrid API key", re.compile(r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b")),
)
#: An AWS secret access key: exactly 40 base64 characters, standing alone.
_AWS_SECRET_KEY = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
#: Candidates of the high-entropy check: runs of the base64 and base64url alphabets.
_TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{32,}")
_TOKEN_MIN_ENTROPY = 4.0  # bits per character; random base62 of 32 characters has 4.2 or more in 99 of 100
_WORD_PIECE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_MAX_WORD_SHARE = 0.5  # random tokens: about 0.2; identifiers made of words: 0.57 and more
#: An absolute path (SSM parameter name or mounted file) of two or more plain segments.
_PATH = re.compile(r"(?:/(?!\.\.?(?:/|$))[A-Za-z0-9_.-]+){2,}")


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])")
#: Qualifiers that make `<qualifier>KEY` a credential when glued (ACCESSKEY, STRIPEKEY).
_KEY_QUALIFIERS = frozenset(first for first, second in _PAIRS if second == "KEY") | _VENDORS


def name_words(name: str) -> list[str]:
    """'DB_PASSWORD', 'dbPassword', 'db-password' -> ['DB', 'PASSWORD']; 'APIKey' -> ['API', 'KEY']."""
    return [word for word in re.split(r"[^A-Z0-9]+", _CAMEL.sub("_", name).upper()) if word]


def credential_name(name: str) -> bool:
    """True when the variable's name says it holds a credential (not where one is, nor about one)."""
    words = name_words(name)
    while len(words) > 1 and words[-1].isdigit():
        words.pop()  # a numbered credential is a credential: DB_PASS2, API_KEY_1
    if not words or words[-1] in _POINTER_WORDS:
        return False
    if any(f"_{known}_" in f"_{'_'.join(words)}_" for known in KNOWN_NAMES):
        return True
    if words[-1] in _DESCRIBING_WORDS:
        return False
    # a credential word split by case (PassWord, ApiKey) is rejoined
    terms = {*words, *(first + second for first, second in itertools.pairwise(words))}
    return (
        bool(_WORDS & terms)
        or any(word.endswith(_GLUED) or _CONTAINED.search(word) for word in words)
        or _last_word_says_credential(words)
        or any(pair in _PAIRS for pair in itertools.pairwise(words))
        or (len(words) > 1 and words[-1] == "KEY" and words[-2] in _VENDORS)
        or any(word.endswith("KEY") and word[:-3] in _KEY_QUALIFIERS for word in words)
    )


def _last_word_says_credential(words: list[str]) -> bool:
    last = words[-1]
    if last in _LAST_WORDS:
        return len(words) > 1 or last == "PASS"
    return last.endswith(("PASS", "PWD")) and last not in _NOT_GLUED


def entropy(text: str) -> float:
    """Shannon entropy of `text` in bits per character."""
    counts = collections.Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def word_share(text: str) -> float:
    """Share of `text` in word-like pieces of four or more characters ('NewsEncoder2026' -> 1.0)."""
    return sum(len(piece) for piece in _WORD_PIECE.findall(text) if len(piece) >= 4) / len(text)


def _mixed(text: str) -> bool:
    return any(c.isupper() for c in text) and any(c.islower() for c in text) and any(c.isdigit() for c in text)


def _random_looking(token: str) -> bool:
    return _mixed(token) and entropy(token) >= _TOKEN_MIN_ENTROPY and word_share(token) < _MAX_WORD_SHARE


def credential_value(value: str) -> str | None:
    """What kind of credential `value` looks like, or None."""
    kind = next((kind for kind, shape in _VALUE_SHAPES if shape.search(value)), None)
    if kind:
        return kind
    if any(_mixed(key) and entropy(key) >= _TOKEN_MIN_ENTROPY for key in _AWS_SECRET_KEY.findall(value)):
        return "an AWS secret access key"
    tokens = (token.rstrip("=") for token in _TOKEN.findall(value))
    if any(len(token) >= 32 and not token.startswith("/") and _random_looking(token) for token in tokens):
        return "a high-entropy token"
    return None


def reference(value: str) -> bool:
    """True when `value` points at a credential: a Secrets Manager, SSM parameter or KMS key ARN, or a path."""
    if _PATH.fullmatch(value):
        return True
    for check in (arns.secret_resource_arn, arns.check_kms_key_arn):
        try:
            check(value)
        except ValueError:
            continue
        return True
    return False


def plain_credential(name: str, value: str) -> str | None:
    """Why the variable `name=value` holds a credential in plain text, or None."""
    kind = credential_value(value)
    if kind:
        return f"the value looks like {kind}"
    if value and credential_name(name) and not reference(value):
        return "the name says it holds a credential"
    return None


def _given(value: str) -> bool:
    """A value written out, not a shell expansion ($VAR, ${VAR}) or a reference."""
    value = value.strip("\"'")
    return bool(value) and not value.startswith("$") and not reference(value)


#: Clients taking a password in a short option: program -> (option, whether the next word is its value).
#: The MySQL clients read it glued only (`-pS3cret`; `-p db` prompts, and `db` is the database).
_PASSWORD_OPTIONS: dict[str, tuple[str, bool]] = {
    **dict.fromkeys(
        (
            "mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlshow", "mysqlcheck", "mysqlslap",
            "mysqlbinlog", "mysqlpump", "mysqlsh", "mariadb", "mariadb-dump", "mariadb-admin",
            "mariadb-import", "mariadb-show", "mariadb-check", "mariadb-slap", "mariadb-binlog",
        ),
        ("-p", False),
    ),
    **dict.fromkeys(
        (
            "sshpass", "mongo", "mongosh", "mongodump", "mongorestore", "mongoexport", "mongoimport",
            "mongostat", "mongotop", "mongofiles",
        ),
        ("-p", True),
    ),
    "redis-cli": ("-a", True),
    "sqlcmd": ("-P", True),
    "bcp": ("-P", True),
}  # fmt: skip
#: Clients taking `user:password` in an option (`curl -u admin:S3cret`; `-u admin` prompts).
_USER_PASSWORD_OPTIONS: dict[str, tuple[str, ...]] = {"curl": ("-u", "--user")}
_CLIENTS = frozenset(_PASSWORD_OPTIONS) | frozenset(_USER_PASSWORD_OPTIONS)
#: Shell words that end a command: the next word is another program.
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})
#: What may be the name in `--name=value`, `--name value` or `NAME=value`.
_OPTION_NAME = re.compile(r"-{0,2}[A-Za-z_][A-Za-z0-9_.-]*")


def credential_arguments(args: Sequence[str]) -> dict[int, str]:
    """Argument index -> how it passes a credential in plain text (never showing it), first found per argument."""
    found: dict[int, str] = {}
    words = [(index, word) for index, arg in enumerate(args) for word in arg.split()]
    program = ""
    for position, (index, word) in enumerate(words):
        following = words[position + 1] if position + 1 < len(words) else None
        if word in _SEPARATORS:
            program = ""
        elif word.rsplit("/", 1)[-1] in _CLIENTS:
            program = word.rsplit("/", 1)[-1]
        for at, option in [*_named(word, following), *_client_option(program, word, following)]:
            found.setdefault(index if at is None else at, f"gives {option} a plain value")
    for index, arg in enumerate(args):
        kind = credential_value(arg)
        if kind:
            found.setdefault(index, f"holds what looks like {kind}")
    return dict(sorted(found.items()))


Word = tuple[int, str]


def _named(word: str, following: Word | None) -> list[tuple[int | None, str]]:
    """`--password=x`, `PGPASSWORD=x` (None: this word), `--token x` (the following word's index)."""
    name, assigned, value = word.partition("=")
    if not _OPTION_NAME.fullmatch(name) or not credential_name(name.lstrip("-")):
        return []
    if assigned:
        return [(None, name)] if _given(value) else []
    if name.startswith("-") and following and not following[1].startswith("-") and _given(following[1]):
        return [(following[0], name)]
    return []


def _client_option(program: str, word: str, following: Word | None) -> list[tuple[int | None, str]]:
    """A password option of a known client: `mysql -pS3cret`, `sshpass -p S3cret`, `curl -u admin:S3cret`."""
    if program in _PASSWORD_OPTIONS:
        option, separate = _PASSWORD_OPTIONS[program]
        if word.startswith(option) and word != option and _given(word[len(option) :]):
            return [(None, option)]
        if word == option and separate and following and not following[1].startswith("-") and _given(following[1]):
            return [(following[0], option)]
    for option in _USER_PASSWORD_OPTIONS.get(program, ()):
        glued = word.removeprefix(f"{option}=" if option.startswith("--") else option)
        if word.startswith(option) and glued != word and glued and _user_password(glued):
            return [(None, option)]
        if word == option and following and _user_password(following[1]):
            return [(following[0], option)]
    return []


def _user_password(value: str) -> bool:
    """`user:password` with the password written out."""
    _, colon, password = value.strip("\"'").partition(":")
    return bool(colon) and _given(password)
