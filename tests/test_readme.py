"""README.md stays true: what it shows of the output is what a synth of the default example writes."""

from __future__ import annotations

import re

from tests.helpers import ROOT, run


def test_the_readme_service_is_the_default_examples_as_synth_writes_it_in_hcl(tmp_path):
    readme = (ROOT / "README.md").read_text()
    (block,) = re.findall(r"```hcl\n(.*?)```", readme, flags=re.S)
    done = run("synth", "--config", str(ROOT / "pipelines.yaml"), "--out", str(tmp_path / "out"), "--format", "hcl")
    assert done.returncode == 0, done.stderr
    (written,) = (tmp_path / "out" / "stacks").glob("*/cdk.tf")
    assert block in written.read_text()
