"""`promote`: control takes the winner's settings, in place; the other variants go, unless kept (pure).

Control's service is updated, never replaced: control keeps its name (and so every Terraform address
and AWS name), and its own settings become the winner's, key by key, so both resolve alike (they inherit
from the same pipeline). Removing a variant destroys its resources. In each environment, control takes
the winner's overrides where the winner ran; where it did not, control keeps its own (said in `notes`).
Without `keep` the experiment is over: the pipeline's `experiment:` block goes too (its tags leave control's
resources, updated in place).
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap

from ..config import ConfigError, Problem
from ..config.errors import did_you_mean
from .document import Document, Path, plain, same, shown
from .edit import CONTROL, Edit, checked_result, environment_entries, omitted, open_document, variants_of


def promote(text: str, pipeline: str, winner: str, *, keep: bool = False, source: str = "<config>") -> Edit:
    """The config with `pipeline`'s control running `winner`'s settings; without `keep`, only control left."""
    document = open_document(text, source)
    variants = variants_of(document, pipeline)
    if winner not in variants or winner == CONTROL:
        others = [name for name in variants if name != CONTROL]
        hint = did_you_mean(winner, others) if winner != CONTROL else "control is what a winner is promoted into; "
        raise ConfigError(
            [
                Problem(
                    f"pipelines.{pipeline}.variants.{winner}",
                    f"no variant to promote; {hint}promote one of {', '.join(others) or '(none: only control runs)'}",
                )
            ]
        )
    removed = [] if keep else [name for name in variants if name != CONTROL]
    edit = Edit(text, "")
    base = ("pipelines", pipeline, "variants")
    edit.changes += _take(document, (*base, CONTROL), variants[winner], f"pipelines.{pipeline}.variants.control")
    for name in removed:
        document.remove((*base, name))
        edit.changes.append(f"pipelines.{pipeline}.variants.{name}: removed (its service and resources are destroyed)")
    if removed and document.get(("pipelines", pipeline, "experiment")) is not None:
        document.remove(("pipelines", pipeline, "experiment"))
        edit.changes.append(
            f"pipelines.{pipeline}.experiment: removed (the experiment ended; its tags leave control's resources, "
            "updated in place)"
        )
    for name, entry in environment_entries(document).items():
        if isinstance(entry, dict):
            _environment(document, edit, name, entry, pipeline, winner, removed)
    edit.after = document.render()
    edit.next_steps = [
        "python main.py synth, then plan and review it (python main.py review --plan ...): expect control updated "
        "in place (a new task definition revision its service rolls to; no replacement)"
        + (f"; {', '.join(f'{pipeline}/{name}' for name in removed)} destroyed" if removed else ""),
    ]
    if removed:
        reads = document.get(("pipelines", pipeline, "input")) or any(
            isinstance(variants[name], dict) and variants[name].get("input") for name in removed
        )
        queue = ", and its input queue with any unread message" if reads else ""
        edit.notes.append(
            "what stays of a removed variant: what it wrote to its sinks (nothing deletes its output namespace) "
            "and its task definition revisions (kept for rollbacks); its log group is destroyed with its log "
            f"events{queue}: export what you need before the apply"
        )
    return checked_result(edit, source)


def _take(document: Document, path: Path, source: Any, where: str) -> list[str]:
    """Make the mapping at `path` hold what `source` holds, key by key; what changed, one line each."""
    target = document.get(path)
    wanted = plain(source) if isinstance(source, dict) else CommentedMap()
    current = target if isinstance(target, dict) else {}
    changes = [f"{where}.{key}: {shown(value)} -> (unset)" for key, value in current.items() if key not in wanted]
    changes += [
        f"{where}.{key}: {shown(current[key]) if key in current else '(unset)'} -> {shown(value)}"
        for key, value in wanted.items()
        if key not in current or not same(current[key], value)
    ]
    if not current or not wanted:  # a whole new value: `{}`, or a block where there was none
        if changes or not isinstance(target, dict):
            if not wanted:
                wanted.fa.set_flow_style()
            document.set(path, wanted)
        return changes
    for key, value in wanted.items():
        if key not in current:
            document.add((*path, key), value)
        elif not same(current[key], value):
            document.set((*path, key), value)
    for key in current:
        if key not in wanted:
            document.remove((*path, key))
    return changes


def _environment(
    document: Document, edit: Edit, name: str, entry: dict, pipeline: str, winner: str, removed: list[str]
) -> None:
    """One environment: control's overrides follow the winner's where it ran; the removed variants' go."""
    where = f"environments.{name}.pipelines.{pipeline}"
    runs_winner = not omitted(entry, pipeline, winner)
    if removed and runs_winner and omitted(entry, pipeline, CONTROL):
        raise ConfigError(
            [
                Problem(
                    f"environments.{name}.omit",
                    f"omits {pipeline}/control where {pipeline}/{winner} runs: the promotion would leave no "
                    f"{pipeline} variant running the winner there; stop omitting control there first, or promote "
                    "with --keep",
                )
            ]
        )
    path = ("environments", name, "pipelines", pipeline, "variants")
    found = document.get(path)
    overrides = dict(found) if isinstance(found, dict) else {}
    control = overrides.get(CONTROL) or None
    control_after = (overrides.get(winner) or None) if runs_winner else control
    if not runs_winner and isinstance(control, dict):
        edit.notes.append(
            f"environments.{name}: {pipeline}/{winner} does not run there; control keeps that environment's own "
            f"{', '.join(map(str, control))}"
        )
    gone = [variant for variant in removed if variant in overrides]
    left = [variant for variant in overrides if variant not in gone and variant != CONTROL]
    if overrides and not left and not control_after:
        _remove_empty(document, path)
        edit.changes += [f"{where}.variants.{variant}: removed" for variant in overrides]
    else:
        for variant in gone:
            document.remove((*path, variant))
            edit.changes.append(f"{where}.variants.{variant}: removed")
        if runs_winner and control_after is None and CONTROL in overrides:
            document.remove((*path, CONTROL))
            edit.changes.append(f"{where}.variants.control: removed ({winner} had no override there)")
        elif runs_winner and control_after is not None and CONTROL not in overrides:
            document.add((*path, CONTROL), plain(control_after))
            edit.changes.append(f"{where}.variants.control: added, {winner}'s override there")
        elif runs_winner and control_after is not None:
            edit.changes += _take(document, (*path, CONTROL), control_after, f"{where}.variants.control")
    omit = entry.get("omit")
    if isinstance(omit, list):
        stale = [item for item in omit if item in {f"{pipeline}/{variant}" for variant in removed}]
        for item in stale:
            omit.remove(item)
            edit.changes.append(f"environments.{name}.omit: - {item}")
        if stale and not omit:
            document.remove(("environments", name, "omit"))


def _remove_empty(document: Document, path: Path) -> None:
    """Remove the `variants` override at `path`, and the pipeline's and `pipelines` entries it leaves empty."""
    pipeline, pipelines = document.get(path[:-1]), document.get(path[:-2])
    if len(pipeline) > 1:
        document.remove(path)
    elif len(pipelines) > 1:
        document.remove(path[:-1])
    else:
        document.remove(path[:-2])
