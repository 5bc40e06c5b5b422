"""The review's dangers as SARIF 2.1.0, for GitHub code scanning (pure).

One rule per danger kind (`dangers.KINDS`), one result per danger. Code scanning wants a file of the
repository for each result: the config the outputs were synthesized from (`source`); the Terraform
address and stack are the result's logical location, and its fingerprint (kind, stack, address) lets
code scanning follow one danger from run to run, and close it once a run no longer reports it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .dangers import KINDS, Danger

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL = "feature-pipelines review"

#: Per kind: what it means (the rule's description) and how loud (SARIF level).
RULES: dict[str, tuple[str, str]] = {
    "orphans": ("The region changes with the same state: the old region's resources are left running.", "error"),
    "adoption": ("A resource the plan imports is then replaced or destroyed.", "error"),
    "replace": ("A resource is destroyed and created again (a service's tasks stop).", "error"),
    "data_loss": ("A resource that holds data is destroyed or replaced.", "error"),
    "security": ("A grant is widened on what already runs.", "warning"),
    "safety": ("A deployment is made less safe.", "warning"),
    "shared": ("Something every variant depends on changes.", "warning"),
    "isolation": ("A variant changes although its own config did not.", "warning"),
    "shared_data": ("Variants come to share an input queue or an output namespace.", "error"),
    "observability": ("What watches a variant is destroyed.", "warning"),
    "plan_fails": ("The AWS provider rejects the change as written.", "error"),
}
assert set(RULES) == set(KINDS), "every danger kind has a rule"


def _fingerprint(danger: Danger) -> str:
    return hashlib.sha256(f"{danger.kind}\0{danger.stack}\0{danger.address}".encode()).hexdigest()[:32]


def sarif(dangers: list[Danger], source: str) -> dict[str, Any]:
    """A SARIF log of `dangers`, each located in the config file `source` (a path in the repository)."""
    rules = [
        {
            "id": f"review/{kind}",
            "name": kind,
            "shortDescription": {"text": RULES[kind][0]},
            "defaultConfiguration": {"level": RULES[kind][1]},
            "help": {"text": "The danger kinds and what to do: docs/review-and-ci.md."},
        }
        for kind in KINDS
    ]
    results = [
        {
            "ruleId": f"review/{danger.kind}",
            "ruleIndex": KINDS.index(danger.kind),
            "level": RULES[danger.kind][1],
            "message": {"text": f"{danger.address} ({danger.stack}): {danger.detail}"},
            "locations": [
                {
                    "physicalLocation": {"artifactLocation": {"uri": source}, "region": {"startLine": 1}},
                    "logicalLocations": [
                        {"fullyQualifiedName": f"{danger.stack}/{danger.address}", "kind": "resource"}
                    ],
                }
            ],
            "partialFingerprints": {"reviewDanger/v1": _fingerprint(danger)},
        }
        for danger in dangers
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": TOOL, "rules": rules}}, "results": results}],
    }
