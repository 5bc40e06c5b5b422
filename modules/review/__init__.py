"""Plan review: compare two synthesized outputs and report what reviewers fear (pure Python)."""
