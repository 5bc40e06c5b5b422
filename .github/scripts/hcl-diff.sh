#!/usr/bin/env bash
# The HCL diff step of .github/workflows/terraform-plan.yml, run from the workspace that holds the
# two checkouts after both synths: render every stack of base/cdktf.out and head/cdktf.out as HCL
# with the pull request's renderer (modules/export/hcl.py; both outputs are Terraform JSON, so a
# base branch without `--format hcl` renders too) into hcl/base and hcl/head, and add their
# `diff -u` to the job summary (cut at LIMIT characters; the full diff is hcl.diff).
set -euo pipefail

limit=${LIMIT:-60000}
for side in base head; do
  head/.venv/bin/python - "$side/cdktf.out" "hcl/$side" <<'PY'
import json
import sys
from pathlib import Path

sys.path.insert(0, "head")
from modules.export.hcl import document  # noqa: E402

source, target = Path(sys.argv[1]), Path(sys.argv[2])
for stack in sorted((source / "stacks").glob("*/cdk.tf.json")):
    (target / stack.parent.name).mkdir(parents=True, exist_ok=True)
    (target / stack.parent.name / "cdk.tf").write_text(document(json.loads(stack.read_text())))
PY
done
status=0
diff -ruN hcl/base hcl/head > hcl.diff || status=$?
if [ "$status" -gt 1 ]; then
  exit "$status"
fi
{
  echo "## Synthesized stacks as HCL"
  echo
  if [ "$status" -eq 0 ]; then
    echo "No change."
  else
    echo '```diff'
    head -c "$limit" hcl.diff
    echo
    echo '```'
    if [ "$(wc -c < hcl.diff)" -gt "$limit" ]; then
      echo "(cut at $limit characters: the whole diff is hcl.diff in the \`synthesized\` artifact)"
    fi
  fi
} >> "$GITHUB_STEP_SUMMARY"
