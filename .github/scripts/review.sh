#!/usr/bin/env bash
# The plan review step of .github/workflows/terraform-plan.yml, run from the workspace that holds
# the two checkouts: compare base/cdktf.out with head/cdktf.out (extra arguments, e.g. --plan
# STACK=FILE, go to `review`), write review.md, add it to the job summary, and record the exit
# status (0: no danger, 3: dangers) as the step output `status`. Any other status (2: bad input)
# fails the step. REVIEWER names the checkout whose code reviews (default head; the plan job,
# which holds credentials, sets `trusted`: the base branch's code).
set -uo pipefail

reviewer=${REVIEWER:-head}
"$reviewer/.venv/bin/python" "$reviewer/main.py" review --base base/cdktf.out --head head/cdktf.out "$@" > review.md
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  exit "$status"
fi
echo "status=$status" >> "$GITHUB_OUTPUT"
cat review.md >> "$GITHUB_STEP_SUMMARY"
