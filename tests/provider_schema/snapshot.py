"""Compact snapshots of the AWS provider schemas: only the resource types, data sources and provider
configuration the seam can synthesize (`modules.runtime.imports.PROVIDER_CLASSES`), every argument,
attribute and nested block of each.

Sources (one snapshot file each, `aws-<version>.json` beside this module):

- 5.100.0: `terraform providers schema -json` of the real provider (`from_terraform`): exact (blocks and
  attributes told apart, deprecation flags).
- 6.25.0 and 6.69.1: the jsii assemblies of the prebuilt bindings generated from them,
  `cdktf-cdktf-provider-aws` 21.22.1 and `cdktn-provider-aws` 25.8.1 (`from_jsii`): every argument with its
  optional flag and type, every computed attribute (the resource class's getters), nested blocks as
  structs. The bindings cannot tell a nested block from an object attribute (`"exact": false`) and carry
  no deprecation flags: `check.DEPRECATED` lists the 6.x deprecations from the provider's upgrade guide.

Regenerate (with the provider mirror for 5.100; the cdktn wheel from `pip download cdktn-provider-aws==25.8.1
--no-deps -d DIR`, the cdktf one is the installed package):

    TF_PROVIDER_MIRROR=... python -m tests.provider_schema.snapshot \
        --cdktn-wheel DIR/cdktn_provider_aws-25.8.1-py3-none-any.whl

tests/terraform/test_provider_schema.py checks the 5.100 snapshot against the real provider, and (marked
slow) the 6.25 one against the installed bindings.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from modules.runtime.imports import PROVIDER_CLASSES

HERE = Path(__file__).resolve().parent
AWS = "registry.terraform.io/hashicorp/aws"
#: The real provider the snapshot of `from_terraform` is taken from.
TERRAFORM_VERSION = "5.100.0"

Block = dict[str, Any]


def snapshot_path(version: str) -> Path:
    return HERE / f"aws-{version}.json"


def used_types() -> tuple[list[str], list[str]]:
    """(resource types, data sources) the seam can synthesize: one per provider submodule."""
    resources, data = [], []
    for submodule in PROVIDER_CLASSES:
        if submodule == "provider":
            continue
        if submodule.startswith("data_aws_"):
            data.append("aws_" + submodule.removeprefix("data_aws_"))
        else:
            resources.append("aws_" + submodule)
    return sorted(resources), sorted(data)


# --- the real provider's schema (terraform providers schema -json) ---


def _type(value: Any) -> Any:
    """A Terraform schema type, sets read as lists (JSON and HCL write both alike)."""
    if isinstance(value, str):
        return "any" if value == "dynamic" else value
    kind, element = value[0], value[1]
    if kind == "object":
        return ["object", {name: _type(item) for name, item in sorted(element.items())}]
    if kind == "tuple":
        return ["list", "any"]
    return ["list" if kind == "set" else kind, _type(element)]


def _nested_type(nested: dict[str, Any]) -> Any:
    """A framework nested attribute's type: an object, or a list or map of them."""
    element = ["object", {name: _attribute_type(item) for name, item in sorted(nested["attributes"].items())}]
    mode = nested["nesting_mode"]
    return element if mode == "single" else ["map" if mode == "map" else "list", element]


def _attribute_type(attribute: dict[str, Any]) -> Any:
    return _type(attribute["type"]) if "type" in attribute else _nested_type(attribute["nested_type"])


def _mode(required: bool, optional: bool) -> str:
    return "required" if required else "optional" if optional else "computed"


def _terraform_block(block: dict[str, Any]) -> Block:
    attributes = {}
    for name, attribute in sorted(block.get("attributes", {}).items()):
        entry: dict[str, Any] = {
            "type": _attribute_type(attribute),
            "mode": _mode(attribute.get("required", False), attribute.get("optional", False)),
        }
        if attribute.get("deprecated"):
            entry["deprecated"] = True
        attributes[name] = entry
    blocks = {}
    for name, nested in sorted(block.get("block_types", {}).items()):
        mode = nested["nesting_mode"]
        blocks[name] = {
            "nesting": "list" if mode == "set" else mode,
            "min": nested.get("min_items", 0),
            "max": 1 if mode == "single" else nested.get("max_items", 0),
            **_terraform_block(nested["block"]),
        }
        if nested["block"].get("deprecated"):
            blocks[name]["deprecated"] = True
    return {"attributes": attributes, "blocks": blocks}


def from_terraform(schema: dict[str, Any], version: str = TERRAFORM_VERSION) -> dict[str, Any]:
    """The snapshot of `terraform providers schema -json` output."""
    provider = schema["provider_schemas"][AWS]
    resources, data = used_types()
    return {
        "provider": "hashicorp/aws",
        "version": version,
        "source": "terraform providers schema -json",
        "exact": True,
        "provider_config": _terraform_block(provider["provider"]["block"]),
        "resource": {name: _terraform_block(provider["resource_schemas"][name]["block"]) for name in resources},
        "data": {name: _terraform_block(provider["data_source_schemas"][name]["block"]) for name in data},
    }


def terraform_schema(terraform: Any, workdir: Path, version: str = TERRAFORM_VERSION) -> dict[str, Any]:
    """`terraform providers schema -json` of hashicorp/aws `version`, initialized in `workdir` by `terraform`
    (tests.terraform.terraform_cli.Terraform: its mirror, if any)."""
    workdir.mkdir(parents=True, exist_ok=True)
    required = {"aws": {"source": "hashicorp/aws", "version": version}}
    (workdir / "main.tf.json").write_text(json.dumps({"terraform": {"required_providers": required}}))
    terraform.init(workdir, backend=False)
    return json.loads(terraform.run(workdir, "providers", "schema", "-json").stdout)


# --- the jsii assembly of prebuilt bindings ---

#: A property's Terraform name, from its registry link: `{@link https://...#alarm_names EcsService#alarm_names}`.
_ANCHOR = re.compile(r"#([a-z0-9_]+) [A-Za-z0-9]+#\1\}")
#: A class's Terraform type, from its summary: `Represents a {@link https://... aws_ecs_service}.`
_TYPE = re.compile(r"\{@link https://registry\.terraform\.io/providers/hashicorp/aws/([0-9.]+)/docs/\S+ (aws_\w+)\}")
_BASES = {"TerraformResource": "resource", "TerraformDataSource": "data"}


def snake(name: str) -> str:
    """A jsii (camelCase) name in Terraform's snake_case: `ipv6CidrBlock` -> `ipv6_cidr_block`."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _tf_name(prop: dict[str, Any]) -> str:
    docs = prop.get("docs", {})
    found = _ANCHOR.search(docs.get("summary", "") + " " + docs.get("remarks", ""))
    return found.group(1) if found else snake(prop["name"])


def _strip_resolvable(ref: dict[str, Any]) -> dict[str, Any]:
    """A property type without the `IResolvable` alternative cdktf adds to booleans and lists."""
    if "union" in ref:
        kept = [item for item in ref["union"]["types"] if not item.get("fqn", "").endswith(".IResolvable")]
        return kept[0] if len(kept) == 1 else {"primitive": "any"}
    return ref


def _jsii_type(ref: dict[str, Any], types: dict[str, Any]) -> Any:
    ref = _strip_resolvable(ref)
    if "primitive" in ref:
        return {"string": "string", "number": "number", "boolean": "bool"}.get(ref["primitive"], "any")
    if "collection" in ref:
        kind = "list" if ref["collection"]["kind"] == "array" else "map"
        return [kind, _jsii_type(ref["collection"]["elementtype"], types)]
    return "any"


def _struct_of(ref: dict[str, Any], types: dict[str, Any]) -> tuple[str, str] | None:
    """(fqn, "single" or "list") when a property's type is a struct (a nested block) or a list of them."""
    ref = _strip_resolvable(ref)
    if "collection" in ref and ref["collection"]["kind"] == "array":
        inner = _strip_resolvable(ref["collection"]["elementtype"])
        if types.get(inner.get("fqn", ""), {}).get("datatype"):
            return inner["fqn"], "list"
    if types.get(ref.get("fqn", ""), {}).get("datatype"):
        return ref["fqn"], "single"
    return None


def _jsii_struct(fqn: str, types: dict[str, Any], getters: dict[str, Any] | None = None) -> Block:
    """A config struct as a block: its properties (arguments and nested blocks) and, given the class's
    getters, the computed attributes no argument sets."""
    attributes: dict[str, Any] = {}
    blocks: dict[str, Any] = {}
    for prop in types[fqn].get("properties", []):
        name = _tf_name(prop)
        struct = _struct_of(prop["type"], types)
        if struct is not None:
            inner, nesting = struct
            blocks[name] = {
                "nesting": nesting,
                "min": 0 if prop.get("optional") else 1,
                "max": 1 if nesting == "single" else 0,
                **_jsii_struct(inner, types),
            }
        else:
            attributes[name] = {
                "type": _jsii_type(prop["type"], types),
                "mode": "optional" if prop.get("optional") else "required",
            }
    for prop in (getters or {}).values():
        name = snake(prop["name"])
        if name not in attributes and name not in blocks:
            attributes[name] = {"type": _jsii_type(prop["type"], types), "mode": "computed"}
    return {"attributes": dict(sorted(attributes.items())), "blocks": dict(sorted(blocks.items()))}


def _getters(cls: dict[str, Any]) -> dict[str, Any]:
    """A resource class's own attribute getters (not the `...Input` twins, not static)."""
    return {
        prop["name"]: prop
        for prop in cls.get("properties", [])
        if not prop.get("static") and not prop["name"].endswith("Input")
    }


def _config_fqn(cls: dict[str, Any]) -> str:
    (config,) = [p for p in cls["initializer"]["parameters"] if p["name"] == "config"]
    return config["type"]["fqn"]


def from_jsii(assembly: dict[str, Any]) -> dict[str, Any]:
    """The snapshot of a provider bindings' jsii assembly."""
    types = assembly["types"]
    wanted_resources, wanted_data = used_types()
    found: dict[str, dict[str, Block]] = {"resource": {}, "data": {}}
    versions = set()
    provider_config: Block | None = None
    for cls in types.values():
        if cls.get("kind") != "class" or "base" not in cls:
            continue
        base = cls["base"].rsplit(".", 1)[-1]
        if base == "TerraformProvider" and cls.get("namespace") == "provider":
            provider_config = _jsii_struct(_config_fqn(cls), types)
            continue
        link = _TYPE.search(cls.get("docs", {}).get("summary", ""))
        if base not in _BASES or link is None:
            continue
        kind, name = _BASES[base], link.group(2)
        if name in (wanted_resources if kind == "resource" else wanted_data):
            versions.add(link.group(1))
            found[kind][name] = _jsii_struct(_config_fqn(cls), types, _getters(cls))
    missing = [name for name in wanted_resources if name not in found["resource"]]
    missing += [f"data.{name}" for name in wanted_data if name not in found["data"]]
    if missing or provider_config is None or len(versions) != 1:
        raise ValueError(f"{assembly['name']} {assembly['version']}: missing {missing}, provider versions {versions}")
    return {
        "provider": "hashicorp/aws",
        "version": versions.pop(),
        "source": f"jsii assembly of {assembly['name']} {assembly['version']}",
        "exact": False,
        "provider_config": provider_config,
        "resource": dict(sorted(found["resource"].items())),
        "data": dict(sorted(found["data"].items())),
    }


def assembly_of(package: Path) -> dict[str, Any]:
    """The jsii assembly in a bindings package: an installed package directory (its `_jsii/*.jsii.tgz`),
    or a wheel."""
    if package.is_dir():
        (tarball,) = (package / "_jsii").glob("*.jsii.tgz")
        data = tarball.read_bytes()
    else:
        with zipfile.ZipFile(package) as wheel:
            (name,) = [n for n in wheel.namelist() if n.endswith(".jsii.tgz")]
            data = wheel.read(name)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile("package/.jsii")
        assert member is not None
        assembly = json.load(member)
    if assembly.get("schema") == "jsii/file-redirect":
        raise ValueError(f"{package}: a redirected (compressed) jsii assembly is not supported")
    return assembly


def installed_package() -> Path:
    """The installed cdktf provider bindings' directory (without importing it: the import is slow)."""
    import importlib.util

    spec = importlib.util.find_spec("cdktf_cdktf_provider_aws")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("cdktf-cdktf-provider-aws is not installed here")
    return Path(next(iter(spec.submodule_search_locations)))


def write(snapshot: dict[str, Any]) -> Path:
    path = snapshot_path(snapshot["version"])
    path.write_text(json.dumps(snapshot, indent=1, sort_keys=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.provider_schema.snapshot", description=__doc__.split(":")[0])
    parser.add_argument("--cdktn-wheel", type=Path, help="cdktn_provider_aws wheel (6.69); skipped when not given")
    parser.add_argument("--skip-terraform", action="store_true", help="keep the 5.100 snapshot as it is")
    args = parser.parse_args(argv)
    written = [write(from_jsii(assembly_of(installed_package())))]
    if args.cdktn_wheel:
        written.append(write(from_jsii(assembly_of(args.cdktn_wheel))))
    if not args.skip_terraform:
        from tests.terraform.terraform_cli import Terraform, environment

        with tempfile.TemporaryDirectory(prefix="schema-") as home:
            terraform = Terraform.configured(Path(home), environment())
            written.append(write(from_terraform(terraform_schema(terraform, Path(home) / "stack"))))
    for path in written:
        print(f"wrote {path.relative_to(HERE.parent.parent)} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
