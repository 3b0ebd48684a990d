"""Tests of pricing/scenarios: the scenario store, comparisons, sensitivity."""
