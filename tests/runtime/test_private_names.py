"""The private names the runtime uses: checked at start with a named error, and a switch to plain jsii."""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.runtime import private_names
from modules.runtime.private_names import JSII_NAMES, PrivateName, PrivateNameError, check
from tests.runtime import fresh_synths

ROOT = Path(__file__).resolve().parents[2]


def test_every_listed_jsii_name_is_there_today() -> None:
    assert private_names.missing(JSII_NAMES) == []
    check()


@pytest.mark.parametrize(
    ("gone", "shown"),
    [
        (PrivateName("jsii._runtime", "kernel.provider.unload", "x"), "jsii._runtime.kernel.provider.unload (x)"),
        (PrivateName("jsii._kernel.types", "LoadResponse.count", "y"), "jsii._kernel.types.LoadResponse.count (y)"),
        (PrivateName("jsii._no_such_module", "kernel", "z"), "jsii._no_such_module.kernel (z)"),
    ],
)
def test_a_name_that_is_gone_is_named(gone: PrivateName, shown: str) -> None:
    with pytest.raises(PrivateNameError, match="relies on names that are gone") as raised:
        check((*JSII_NAMES, gone))
    assert shown in str(raised.value)
    assert "Set FEATURE_PIPELINES_PLAIN_JSII=1" in str(raised.value)
    assert "jsii._runtime.kernel " not in str(raised.value)  # only what is gone


def test_a_provider_without_its_assembly_loader_is_named(tmp_path: Path) -> None:
    (tmp_path / "_jsii").mkdir()
    (tmp_path / "_jsii" / "__init__.py").write_text("import jsii\n")
    with pytest.raises(PrivateNameError, match=r"_jsii/__init__\.py setting `__jsii_assembly__ = jsii"):
        check(provider_dirs=[str(tmp_path)])
    (tmp_path / "_jsii" / "__init__.py").write_text('__jsii_assembly__ = jsii.JSIIAssembly.load("p", "1", m, f)\n')
    check(provider_dirs=[str(tmp_path)])


@pytest.mark.parametrize(("value", "plain"), [("1", True), ("true", True), ("ON", True), ("0", False), ("", False)])
def test_the_switch(monkeypatch: pytest.MonkeyPatch, value: str, plain: bool) -> None:
    monkeypatch.setenv(private_names.PLAIN_JSII, value)
    assert private_names.plain_jsii() is plain


@pytest.mark.slow
def test_plain_jsii_synthesizes_the_same_bytes() -> None:
    """The default example with the trim (ours) and with FEATURE_PIPELINES_PLAIN_JSII=1 (fresh processes, each
    with an empty cache: tests/runtime/fresh_synths.py)."""
    ours, plain = fresh_synths.ours(), fresh_synths.plain()
    assert ours["code"] == 0, f"ours: {ours['stderr']}"
    assert plain["code"] == 0, f"plain jsii: {plain['stderr']}"
    assert ours["trimmed"], "ours built no trimmed assembly"
    assert not plain["trimmed"], "the plain run built a trimmed assembly"
    fresh_synths.same_bytes(Path(ours["out"]), Path(plain["plain"]))
