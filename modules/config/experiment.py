"""A pipeline's `experiment:` metadata as tags, and its start date checked (pure, no cdktf).

The block itself (`model.ExperimentConfig`) is declared beside the pipeline it belongs to; here are the
tags its values become on every variant resource, and the start date's rules: an ISO calendar date
(`2026-12-01`, quoted or not), not after today. "Today" is the latest date anywhere on Earth (UTC+14),
so a start written on its own day in any time zone is accepted; tests inject it through the validation
context (`load_text(..., today=...)`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationInfo

#: The tag keys the experiment's values become, on every resource of each variant of its pipeline.
ID_TAG = "experiment"
OWNER_TAG = "experiment-owner"
START_TAG = "experiment-start"
TAG_KEYS = (ID_TAG, OWNER_TAG, START_TAG)
#: The context key of the validation that stands for today's date (tests inject it).
TODAY = "today"
#: The time zone whose date is the latest on Earth (Kiribati, UTC+14).
_LATEST_ZONE = datetime.timezone(datetime.timedelta(hours=14))
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def latest_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date where it is latest on Earth (UTC+14) at `now` (default: the system clock)."""
    return (now or datetime.datetime.now(datetime.UTC)).astimezone(_LATEST_ZONE).date()


def parse_start(value: Any) -> datetime.date:
    """A start date from YAML: an unquoted date, or a string `YYYY-MM-DD`; ValueError otherwise (a time of
    day, a number, another date format)."""
    if isinstance(value, datetime.datetime):
        raise ValueError("a calendar date such as 2026-12-01, without a time of day")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as err:
            raise ValueError(f"not a calendar date ({err}); use YYYY-MM-DD such as 2026-12-01") from None
    raise ValueError("an ISO date YYYY-MM-DD such as 2026-12-01")


def check_started(value: datetime.date, info: ValidationInfo) -> datetime.date:
    """`value` unless it is after today (`latest_today`, or the context's `today`)."""
    context = info.context if isinstance(info.context, Mapping) else {}
    today = context.get(TODAY) or latest_today()
    if value > today:
        raise ValueError(f"in the future (today is {today.isoformat()}); use the day the experiment started")
    return value


def experiment_tags(experiment_id: str, owner: str, start: datetime.date) -> dict[str, str]:
    """The tags of an experiment's variants: its id, owner and start date (`TAG_KEYS`)."""
    return {ID_TAG: experiment_id, OWNER_TAG: owner, START_TAG: start.isoformat()}
