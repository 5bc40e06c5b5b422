"""The CDK for Terraform runtime: `cdk` is the seam every construct imports; the rest makes it fast.

`cdk` (the one module that imports cdktf, constructs and the AWS provider) starts the jsii kernel
when imported, so nothing here is imported by this package file. Its helpers: `provider_assembly`
(import only the provider submodules used, from a trimmed assembly), `private_names` (every private
jsii name that relies on, checked at start, and the `FEATURE_PIPELINES_PLAIN_JSII` switch) and
`prepare` (`make setup` builds the trimmed assembly once).
"""
