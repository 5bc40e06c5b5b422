"""The fast provider load: trimmed assembly, loud failures, same output as plain imports."""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib
import io
import json
import os
import shutil
import sys
import tarfile
from pathlib import Path

import pytest

from modules.runtime import provider_assembly
from modules.runtime.provider_assembly import ProviderAssemblyError, cached_trim, trim
from tests.runtime import fresh_synths

ROOT = Path(__file__).resolve().parents[2]
ASSEMBLY = "@example/provider"


def _type(namespace: str, name: str, *, base: str | None = None) -> dict:
    definition = {"assembly": ASSEMBLY, "fqn": f"{ASSEMBLY}.{namespace}.{name}", "kind": "class", "name": name}
    if base:
        definition["base"] = base
    return definition


def _assembly(**changes: object) -> dict:
    types = [
        _type("alpha", "Alpha", base=f"{ASSEMBLY}.beta.Beta"),
        _type("beta", "Beta", base="cdktf.TerraformResource"),
        _type("gamma", "Gamma"),
    ]
    assembly = {
        "schema": "jsii/0.10.0",
        "name": ASSEMBLY,
        "version": "1.2.3",
        "types": {t["fqn"]: t for t in types},
        "submodules": {f"{ASSEMBLY}.{ns}": {"symbolId": ns} for ns in ("alpha", "beta", "gamma")},
    }
    return {**assembly, **changes}


INDEX_JS = (
    '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n'
    "exports.gamma = exports.beta = exports.alpha = void 0;\n"
    'exports.alpha = require("./alpha");\nexports.beta = require("./beta");\nexports.gamma = require("./gamma");\n'
)


def _tarball(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(f"package/{name}")
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return path


PACKAGE_JSON = {"name": ASSEMBLY, "version": "1.2.3", "main": "lib/index.js"}


def _provider(tmp_path: Path, **replace: bytes | None) -> Path:
    files = {
        "package.json": json.dumps(PACKAGE_JSON).encode(),
        ".jsii": json.dumps(_assembly()).encode(),
        "lib/index.js": INDEX_JS.encode(),
        **{f"lib/{ns}/index.js": f"exports.{ns.title()} = class {{}};".encode() for ns in ("alpha", "beta", "gamma")},
    }
    for name, data in replace.items():
        name = name.replace("__", "/").replace("dotjsii", ".jsii")
        if data is None:
            files.pop(name)
        else:
            files[name] = data
    return _tarball(tmp_path / "provider@1.2.3.jsii.tgz", files)


def _contents(tarball: Path) -> dict[str, bytes]:
    with tarfile.open(tarball) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}


def test_trim_keeps_the_imported_namespaces_and_the_ones_they_reference(tmp_path: Path) -> None:
    trimmed = trim(_provider(tmp_path), ["alpha"], tmp_path / "out.tgz")
    files = _contents(trimmed.tarball)
    assembly = json.loads(files["package/.jsii"])
    assert trimmed.namespaces == ("alpha", "beta")
    assert sorted(assembly["types"]) == [f"{ASSEMBLY}.alpha.Alpha", f"{ASSEMBLY}.beta.Beta"]
    assert trimmed.types == 2
    assert sorted(assembly["submodules"]) == [f"{ASSEMBLY}.alpha", f"{ASSEMBLY}.beta"]
    assert sorted(files) == ["package/.jsii", "package/lib/alpha/index.js", "package/lib/beta/index.js",
                             "package/lib/index.js", "package/package.json"]  # fmt: skip
    assert files["package/lib/index.js"].decode() == (
        '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n'
        'exports.alpha = require("./alpha");\nexports.beta = require("./beta");\n'
    )


def test_trim_reads_cdk_terrains_export_lines(tmp_path: Path) -> None:
    """cdktn-provider-aws exports each submodule as `exports.x = __importStar(require("./x/index"));`."""
    index_js = (
        '"use strict";\nvar __importStar = (this && this.__importStar) || function (m) { return m; };\n'
        + "".join(f'exports.{ns} = __importStar(require("./{ns}/index"));\n' for ns in ("alpha", "beta", "gamma"))
    )
    trimmed = trim(_provider(tmp_path, **{"lib__index.js": index_js.encode()}), ["alpha"], tmp_path / "out.tgz")
    files = _contents(trimmed.tarball)
    assert files["package/lib/index.js"].decode() == (
        '"use strict";\nvar __importStar = (this && this.__importStar) || function (m) { return m; };\n'
        'exports.alpha = __importStar(require("./alpha/index"));\n'
        'exports.beta = __importStar(require("./beta/index"));\n'
    )
    assert "package/lib/alpha/index.js" in files
    assert "package/lib/gamma/index.js" not in files


def test_trim_keeps_non_ascii_text_and_writes_what_a_whole_parse_would(tmp_path: Path) -> None:
    """The assembly is read as ASCII (non-ASCII written as JSON escapes): the same values, the same bytes."""
    assembly = _assembly()
    alpha = f"{ASSEMBLY}.alpha.Alpha"
    assembly["types"][alpha]["docs"] = {"summary": 'Zürich → 東京 😀 "quoted" \\ back'}
    assembly["readme"] = {"markdown": "é"}
    trimmed = trim(_provider(tmp_path, dotjsii=json.dumps(assembly, indent=2, ensure_ascii=False).encode()), ["alpha"],
                   tmp_path / "out.tgz")  # fmt: skip
    written = _contents(trimmed.tarball)["package/.jsii"]
    kept = {fqn: assembly["types"][fqn] for fqn in (alpha, f"{ASSEMBLY}.beta.Beta")}
    submodules = {key: value for key, value in assembly["submodules"].items() if not key.endswith("gamma")}
    assert written == json.dumps({**assembly, "types": kept, "submodules": submodules}).encode()
    assert json.loads(written)["types"][alpha]["docs"]["summary"] == 'Zürich → 東京 😀 "quoted" \\ back'


def test_trim_is_deterministic(tmp_path: Path) -> None:
    source = _provider(tmp_path)
    first = trim(source, ["gamma"], tmp_path / "a.tgz").tarball.read_bytes()
    assert trim(source, ["gamma"], tmp_path / "b.tgz").tarball.read_bytes() == first
    assert gzip.decompress(first)  # a plain gzip stream, as the kernel expects


@pytest.mark.parametrize(
    ("replace", "namespaces", "message"),
    [
        ({"dotjsii": None}, ["alpha"], "has no package/.jsii: the tarball layout changed"),
        ({"dotjsii": json.dumps({"schema": "jsii/file-redirect"}).encode()}, ["alpha"], "assembly format changed"),
        ({"lib__index.js": b'"use strict";\nmodule.exports = {};\n'}, ["alpha"], "JavaScript layout changed"),
        ({}, ["delta"], "no types in namespace 'delta'"),
        ({"package.json": b'{"name": "@example/provider", "version": "9"}'}, ["alpha"], "disagree on name/version"),
    ],
)
def test_trim_fails_loudly_when_the_provider_layout_changes(
    tmp_path: Path, replace: dict, namespaces: list[str], message: str
) -> None:
    with pytest.raises(ProviderAssemblyError, match=message):
        trim(_provider(tmp_path, **replace), namespaces, tmp_path / "out.tgz")


def test_cached_trim_builds_once_per_provider_and_namespaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = _provider(tmp_path)
    first = cached_trim(source, ["alpha"])
    assert first.tarball.is_relative_to(tmp_path / "cache" / "feature-pipelines" / "jsii")
    built = capsys.readouterr()
    assert built.out == ""
    assert built.err.splitlines() == [
        f"building the trimmed provider assembly from {source.name}, once per provider version "
        f"(seconds; cached in {tmp_path / 'cache' / 'feature-pipelines' / 'jsii'})"
    ]

    def no_rebuild(*_: object) -> None:
        raise AssertionError("rebuilt a cached tarball")

    monkeypatch.setattr(provider_assembly, "trim", no_rebuild)
    assert cached_trim(source, ["alpha"]) == first
    assert capsys.readouterr().err == ""  # nothing printed when nothing is built
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert cached_trim(source, ["gamma"]).tarball != first.tarball
    monkeypatch.setattr(provider_assembly, "trim", no_rebuild)
    elsewhere = tmp_path / "runner" / source.name  # the same provider installed on another machine
    elsewhere.parent.mkdir()
    shutil.copyfile(source, elsewhere)
    os.utime(elsewhere, ns=(1, 1))
    assert cached_trim(elsewhere, ["alpha"]) == first  # what a CI cache restore relies on
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    changed = json.dumps({**PACKAGE_JSON, "description": "x"}).encode()
    upgraded = _provider(tmp_path / "runner", **{"package.json": changed})
    assert upgraded.name == source.name
    assert cached_trim(upgraded, ["alpha"]).tarball != first.tarball  # other bytes


def _installed(site: Path, digest: str, size: int) -> Path:
    """A provider tarball as pip installs it: `<package>/_jsii/` and a RECORD listing it."""
    tarball = site / "provider_pkg" / "_jsii" / "provider@1.2.3.jsii.tgz"
    tarball.parent.mkdir(parents=True)
    tarball.write_bytes(b"x" * 7)
    record = site / "provider_pkg-1.2.3.dist-info" / "RECORD"
    record.parent.mkdir()
    record.write_text(
        "provider_pkg/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n"
        f"provider_pkg/_jsii/provider@1.2.3.jsii.tgz,sha256={digest},{size}\n"
        "provider_pkg-1.2.3.dist-info/RECORD,,"
    )
    return tarball


SHA256_OF_7_XS = "e3DTq0x2QVQuHxWLRY7q58-3vbgV1BEMxheLr8_fQ_g"


def test_the_content_digest_is_read_from_the_wheel_record_when_it_lists_the_file(tmp_path: Path) -> None:
    listed = "A" * 43  # not the bytes' digest: proves it was read, not computed
    tarball = _installed(tmp_path, listed, 7)
    assert provider_assembly.content_digest(tarball, 7) == listed
    assert provider_assembly.content_digest(tarball, 8) == SHA256_OF_7_XS  # RECORD of another size: computed


@pytest.mark.parametrize("digest", ["", "short", "A" * 42 + "=", "A" * 44])
def test_a_record_entry_that_is_not_a_sha256_digest_is_not_trusted(tmp_path: Path, digest: str) -> None:
    assert provider_assembly.content_digest(_installed(tmp_path, digest, 7), 7) == SHA256_OF_7_XS


def test_the_content_digest_of_the_installed_provider_is_its_bytes_digest() -> None:
    from modules.runtime.cdk import PROVIDER_PACKAGE

    source = provider_assembly.provider_tarball(PROVIDER_PACKAGE)
    computed = hashlib.sha256(source.read_bytes()).digest()
    assert provider_assembly.content_digest(source, source.stat().st_size) == (
        base64.urlsafe_b64encode(computed).rstrip(b"=").decode()
    )


# The real provider, through the seam (imported once per test process).


def _seam_provider_modules() -> list[str]:
    from modules.runtime.cdk import PROVIDER_PACKAGE
    from modules.runtime.imports import PROVIDER_CLASSES

    return sorted(f"{PROVIDER_PACKAGE}.{submodule}" for submodule in PROVIDER_CLASSES)


def test_python_imports_only_the_seams_provider_submodules() -> None:
    from modules.runtime import cdk

    loaded = sorted(
        name
        for name in sys.modules
        if name.startswith(f"{cdk.PROVIDER_PACKAGE}.")
        and name.count(".") == 1
        and name != f"{cdk.PROVIDER_PACKAGE}._jsii"
    )
    assert loaded == _seam_provider_modules()


def test_the_kernel_holds_only_the_trimmed_assembly() -> None:
    """Fails when the jsii kernel stops reusing the trimmed package for the provider's own load."""
    from modules.runtime import cdk

    trimmed = provider_assembly.LOADED[cdk.PROVIDER_PACKAGE]
    source = provider_assembly.provider_tarball(cdk.PROVIDER_PACKAGE)
    types = provider_assembly._kernel_load(trimmed.name, trimmed.version, source)
    assert types == trimmed.types < 1000, f"the kernel knows {types} provider types: the full assembly was loaded"


def test_typed_classes_still_check_their_arguments() -> None:
    from modules.runtime import cdk

    stack = cdk.TerraformStack(cdk.Testing.app(), "typecheck")
    with pytest.raises(TypeError, match="desired_count"):
        cdk.EcsService(stack, "service", name="x", desired_count="one")
    with pytest.raises(TypeError, match="subnets"):
        cdk.EcsServiceNetworkConfiguration(subnets=["subnet-1", 2])
    with pytest.raises(TypeError, match="id_"):
        cdk.IamRole(stack, 42, assume_role_policy="{}")


def test_a_provider_submodule_imported_after_the_seam_is_refused() -> None:
    from modules.runtime import cdk

    with pytest.raises(ImportError, match=r"s3_bucket is imported after modules/runtime/cdk.py .* inside the `with"):
        importlib.import_module(f"{cdk.PROVIDER_PACKAGE}.s3_bucket")


def test_the_seam_refuses_a_provider_imported_before_it() -> None:
    from modules.runtime import cdk

    with (
        pytest.raises(ProviderAssemblyError, match=r"imported before modules/runtime/cdk\.py"),
        provider_assembly.only_imported_submodules(cdk.PROVIDER_PACKAGE),
    ):
        pass


@pytest.mark.slow
def test_output_is_byte_identical_to_the_straightforward_app() -> None:
    """The default example through plain provider imports (benchmarks/straightforward_app.py) and through
    ours, the trimmed assembly (fresh processes: tests/runtime/fresh_synths.py)."""
    ours, plain = fresh_synths.ours(), fresh_synths.plain()
    assert ours["code"] == 0, f"ours: {ours['stderr']}"
    assert plain["code"] == 0, f"plain jsii, then the straightforward app: {plain['stderr']}"
    assert ours["trimmed"] and not plain["trimmed"]
    fresh_synths.same_bytes(Path(plain["straightforward"]), Path(ours["out"]))
