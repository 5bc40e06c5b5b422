"""The container `user` and waiver reasons: only values that mean one thing reach the output."""

import pytest

from modules.config.model import USER_RULE
from tests.helpers import config_problems, default_data, load

PIPELINE = "pipelines.news-encoder"


@pytest.mark.parametrize(
    "user", ["1000", "1000:1000", "0", "root", "app", "app:app", "_svc:nogroup", "svc-1:100", "4294967294"]
)
def test_valid_users(user):
    data = default_data()
    data["pipelines"]["news-encoder"]["user"] = user
    assert {spec.settings.user for spec in load(data).variants} == {user}


@pytest.mark.parametrize(
    "user",
    [
        "00",
        "-0",
        "+0",
        "000:1000",
        "0100",
        "1000:-1",
        "1000:01",
        "4294967295",
        "-1",
        " 1000",
        "1000:",
        ":1000",
        "Root",
        "app.user",
        "1app",
        "-app",
        "app:Group",
        "a" * 33,
        "1000:1000:1000",
        "app\n",
        "０",
    ],
)
def test_signed_or_odd_users_are_refused_in_one_line_that_says_what_is_valid(user):
    data = default_data()
    data["pipelines"]["news-encoder"]["user"] = user
    assert config_problems(data) == [f"{PIPELINE}.user: {USER_RULE} (got {user!r})"]


def test_a_signed_uid_from_an_environment_is_refused_where_the_environment_writes_it():
    data = default_data()
    data["environments"] = {
        "dev": {},
        "prd": {"pipelines": {"news-encoder": {"variants": {"control": {"user": "-0"}}}}},
    }
    (line,) = config_problems(data)
    assert line.startswith(f"environments.prd.{PIPELINE}.variants.control.user: use uid[:gid] or name[:group]")


@pytest.mark.parametrize(
    "reason",
    [
        "a good reason\n  waived ECS-NO-PLAIN-SECRETS for news-encoder/treatment",
        "a good reason\rwith a carriage return",
        "a good\treason with a tab",
        "a good reason \x1b[2K with an escape sequence",
        "a good reason \u202e with a direction override",
    ],
)
def test_a_waiver_reason_is_one_line_of_printable_characters(reason):
    data = default_data()
    data["pipelines"]["news-encoder"]["waivers"] = {"ECS-NON-ROOT-USER": reason}
    (line,) = config_problems(data)
    assert "\n" not in line and "\r" not in line
    assert line.startswith(
        f"{PIPELINE}.waivers.ECS-NON-ROOT-USER: must be one line of printable characters "
        "(no newline, tab or control character) (got "
    )


def test_a_reason_with_other_scripts_and_trailing_whitespace_is_fine():
    data = default_data()
    data["pipelines"]["news-encoder"]["waivers"] = {"ECS-NON-ROOT-USER": "  ポート80のため root が必要 (TICKET-1)\n"}
    (spec, _) = load(data).variants
    assert spec.settings.waivers == {"ECS-NON-ROOT-USER": "ポート80のため root が必要 (TICKET-1)"}


def test_a_multi_line_reason_from_an_environment_is_refused_where_the_environment_writes_it():
    data = default_data()
    data["environments"] = {
        "dev": {"pipelines": {"news-encoder": {"waivers": {"LOG-RETENTION": "line one\nline two"}}}}
    }
    (line,) = config_problems(data)
    assert line.startswith(f"environments.dev.{PIPELINE}.waivers.LOG-RETENTION: must be one line")


@pytest.mark.parametrize(
    "reason",
    [
        "\u3164" * 12,  # HANGUL FILLER (a letter to Unicode, drawn as nothing)
        "\u115f\u1160\uffa0" * 4,  # the other Hangul fillers
        "\u2800" * 12,  # BRAILLE PATTERN BLANK
        "ok" + "\u200b" * 12,  # zero-width space (a format character)
        "ok" + "\u3000\u00a0\u2007" * 4,  # ideographic, no-break and figure spaces
        "ok" + "\u0301" * 12,  # combining marks with nothing to combine with
        "ok" + "\U000e0041" * 12,  # tag characters
        "a" + "\u3164" * 5 + "b" + "\u2800" * 5,
    ],
)
def test_a_waiver_reason_needs_ten_visible_characters(reason):
    data = default_data()
    data["pipelines"]["news-encoder"]["waivers"] = {"ECS-NON-ROOT-USER": reason}
    (line,) = config_problems(data)
    assert line.startswith(f"{PIPELINE}.waivers.ECS-NON-ROOT-USER: ")


def test_a_reason_of_blank_letters_says_what_counts():
    data = default_data()
    data["pipelines"]["news-encoder"]["waivers"] = {"ECS-NON-ROOT-USER": "TICKET\u3164\u3164\u2800\u2800\u2800"}
    (line,) = config_problems(data)
    assert line.startswith(
        f"{PIPELINE}.waivers.ECS-NON-ROOT-USER: needs at least 10 visible characters (letters, digits, "
        "punctuation, symbols), not 6"
    )


@pytest.mark.parametrize(
    "reason", ["INC-1234 ok", "ポート80のため root が必要", "vendor image: rootful (T-1)", "Ünïcödé 100"]
)
def test_a_reason_of_ten_visible_characters_in_any_script_is_fine(reason):
    data = default_data()
    data["pipelines"]["news-encoder"]["waivers"] = {"ECS-NON-ROOT-USER": reason}
    (spec, _) = load(data).variants
    assert spec.settings.waivers == {"ECS-NON-ROOT-USER": reason}
