"""README.md stays true: what it shows of the output is what a synth of the default example writes."""

from __future__ import annotations

import importlib.util
import re

from tests.helpers import ROOT, run, synth


def test_the_readme_service_is_the_default_examples_as_synth_writes_it_in_hcl(tmp_path):
    readme = (ROOT / "README.md").read_text()
    (block,) = re.findall(r"```hcl\n(.*?)```", readme, flags=re.S)
    done = run("synth", "--config", str(ROOT / "pipelines.yaml"), "--out", str(tmp_path / "out"), "--format", "hcl")
    assert done.returncode == 0, done.stderr
    (written,) = (tmp_path / "out" / "stacks").glob("*/cdk.tf")
    assert block in written.read_text()


def test_the_benchmark_readme_states_resource_counts_only_as_its_configs_synthesize_them():
    """A growth row `| N x 4 | <resources> | ...` must hold what `benchmarks/configs.py` gives today
    (it said 30/282/1,402 when they synthesized 51/492/2,452); without counts there is nothing to check."""
    text = (ROOT / "benchmarks" / "README.md").read_text()
    stated = {
        int(n): int(count.replace(",", "")) for n, count in re.findall(r"^\| (\d+) x 4 \| ([\d,]+) \|", text, re.M)
    }
    spec = importlib.util.spec_from_file_location("bench_configs", ROOT / "benchmarks" / "configs.py")
    configs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(configs)
    for pipelines, count in stated.items():
        stack = synth(configs.generated(pipelines))
        assert sum(len(by_name) for by_name in stack["resource"].values()) == count, f"{pipelines} x 4"
