"""The rules finance sets for a plan: how many tiers and their names, the margin kept at the
floor, the ladder between tiers (its least and most step), what each tier may or must hold, the
share of contract value a tier's price may be, the tiers every market must offer, and the
solver. A plain value (no solver loads with it): :mod:`pricing.market_model`
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


# Whose cost the floors must cover with the margin (PlanSettings.floor_policy).
FLOOR_POLICIES: tuple[str, ...] = ("market", "tier")

# How a market can be served (pricing.delivery.shared.Delivery names them).
DELIVERY_MODELS: tuple[str, ...] = (
    "hub",
    "local",
    "bot_nights",
    "pooled",
    "pooled_english",
    "distributor",
)


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
    solver: SolverName = "highs"
    time_limit_seconds: float = 20.0
    allowed: Mapping[str, frozenset[str]] | None = None
    required: Mapping[str, frozenset[str]] | None = None
    workers: int = 2
    must_offer: frozenset[str] = frozenset()
    # Delivery models the user fixed: market code (or "*", every market) -> model name
    # (pricing.delivery.shared.Delivery); the optimiser chooses the others.
    delivery: Mapping[str, str] = field(default_factory=dict)
    # A tier's price as a share of what its buyers pay for the product (their contract value):
    # tier name -> the least share, the most share (fractions).
    min_share: Mapping[str, float] = field(default_factory=dict)
    max_share: Mapping[str, float] = field(default_factory=dict)
    # The most a tier's price may rise over the one below (a fraction; 0: no bound).
    max_price_step: float = 0.0
    # Whose cost the floors cover with the margin: "market", the market's whole cost with
    # every account at its floor; "tier", also each sold tier its own fully loaded cost.
    floor_policy: str = "market"

    def __post_init__(self) -> None:
        if self.tiers not in TIER_NAMES:
            raise InputError(
                f"tiers must be 1 to 5, got {self.tiers!r}", field="tiers", value=self.tiers
            )
        for rule in ("allowed", "required", "must_offer", "min_share", "max_share"):
            unknown = sorted(set(getattr(self, rule) or {}) - set(TIER_NAMES[self.tiers]))
            if unknown:
                raise InputError(
                    f"{rule}: tier(s) {', '.join(unknown)} are not among the {self.tiers} "
                    f"tier(s) planned ({', '.join(TIER_NAMES[self.tiers])})",
                    field=rule,
                    value=unknown,
                )
        for tier, low in self.min_share.items():
            high = self.max_share.get(tier)
            if high is not None and low > high:
                raise InputError(
                    f"{tier}: the least share of contract value ({low:.0%}) is above the most "
                    f"({high:.0%})",
                    field="min_share",
                    value=low,
                )
        if 0 < self.max_price_step < self.price_step:
            raise InputError(
                f"max_price_step ({self.max_price_step:.0%}) is below price_step "
                f"({self.price_step:.0%})",
                field="max_price_step",
                value=self.max_price_step,
            )
        check_delivery(self.delivery)
        if self.floor_policy not in FLOOR_POLICIES:
            raise InputError(
                f"floor_policy must be one of {', '.join(FLOOR_POLICIES)}, got "
                f"{self.floor_policy!r}",
                field="floor_policy",
                value=self.floor_policy,
            )
        if not 1 <= self.workers <= 16:
            raise InputError(
                f"workers must be 1 to 16, got {self.workers!r}",
                field="workers",
                value=self.workers,
            )

    @property
    def community_limit_seconds(self) -> float:
        """How long the MILP of markets sharing desks may take: three times a market's limit.
        The shipped communities prove their optimum well within it; a larger one ends with the
        best answer found and the gap proven (pricing.delivery.decision)."""
        return self.time_limit_seconds * 3

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
            "share_of_contract_value": self.share_rules(),
            "max_price_step": self.max_price_step,
            "floor_policy": self.floor_policy,
        }

    def share_rules(self) -> dict[str, dict[str, float]]:
        """The share rules as the scenario file writes them: tier -> {"min": x, "max": y}."""
        rules: dict[str, dict[str, float]] = {}
        for tier in self.tier_names:
            bounds = {"min": self.min_share.get(tier), "max": self.max_share.get(tier)}
            kept = {k: v for k, v in bounds.items() if v is not None}
            if kept:
                rules[tier] = kept
        return rules
