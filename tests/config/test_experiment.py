"""`experiment:` of a pipeline: validated early (tag rules, one-line hypothesis, an ISO date not in the future of
an injected clock), its tags on every variant, and nothing at all for a config without it."""

from __future__ import annotations

import datetime

import pytest

from modules.config import ConfigError, load_text
from modules.config.experiment import TAG_KEYS, latest_today
from tests.helpers import config_problems, default_data, load, to_yaml

EXPERIMENT = {
    "id": "encoder-batch-64",
    "hypothesis": "Batches of 64 halve the lag: *treatment* < control, ${not} a template",
    "owner": "ml-platform@example.com",
    "start": "2026-11-30",
}
PATH = "pipelines.news-encoder.experiment"


def with_experiment(**changes: object) -> dict:
    data = default_data()
    data["pipelines"]["news-encoder"]["experiment"] = {**EXPERIMENT, **changes}
    return data


def problems_on(data: dict, today: datetime.date) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_text(to_yaml(data), today=today)
    return [str(problem) for problem in caught.value.problems]


def test_every_variant_of_the_pipeline_carries_the_experiment_tags():
    deployment = load(with_experiment(start=datetime.date(2026, 11, 30)))  # unquoted YAML dates too
    for spec in deployment.variants:
        assert {key: spec.tags[key] for key in TAG_KEYS} == {
            "experiment": "encoder-batch-64",
            "experiment-owner": "ml-platform@example.com",
            "experiment-start": "2026-11-30",
        }
        assert spec.experiment is not None and spec.experiment.hypothesis == EXPERIMENT["hypothesis"]
        assert (spec.tags["pipeline"], spec.tags["variant"]) == ("news-encoder", spec.variant)


def test_without_an_experiment_nothing_changes():
    deployment = load(default_data())
    assert all(spec.experiment is None and not set(TAG_KEYS) & set(spec.tags) for spec in deployment.variants)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"id": "aws:mine"}, f"{PATH}.id: the aws: prefix is reserved for AWS's own tags (got 'aws:mine')"),
        ({"id": ""}, f"{PATH}.id: "),
        ({"id": "x" * 129}, f"{PATH}.id: "),
        (
            {"owner": "ml; data"},
            f"{PATH}.owner: ';' not allowed in a tag; use letters, digits, spaces and _ . : / = + - @ (what IAM "
            "accepts) (got 'ml; data')",
        ),
        ({"hypothesis": "two\nlines"}, f"{PATH}.hypothesis: must be one line of printable characters"),
        ({"hypothesis": "x" * 501}, f"{PATH}.hypothesis: "),
        ({"start": "2026-02-30"}, f"{PATH}.start: not a calendar date (day is out of range for month)"),
        ({"start": "Nov 30 2026"}, f"{PATH}.start: an ISO date YYYY-MM-DD such as 2026-12-01 (got 'Nov 30 2026')"),
        ({"start": 20261130}, f"{PATH}.start: an ISO date YYYY-MM-DD such as 2026-12-01 (got 20261130)"),
        (
            {"start": datetime.datetime(2026, 11, 30, 9, 0)},
            f"{PATH}.start: a calendar date such as 2026-12-01, without a time of day",
        ),
        ({"colour": "blue"}, f"{PATH}.colour: "),
    ],
)
def test_a_bad_value_is_one_line_at_its_path_saying_what_is_valid(changes, expected):
    (problem,) = config_problems(with_experiment(**changes))
    assert problem.startswith(expected)


def test_the_start_may_be_today_but_not_after_it_on_an_injected_clock():
    today = datetime.date(2026, 11, 30)
    (deployment,) = load_text(to_yaml(with_experiment(start="2026-11-30")), today=today)
    assert deployment.variants[0].experiment.start == today
    assert problems_on(with_experiment(start="2026-12-01"), today) == [
        f"{PATH}.start: in the future (today is 2026-11-30); use the day the experiment started (got '2026-12-01')"
    ]


def test_today_is_the_latest_date_on_earth_so_any_time_zone_may_write_its_own():
    late_utc = datetime.datetime(2026, 11, 30, 11, 0, tzinfo=datetime.UTC)  # 01:00 on Dec 1 at UTC+14
    assert latest_today(late_utc) == datetime.date(2026, 12, 1)
    assert latest_today(datetime.datetime(2026, 11, 30, 9, 59, tzinfo=datetime.UTC)) == datetime.date(2026, 11, 30)


def test_an_experiment_is_the_pipelines_a_variant_cannot_declare_its_own():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["experiment"] = EXPERIMENT
    (problem,) = config_problems(data)
    assert problem.startswith("pipelines.news-encoder.variants.treatment.experiment: ")


def test_the_experiment_tags_count_towards_the_50_tag_limit():
    data = with_experiment()
    data["tags"] = {f"t{i}": "x" for i in range(40)}
    data["pipelines"]["news-encoder"]["tags"] = {f"p{i}": "x" for i in range(6)}  # + 3 experiment, pipeline, variant
    assert any("over 50 tags on a resource" in problem for problem in config_problems(data))
    data["pipelines"]["news-encoder"]["tags"] = {f"p{i}": "x" for i in range(5)}
    load(data)  # 40 + 5 + 3 + 2 = 50
