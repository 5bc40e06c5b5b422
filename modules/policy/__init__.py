"""Security policy checks (cdk-nag style): pure rules over what each variant deploys.

`catalog` names the rules (imported by the config layer to validate waivers), `rules` holds
one pure function per rule, `view` decodes a synthesized stack into per-variant inputs,
`enforce` applies the config's waivers, `checkov` runs the external scanner.
"""
