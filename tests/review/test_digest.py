"""CI plans only the stacks whose synthesized files changed (`modules.review.digest`)."""

import json

from modules.review.digest import changed, main


def output(root, **stacks):
    """A cdktf output holding `stacks` (name -> cdk.tf.json text)."""
    manifest = {"stacks": {}}
    for name, text in stacks.items():
        (root / "stacks" / name).mkdir(parents=True)
        (root / "stacks" / name / "cdk.tf.json").write_text(text)
        manifest["stacks"][name] = {
            "synthesizedStackPath": f"stacks/{name}/cdk.tf.json",
            "stackMetadataPath": f"stacks/{name}/metadata.json",
        }
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root


def test_only_new_and_changed_stacks_are_planned(tmp_path):
    base = output(tmp_path / "base", prod="{}", **{"prod-a": '{"a": 1}', "prod-b": '{"b": 1}'})
    head = output(tmp_path / "head", prod="{}", **{"prod-a": '{"a": 2}', "prod-b": '{"b": 1}', "prod-c": "{}"})
    assert changed(base, head) == ["prod-a", "prod-c"]
    assert changed(base, base) == []


def test_without_a_base_output_every_stack_is_planned(tmp_path, capsys):
    head = output(tmp_path / "head", prod="{}", **{"prod-a": "{}"})
    assert changed(None, head) == changed(tmp_path / "missing", head) == ["prod", "prod-a"]
    assert main(["--head", str(head)]) == 0
    assert json.loads(capsys.readouterr().out) == ["prod", "prod-a"]


def test_the_hcl_stacks_metadata_counts_too(tmp_path):
    base = output(tmp_path / "base", prod="x")
    head = output(tmp_path / "head", prod="x")
    (head / "stacks" / "prod" / "metadata.json").write_text("{}")
    assert changed(base, head) == ["prod"]
