"""Config layer: pipelines.yaml -> validated, resolved specs. Pure Python, no cdktf."""

from .errors import ConfigError, Problem
from .load import load_file, load_text
from .resolve import Deployment, VariantSpec

__all__ = ["ConfigError", "Deployment", "Problem", "VariantSpec", "load_file", "load_text"]
