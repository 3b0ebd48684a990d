"""A tier as sales quote it: what it holds and promises, what it costs, its prices in USD and in
local currency, and what a rep must know when its floor is below its fully loaded cost."""

from __future__ import annotations

from dataclasses import dataclass

from pricing.money.pricepoints import LocalPrices
from pricing.tiers.negotiation import Quote


@dataclass(frozen=True)
class PricedTier:
    """A tier as sales quote it: contents, promises, costs, and prices in USD and local currency.

    Costs are USD per account per year: ``unit_cost_usd`` fully loaded (the tier's share of the
    market's cost by workload), ``marginal_cost_usd`` what the market saves per account without
    the tier's buyers.
    """

    name: str
    options: tuple[str, ...]
    answer_within_seconds: float  # live contacts (phone, chat), 80 % within
    ticket_response_seconds: float  # messages, e-mail and portal tickets, 80 % within
    coverage: str
    unit_cost_usd: float
    marginal_cost_usd: float
    quote_usd: Quote
    local: LocalPrices
    buyers: tuple[str, ...]
    accounts: float
    # What its buyers pay for the product, per account (USD a year, averaged over its accounts;
    # 0 when the segment file gives no contract value).
    contract_value_usd: float = 0.0

    @property
    def share_of_contract_value(self) -> float | None:
        """The target price as a share of what its buyers pay for the product (None unknown)."""
        if self.contract_value_usd <= 0:
            return None
        return self.quote_usd.target / self.contract_value_usd

    @property
    def target_local(self) -> float:
        return self.local.target

    @property
    def list_local(self) -> float:
        return self.local.list_price

    @property
    def floor_local(self) -> float:
        return self.local.floor

    @property
    def margin_at_target(self) -> float:
        target = self.quote_usd.target
        return (target - self.unit_cost_usd) / target if target else 0.0

    @property
    def margin_at_floor(self) -> float:
        """At the floor, on the fully loaded cost."""
        floor = self.quote_usd.floor
        return (floor - self.unit_cost_usd) / floor if floor else 0.0

    @property
    def margin_at_floor_on_marginal(self) -> float:
        """At the floor, on the marginal cost (what one more such account adds)."""
        floor = self.quote_usd.floor
        return (floor - self.marginal_cost_usd) / floor if floor else 0.0

    @property
    def floor_warning(self) -> str:
        """What a rep must know when the floor is below the fully loaded cost (else "")."""
        q, full, marginal = self.quote_usd, self.unit_cost_usd, self.marginal_cost_usd
        if q.floor >= full:
            return ""
        below = (
            f"{self.name}'s floor of {q.floor:,.0f} USD per account a year is "
            f"{full - q.floor:,.0f} below its fully loaded cost of {full:,.0f} "
            f"({self.margin_at_floor:.1%} at the floor)"
        )
        if q.target < full:
            below += f", and its target of {q.target:,.0f} is below that cost too"
        covers = (
            f"its marginal cost of {marginal:,.0f} USD ({self.margin_at_floor_on_marginal:+.1%})"
        )
        if q.floor < marginal:
            return (
                f"{below}; nor does it cover {covers}: a deal there loses money on every "
                f"account; do not go below {marginal:,.0f} without finance."
            )
        if q.target < full:
            return (
                f"{below}: the tier is priced to fill desks already staffed and covers {covers}; "
                "quote below the target only with the approver signing it as a loss on "
                "finance's per-account cost."
            )
        return (
            f"{below}, though it covers {covers}: go below {full:,.0f} only for a deal the desks "
            "already staffed can carry (more accounts, a longer term), and have the approver sign "
            "it as a loss on finance's per-account cost."
        )


def coverage_of(workload, options) -> str:
    """When a tier is answered: its business week, or 24/7 (how, when a bot takes the nights);
    ``workload`` is the market's (:class:`pricing.costing.workload.Workload`)."""
    if "coverage_24x7" not in options:
        return workload.week.label
    return "24/7 (nights: a bot, an agent on call)" if workload.bot_nights else "24/7"
