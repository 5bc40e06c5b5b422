"""Fargate cost: built-in prices, the per-variant model, reports (pure Python, no cdktf)."""
