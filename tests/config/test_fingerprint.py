"""Fingerprints of config blocks count the keys written, at any depth, never the declared defaults."""

from modules.config.fingerprint import fingerprint
from modules.config.model import VariantConfig


def variant(**block) -> str:
    return fingerprint(VariantConfig.model_validate(block))


def test_a_default_counts_only_where_it_is_written():
    assert variant() == variant(cpu=None)
    assert variant() != variant(cpu=1.0)
    assert variant(observability={}) != variant(observability={"error_threshold": 10})
    assert variant(deployment={"rollback": True}) != variant(deployment={"rollback": True, "maximum_percent": 200})


def test_key_order_does_not_count():
    assert variant(observability={"error_threshold": 3, "period": 300}) == variant(
        observability={"period": 300, "error_threshold": 3}
    )
