"""How each market is served: delivery models, desks shared by several markets, and the
portfolio decision that chooses them together with every market's tier menu."""
