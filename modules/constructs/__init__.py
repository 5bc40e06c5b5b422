"""CDK-style constructs: wiring only, `(scope, id, *, keyword-only typed props)`."""
