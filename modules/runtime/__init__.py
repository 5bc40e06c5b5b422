"""The CDK for Terraform runtime: `cdk` is the seam every construct imports; the rest makes it fast.

`cdk` (the one module that imports cdktf, constructs and the AWS provider) starts the jsii kernel
when imported, so nothing here is imported by this package file. Its helpers: `provider_assembly`
(import only the provider submodules used, from a trimmed assembly), `kernel_channel` and
`kernel_preload.js` (the kernel without jsii's relay process or creation stacks), `struct_wire`
(structs sent straight from their values) and `type_checks` (the same type checks, cheaper).
"""
