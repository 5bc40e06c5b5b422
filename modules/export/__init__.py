"""`python main.py module`: the pipelines as a reusable Terraform module for HCL callers.

`interface` (its variables, pure), `module` (the `PipelinesModule` construct), `files` (the
synthesized module split into `*.tf` or `*.tf.json` files and written), `docs` (its README, pure),
`hcl` (Terraform JSON as fmt-clean HCL, pure; synth's `--format hcl` uses it too).
"""
