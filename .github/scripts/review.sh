#!/usr/bin/env bash
# The review step of .github/workflows/terraform-plan.yml, run from the workspace of a job that
# holds the trusted checkout (trusted/: the base branch's code) and the two downloaded outputs
# (artifacts/base, artifacts/head): compare them (extra arguments, e.g. --plan STACK=FILE, go to
# `review`), write review.md, add it to the job summary, and record the exit status (0: no danger,
# 3: dangers) as the step output `status`. Any other status (2: bad input) fails the step.
# REVIEWER names the checkout whose code reviews (default trusted).
set -uo pipefail

reviewer=${REVIEWER:-trusted}
"$reviewer/.venv/bin/python" "$reviewer/main.py" review --base artifacts/base --head artifacts/head "$@" > review.md
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  exit "$status"
fi
echo "status=$status" >> "$GITHUB_OUTPUT"
cat review.md >> "$GITHUB_STEP_SUMMARY"
