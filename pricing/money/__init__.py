"""Money across currencies: exchange rates (offline, budget, live) and local price points."""
