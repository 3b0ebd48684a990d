"""The rules finance sets for a plan: how many tiers and their names, the margin kept at the
floor, the ladder between tiers, what each tier may or must hold, the tiers every market must
offer, and the solver. A plain value (no solver loads with it): :mod:`pricing.market_model`
turns it into each market's MILP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pricing.errors import InputError
from pricing.tiers.problem import SolverName

TIER_NAMES: dict[int, tuple[str, ...]] = {
    1: ("Standard",),
    2: ("Basic", "Premium"),
    3: ("Basic", "Standard", "Premium"),
    4: ("Basic", "Standard", "Premium", "Enterprise"),
    5: ("Essential", "Basic", "Standard", "Premium", "Enterprise"),
}


# How a market can be served (pricing.delivery.shared.Delivery names them).
DELIVERY_MODELS: tuple[str, ...] = ("hub", "pooled", "distributor")


def check_delivery(delivery: Mapping[str, str]) -> None:
    """Every delivery model named is one there is (InputError naming the market and model)."""
    for code, model in delivery.items():
        if model not in DELIVERY_MODELS:
            raise InputError(
                f"delivery of {code}: must be one of {', '.join(DELIVERY_MODELS)}, got {model!r}",
                field="delivery",
                value=model,
            )


@dataclass(frozen=True)
class PlanSettings:
    """What finance chooses: how many tiers, the margin kept at the floor, the ladder, solver.

    ``allowed`` and ``required`` map a tier name to the options it may or must hold;
    ``must_offer`` names the tiers every market must offer.
    """

    tiers: int = 3
    min_margin: float = 0.15
    price_step: float = 0.0
    solver: SolverName = "cbc"
    time_limit_seconds: float = 20.0
    allowed: Mapping[str, frozenset[str]] | None = None
    required: Mapping[str, frozenset[str]] | None = None
    workers: int = 2
    must_offer: frozenset[str] = frozenset()
    # Delivery models the user fixed: market code (or "*", every market) -> model name
    # (pricing.delivery.shared.Delivery); the optimiser chooses the others.
    delivery: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.tiers not in TIER_NAMES:
            raise InputError(
                f"tiers must be 1 to 5, got {self.tiers!r}", field="tiers", value=self.tiers
            )
        for rule in ("allowed", "required"):
            unknown = sorted(set(getattr(self, rule) or {}) - set(TIER_NAMES[self.tiers]))
            if unknown:
                raise InputError(
                    f"{rule}: tier(s) {', '.join(unknown)} are not among the {self.tiers} "
                    f"tier(s) planned ({', '.join(TIER_NAMES[self.tiers])})",
                    field=rule,
                    value=unknown,
                )
        unknown = sorted(set(self.must_offer) - set(TIER_NAMES[self.tiers]))
        if unknown:
            raise InputError(
                f"must_offer: tier(s) {', '.join(unknown)} are not among the {self.tiers} "
                f"tier(s) planned ({', '.join(TIER_NAMES[self.tiers])})",
                field="must_offer",
                value=unknown,
            )
        check_delivery(self.delivery)
        if not 1 <= self.workers <= 16:
            raise InputError(
                f"workers must be 1 to 16, got {self.workers!r}",
                field="workers",
                value=self.workers,
            )

    @property
    def tier_names(self) -> tuple[str, ...]:
        return TIER_NAMES[self.tiers]

    def as_scenario(self) -> dict:
        """These rules as a scenario file (pricing.inputs.schemas.ScenarioIn): ``plan --scenario``
        with it plans exactly as these settings do."""
        return {
            "tiers": self.tiers,
            "min_margin": self.min_margin,
            "price_step": self.price_step,
            "solver": self.solver,
            "time_limit_seconds": self.time_limit_seconds,
            "allowed": {k: sorted(v) for k, v in (self.allowed or {}).items()},
            "required": {k: sorted(v) for k, v in (self.required or {}).items()},
            "must_offer": sorted(self.must_offer),
            "delivery": dict(sorted(self.delivery.items())),
        }
