"""`experiment start`: the new variant resolves to control's settings with the new image, in every environment
where control runs; the rest of the file stays byte for byte; refusals name the path."""

from __future__ import annotations

import datetime

import pytest

from modules.config import ConfigError, load_text
from modules.experiment.start import Record, start
from tests.helpers import ROOT

DEFAULT = (ROOT / "pipelines.yaml").read_text()
ENVIRONMENTS = (ROOT / "examples" / "environments.yaml").read_text()


def _settings(text: str, variant: str) -> dict:
    """Stack -> the variant's resolved settings."""
    return {d.stack: v.settings for d in load_text(text) for v in d.variants if v.variant == variant}


@pytest.mark.parametrize("text", [DEFAULT, ENVIRONMENTS], ids=["default", "environments"])
def test_the_new_variant_is_control_with_the_new_image_wherever_control_runs(text):
    edit = start(text, "news-encoder", "2026-12-01", "candidate")
    control, candidate = _settings(text, "control"), _settings(edit.after, "candidate")
    assert candidate == {
        stack: settings.model_copy(update={"image_tag": "2026-12-01", "image_digest": None})
        for stack, settings in control.items()
    }
    assert _settings(edit.after, "control") == control


def test_only_lines_are_added_below_the_last_variant():
    edit = start(DEFAULT, "news-encoder", "2026-12-01", "candidate")
    assert edit.after == DEFAULT + ('      candidate:\n        image_tag: "2026-12-01"\n        desired_count: 1\n')
    assert edit.diff("pipelines.yaml").startswith("--- a/pipelines.yaml\n+++ b/pipelines.yaml\n")
    assert edit.changes == [
        "pipelines.news-encoder.variants.candidate: added, control's settings with image_tag 2026-12-01 "
        "(control's image: 2026-11-01)"
    ]


def test_an_environment_omitting_control_omits_the_new_variant_and_control_overrides_are_copied():
    text = ENVIRONMENTS.replace("omit: [news-encoder/treatment]", "omit: [news-encoder/control]", 1)
    edit = start(text, "news-encoder", "2026-12-01", "candidate")
    assert "omit: [news-encoder/control, news-encoder/candidate]" in edit.after
    assert edit.after.endswith(
        "          control:\n            desired_count: 3\n          candidate:\n            desired_count: 3\n"
    )


def test_a_digest_pinned_control_gives_a_tag_pinned_variant():
    text = DEFAULT.replace('image_tag: "2026-11-01"', f"image_digest: sha256:{'a' * 64}")
    edit = start(text, "news-encoder", "2026-12-01", "candidate")
    assert 'candidate:\n        image_tag: "2026-12-01"\n        desired_count: 1\n' in edit.after


@pytest.mark.parametrize(
    ("pipeline", "tag", "variant", "expected"),
    [
        ("news-encodr", "x", "candidate", "pipelines.news-encodr: no such pipeline; did you mean 'news-encoder'?"),
        ("news-encoder", "x", "treatment", "pipelines.news-encoder.variants.treatment: already exists"),
        ("news-encoder", "x", "control", "pipelines.news-encoder.variants.control: already exists"),
        ("news-encoder", "x", "Bad_Name", "pipelines.news-encoder.variants.Bad_Name: "),
        ("news-encoder", "no tag", "candidate", "pipelines.news-encoder.variants.candidate.image_tag: does not match"),
    ],
)
def test_refusals_name_the_path(pipeline, tag, variant, expected):
    with pytest.raises(ConfigError) as raised:
        start(DEFAULT, pipeline, tag, variant)
    assert str(raised.value.problems[0]).startswith(expected)


def test_an_invalid_config_is_refused_with_its_own_problems():
    with pytest.raises(ConfigError) as raised:
        start(DEFAULT.replace("cpu: 1 ", "cpu: 3 "), "news-encoder", "2026-12-01", "candidate")
    assert "pipelines.news-encoder" in str(raised.value) and "as the edit would leave it" not in str(raised.value)


def test_a_pipeline_without_control_is_refused():
    text = DEFAULT.replace("      control:", "      baseline:")
    with pytest.raises(ConfigError, match="has no `control`"):
        start(text, "news-encoder", "2026-12-01")


def test_a_record_adds_the_experiment_block_which_validates_and_tags_the_variants():
    record = Record("Batches of 64 halve the lag", "@ml-platform", start=datetime.date(2026, 12, 1))
    edit = start(DEFAULT, "news-encoder", "2026-12-01", "candidate", record=record)
    assert edit.after.endswith(
        '      candidate:\n        image_tag: "2026-12-01"\n        desired_count: 1\n'
        '    experiment:\n      id: "candidate-2026-12-01"\n      hypothesis: "Batches of 64 halve the lag"\n'
        '      owner: "@ml-platform"\n      start: "2026-12-01"\n'
    )
    assert edit.changes[-1].startswith("pipelines.news-encoder.experiment: added, id candidate-2026-12-01 started")
    (deployment,) = load_text(edit.after)
    assert {v.variant: v.tags["experiment"] for v in deployment.variants} == dict.fromkeys(
        ("control", "treatment", "candidate"), "candidate-2026-12-01"
    )


def test_a_declared_experiment_is_kept_with_a_note():
    first = start(DEFAULT, "news-encoder", "2026-12-01", "candidate", record=Record("h", "o", "exp-1"))
    second = start(first.after, "news-encoder", "2026-12-02", "third", record=Record("other", "me", "exp-2"))
    assert "exp-2" not in second.after and second.notes == [
        "pipelines.news-encoder.experiment: kept (exp-1, started "
        f"{datetime.date.today().isoformat()}): the new variant joins the one running"
    ]


def test_an_invalid_record_is_refused_as_the_edit_would_leave_it():
    with pytest.raises(ConfigError) as error:
        start(DEFAULT, "news-encoder", "2026-12-01", "candidate", record=Record("h", "o", "aws:reserved"))
    assert error.value.problems[0].path == "pipelines.news-encoder.experiment.id"
    assert error.value.problems[0].message.endswith("(in the config as the edit would leave it)")
