"""Load only the provider submodules the seam imports, in Python and in the jsii kernel.

A plain import of the prebuilt AWS provider is slow because of its size: the package's
`__init__` imports all 2,212 Python submodules, and loading its jsii assembly
(`_jsii/provider-aws@<version>.jsii.tgz`, 37 MB) makes the node kernel require all 2,212
JavaScript submodules (about 4 s and 600 MiB in node alone). `only_imported_submodules()`
wraps the seam's provider imports and avoids both:

1. The provider package is registered without running its `__init__`, and its `_jsii`
   module is held back while the submodules are imported (they only star-import it).
2. When the block ends, the jsii namespaces of the imported submodules (read from their
   classes' `__jsii_type__`) select a trimmed copy of the provider's tarball: the same
   package.json, the same JavaScript files of those submodules, and the provider's own
   `.jsii` holding only their types (and any provider type those reference). It is built
   once per provider tarball content and set of namespaces (two streaming reads of the tarball;
   the 130 MB assembly is held once, as ASCII text, and only the kept types are parsed into
   objects; `make setup` does it, `python -m modules.runtime.prepare`, printing one line
   whenever it runs) and cached in `$XDG_CACHE_HOME/feature-pipelines/jsii` (default
   `~/.cache/...`).
3. The trimmed tarball is loaded into the kernel under the provider's name and version, then
   the provider's real `_jsii` module is imported: the kernel answers its load from the
   package already loaded. The typed Python classes (with their typeguard checks), the
   kernel's struct validation and the JavaScript classes are the provider's own; only the
   types of unused submodules are absent.

Each step checks what it relies on and raises `ProviderAssemblyError` saying what changed, so
a provider or jsii upgrade that breaks the mechanism fails loudly instead of silently falling
back to the slow load. Importing another provider submodule after the block raises
ImportError (its types are not in the kernel).

The private jsii names this uses are listed and checked at start in `private_names.py`;
`FEATURE_PIPELINES_PLAIN_JSII=1` makes `provider_imports()` a plain import instead.
"""

from __future__ import annotations

import base64
import codecs
import gzip
import hashlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import json
import os
import re
import sys
import tarfile
import tempfile
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from . import private_names

#: Bump when the trimmed tarball's content changes for the same inputs (invalidates caches).
FORMAT = 2
#: The one line printed when a trimmed tarball is built (`make setup` does it; a synth only if the cache was emptied).
BUILDING = "building the trimmed provider assembly from {name}, once per provider version (seconds; cached in {cache})"
#: The npm tarball layout jsii uses: everything under `package/`.
_ROOT = "package/"
#: A submodule export line of lib/index.js: `exports.x = require("./x");` (cdktf's provider) or
#: `exports.x = __importStar(require("./x/index"));` (CDK Terrain's).
_SUBMODULE_EXPORT = re.compile(
    r'^exports\.(?P<namespace>[A-Za-z0-9_$]+) = (?:__importStar\()?require\("\./(?P<dir>[^"/]+)(?:/index)?"\)\)?;\n',
    re.M,
)
#: TypeScript's declaration of every export (`exports.a = exports.b = ... = void 0;`): dropped when trimming.
_VOID_EXPORTS = re.compile(r"^(?:exports\.[A-Za-z0-9_$]+ = )+void 0;\n", re.M)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


#: A SHA-256 digest as wheels' RECORD files write it (urlsafe base64, no padding).
_URLSAFE_DIGEST = re.compile(r"[A-Za-z0-9_-]{43}")


class ProviderAssemblyError(RuntimeError):
    """The fast provider load no longer applies: says what changed and where."""


@dataclass(frozen=True)
class Trimmed:
    """A trimmed provider tarball and what the kernel must report after loading it."""

    tarball: Path
    name: str
    version: str
    namespaces: tuple[str, ...]
    types: int


#: What `only_imported_submodules()` loaded, by provider package.
LOADED: dict[str, Trimmed] = {}


def cache_dir() -> Path:
    """Where trimmed tarballs are kept: `$XDG_CACHE_HOME/feature-pipelines/jsii`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "feature-pipelines" / "jsii"


def provider_tarball(package: str) -> Path:
    """The provider's own jsii tarball: the one `*.jsii.tgz` in `<package>/_jsii/`."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ProviderAssemblyError(f"{package} is not installed: run `make setup`")
    found = sorted(
        path for location in spec.submodule_search_locations for path in (Path(location) / "_jsii").glob("*.jsii.tgz")
    )
    if len(found) != 1:
        raise ProviderAssemblyError(
            f"expected exactly one jsii tarball in {package}/_jsii/, found {[p.name for p in found]}: "
            "the provider package layout changed"
        )
    return found[0]


def namespace_of(fqn: str, assembly: str) -> str:
    """`@cdktf/provider-aws.ecsService.EcsService` -> `ecsService`."""
    prefix = assembly + "."
    rest = fqn[len(prefix) :] if fqn.startswith(prefix) else ""
    if "." not in rest:
        raise ProviderAssemblyError(f"type {fqn} is not inside a submodule of {assembly}: the assembly layout changed")
    return rest.split(".", 1)[0]


def _referenced_fqns(node: object, assembly: str) -> Iterator[str]:
    """Every `<assembly>.…` type name a type definition mentions (bases, interfaces, refs)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _referenced_fqns(value, assembly)
    elif isinstance(node, list):
        for value in node:
            yield from _referenced_fqns(value, assembly)
    elif isinstance(node, str) and node.startswith(assembly + "."):
        yield node


def namespace_closure(type_defs: Mapping[str, dict], assembly: str, namespaces: Iterable[str]) -> set[str]:
    """`namespaces` plus every namespace whose types those reference, transitively (looks up only theirs)."""
    by_namespace: dict[str, list[str]] = {}
    for fqn in type_defs:
        by_namespace.setdefault(namespace_of(fqn, assembly), []).append(fqn)
    keep: set[str] = set()
    pending = list(namespaces)
    while pending:
        namespace = pending.pop()
        if namespace in keep:
            continue
        if namespace not in by_namespace:
            raise ProviderAssemblyError(f"the provider assembly has no types in namespace {namespace!r}")
        keep.add(namespace)
        for name in by_namespace[namespace]:
            pending.extend(namespace_of(fqn, assembly) for fqn in _referenced_fqns(type_defs[name], assembly))
    return keep


def trimmed_index(index_js: str, namespaces: Iterable[str]) -> tuple[str, dict[str, str]]:
    """The package's lib/index.js without the exports of other namespaces, and their directories under lib/."""
    exports = {m["namespace"]: m["dir"] for m in _SUBMODULE_EXPORT.finditer(index_js)}
    missing = sorted(set(namespaces) - exports.keys())
    if missing:
        raise ProviderAssemblyError(
            f'lib/index.js no longer exports {missing} as `exports.<name> = require("./<dir>");` '
            "lines: the provider's JavaScript layout changed"
        )
    keep = set(namespaces)
    trimmed = _SUBMODULE_EXPORT.sub(lambda m: m[0] if m["namespace"] in keep else "", _VOID_EXPORTS.sub("", index_js))
    return trimmed, {namespace: exports[namespace] for namespace in sorted(keep)}


def _read_members(source: Path, names: Iterable[str]) -> dict[str, bytes | bytearray]:
    """The files `names` (under `package/`) of a tarball, in one streaming read that stops once all are read.

    JSON files (`.json`, `.jsii`) come as ASCII (`_ascii_json`)."""
    wanted = {_ROOT + name for name in names}
    found: dict[str, bytes | bytearray] = {}
    with tarfile.open(source, "r|gz") as archive:
        for member in archive:
            if member.isfile() and member.name in wanted:
                handle = archive.extractfile(member)
                assert handle is not None
                name = member.name.removeprefix(_ROOT)
                found[name] = _ascii_json(handle) if name.endswith((".json", ".jsii")) else handle.read()
                if len(found) == len(wanted):
                    break
    for name in names:
        if name not in found:
            raise ProviderAssemblyError(f"{source.name} has no {_ROOT}{name}: the tarball layout changed")
    return found


def _ascii_json(stream: IO[bytes]) -> bytearray:
    """UTF-8 `stream` read in 1 MiB chunks with every non-ASCII character written as JSON writes it (`\\uXXXX`).

    The same JSON values (and, for JavaScript, the same program outside strings it never has non-ASCII in),
    held once: decoding the 130 MB assembly whole would hold it as bytes and again as a str of two bytes
    a character (it has a few non-ASCII characters)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    data = bytearray()
    while chunk := stream.read(1 << 20):
        data += _escaped(decoder.decode(chunk))
    data += _escaped(decoder.decode(b"", final=True))
    return data


def _escaped(text: str) -> bytes:
    if text.isascii():
        return text.encode("ascii")
    return _NON_ASCII.sub(lambda match: json.dumps(match[0])[1:-1], text).encode("ascii")


def _skip_space(text: str, at: int) -> int:
    while text[at] in " \t\n\r":
        at += 1
    return at


def _expect(text: str, at: int, token: str) -> int:
    at = _skip_space(text, at)
    if text[at] != token:
        raise ValueError(f"expected {token!r} at offset {at}")
    return at + 1


def _members(text: str, at: int, *, inner: str | None = None) -> tuple[list[tuple[str, int, int]], int]:
    """Key, value start and value end of each member of the JSON object at `at`; the end of the object.

    Each value is parsed only to find where it ends, then dropped, except the value of key `inner`, an
    object whose own members are listed instead (under `inner`, followed by theirs): a 130 MB
    assembly is never held as Python objects."""
    decoder = json.JSONDecoder()
    found: list[tuple[str, int, int]] = []
    at = _expect(text, at, "{")
    if text[_skip_space(text, at)] == "}":
        return found, _skip_space(text, at) + 1
    while True:
        at = _expect(text, at, '"')
        key, at = json.decoder.scanstring(text, at)
        start = _skip_space(text, _expect(text, at, ":"))
        if key == inner:
            nested, at = _members(text, start)
            found.append((key, start, at))
            found += nested
        else:
            _, at = decoder.raw_decode(text, start)
            found.append((key, start, at))
        at = _skip_space(text, at)
        if text[at] == "}":
            return found, at + 1
        at = _expect(text, at, ",")


def _lazy_assembly(text: str) -> tuple[dict[str, object], dict[str, tuple[int, int]]]:
    """The top-level fields of a .jsii text, `types` excepted, and where each type's definition is in `text`."""
    members, _ = _members(text, 0, inner="types")
    fields: dict[str, object] = {}
    spans: dict[str, tuple[int, int]] = {}
    types_end = -1
    for key, start, end in members:
        if start < types_end:
            spans[key] = (start, end)
        elif key == "types" and types_end < 0:
            fields[key], types_end = None, end
        else:
            fields[key] = json.loads(text[start:end])
    return fields, spans


def trim(source: Path, namespaces: Iterable[str], dest: Path) -> Trimmed:
    """Write to `dest` the provider tarball `source` trimmed to `namespaces` (and their closure).

    Deterministic: the same inputs give the same bytes (the kernel caches by content). Two streaming
    reads of the tarball (its metadata files, then the kept files into `dest`); the assembly's types are
    parsed one at a time, and only the kept ones are held.
    """
    read = _read_members(source, ("package.json", ".jsii", "lib/index.js"))
    package = json.loads(read["package.json"])
    text = read.pop(".jsii").decode("ascii")
    try:
        assembly, spans = _lazy_assembly(text)
    except (ValueError, IndexError) as error:
        raise ProviderAssemblyError(f"{source.name}: .jsii is not a JSON object ({error})") from None
    if assembly.get("schema") != "jsii/0.10.0" or "types" not in assembly:
        raise ProviderAssemblyError(
            f"{source.name}: .jsii is not a plain jsii/0.10.0 assembly (schema {assembly.get('schema')!r}); "
            "the assembly format changed"
        )
    name, version = assembly["name"], assembly["version"]
    if (package.get("name"), package.get("version")) != (name, version):
        raise ProviderAssemblyError(f"{source.name}: package.json and .jsii disagree on name/version")
    types = _LazyTypes(text, spans)
    keep = namespace_closure(types, name, namespaces)
    index_js, dirs = trimmed_index(read["lib/index.js"].decode(), keep)
    kept_types = {fqn: types[fqn] for fqn in types if namespace_of(fqn, name) in keep}
    del text, types
    kept_submodules = {
        key: value for key, value in assembly.get("submodules", {}).items() if key[len(name) + 1 :] in keep
    }
    replaced = {  # the fields in the assembly's own order
        _ROOT + ".jsii": json.dumps({**assembly, "types": kept_types, "submodules": kept_submodules}).encode(),
        _ROOT + "lib/index.js": index_js.encode(),
    }
    wanted = tuple(f"{_ROOT}lib/{folder}/" for folder in dirs.values())
    dest.parent.mkdir(parents=True, exist_ok=True)
    with (
        tarfile.open(source, "r|gz") as archive,
        dest.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as out,
    ):
        for member in archive:
            if member.name in replaced:
                data = replaced[member.name]
                member.size = len(data)
                out.addfile(member, io.BytesIO(data))
            elif member.name == _ROOT + "package.json" or member.name.startswith(wanted):
                out.addfile(member, archive.extractfile(member) if member.isfile() else None)
    return Trimmed(dest, name, version, tuple(sorted(keep)), len(kept_types))


class _LazyTypes(Mapping[str, dict]):
    """The assembly's types by name, each definition parsed from the .jsii text only when looked up."""

    def __init__(self, text: str, spans: dict[str, tuple[int, int]]) -> None:
        self._text, self._spans = text, spans

    def __getitem__(self, fqn: str) -> dict:
        begin, end = self._spans[fqn]
        return json.loads(self._text[begin:end])

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


def cached_trim(source: Path, namespaces: Sequence[str]) -> Trimmed:
    """`trim()` through the cache: built once per provider tarball content and namespaces.

    The key holds no path or time, so a cache restored on another machine (CI's `actions/cache`)
    hits for the same provider version.
    """
    size = source.stat().st_size
    key = hashlib.sha256(
        json.dumps([FORMAT, source.name, size, content_digest(source, size), sorted(namespaces)]).encode()
    ).hexdigest()[:20]
    tarball = cache_dir() / f"{source.name.removesuffix('.jsii.tgz')}-{key}.jsii.tgz"
    manifest = tarball.with_suffix(".json")
    if tarball.exists() and manifest.exists():
        return _trimmed_record(tarball, json.loads(manifest.read_text()))
    tarball.parent.mkdir(parents=True, exist_ok=True)
    print(BUILDING.format(name=source.name, cache=tarball.parent), file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(dir=tarball.parent) as scratch:
        built = trim(source, namespaces, Path(scratch) / tarball.name)
        record = {k: v for k, v in asdict(built).items() if k != "tarball"}
        (Path(scratch) / manifest.name).write_text(json.dumps(record))
        os.replace(built.tarball, tarball)
        os.replace(Path(scratch) / manifest.name, manifest)
    return _trimmed_record(tarball, record)


def content_digest(source: Path, size: int) -> str:
    """SHA-256 of the tarball's bytes (urlsafe base64, as wheels record it).

    Read from the RECORD pip wrote when installing the provider (`<package>-*.dist-info` beside
    `<package>/_jsii/`) when it lists the file with this size, else computed from the bytes
    (tens of milliseconds for the real provider, which warm synths then would pay every time).
    """
    package = source.parent.parent
    entry = f"\n{package.name}/_jsii/{source.name},sha256=".encode()
    for record in sorted(package.parent.glob(f"{package.name}-*.dist-info/RECORD")):
        text = b"\n" + record.read_bytes() + b"\n"  # bytes: decoding all of it costs more than the search
        start = text.find(entry)
        if start >= 0:
            line = text[start + len(entry) : text.find(b"\n", start + len(entry))].decode().rstrip("\r")
            digest, _, listed = line.partition(",")
            if listed == str(size) and _URLSAFE_DIGEST.fullmatch(digest):
                return digest
    digest = hashlib.sha256()
    with source.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def _trimmed_record(tarball: Path, record: dict) -> Trimmed:
    return Trimmed(tarball, record["name"], record["version"], tuple(record["namespaces"]), record["types"])


def _kernel_load(name: str, version: str, tarball: Path) -> int:
    """Ask the jsii kernel to load a package tarball; the number of types it then knows."""
    from jsii._kernel.types import LoadRequest  # private: listed in private_names.JSII_NAMES
    from jsii._runtime import kernel

    return kernel.provider.load(LoadRequest(name=name, version=version, tarball=str(tarball))).types


def jsii_namespaces(modules: Iterable[types.ModuleType]) -> dict[str, str]:
    """Jsii namespace of each module, from its classes' `__jsii_type__` (module name -> namespace)."""
    found: dict[str, str] = {}
    for module in modules:
        fqns = {
            value.__jsii_type__
            for value in vars(module).values()
            if isinstance(value, type) and isinstance(getattr(value, "__jsii_type__", None), str)
        }
        spaces = {fqn.split(".")[1] for fqn in fqns if fqn.count(".") >= 2}
        if len(spaces) != 1:
            raise ProviderAssemblyError(
                f"{module.__name__}: expected the classes of one jsii namespace, found {sorted(spaces)}: "
                "the provider's Python layout changed"
            )
        found[module.__name__] = spaces.pop()
    return found


class _LateImportGuard(importlib.abc.MetaPathFinder):
    """Refuses provider submodules imported after the kernel was given the trimmed assembly."""

    def __init__(self, package: str) -> None:
        self.package = package

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.startswith(self.package + ".") and fullname not in sys.modules:
            raise ImportError(
                f"{fullname} is imported after modules/runtime/cdk.py loaded the provider's trimmed assembly, "
                "which lacks its types: import it inside the `with only_imported_submodules()` block in "
                "modules/runtime/cdk.py"
            )
        return None


@contextmanager
def only_imported_submodules(package: str) -> Iterator[None]:
    """Import provider submodules inside this block; load only their types into the kernel."""
    jsii_module = f"{package}._jsii"
    if package in sys.modules or jsii_module in sys.modules:
        raise ProviderAssemblyError(
            f"{package} was imported before modules/runtime/cdk.py: every provider import must go through the seam"
        )
    source = provider_tarball(package)
    spec = importlib.util.find_spec(package)
    assert spec is not None
    private_names.check(provider_dirs=list(spec.submodule_search_locations or []))
    stub = types.ModuleType(package)
    stub.__path__ = list(spec.submodule_search_locations or [])
    stub.__spec__ = spec
    stub.__file__ = spec.origin
    held_back = types.ModuleType(jsii_module)
    held_back.__all__ = ["__jsii_assembly__"]  # what the submodules star-import
    held_back.__jsii_assembly__ = None
    sys.modules[package] = stub
    sys.modules[jsii_module] = held_back
    try:
        yield
    finally:
        del sys.modules[jsii_module]
    imported = [  # direct submodules; publication also lists each one's `<name>._private`
        module
        for name, module in sorted(sys.modules.items())
        if name.startswith(package + ".") and "." not in name[len(package) + 1 :] and module is not None
    ]
    if not imported:
        raise ProviderAssemblyError(f"no {package} submodule was imported inside the block")
    namespaces = jsii_namespaces(imported)
    trimmed = cached_trim(source, sorted(set(namespaces.values())))
    loaded = _kernel_load(trimmed.name, trimmed.version, trimmed.tarball)
    real = importlib.import_module(jsii_module)  # the provider's own load: answered from the trimmed package
    again = _kernel_load(trimmed.name, trimmed.version, source)
    if not loaded == again == trimmed.types:
        raise ProviderAssemblyError(
            f"the jsii kernel reports {again} types for {trimmed.name} after loading the trimmed tarball "
            f"({trimmed.types} types, loaded as {loaded}): it no longer reuses an already-loaded package of the "
            "same name and version, so the fast path does not apply"
        )
    for module in imported:
        module.__jsii_assembly__ = real.__jsii_assembly__
    LOADED[package] = trimmed
    sys.meta_path.insert(0, _LateImportGuard(package))


def provider_imports(package: str) -> AbstractContextManager[None]:
    """`only_imported_submodules(package)`, or a plain import with `FEATURE_PIPELINES_PLAIN_JSII=1`."""
    return nullcontext() if private_names.plain_jsii() else only_imported_submodules(package)
