"""Tests of the plan at the top of pricing/: plans, rules, counterfactuals."""
