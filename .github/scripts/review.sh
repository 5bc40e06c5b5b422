#!/usr/bin/env bash
# The review step of .github/workflows/terraform-plan.yml, run from the workspace of a job that
# holds the trusted checkout (trusted/: the base branch's code) and the two downloaded outputs
# (artifacts/base, artifacts/head; artifacts/base absent or empty on a first pull request, whose
# base branch synthesized nothing yet): compare them (extra arguments, e.g. --plan STACK=FILE, go to
# `review`), write review.md (the comment), review.json (its labels) and review.sarif (the dangers
# for code scanning), add review.md to the job summary, and record the exit status (0: no danger,
# 3: dangers) as the step output `status`. Any other status (2: bad input) fails the step.
# REVIEWER names the checkout whose code reviews (default trusted).
set -uo pipefail

reviewer=${REVIEWER:-trusted}
base=()
if [ -d artifacts/base ]; then
  base=(--base artifacts/base)
fi
"$reviewer/.venv/bin/python" "$reviewer/main.py" review "${base[@]}" --head artifacts/head "$@" > review.md
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  exit "$status"
fi
"$reviewer/.venv/bin/python" "$reviewer/main.py" review "${base[@]}" --head artifacts/head "$@" \
  --format json --sarif review.sarif > review.json
if [ "$?" -ne "$status" ]; then
  exit 1
fi
echo "status=$status" >> "$GITHUB_OUTPUT"
cat review.md >> "$GITHUB_STEP_SUMMARY"
