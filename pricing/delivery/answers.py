"""What the portfolio decision says: each market's delivery model and money, the portfolio's
gap, and each community's solved model (:mod:`pricing.delivery.decision` decides them)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from pricing.tiers.portfolio import Portfolio


@dataclass(frozen=True)
class MarketDecision:
    """How a market is served in the portfolio's answer and what it earns (USD a year)."""

    market: str
    delivery: str | None  # None: not sold
    site: str | None  # where the desk answering it sits
    desk: str | None  # the shared desk it is on ("ZA:en"), if any
    revenue_usd: float
    own_cost_usd: float  # its own desks, fixed costs, a distributor's fees and share
    shared_cost_usd: float  # its part of the shared desk's staff cost
    marginal_profit_usd: float  # what the portfolio would lose without it
    together_with: tuple[str, ...] = ()  # sold only with these markets on its desk

    @property
    def profit_usd(self) -> float:
        return self.revenue_usd - self.own_cost_usd - self.shared_cost_usd

    @property
    def sold(self) -> bool:
        return self.delivery is not None


@dataclass(frozen=True)
class PortfolioDecision:
    markets: dict[str, MarketDecision]
    gap: float | None  # relative optimality gap proven for the portfolio (None: no bound)
    forced: Mapping[str, str]
    answers: dict[str, Answer] = field(repr=False)  # the solved community of each market

    @property
    def profit_usd(self) -> float:
        return sum(d.profit_usd for d in self.markets.values())


@dataclass(frozen=True)
class Answer:
    """One community solved: its MILP with the solver's values, its profit and gap."""

    portfolio: Portfolio
    profit_usd: float
    gap: float | None  # None: stopped by its time limit with no bound proven
    chosen: dict[str, str | None]  # market -> delivery model, None when nothing is sold
    partner_terms: dict[str, tuple[float, float, float]]  # fee per account, fixed, share
    # market -> the market solved by itself with bot nights: the constant its community's MILP
    # weighs (Portfolio.alternatives)
    alone: Mapping[str, Answer] = field(default_factory=dict, repr=False)
    # What each market's floors leave over its costs, read once (pricing.delivery.background)
    leftover: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    # Other figures read once: each market's held sales, what held sales earn and pay
    read: dict = field(default_factory=dict, repr=False, compare=False)

    def held(self, code: str) -> Held:
        """Every other market's sales in this answer, held while market ``code`` is probed."""
        if ("held", code) not in self.read:
            others = tuple(c for c in self.chosen if c != code)
            self.read[("held", code)] = Held(code, self.portfolio.binaries(others), self)
        return self.read[("held", code)]

    @property
    def desks(self) -> dict:
        """The shared desk of each (market, delivery model), as probes of this answer find
        them (:meth:`pricing.delivery.decision.Communities.desk`): the same for every probe
        of the request."""
        return self.read.setdefault("desks", {})

    def desk_saving(self, code: str) -> float:
        """What the shared desk market ``code`` is on would cost less without its accounts,
        the other markets' sales unchanged (whole agents per slot, :meth:`SharedDesk.saving`)."""
        kind = self.chosen[code]
        desk = next(
            d
            for d in self.portfolio.desks.values()
            if any(m.market == code and m.delivery == kind for m in d.members)
        )
        return desk.saving(self.portfolio, code)


@dataclass(frozen=True)
class Held:
    """A solved community's sales held but for market ``code``'s: the value of every other
    market's binaries (what it sells, with which options, how it is served), and the answer
    they come from (:mod:`pricing.delivery.background` reads their loads and money there)."""

    code: str
    binaries: tuple[tuple[str, int], ...]
    answer: Answer = field(compare=False, repr=False)

    def __repr__(self) -> str:
        """Short, as the memo of solves keys a held probe by it (the binaries' digest)."""
        return f"Held({self.code!r}, {self._digest})"

    @functools.cached_property
    def _digest(self) -> str:
        return hashlib.sha256(repr(self.binaries).encode()).hexdigest()
