"""Who pays a shared desk, and how each market of a solved community is served.

Each desk's staff cost is shared by the markets sold on it in proportion to what sharing gains
each (:mod:`pricing.delivery.decision` says why); a market on desks of its own whose every sold
tier holds the local office is served from a local office.
"""

from __future__ import annotations

from typing import Protocol

from pricing.delivery.answers import Answer, MarketDecision
from pricing.delivery.shared import OWN_DESKS, Delivery, has_local_office


class Decider(Protocol):
    """What allocation reads of :class:`pricing.delivery.decision.Communities`."""

    markets: dict
    forced: dict

    def desk(self, code: str, kind: str) -> str: ...

    def own_desks(self, code: str) -> Answer | None: ...

    def alone(self, code: str, **extra: object) -> Answer | None: ...

    def workload(self, code: str): ...


def allocate(communities: Decider, group: tuple[str, ...], answer: Answer) -> dict:
    """Each market's decision in its solved community (module docstring: who pays the desk)."""
    portfolio = answer.portfolio
    own = {code: (portfolio.revenue_usd(code), portfolio.own_cost_usd(code)) for code in group}
    sharing = [c for c in group if answer.chosen[c] not in (None, *OWN_DESKS)]
    desks = {c: communities.desk(c, answer.chosen[c]) for c in sharing}
    # What each sharing market earns with the desk free, and what sharing gains it over its
    # own desks; each desk's staff cost is shared by its markets in proportion to their gains.
    free = {c: own[c][0] - own[c][1] for c in sharing}
    gain = {c: max(free[c] - (own_profit(communities, c) or 0.0), 0.0) for c in sharing}
    part = {}
    for key in set(desks.values()):
        on = [c for c in sharing if desks[c] == key]
        gains = sum(gain[c] for c in on)
        for c in on:
            weight = gain[c] / gains if gains > 0 else 1.0 / len(on)
            part[c] = portfolio.staff_usd(key) * weight
    decisions = {}
    for code in group:
        revenue, cost = own[code]
        kind = _model(communities, answer, code)
        profit = revenue - cost - part.get(code, 0.0)
        marginal = revenue - cost - (answer.desk_saving(code) if code in sharing else 0.0)
        partners = tuple(c for c in sharing if c != code and desks[c] == desks.get(code))
        together = bool(kind and partners) and not _sells_alone(communities, code)
        decisions[code] = MarketDecision(
            market=code,
            delivery=kind,
            site=_site(communities, code, kind),
            desk=desks.get(code),
            revenue_usd=revenue if kind else 0.0,
            own_cost_usd=cost if kind else 0.0,
            shared_cost_usd=(revenue - cost - profit) if code in sharing else 0.0,
            marginal_profit_usd=marginal if kind else 0.0,
            together_with=partners if together else (),
        )
    return decisions


def _model(communities: Decider, answer: Answer, code: str) -> str | None:
    """The delivery model serving ``code``: held to bot nights, bot nights; on desks of its
    own with every sold tier holding the local office (its hub elsewhere), a local office."""
    kind = answer.chosen[code]
    if kind == Delivery.HUB and communities.forced.get(code) == Delivery.BOT:
        return Delivery.BOT.value  # held to bot nights: its own desks, its problem built so
    if kind != Delivery.HUB or not has_local_office(communities.markets[code]):
        return kind
    tiers, _ = answer.portfolio.menu(code)
    sold = [t for t in tiers if t.offered]
    local = bool(sold) and all("local_office" in t.options for t in sold)
    return Delivery.LOCAL.value if local else kind


def own_profit(communities: Decider, code: str) -> float | None:
    """What the market earns on desks of its own, by itself; None when it sells nothing there
    or its rules cannot hold there."""
    answer = communities.own_desks(code)
    return answer.profit_usd if answer is not None and answer.chosen[code] else None


def _sells_alone(communities: Decider, code: str) -> bool:
    """Whether some delivery model sells the market with no other market."""
    if own_profit(communities, code) is not None:
        return True
    answer = communities.alone(code)
    return answer is not None and answer.chosen[code] is not None


def _site(communities: Decider, code: str, kind: str | None) -> str | None:
    """Where its first line sits: the local office in the market, else its hub site."""
    if kind is None:
        return None
    return code if kind == Delivery.LOCAL else communities.workload(code).hub


def own_desk_start(communities: Decider, codes: tuple[str, ...]) -> dict[str, int]:
    """A feasible answer to start a community's solve from, as integer variables by name
    (:meth:`Portfolio.integers`): each market
    as it earns most on desks of its own by itself, or selling nothing (where the request serves
    it otherwise, or no menu on its own desks holds its rules)."""
    start: dict[str, int] = {}
    for code in codes:
        held = communities.forced.get(code, Delivery.HUB.value) != Delivery.HUB.value
        own = None if held else communities.own_desks(code)
        start.update(own.portfolio.integers() if own is not None else {})
    return start
