"""Schedule expressions of Application Auto Scaling scheduled actions (pure checks).

Three forms (Application Auto Scaling API, PutScheduledAction `Schedule`):

- `at(yyyy-mm-ddThh:mm:ss)`: once, e.g. `at(2026-12-24T18:00:00)`;
- `rate(value unit)`: every `value` minutes/hours/days, e.g. `rate(6 hours)`, `rate(1 day)`;
- `cron(minutes hours day-of-month month day-of-week year)`: six fields, e.g.
  `cron(0 22 ? * MON-FRI *)`; one of day-of-month and day-of-week must be `?`.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

CRON_FIELDS = ("minutes", "hours", "day-of-month", "month", "day-of-week", "year")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# field -> (lowest, highest, names for 1.. when the field has names)
_RANGES: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "minutes": (0, 59, ()),
    "hours": (0, 23, ()),
    "day-of-month": (1, 31, ()),
    "month": (1, 12, _MONTHS),
    "day-of-week": (1, 7, _DAYS),
    "year": (1970, 2199, ()),
}
_RATE = re.compile(r"rate\((\d+) ([a-z]+)\)")
_AT = re.compile(r"at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")
_CRON = re.compile(r"cron\((.*)\)")
_RATE_UNITS = ("minute", "hour", "day")
HELP = "use cron(min hour day-of-month month day-of-week year), rate(N minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss)"


def schedule_problem(expression: str) -> str | None:
    """Why `expression` is not a valid schedule (with what is valid), or None when it is."""
    text = expression.strip()
    if text != expression:
        return "remove the leading/trailing spaces"
    if match := _RATE.fullmatch(text):
        return _rate_problem(int(match[1]), match[2])
    if match := _AT.fullmatch(text):
        try:
            datetime.datetime.fromisoformat(match[1])
        except ValueError:
            return "at(...) is not a real date and time: use yyyy-mm-ddThh:mm:ss, e.g. at(2026-12-24T18:00:00)"
        return None
    if match := _CRON.fullmatch(text):
        return _cron_problem(match[1])
    return f"not a schedule expression: {HELP}"


def check_schedule(expression: str) -> str:
    """`expression` if valid; ValueError naming the fix otherwise (a pydantic validator)."""
    problem = schedule_problem(expression)
    if problem:
        raise ValueError(problem)
    return expression


def check_timezone(name: str) -> str:
    """`name` if it is an IANA time zone (e.g. Asia/Tokyo, UTC); ValueError otherwise."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: `Asia` (a directory), a long name
        raise ValueError("not an IANA time zone name such as UTC, Asia/Tokyo or Europe/Berlin") from None
    return name


def _rate_problem(value: int, unit: str) -> str | None:
    singular = unit.removesuffix("s")
    if singular not in _RATE_UNITS:
        return f"rate unit {unit!r}: use minute(s), hour(s) or day(s)"
    if value < 1:
        return "rate value must be a positive whole number"
    expected = singular if value == 1 else f"{singular}s"
    if unit != expected:
        return f"write rate({value} {expected}) (singular unit for 1, plural otherwise)"
    return None


def _cron_problem(body: str) -> str | None:
    fields = body.split()
    if len(fields) != len(CRON_FIELDS):
        return (
            f"cron(...) takes 6 fields ({' '.join(CRON_FIELDS)}), got {len(fields)}; "
            "e.g. cron(0 22 * * ? *) for 22:00 every day"
        )
    for name, field in zip(CRON_FIELDS, fields, strict=True):
        problem = _field_problem(name, field)
        if problem:
            return f"cron {name} field {field!r}: {problem}"
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        return "cron needs '?' in exactly one of day-of-month and day-of-week, e.g. cron(0 22 ? * MON-FRI *)"
    return None


def _field_problem(name: str, field: str) -> str | None:
    if field == "?":
        return None if name in ("day-of-month", "day-of-week") else "'?' is only for day-of-month or day-of-week"
    for item in field.split(","):
        problem = _item_problem(name, item)
        if problem:
            return problem
    return None


def _item_problem(name: str, item: str) -> str | None:
    if name == "day-of-month" and re.fullmatch(r"L|LW|\d{1,2}W", item):
        return None if item.startswith("L") else _value_problem(name, item.removesuffix("W"))
    if name == "day-of-week" and re.fullmatch(r"L|\w{1,3}L|\w{1,3}#[1-5]", item):
        head = item.split("#")[0].removesuffix("L")
        return _value_problem(name, head) if head else None
    base, slash, step = item.partition("/")
    if slash and not (step.isdigit() and int(step) >= 1):
        return f"step /{step} must be a positive whole number"
    if base == "*":
        return None
    start, dash, end = base.partition("-")
    for part in (start, end) if dash else (start,):
        problem = _value_problem(name, part)
        if problem:
            return problem
    return None


def _value_problem(name: str, value: str) -> str | None:
    low, high, names = _RANGES[name]
    if value.upper() in names:
        return None
    if value.isdigit() and low <= int(value) <= high:
        return None
    allowed = f"{low}-{high}" + (f" or {names[0]}-{names[-1]}" if names else "")
    return f"{value!r} is out of range; use {allowed}, '*', ranges a-b, lists a,b and steps /n"
