"""A local state file read as `terraform show -json` shows it, without a `terraform show`.

`show -json` starts the provider to read its schema (seconds of CPU per run): for the attribute values
of the root module's resources, which the state file holds as they are, the file itself is enough.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def as_shown(state_file: Path) -> dict[str, Any]:
    """The root module's managed resources of a state file (format version 4), in `show -json`'s shape
    (`values.root_module.resources[]`: address, mode, type, name, index, values), for cycles.applied."""
    state = json.loads(state_file.read_text())
    assert state["version"] == 4, f"{state_file}: state format {state['version']}"
    resources = []
    for resource in state["resources"]:
        if resource.get("module") or resource["mode"] != "managed":
            continue
        for instance in resource["instances"]:
            address = f"{resource['type']}.{resource['name']}"
            if "index_key" in instance:
                address += f"[{json.dumps(instance['index_key'])}]"
            resources.append(
                {
                    "address": address,
                    "mode": "managed",
                    "type": resource["type"],
                    "name": resource["name"],
                    "values": instance["attributes"],
                }
            )
    return {"values": {"root_module": {"resources": resources}}}
