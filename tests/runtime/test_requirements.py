"""CDK Terrain's virtualenv installs what the app needs besides its runtime: requirements-cdktn.txt pins every
package of requirements.txt at the same version, but the runtime itself (cdktf and its provider bindings,
cdktn's instead) and constructs (CDK Terrain needs an older one)."""

from __future__ import annotations

import re

from tests.helpers import ROOT

#: What differs between the runtimes by design.
RUNTIME_OWN = {"cdktf", "cdktf-cdktf-provider-aws", "cdktn", "cdktn-provider-aws", "constructs"}


def pins(name: str) -> dict[str, str]:
    """package (normalised) -> version, from a requirements file's `name==version` lines."""
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        if match := re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.split("#", 1)[0].strip()):
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


def test_cdk_terrain_pins_every_package_the_app_needs_besides_its_runtime():
    cdktf, cdktn = pins("requirements.txt"), pins("requirements-cdktn.txt")
    wanted = {name: version for name, version in cdktf.items() if name not in RUNTIME_OWN}
    assert {name: cdktn.get(name) for name in wanted} == wanted
    assert {"cdktn", "cdktn-provider-aws", "constructs"} <= set(cdktn)
