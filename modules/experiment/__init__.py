"""Edits of pipelines.yaml in place for an experiment's life: `start` adds a variant copying control with a
new image, `promote` gives control the winner's settings (pure: text in, text out; comments and layout kept)."""
