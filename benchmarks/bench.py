#!/usr/bin/env python3
"""`make bench`: our synth against the straightforward cdktf app, then the growth curve.

1. The default example (pipelines.yaml) synthesized by the straightforward app
   (benchmarks/straightforward_app.py: plain provider imports) and by ours (`main.py`),
   alternating, after one unmeasured warm-up of each (which also fills the jsii package
   cache and our trimmed-assembly cache): `--runs` runs each timed undisturbed, then
   `--memory-runs` runs each with the process tree sampled for peak memory (measure.py says
   why apart). Prints medians of wall time and peak memory (whole process tree: python +
   node), the ratios, and whether both outputs are byte-identical.
2. Cold: the same, each run in a fresh, empty cache directory (`XDG_CACHE_HOME` and `HOME`:
   the jsii package cache and ours), as on a CI runner; ours after `make setup`'s step
   (`python -m modules.runtime.prepare`, not timed) that builds the trimmed assembly, and, for
   the record, ours with nothing built (the synth builds it, printing one line).
3. Growth: generated configs of 1, 10 and 50 pipelines x 4 variants, synthesized by ours in
   rounds interleaved with the default example, each against the default example's median
   wall time.
4. Split: 100 pipelines x 4 variants as one stack and as `stacks: per_pipeline` (101 stacks),
   alternating: wall time and peak memory of the synth, and the ratios.

Not a test: machines are noisy; the ratios are what count.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from configs import DEFAULT_CONFIG, ROOT, VARIANTS, write
from measure import Memory, peak_memory, wall

GROWTH = (1, 10, 50)
SPLIT_PIPELINES = 100
GOAL_WALL, GOAL_MEMORY, GOAL_COLD, GOAL_GROWTH = 0.2, 0.5, 0.3, 4.0


def _environment() -> dict[str, str]:
    """This environment, with node_modules/.bin on PATH and Python's bytecode cache allowed.

    With PYTHONDONTWRITEBYTECODE set (some sandboxes set it), every run would compile every
    changed module again: the warm-up runs write the cache, as a user's first run does.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    node_bin = ROOT / "node_modules" / ".bin"
    if node_bin.is_dir():
        env["PATH"] = f"{node_bin}{os.pathsep}{env.get('PATH', '')}"
    return env


def _ours(config: Path, out: Path) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), "synth", "--config", str(config), "--out", str(out)]


def _straightforward(config: Path, out: Path) -> list[str]:
    app = ROOT / "benchmarks" / "straightforward_app.py"
    return [sys.executable, str(app), "synth", "--config", str(config), "--out", str(out)]


def _median_memory(runs: Sequence[Memory]) -> float:
    return statistics.median(run.peak_mib for run in runs)


def _identical(left: Path, right: Path) -> bool:
    """Every file of two output trees present in both with the same bytes."""
    left_files = sorted(p.relative_to(left) for p in left.rglob("*") if p.is_file())
    right_files = sorted(p.relative_to(right) for p in right.rglob("*") if p.is_file())
    return left_files == right_files and all(
        filecmp.cmp(left / name, right / name, shallow=False) for name in left_files
    )


def _resources(outdir: Path) -> int:
    """Resources in every synthesized stack of an output directory."""
    stacks = (json.loads(path.read_text()) for path in outdir.glob("stacks/*/cdk.tf.json"))
    return sum(len(by_name) for stack in stacks for by_name in stack.get("resource", {}).values())


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _machine() -> str:
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, env=_environment()).stdout.strip()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, load average {load}; "
        f"Python {platform.python_version()}, node {node}"
    )


def compare(runs: int, memory_runs: int, scratch: Path) -> None:
    """Part 1: the default example, ours against the straightforward app, alternating."""
    env = _environment()
    plain_out, ours_out = scratch / "plain", scratch / "ours"
    apps = {"plain": (_straightforward, plain_out), "ours": (_ours, ours_out)}
    warm = {name: wall(command(DEFAULT_CONFIG, out), cwd=ROOT, env=env) for name, (command, out) in apps.items()}
    print(f"warm-up (not counted): straightforward {warm['plain']:.2f} s, ours {warm['ours']:.2f} s")
    seconds: dict[str, list[float]] = {name: [] for name in apps}
    memory: dict[str, list[Memory]] = {name: [] for name in apps}
    for index in range(max(runs, memory_runs)):
        order = list(apps.items()) if index % 2 == 0 else list(reversed(apps.items()))
        for name, (command, out) in order if index < runs else ():
            seconds[name].append(wall(command(DEFAULT_CONFIG, out), cwd=ROOT, env=env))
            print(".", end="", flush=True)
        for name, (command, out) in order if index < memory_runs else ():
            memory[name].append(peak_memory(command(DEFAULT_CONFIG, out), cwd=ROOT, env=env))
            print(":", end="", flush=True)
    print()
    plain_wall, ours_wall = statistics.median(seconds["plain"]), statistics.median(seconds["ours"])
    plain_mem, ours_mem = _median_memory(memory["plain"]), _median_memory(memory["ours"])
    wall_ratio, mem_ratio = ours_wall / plain_wall, ours_mem / plain_mem
    print(
        f"default example ({DEFAULT_CONFIG.name}), alternating; medians of {runs} timed runs each "
        f"and of {memory_runs} memory-sampled runs each:"
    )
    print(f"  {'':33}{'wall s':>9}{'peak MiB':>11}{'processes':>11}")
    for label, name, wall_s, mem in (
        ("straightforward (plain imports)", "plain", plain_wall, plain_mem),
        ("ours (main.py)", "ours", ours_wall, ours_mem),
    ):
        print(f"  {label:33}{wall_s:9.2f}{mem:11.0f}{memory[name][0].processes:11d}")
    print(f"  {'ratio ours / straightforward':33}{wall_ratio:9.3f}{mem_ratio:11.3f}")
    print(
        f"  goal wall <= {GOAL_WALL} x: {_met(wall_ratio <= GOAL_WALL)}; goal memory <= {GOAL_MEMORY} x: "
        f"{_met(mem_ratio <= GOAL_MEMORY)}"
    )
    print(f"  synthesized outputs byte-identical: {'yes' if _identical(plain_out, ours_out) else 'NO'}")


def _fresh_cache(scratch: Path, name: str) -> dict[str, str]:
    """The environment with an empty cache and home directory of its own."""
    home = Path(tempfile.mkdtemp(prefix=f"cold-{name}-", dir=scratch))
    return {**_environment(), "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}


def cold(runs: int, scratch: Path) -> None:
    """Part 2: the default example from empty caches (wall and memory in separate runs)."""
    apps = {
        "plain": ("straightforward (plain imports)", _straightforward, False),
        "ours": ("ours after make setup", _ours, True),
        "unprepared": ("ours, nothing built (builds)", _ours, False),
    }
    seconds: dict[str, list[float]] = {name: [] for name in apps}
    memory: dict[str, list[Memory]] = {name: [] for name in apps}
    prepare = [sys.executable, "-m", "modules.runtime.prepare"]
    for index in range(runs):
        order = list(apps.items()) if index % 2 == 0 else list(reversed(apps.items()))
        for name, (_, command, prepared) in order:
            out = scratch / f"cold-{name}"
            env = _fresh_cache(scratch, name)
            if prepared:
                wall(prepare, cwd=ROOT, env=env)
            seconds[name].append(wall(command(DEFAULT_CONFIG, out), cwd=ROOT, env=env))
            env = _fresh_cache(scratch, name)
            if prepared:
                wall(prepare, cwd=ROOT, env=env)
            memory[name].append(peak_memory(command(DEFAULT_CONFIG, out), cwd=ROOT, env=env))
            print(".", end="", flush=True)
    print()
    print(f"cold: default example, every run from empty caches; medians of {runs} timed and {runs} memory runs each:")
    print(f"  {'':33}{'wall s':>9}{'peak MiB':>11}{'x wall':>9}{'x memory':>10}")
    plain_wall, plain_mem = statistics.median(seconds["plain"]), _median_memory(memory["plain"])
    for name, (label, _, _) in apps.items():
        wall_s, mem = statistics.median(seconds[name]), _median_memory(memory[name])
        print(f"  {label:33}{wall_s:9.2f}{mem:11.0f}{wall_s / plain_wall:9.3f}{mem / plain_mem:10.3f}")
    wall_ratio = statistics.median(seconds["ours"]) / plain_wall
    mem_ratio = _median_memory(memory["ours"]) / plain_mem
    print(
        f"  goal after make setup: wall <= {GOAL_COLD} x: {_met(wall_ratio <= GOAL_COLD)}; memory <= {GOAL_COLD} x: "
        f"{_met(mem_ratio <= GOAL_COLD)}"
    )


def growth(runs: int, scratch: Path) -> None:
    """Part 3: our synth of N pipelines x 4 variants against the default example (wall time).

    The default example runs in the same interleaved rounds as the generated configs, so a
    machine that speeds up or slows down between phases does not bend the ratios.
    """
    env = _environment()
    configs: dict[int | str, Path] = {"default": DEFAULT_CONFIG, **{count: write(count, scratch) for count in GROWTH}}
    results: dict[int | str, list[float]] = {count: [] for count in configs}
    for count, config in configs.items():  # warm-up: the first run of a new config shape
        wall(_ours(config, scratch / f"out-{count}"), cwd=ROOT, env=env)
    for _ in range(runs):
        for count, config in configs.items():
            results[count].append(wall(_ours(config, scratch / f"out-{count}"), cwd=ROOT, env=env))
            print(".", end="", flush=True)
    print()
    baseline = statistics.median(results.pop("default"))
    print(f"growth (ours), {runs} timed runs each, interleaved with the default example ({baseline:.2f} s); medians:")
    print(f"  {'pipelines x variants':22}{'resources':>10}{'wall s':>9}{'x default':>11}")
    for count, seconds in results.items():
        median = statistics.median(seconds)
        resources = _resources(scratch / f"out-{count}")
        print(f"  {f'{count} x {len(VARIANTS)}':22}{resources:10d}{median:9.2f}{median / baseline:11.2f}")
    wall_50 = statistics.median(results[GROWTH[-1]])
    print(
        f"  goal {GROWTH[-1]} x {len(VARIANTS)} <= {GOAL_GROWTH} x default: {_met(wall_50 <= GOAL_GROWTH * baseline)}"
    )


def split(runs: int, scratch: Path) -> None:
    """Part 4: 100 pipelines x 4 variants synthesized as one stack and as one stack per pipeline, alternating."""
    env = _environment()
    configs = {layout: write(SPLIT_PIPELINES, scratch, stacks=layout) for layout in ("single", "per_pipeline")}
    for layout, config in configs.items():  # warm-up
        wall(_ours(config, scratch / f"split-{layout}"), cwd=ROOT, env=env)
    seconds: dict[str, list[float]] = {layout: [] for layout in configs}
    memory: dict[str, list[Memory]] = {layout: [] for layout in configs}
    for index in range(runs):
        order = list(configs.items()) if index % 2 == 0 else list(reversed(configs.items()))
        for layout, config in order:
            seconds[layout].append(wall(_ours(config, scratch / f"split-{layout}"), cwd=ROOT, env=env))
            memory[layout].append(peak_memory(_ours(config, scratch / f"split-{layout}"), cwd=ROOT, env=env))
            print(".", end="", flush=True)
    print()
    print(f"split ({SPLIT_PIPELINES} x {len(VARIANTS)}), alternating; medians of {runs} timed and memory-sampled runs:")
    print(f"  {'stacks':16}{'stacks':>8}{'resources':>11}{'wall s':>9}{'peak MiB':>11}")
    medians = {}
    for layout in configs:
        out = scratch / f"split-{layout}"
        count = len(list((out / "stacks").glob("*/cdk.tf.json")))
        medians[layout] = (statistics.median(seconds[layout]), _median_memory(memory[layout]))
        print(f"  {layout:16}{count:8d}{_resources(out):11d}{medians[layout][0]:9.2f}{medians[layout][1]:11.0f}")
    (single_wall, single_mem), (split_wall, split_mem) = medians["single"], medians["per_pipeline"]
    print(f"  {'ratio per_pipeline / single':35}{split_wall / single_wall:9.3f}{split_mem / single_mem:11.3f}")


PARTS = ("compare", "cold", "growth", "split")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each app (default: %(default)s)")
    parser.add_argument(
        "--memory-runs", type=int, default=3, help="memory-sampled runs of each app (default: %(default)s)"
    )
    parser.add_argument("--cold-runs", type=int, default=3, help="runs of each app from empty caches (%(default)s)")
    parser.add_argument("--growth-runs", type=int, default=5, help="timed runs per growth size (default: %(default)s)")
    parser.add_argument("--split-runs", type=int, default=3, help="runs of each stacks layout (default: %(default)s)")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS), help="what to run (default: all)")
    args = parser.parse_args(argv)
    print(_machine())
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        if "compare" in args.parts:
            compare(args.runs, args.memory_runs, scratch)
        if "cold" in args.parts:
            cold(args.cold_runs, scratch)
        if "growth" in args.parts:
            growth(args.growth_runs, scratch)
        if "split" in args.parts:
            split(args.split_runs, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
