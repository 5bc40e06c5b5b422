"""A picture of a dashboard's layout, drawn from its `dashboard_body` (pure; for docs/observability.md).

Each widget is a box at its grid place (24 columns; a grid row is 20 px, a column 40 px) with its
title, what it shows (metrics, expressions or the Logs Insights query) and its y axis; a dashed line
marks an alarm threshold. `python -m modules.constructs.dashboard_svg` prints the SVG of the default
example's (pipelines.yaml) first pipeline; `--write` replaces docs/observability-dashboard.svg.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

COLUMN = 40
ROW = 20
PAD = 6
ROOT = Path(__file__).resolve().parents[2]
PICTURE = ROOT / "docs" / "observability-dashboard.svg"


def _shows(widget: dict[str, Any]) -> list[str]:
    """One line per thing the widget shows."""
    properties = widget["properties"]
    if widget["type"] == "log":
        return [part.strip() for part in properties["query"].split("|")]
    if widget["type"] == "text":
        return [line for line in properties["markdown"].splitlines() if line]
    lines = []
    for line in properties["metrics"]:
        options = line[-1]
        if "expression" in options:
            lines.append(f"{options['label']} = {options['expression']}")
        elif options.get("visible", True):
            lines.append(f"{options['label']}: {line[0]} {line[1]} ({options['stat']})")
    return lines


def _axis(widget: dict[str, Any]) -> str:
    axis = widget["properties"].get("yAxis", {}).get("left")
    if not axis:
        return ""
    return f"y: {axis['min']:g}-{axis['max']:g}" if "max" in axis else f"y: from {axis['min']:g}"


def _box(widget: dict[str, Any]) -> list[str]:
    x, y = widget["x"] * COLUMN, widget["y"] * ROW
    width, height = widget["width"] * COLUMN, widget["height"] * ROW
    fill = {"metric": "#f4f8fc", "log": "#fbf7ef", "text": "#f5f5f5"}[widget["type"]]
    parts = [
        f'<rect x="{x + 2}" y="{y + 2}" width="{width - 4}" height="{height - 4}" rx="4" fill="{fill}" '
        'stroke="#8a9bb0"/>',
        f'<text x="{x + PAD + 2}" y="{y + 20}" font-weight="bold">{escape(_title(widget))}</text>',
    ]
    for index, text in enumerate(_shows(widget)[:5]):
        colour = _colour(widget, index)
        fill = f' fill="{colour}"' if colour else ""
        parts.append(f'<text x="{x + PAD + 2}" y="{y + 40 + index * 15}" font-size="11"{fill}>{escape(text)}</text>')
    axis = _axis(widget)
    if axis:
        parts.append(f'<text x="{x + width - PAD - 2}" y="{y + 20}" font-size="11" text-anchor="end">{axis}</text>')
    for index, mark in enumerate(widget["properties"].get("annotations", {}).get("horizontal", [])):
        line_y = y + height - 14 - index * 16
        colour = mark.get("color", "#d64545")
        parts.append(
            f'<line x1="{x + PAD}" y1="{line_y}" x2="{x + width - PAD}" y2="{line_y}" stroke="{colour}" '
            'stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{x + width - PAD - 2}" y="{line_y - 4}" font-size="11" text-anchor="end" fill="{colour}">'
            f"{escape(mark['label'])} at {mark['value']:g}</text>"
        )
    return parts


def _title(widget: dict[str, Any]) -> str:
    """The widget's title; a text widget has none, so its kind."""
    return widget["properties"].get("title", widget["type"])


def _colour(widget: dict[str, Any], index: int) -> str | None:
    """The colour of the `index`th line `_shows` lists (a graph's visible lines), None: the default."""
    if widget["type"] != "metric":
        return None
    shown = [line[-1] for line in widget["properties"]["metrics"] if line[-1].get("visible", True)]
    return shown[index].get("color") if index < len(shown) else None


def render(body: str, title: str) -> str:
    """The SVG of a `dashboard_body`."""
    widgets = json.loads(body)["widgets"]
    width = 24 * COLUMN
    height = max(w["y"] + w["height"] for w in widgets) * ROW + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 -30 {width} {height}" '
        'font-family="Helvetica, Arial, sans-serif" font-size="13">',
        f'<text x="4" y="-10" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for widget in widgets:
        parts += _box(widget)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def default_picture() -> str:
    """The SVG of the default example's first pipeline's dashboard."""
    from ..config import load_file
    from .dashboard import pipeline_dashboard

    (deployment,) = load_file(ROOT / "pipelines.yaml")
    pipeline, specs = next(iter(deployment.pipelines().items()))
    observed = [spec for spec in specs if spec.observability is not None]
    body = pipeline_dashboard(observed, cluster_name=deployment.cluster_name, region=deployment.region).body()
    return render(body, f"Dashboard {deployment.cluster_name}_{pipeline} (pipelines.yaml)")


def main(argv: Sequence[str] | None = None) -> int:
    """Print the default example's picture, or (`--write`) replace docs/observability-dashboard.svg."""
    parser = argparse.ArgumentParser(prog="python -m modules.constructs.dashboard_svg")
    parser.add_argument("--write", action="store_true", help=f"write {PICTURE.name}")
    args = parser.parse_args(argv)
    picture = default_picture()
    if args.write:
        PICTURE.write_text(picture)
        print(f"updated {PICTURE}")
    else:
        print(picture, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
