"""Keys added and removed line by line: the comments and layout around them stay byte for byte."""

from __future__ import annotations

import pytest

from modules.config import ConfigError
from modules.experiment.document import Document, plain, quoted
from tests.helpers import ROOT

EXAMPLES = [ROOT / "pipelines.yaml", *sorted((ROOT / "examples").glob("*.yaml"))]

TEXT = """\
# header
a:
  variants:
    control:
      x: 1  # eol of x
      # the last line of control
    # about treatment
    treatment:
      y: 2
      env:
        M: v2  # eol of M
      # tail of treatment

# outer comment
b: [1, 2]   # flow
"""


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_renders_unchanged(path):
    text = path.read_text()
    assert Document(text, path.name).render() == text


def test_a_removed_key_takes_its_lines_and_the_comment_above_it_and_nothing_else():
    document = Document(TEXT, "t")
    document.remove(("a", "variants", "treatment"))
    assert document.render() == TEXT.replace(
        "    # about treatment\n    treatment:\n      y: 2\n      env:\n        M: v2  # eol of M\n"
        "      # tail of treatment\n",
        "",
    )


def test_an_added_key_goes_after_the_last_one_before_the_comments_that_follow_it():
    document = Document(TEXT, "t")
    document.add(("a", "variants", "candidate"), plain(document.get(("a", "variants", "control"))))
    document.add(("a", "variants", "control", "image_tag"), quoted("2026-12-01"))
    assert document.render() == TEXT.replace(
        "      # tail of treatment\n", "      # tail of treatment\n    candidate:\n      x: 1\n"
    ).replace("  # eol of x\n", '  # eol of x\n      image_tag: "2026-12-01"\n')


def test_a_value_set_in_place_keeps_its_comment():
    document = Document(TEXT, "t")
    document.set(("a", "variants", "control", "x"), 3)
    assert document.render() == TEXT.replace("x: 1", "x: 3")


def test_keys_added_at_one_place_keep_their_order():
    document = Document(TEXT, "t")
    for key in ("p", "q", "r"):
        document.add(("a", "variants", "control", key), 1)
    assert "      x: 1  # eol of x\n      p: 1\n      q: 1\n      r: 1\n" in document.render()


def test_a_flow_mapping_is_edited_as_a_value():
    document = Document("a: {x: 1, y: 2}\n", "t")
    document.remove(("a", "y"))
    document.add(("a", "z"), 3)
    assert document.render() == "a: {x: 1, z: 3}\n"


def test_a_layout_the_editor_would_rewrite_is_refused():
    with pytest.raises(ConfigError, match=r"its layout .* cannot be kept in an edit; edit it by hand"):
        Document("a:\n    b: 1\n", "t")


def test_anchors_and_aliases_are_refused():
    with pytest.raises(ConfigError, match=r"uses YAML anchors or aliases .* edit it by hand"):
        Document("a: &base {x: 1}\nb:\n  <<: *base\n", "t")
