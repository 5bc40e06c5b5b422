#!/usr/bin/env bash
# The drift check of .github/workflows/drift.yml, run in a checkout of the default branch after
# `make synth OUT=cdktf.out`, with AWS credentials (and no GitHub token). Per stack: `terraform plan
# -refresh-only -detailed-exitcode` (its JSON in drift/plans/), `python main.py drift` of it:
# drift/STACK.md (added to the job summary) and drift/STACK.json, from which the next step
# (drift_issue.py) opens, updates or closes the stack's issue. Drift is what the review finds in the
# plan's resource_drift, not the exit code alone (Terraform may exit 2 with nothing drifted:
# hashicorp/terraform#36403); exit 1 is a failed plan. A stack that fails has no review (its issue
# stays as it is), the others are still checked, and the step then fails.
set -uo pipefail

mkdir -p drift/plans
failed=0
for dir in cdktf.out/stacks/*/; do
  stack=$(basename "$dir")
  status=0
  terraform -chdir="$dir" init -input=false -no-color || status=1
  if [ "$status" -eq 0 ]; then
    terraform -chdir="$dir" plan -refresh-only -detailed-exitcode -input=false -lock=false -no-color \
      -out=drift.tfplan || status=$?
  fi
  if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
    echo "::error title=Drift check::$stack: terraform plan -refresh-only failed (exit $status)"
    failed=1
    continue
  fi
  terraform -chdir="$dir" show -json drift.tfplan > "drift/plans/$stack.json" || { failed=1; continue; }
  # Markdown for the issue and the summary, then JSON (the issue step reads only the stacks that have one).
  status=0
  .venv/bin/python main.py drift --head cdktf.out --plan "$stack=drift/plans/$stack.json" > "drift/$stack.md" \
    || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    failed=1
    continue
  fi
  cat "drift/$stack.md" >> "$GITHUB_STEP_SUMMARY"
  .venv/bin/python main.py drift --head cdktf.out --plan "$stack=drift/plans/$stack.json" --format json \
    > "drift/$stack.json.part"
  mv "drift/$stack.json.part" "drift/$stack.json"
done
exit "$failed"
