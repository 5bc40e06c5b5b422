"""`promote`: control resolves to the winner's settings (per environment where the winner ran), keeps its
name, and the other variants go unless kept; refusals name the path."""

from __future__ import annotations

import pytest

from modules.config import ConfigError, load_text
from modules.experiment.promote import promote
from modules.experiment.start import Record, start
from tests.helpers import ROOT

DEFAULT = (ROOT / "pipelines.yaml").read_text()
ENVIRONMENTS = (ROOT / "examples" / "environments.yaml").read_text()
EXAMPLES = [ROOT / "pipelines.yaml", *sorted((ROOT / "examples").glob("*.yaml"))]


def _variants(text: str) -> dict:
    """(stack, pipeline, variant) -> resolved settings."""
    return {(d.stack, v.pipeline, v.variant): v.settings for d in load_text(text) for v in d.variants}


def _as(settings, variant: str) -> str:
    """Settings as JSON with what derives from the variant's name (its own queue) named for any variant."""
    return settings.model_dump_json().replace(f"_{variant}", "_<variant>")


def _candidates(path):
    text = path.read_text()
    return [(path.name, key[1], key[2]) for key in _variants(text) if key[2] != "control"]


#: Every example's non-control variants promoted, the first one also with --keep.
CASES = sorted({case for path in EXAMPLES for case in _candidates(path)})
CASES = [(*CASES[0], True), *((*case, False) for case in CASES)]


@pytest.mark.parametrize(("name", "pipeline", "winner", "keep"), CASES)
def test_control_resolves_to_the_winner_and_the_others_go_unless_kept(name, pipeline, winner, keep):
    text = (ROOT / ("pipelines.yaml" if name == "pipelines.yaml" else f"examples/{name}")).read_text()
    before = _variants(text)
    after = _variants(promote(text, pipeline, winner, keep=keep).after)
    for (stack, owner, variant), settings in before.items():
        if owner != pipeline:
            assert after[stack, owner, variant] == settings
        elif variant == winner:
            assert _as(after[stack, pipeline, "control"], "control") == _as(settings, winner)
        elif variant != "control":
            assert ((stack, pipeline, variant) in after) is keep
    others = {key for key in after if key[1] == pipeline and key[2] != "control"}
    assert keep or not others


def test_the_default_promotion_changes_only_the_variants_lines():
    edit = promote(DEFAULT, "news-encoder", "treatment")
    head = DEFAULT[: DEFAULT.index("      control:")]
    assert edit.after == head + (
        '      control:\n        image_tag: "2026-11-20"\n        desired_count: 1\n'
        "        cpu: 2\n        memory: 8\n        environment:\n          MODEL_VERSION: v2\n"
    )
    assert edit.changes == [
        "pipelines.news-encoder.variants.control.image_tag: 2026-11-01 -> 2026-11-20",
        "pipelines.news-encoder.variants.control.cpu: (unset) -> 2",
        "pipelines.news-encoder.variants.control.memory: (unset) -> 8",
        "pipelines.news-encoder.variants.control.environment: (unset) -> {MODEL_VERSION: v2}",
        "pipelines.news-encoder.variants.treatment: removed (its service and resources are destroyed)",
    ]
    assert "its log group is destroyed with its log events" in edit.notes[0]


def test_keep_leaves_the_other_variants_as_written():
    edit = promote(DEFAULT, "news-encoder", "treatment", keep=True)
    assert edit.after.endswith(DEFAULT[DEFAULT.index("      treatment:") :])
    assert not edit.notes


def test_environments_lose_the_removed_variants_omits_and_control_keeps_its_own_override_where_the_winner_did_not_run():
    edit = promote(ENVIRONMENTS, "news-encoder", "treatment")
    assert "omit:" not in edit.after
    assert edit.after.endswith("          control:\n            desired_count: 3\n")
    assert (
        "environments.prd: news-encoder/treatment does not run there; control keeps that environment's own "
        "desired_count" in edit.notes
    )


def test_in_an_environment_where_the_winner_ran_control_takes_its_override():
    text = ENVIRONMENTS.replace(
        "        stop_timeout: 60",
        "        stop_timeout: 60\n        variants:\n          treatment:\n            desired_count: 2",
    )
    edit = promote(text, "news-encoder", "treatment")
    dev = next(d for d in load_text(edit.after) if d.environment == "dev")
    (control,) = dev.variants
    assert control.settings.desired_count == 2
    assert "            desired_count: 2" in edit.after and "treatment" not in edit.after


def test_an_overridden_removed_variant_leaves_no_empty_mapping():
    text = ENVIRONMENTS.replace(
        "            desired_count: 3",
        "            desired_count: 3\n          treatment:\n            cpu: 4\n            memory: 8",
    )
    text = text.replace("    omit: [news-encoder/treatment]\n    pipelines:", "    pipelines:")
    edit = promote(text, "news-encoder", "treatment")
    assert edit.after.endswith("          control:\n            cpu: 4\n            memory: 8\n")


@pytest.mark.parametrize(
    ("winner", "expected"),
    [
        ("treatmnt", "pipelines.news-encoder.variants.treatmnt: no variant to promote; did you mean 'treatment'?"),
        ("control", "pipelines.news-encoder.variants.control: no variant to promote; control is what"),
    ],
)
def test_refusals_name_the_path(winner, expected):
    with pytest.raises(ConfigError) as raised:
        promote(DEFAULT, "news-encoder", winner)
    assert str(raised.value.problems[0]).startswith(expected)


def test_omitting_control_where_the_winner_runs_is_refused_unless_kept():
    stg = "  stg:\n    assume_role_arn: arn:aws:iam::222222222222:role/feature-pipelines-deploy\n"
    text = ENVIRONMENTS.replace(f"{stg}    omit: [news-encoder/treatment]", f"{stg}    omit: [news-encoder/control]")
    with pytest.raises(ConfigError, match=r"environments.stg.omit: omits news-encoder/control where"):
        promote(text, "news-encoder", "treatment")
    assert "omit: [news-encoder/control]" in promote(text, "news-encoder", "treatment", keep=True).after


def test_the_experiment_block_ends_with_the_promotion_unless_kept():
    text = start(
        DEFAULT.replace("      treatment:", "      other:"),
        "news-encoder",
        "2026-12-01",
        "treatment",
        record=Record("h", "o", "exp-1"),
    ).after
    assert "experiment:" in promote(text, "news-encoder", "treatment", keep=True).after
    ended = promote(text, "news-encoder", "treatment")
    assert "experiment:" not in ended.after
    assert "pipelines.news-encoder.experiment: removed (the experiment ended" in ended.changes[-1]
    (deployment,) = load_text(ended.after)
    assert [v.variant for v in deployment.variants] == ["control"] and "experiment" not in deployment.variants[0].tags
