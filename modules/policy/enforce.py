"""Run every rule over every variant of a synthesized stack and apply the config's waivers.

A finding is bad input like any config problem: `enforce` raises ConfigError (exit 2, one line
per finding naming the config path) unless the variant's `waivers` name the rule with a reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config.errors import ConfigError, Problem
from ..config.resolve import Deployment, VariantSpec
from .rules import CHECKS
from .view import VariantView, across_stacks, views_of

#: Not a catalogued rule, so no waiver names it: a JSON document Terraform would evaluate.
LITERAL_RULE = "TF-LITERAL"


@dataclass(frozen=True)
class Finding:
    """One rule broken by one variant, at the config path that controls it.

    `stack` is set only when the config has several stacks (environments).
    """

    rule: str
    variant: str
    path: str
    message: str
    stack: str = ""


@dataclass(frozen=True)
class Waiver:
    """A waiver of the config: which rule, for which variant, where it is written and why."""

    rule: str
    variant: str
    path: str
    reason: str


@dataclass(frozen=True)
class Report:
    """Findings left after waivers, the waivers that suppressed a finding, and unused ones."""

    findings: tuple[Finding, ...]
    applied: tuple[Waiver, ...]
    unused: tuple[Waiver, ...]


def variant_label(spec: VariantSpec, stack_name: str = "") -> str:
    """`news-encoder/control`, or `prd:news-encoder/control` when stacks must be told apart."""
    return f"{stack_name}:" * bool(stack_name) + f"{spec.pipeline}/{spec.variant}"


def check_variant(spec: VariantSpec, view: VariantView, *, stack_name: str = "") -> list[Finding]:
    """Every rule over one variant's synthesized resources (its `view`), waivers not applied."""
    label = variant_label(spec, stack_name)
    unjudged = [
        Finding(LITERAL_RULE, label, spec.source(""), f"{expression}; the rules cannot judge it", stack_name)
        for expression in view.expressions
    ]
    return unjudged + [
        Finding(rule, label, fix_path(spec, violation.key, violation.container), violation.message, stack_name)
        for rule, check in CHECKS.items()
        for violation in check(view)
    ]


def fix_path(spec: VariantSpec, key: str, container: str = "") -> str:
    """Where to fix `key`: where the config sets it; a key nobody sets, at the variant's pipeline
    (setting it there fixes every variant that leaves it unset). A key of a sidecar (`container`
    names one) is fixed in that sidecar's block, where it is written; the main container's image
    at `image_tag`; a key within a setting (`health_check.command`) where that setting is written."""
    if container in spec.settings.sidecars:
        sidecar = spec.source(f"sidecars.{container}")
        return f"{sidecar}.{key}" if key else sidecar
    if key == "image":
        key = "image_digest" if "image_digest" in spec.sources else "image_tag"
    head, _, rest = key.partition(".")
    if rest and key not in spec.sources and head in spec.sources:  # within a setting replaced whole (health_check)
        return f"{spec.sources[head]}.{rest}"
    if key and key not in spec.sources and ".variants." in spec.path:
        return f"{spec.path.rsplit('.variants.', 1)[0]}.{key}"
    return spec.source(key)


def check_stack(stack: Mapping[str, Any], deployment: Deployment, *, qualify: bool = False) -> Report:
    """Check every variant of `deployment` in its synthesized `stack` and apply waivers.

    With `qualify` (several stacks), variants are labelled with their stack: `prd:news-encoder/control`.
    """
    return _check_views(views_of(stack, (spec.address for spec in deployment.variants)), deployment, qualify=qualify)


def _check_views(views: Mapping[str, VariantView], deployment: Deployment, *, qualify: bool) -> Report:
    findings: list[Finding] = []
    applied: list[Waiver] = []
    unused: list[Waiver] = []
    for spec in deployment.variants:
        stack_name = deployment.stack if qualify else ""
        found = check_variant(spec, views[spec.address], stack_name=stack_name)
        label = variant_label(spec, stack_name)
        for rule, reason in spec.settings.waivers.items():
            waiver = Waiver(rule, label, spec.source(f"waivers.{rule}"), reason)
            (applied if any(f.rule == rule for f in found) else unused).append(waiver)
        findings += [finding for finding in found if finding.rule not in spec.settings.waivers]
    return Report(tuple(findings), tuple(applied), tuple(unused))


def check_outdir(outdir: Path, deployments: Sequence[Deployment]) -> Report:
    """`check_stack` on every deployment a synth wrote into `outdir` (cdktf layout), in one report; a deployment
    split into stacks (`stacks: per_pipeline`) is checked as the union of its stacks' resources, and the
    namespaces each variant writes against those of every variant of every deployment (`across_stacks`)."""
    views = across_stacks(
        {
            deployment.stack: views_of(
                deployment_json(outdir, deployment), (spec.address for spec in deployment.variants)
            )
            for deployment in deployments
        }
    )
    reports = [
        _check_views(views[deployment.stack], deployment, qualify=len(deployments) > 1) for deployment in deployments
    ]
    return Report(
        findings=tuple(f for report in reports for f in report.findings),
        applied=tuple(w for report in reports for w in report.applied),
        unused=tuple(w for report in reports for w in report.unused),
    )


def deployment_json(outdir: Path, deployment: Deployment) -> dict[str, Any]:
    """The synthesized stack of `deployment`; split: its stacks' `resource` blocks together (addresses are
    unique across them: they are those of the single stack)."""
    stacks = [json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text()) for name in deployment.stack_names()]
    if len(stacks) == 1:
        return stacks[0]
    resources: dict[str, dict[str, Any]] = {}
    for stack in stacks:
        for rtype, by_name in stack.get("resource", {}).items():
            resources.setdefault(rtype, {}).update(by_name)
    return {"resource": resources}


def enforce(report: Report) -> Report:
    """`report` when nothing is left after waivers; ConfigError with one line per finding otherwise."""
    if report.findings:
        raise ConfigError(grouped(report.findings))
    return report


def grouped(findings: Sequence[Finding]) -> list[Problem]:
    """One problem per rule broken at one config path, naming the variants and stacks it reaches
    (a value set, or left unset, for several of them is fixed once, where it is set)."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.rule, finding.path, finding.message), []).append(finding)
    problems = []
    for (rule, path, message), group in groups.items():
        variants = list(dict.fromkeys(finding.variant.rpartition(":")[2] for finding in group))
        stacks = list(dict.fromkeys(finding.stack for finding in group if finding.stack))
        reach = [f"variants {', '.join(variants)}"] * (len(variants) > 1)
        reach += [f"in stack{'s' * (len(stacks) > 1)} {', '.join(stacks)}"] * bool(stacks)
        where = f" ({'; '.join(reach)})" if reach else ""
        waive = f"; or waive it: waivers: {{{rule}: <reason>}}" if rule in CHECKS else ""
        problems.append(Problem(path, f"[{rule}] {message}{where}{waive}"))
    return problems


def describe(report: Report) -> list[str]:
    """Summary lines for the waivers in effect (applied and unused)."""
    lines = [f"waived {w.rule} for {w.variant} ({w.path}): {w.reason}" for w in report.applied]
    lines += [f"waiver {w.rule} for {w.variant} is unused, nothing to waive ({w.path})" for w in report.unused]
    return lines
