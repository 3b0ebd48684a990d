"""Tests of pricing/tiers: the tier MILP against brute force, negotiation bands."""
