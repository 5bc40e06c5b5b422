"""Schedule expressions of scheduled actions: the three forms AWS accepts, and clear fixes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.config.schedule import check_timezone, schedule_problem


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 22 * * ? *)",
        "cron(0 6 ? * MON-FRI *)",
        "cron(*/15 8-18 ? * 2-6 *)",
        "cron(0 0 1,15 JAN,JUL ? 2027)",
        "cron(30 2 L * ? *)",
        "cron(0 9 15W * ? *)",
        "cron(0 9 ? * 6L *)",
        "cron(0 9 ? * FRI#3 *)",
        "rate(1 minute)",
        "rate(6 hours)",
        "rate(2 days)",
        "at(2026-12-24T18:00:00)",
    ],
)
def test_valid_expressions(expression):
    assert schedule_problem(expression) is None


@pytest.mark.parametrize(
    ("expression", "fix"),
    [
        ("cron(0 22 * * *)", "cron(...) takes 6 fields (minutes hours day-of-month month day-of-week year), got 5"),
        ("cron(0 22 * * * *)", "'?' in exactly one of day-of-month and day-of-week"),
        ("cron(0 22 ? * ? *)", "'?' in exactly one of day-of-month and day-of-week"),
        ("cron(0 24 * * ? *)", "cron hours field '24': '24' is out of range; use 0-23"),
        ("cron(60 1 * * ? *)", "cron minutes field '60'"),
        ("cron(0 1 * 13 ? *)", "use 1-12 or JAN-DEC"),
        ("cron(0 1 ? * MOO *)", "use 1-7 or SUN-SAT"),
        ("cron(0/0 1 * * ? *)", "step /0 must be a positive whole number"),
        ("cron(*/ 1 * * ? *)", "step / must be a positive whole number"),
        ("cron(0 1 1,,2 * ? *)", "'' is out of range"),
        ("cron(? 1 * * ? *)", "'?' is only for day-of-month or day-of-week"),
        ("rate(5 minute)", "write rate(5 minutes)"),
        ("rate(1 hours)", "write rate(1 hour)"),
        ("rate(0 minutes)", "positive whole number"),
        ("rate(2 weeks)", "use minute(s), hour(s) or day(s)"),
        ("at(2026-02-30T00:00:00)", "not a real date and time"),
        ("at(2026-12-24 18:00)", "not a schedule expression"),
        ("0 22 * * *", "not a schedule expression: use cron("),
        (" rate(1 day)", "remove the leading/trailing spaces"),
    ],
)
def test_invalid_expressions_name_the_fix(expression, fix):
    problem = schedule_problem(expression)
    assert problem is not None and fix in problem


def test_timezones_are_iana_names():
    assert check_timezone("Asia/Tokyo") == "Asia/Tokyo"
    assert check_timezone("UTC") == "UTC"
    for bad in ("JST+9", "Mars/Base", "../etc/passwd", ""):
        with pytest.raises(ValueError, match="IANA time zone"):
            check_timezone(bad)


CRON_LIKE = st.lists(st.text(alphabet="0123456789*?/-,#LWMONJAN", max_size=6), max_size=8).map(
    lambda fields: f"cron({' '.join(fields)})"
)


@given(st.one_of(CRON_LIKE, st.text(max_size=40)))
def test_any_text_gets_a_verdict_never_an_exception(text):
    problem = schedule_problem(text)
    assert problem is None or problem.strip()
