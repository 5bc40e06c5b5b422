"""The AWS provider schemas we emit against (5.100 and two 6.x releases), as compact committed snapshots,
and the check that everything synthesized exists in each of them (tests/test_provider_schema.py)."""
