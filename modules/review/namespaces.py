"""The data each variant may consume and write, from its IAM policies, and the pairs of variants
that share it (pure; docs/data-isolation.md).

- input: the SQS queues a variant may `sqs:ReceiveMessage` from, by queue name (a reference to a queue
  of the stack is its `name`, an ARN its last part). Two variants receiving from one queue are competing
  consumers: SQS hands each message to one of them, and each sees only part of the stream.
- output: the S3 object patterns a variant may `s3:PutObject` on, and `<table ARN>/<partition key pattern>`
  for the DynamoDB items it may `dynamodb:PutItem` (its `dynamodb:LeadingKeys` condition; `/*` without
  one). Two overlapping patterns (`iam_patterns.namespaces_overlap`) let the variants overwrite each
  other's features.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..lib.iam_patterns import allows, listed, namespaces_overlap, write_namespaces
from .diff import AFTER_APPLY, decoded
from .owners import Owner
from .template import literal

POLICY_TYPES = ("aws_iam_role_policy", "aws_iam_policy")
INPUT, OUTPUT = "input", "output"
_QUEUE_REFERENCE = re.compile(r"^\$\{aws_sqs_queue\.([^.}]+)\.arn\}$")


@dataclass(frozen=True)
class Use:
    """One variant's grant on one input queue or output namespace, and the policy that grants it."""

    owner: Owner
    kind: str
    what: str
    """A queue name (input), an S3 object pattern or `<table ARN>/<partition key pattern>` (output)."""
    address: str


def _queue(resource: str, queues: Mapping[str, str]) -> str:
    """A queue's name: a reference to one of the stack's queues by its `name`, an ARN by its last part."""
    found = _QUEUE_REFERENCE.match(resource)
    if found:
        return queues.get(found[1], resource)
    return resource.rsplit(":", 1)[-1] if resource.startswith("arn:") else resource


def uses(policies: Iterable[tuple[str, Owner, Any]], queues: Mapping[str, str]) -> list[Use]:
    """Every input and output use the policies grant (`(address, owner, policy document)`, a document as
    a JSON string or as data); `queues`: queue resource name -> its queue name. A policy Terraform knows
    only after the apply grants nothing here."""
    found = []
    for address, owner, policy in policies:
        if not owner.variant or policy in (None, AFTER_APPLY):
            continue
        document = decoded(literal(policy)) if isinstance(policy, str) else policy
        statements = document.get("Statement") if isinstance(document, dict) else None
        statements = [statements] if isinstance(statements, dict) else statements
        for statement in statements if isinstance(statements, list) else []:
            if allows(statement, "sqs:receivemessage"):
                found += [Use(owner, INPUT, _queue(r, queues), address) for r in listed(statement.get("Resource"))]
            found += [Use(owner, OUTPUT, what, address) for what in write_namespaces(statement)]
    return found


def _same(kind: str, one: str, two: str) -> bool:
    return one == two if kind == INPUT else namespaces_overlap(one, two)


def shared(found: list[Use]) -> dict[tuple[str, Owner, Owner], tuple[Use, Use]]:
    """Each pair of variants that share an input queue or an output namespace, by (kind, variant, other
    variant), the two variants in order: the first sharing use of each."""
    pairs: dict[tuple[str, Owner, Owner], tuple[Use, Use]] = {}
    for i, one in enumerate(found):
        for two in found[i + 1 :]:
            if one.kind == two.kind and one.owner != two.owner and _same(one.kind, one.what, two.what):
                first, second = sorted((one, two), key=lambda use: use.owner)
                pairs.setdefault((one.kind, first.owner, second.owner), (first, second))
    return pairs
