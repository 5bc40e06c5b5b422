"""The private names the runtime uses: checked at start with a named error, and a switch to plain jsii."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from modules.runtime import private_names
from modules.runtime.private_names import JSII_NAMES, PrivateName, PrivateNameError, check

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
def test_plain_jsii_synthesizes_the_same_bytes(tmp_path: Path) -> None:
    """The default example with the trim (ours) and with FEATURE_PIPELINES_PLAIN_JSII=1 (separate processes)."""
    outputs = {}
    for name, plain in (("ours", ""), ("plain", "1")):
        env = {**os.environ, private_names.PLAIN_JSII: plain, "XDG_CACHE_HOME": str(tmp_path / f"cache-{name}")}
        outputs[name] = tmp_path / name
        command = [sys.executable, "main.py", "synth", "--out", str(outputs[name])]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, f"{name}: {result.stderr}"
        cache = tmp_path / f"cache-{name}" / "feature-pipelines" / "jsii"
        assert cache.is_dir() is (not plain), "the plain run built a trimmed assembly"
    ours, plain_out = outputs["ours"], outputs["plain"]
    files = sorted(p.relative_to(ours) for p in ours.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(plain_out) for p in plain_out.rglob("*") if p.is_file())
    assert Path("stacks/feature-pipelines/cdk.tf.json") in files
    for name in files:
        assert (ours / name).read_bytes() == (plain_out / name).read_bytes(), f"{name} differs"
