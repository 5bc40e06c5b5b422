"""The corpus of hostile configs (tests/corpus/hostile): text that tries to make Terraform evaluate it.

Each file says in its first line what must happen: `# expect: literal` (it synthesizes, and every
string of the config that holds `${` or `%{` reaches the stack as a literal, nowhere evaluated), or
`# expect: <dotted path> :: <fragment>` (refused with exit 2 at that path). Real Terraform reads the
literal ones in tests/terraform/test_hostile_values.py.
"""

from __future__ import annotations

import json

import pytest

from modules.cli import main
from modules.lib.terraform_literal import evaluate
from modules.policy.plannable import problems
from tests.helpers import HOSTILE, LITERAL, strings, templates_in

REFUSED = [path for path in HOSTILE if path not in LITERAL]


def received(stack: dict) -> set[str]:
    """Every string of a synthesized stack as Terraform evaluates it, JSON documents decoded."""
    found = set()
    for text in strings({key: stack[key] for key in stack if key != "//"}):
        value = evaluate(text)
        found.add(value)
        if value.startswith(("[", "{")):
            found |= set(strings(json.loads(value)))
    return found


def test_the_corpus_covers_both_outcomes():
    assert len(LITERAL) >= 5 and len(REFUSED) >= 3


@pytest.mark.parametrize("path", LITERAL, ids=lambda p: p.stem)
def test_hostile_text_reaches_the_stack_as_a_literal(path, tmp_path, capsys):
    assert main(["validate", "--config", str(path)]) == 0
    assert main(["synth", "--config", str(path), "--out", str(tmp_path / "out")]) == 0
    (stack_file,) = (tmp_path / "out" / "stacks").glob("*/cdk.tf.json")
    stack = json.loads(stack_file.read_text())
    assert problems(stack, stack_file.parent.name) == [], "no Terraform expression but plain references"
    expected = templates_in(path)
    assert expected, "the file holds hostile text"
    assert expected <= received(stack)


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.stem)
def test_hostile_text_that_aws_would_refuse_is_refused_at_its_path(path, tmp_path, capsys):
    where, fragment = path.read_text().splitlines()[0].removeprefix("# expect: ").split(" :: ", 1)
    assert main(["synth", "--config", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = err.splitlines()[1:]
    assert line.startswith(f"  {where}: ") and fragment in line, line
    assert not (tmp_path / "out").exists()
