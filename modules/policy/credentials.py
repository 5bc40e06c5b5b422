"""Does an environment variable look like it carries a credential? (pure heuristics)

Names are split into words (`DB_PASSWORD`, `dbPassword` -> DB, PASSWORD); values are matched
against the shapes of well-known credentials. Deliberately no entropy guessing: a false alarm
blocks synth, so every pattern here is specific.
"""

from __future__ import annotations

import itertools
import re

#: A name containing one of these words names a credential.
_WORDS = frozenset(
    {"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS", "APIKEY", "DSN"}
)
#: ... unless its last word says it holds a reference to one (SECRET_ARN, TOKEN_FILE, TOKEN_URL).
_REFERENCE_WORDS = frozenset({"ARN", "NAME", "ID", "FILE", "PATH", "URL", "URI", "ENDPOINT", "TTL", "REGION", "LENGTH"})
#: ... or one of these word pairs.
_PAIRS = frozenset(
    {
        ("API", "KEY"),
        ("ACCESS", "KEY"),
        ("PRIVATE", "KEY"),
        ("SIGNING", "KEY"),
        ("ENCRYPTION", "KEY"),
        ("CLIENT", "SECRET"),
        ("CONNECTION", "STRING"),
        ("CONN", "STR"),
        ("AUTH", "KEY"),
    }
)
_VALUE_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a URL with a password", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@")),
    ("a connection string with a password", re.compile(r"(?i)(?:^|;)\s*(?:password|pwd)\s*=\s*[^;\s]")),
    ("a JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
)


def name_words(name: str) -> list[str]:
    """'DB_PASSWORD' and 'dbPassword' -> ['DB', 'PASSWORD']."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [word for word in spaced.upper().split("_") if word]


def credential_name(name: str) -> bool:
    """True when the variable's name says it holds a credential (not a reference to one)."""
    words = name_words(name)
    if not words or words[-1] in _REFERENCE_WORDS:
        return False
    return bool(_WORDS.intersection(words)) or any(pair in _PAIRS for pair in itertools.pairwise(words))


def credential_value(value: str) -> str | None:
    """What kind of credential `value` looks like, or None."""
    return next((kind for kind, shape in _VALUE_SHAPES if shape.search(value)), None)
