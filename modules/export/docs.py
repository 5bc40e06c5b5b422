"""The exported module's README: usage, then the tables terraform-docs writes (pure).

The tables are generated from the module's own JSON, so they always match it: requirements,
providers, resources, inputs and outputs, in terraform-docs' markdown table format (names
sorted, `_` escaped, multi-line defaults in `<pre>`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"
_REGISTRY = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs"


def _escape(name: str) -> str:
    return name.replace("_", "\\_")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br/>")


def _anchor(kind: str, name: str) -> str:
    return f'<a name="{kind}_{name}"></a> [{_escape(name)}](#{kind}\\_{_escape(name)})'


def render_default(value: Any) -> str:
    """A default as terraform-docs shows it: inline in backticks, or a `<pre>` block."""
    if value is None:
        return "`null`"
    if isinstance(value, (dict, list)) and value:
        return "<pre>" + json.dumps(value, indent=2).replace("\n", "<br/>") + "</pre>"
    return f"`{json.dumps(value)}`"


def tables(module: Mapping[str, Any]) -> str:
    """The terraform-docs sections of a module given as merged Terraform JSON."""
    terraform = module.get("terraform", {})
    providers = terraform.get("required_providers", {})
    lines = ["## Requirements", "", "| Name | Version |", "|------|---------|"]
    if "required_version" in terraform:
        lines.append(f"| {_anchor('requirement', 'terraform')} | {terraform['required_version']} |")
    lines += [f"| {_anchor('requirement', name)} | {spec['version']} |" for name, spec in sorted(providers.items())]
    lines += ["", "## Providers", "", "| Name | Version |", "|------|---------|"]
    lines += [f"| {_anchor('provider', name)} | {spec['version']} |" for name, spec in sorted(providers.items())]
    lines += ["", "## Modules", "", "No modules.", "", "## Resources", "", "| Name | Type |", "|------|------|"]
    for kind, section, label in (("resource", "resources", "resource"), ("data", "data-sources", "data source")):
        for rtype, by_name in sorted(module.get(kind, {}).items()):
            for name in sorted(by_name):
                lines.append(f"| [{rtype}.{name}]({_REGISTRY}/{section}/{rtype.removeprefix('aws_')}) | {label} |")
    lines += [
        "",
        "## Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|------|-------------|------|---------|:--------:|",
    ]
    for name, body in sorted(module.get("variable", {}).items()):
        default = render_default(body["default"]) if "default" in body else "n/a"
        required = "no" if "default" in body else "yes"
        lines.append(
            f"| {_anchor('input', name)} | {_cell(body.get('description', 'n/a'))} | `{body.get('type', 'any')}` "
            f"| {default} | {required} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    for name, body in sorted(module.get("output", {}).items()):
        lines.append(f"| {_anchor('output', name)} | {_cell(body.get('description', 'n/a'))} |")
    return "\n".join(lines)


def readme(module: Mapping[str, Any], *, title: str, summary: str, marker: str, call: str) -> str:
    """The whole README: marker, title, summary, a usage example (`call`), the tables."""
    return "\n".join(
        [
            f"<!-- {marker} -->",
            f"# {title}",
            "",
            summary,
            "",
            "## Usage",
            "",
            "```hcl",
            call,
            "```",
            "",
            BEGIN,
            tables(module),
            END,
            "",
        ]
    )
