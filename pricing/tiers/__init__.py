"""Tier design and pricing: the problem, the MILP, solving it, explaining it, negotiation bands."""
