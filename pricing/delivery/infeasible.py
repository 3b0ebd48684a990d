"""When a community's rules cannot all hold: which markets to decide without the ones that
stop it, and why the rest cannot be planned (the constraint, named)."""

from __future__ import annotations

from collections.abc import Mapping

from pricing.errors import InfeasibleError, SolverError
from pricing.market_model import MarketSolves
from pricing.request import PlanRequest


def diagnose(
    request: PlanRequest, forced: Mapping[str, str], codes: tuple[str, ...], status: str
) -> None:
    """Why the markets ``codes`` of ``request`` cannot be planned with the delivery models
    ``forced``: the first whose own rules cannot hold says which constraint
    (:class:`InfeasibleError`); else the solver's status."""
    if status != "Infeasible":
        raise SolverError(f"{', '.join(codes)}: the portfolio solver ended {status}")
    for code in codes:
        MarketSolves(request, code).solve()  # raises, naming the constraint
    fixed = ", ".join(f"{c}: {forced[c]}" for c in codes if c in forced)
    raise InfeasibleError(
        f"delivery: the rules of {', '.join(codes)} cannot all hold with the delivery "
        f"models set ({fixed or 'none'}): a distributor's tiers hold neither multilingual "
        "support nor the local office, and a tier that must be offered must pay its way"
    )


def holding(request: PlanRequest, codes: tuple[str, ...]) -> tuple[str, ...]:
    """The markets of ``codes`` to decide when together they cannot hold the rules: a
    market not asked for whose own rules cannot hold (:func:`MarketSolves.solve` says so)
    is left out, so that it does not stop the markets asked for."""
    asked = set(request.codes)

    def holds(code: str) -> bool:
        if code in asked:
            return True
        try:
            MarketSolves(request, code).solve()
        except InfeasibleError:
            return False
        return True

    return tuple(c for c in codes if holds(c)) or codes
