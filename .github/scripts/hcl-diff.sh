#!/usr/bin/env bash
# The HCL diff step of .github/workflows/terraform-plan.yml, run from the workspace of the comment
# job: render every stack of the downloaded outputs artifacts/base and artifacts/head as HCL with
# the trusted renderer (REVIEWER, default trusted/: modules/export/hcl.py; both outputs are
# Terraform JSON) into hcl/base and hcl/head, and add their `diff -u` to the job summary (cut at
# LIMIT characters; the full diff is hcl.diff, kept in the `review` artifact).
set -euo pipefail

limit=${LIMIT:-60000}
reviewer=${REVIEWER:-trusted}
for side in base head; do
  "$reviewer/.venv/bin/python" - "$reviewer" "artifacts/$side" "hcl/$side" <<'PY'
import json
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from modules.export.hcl import document  # noqa: E402

source, target = Path(sys.argv[2]), Path(sys.argv[3])
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
    # A fence longer than any run of backticks in the diff: no value in it can close the fence.
    longest=$( { grep -o '`*' hcl.diff || true; } | awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }')
    fence=$(printf '%*s' "$((longest < 3 ? 3 : longest + 1))" '' | tr ' ' '`')
    echo "${fence}diff"
    head -c "$limit" hcl.diff
    echo
    echo "$fence"
    if [ "$(wc -c < hcl.diff)" -gt "$limit" ]; then
      echo "(cut at $limit characters: the whole diff is hcl.diff in the \`review\` artifact)"
    fi
  fi
} >> "$GITHUB_STEP_SUMMARY"
