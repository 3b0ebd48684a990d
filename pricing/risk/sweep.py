"""A Monte Carlo sweep of the whole plan: each draw of the uncertain inputs decided anew, with
the same optimiser, rules and delivery choice as the plan
(:func:`pricing.delivery.decision.decide`), and what the draws say about each market.

A draw's work is :func:`run_draws`, a plain function of picklable values, so that any worker
(:mod:`pricing.risk.cluster`) can run it; the summary is :class:`Sweep`. Draw ``None`` is the
plan itself, every input at today's value: what "the model changes" is measured against.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from babel.numbers import get_currency_name

from pricing.delivery.answers import PortfolioDecision
from pricing.delivery.decision import decide
from pricing.request import PlanRequest
from pricing.risk.draws import Factors, countries, draw, perturbed, realised_profit, swing
from pricing.risk.fixed import evaluate_held, held_plan
from pricing.risk.uncertainty import DRIVERS, Z90, Uncertainty
from pricing.rules import menu_of

Menu = tuple[tuple[str, tuple[str, ...]], ...]  # sold tiers and their options


@dataclass(frozen=True)
class MarketDraw:
    """One market in one draw: profit after the discount won (USD a year), how it is served
    (None: not sold) and the tiers it sells with their options."""

    profit_usd: float
    delivery: str | None
    menu: Menu
    hub: str | None  # the hub site's country, whose factors also move the market


@dataclass(frozen=True)
class DrawResult:
    index: int | str | None  # None: the plan itself; "wages:p10": a tornado's end
    markets: dict[str, MarketDraw]
    factors: dict[str, Factors]  # every country's, markets' and hub sites'

    @property
    def profit_usd(self) -> float:
        return sum(m.profit_usd for m in self.markets.values())


def for_workers(request: PlanRequest) -> PlanRequest:
    """``request`` as a worker decides it: one solve at a time (a worker is one core)."""
    return request.replace(settings=dataclasses.replace(request.settings, workers=1))


def run_draws(
    request: PlanRequest,
    uncertainty: Uncertainty,
    seed: int,
    indices: Sequence[int | str | None],
    fixed: bool = False,
) -> list[DrawResult]:
    """Draws ``indices`` of the sweep seeded ``seed``, each decided anew (``None``: the plan;
    ``"DRIVER:p10"`` or ``":p90"``: that driver alone at that end, everywhere); with
    ``fixed``, the plan's menus, local prices and delivery models held in each draw's world
    (:mod:`pricing.risk.fixed`)."""
    found = []
    every = countries(request)
    held = held_plan(decide(request, request.settings.delivery)) if fixed else None
    for index in indices:
        if index is None:
            factors = {c: Factors() for c in every}
        elif isinstance(index, str):
            driver, end = index.split(":")
            factors = swing(uncertainty, every, driver, -Z90 if end == "p10" else Z90)
        else:
            factors = draw(uncertainty, every, seed, index)
        world = perturbed(request, factors)
        if held is None:
            decision = decide(world, request.settings.delivery)
        else:
            fx = {code: f.fx for code, f in factors.items()}
            decision = evaluate_held(world, held, fx)
        found.append(DrawResult(index, _markets(world, decision, factors), factors))
    return found


def _markets(request: PlanRequest, decision: PortfolioDecision, factors) -> dict:
    markets = request.catalogue.by_code
    found = {}
    for code in request.codes:
        chosen = decision.markets[code]
        profit = realised_profit(
            markets[code], chosen.profit_usd, chosen.revenue_usd, factors[code]
        )
        found[code] = MarketDraw(
            round(profit, 2) + 0.0,
            chosen.delivery,
            _menu(decision, code),
            chosen.site if chosen.site in factors else None,
        )
    return found


def _menu(decision: PortfolioDecision, code: str) -> Menu:
    answer = decision.answers[code]
    if answer.chosen.get(code) is None:
        return ()
    if code in answer.alone and answer.portfolio.chosen(code) == "bot_nights":
        answer = answer.alone[code]
    tiers, _ = answer.portfolio.menu(code)
    return tuple((name, options) for name, (options, _) in sorted(menu_of(tiers).items()))


@dataclass(frozen=True)
class Sweep:
    """The plan and its draws (in draw order)."""

    request: PlanRequest
    seed: int
    plan: DrawResult
    draws: tuple[DrawResult, ...]
    # "DRIVER:p10" / "DRIVER:p90" -> the plan with that driver alone at that end, everywhere
    swings: Mapping[str, DrawResult] = dataclasses.field(default_factory=dict)
    fixed: bool = False  # the plan's menus, prices and delivery models held in every draw

    def profits(self, code: str) -> np.ndarray:
        return np.array([d.markets[code].profit_usd for d in self.draws])

    def portfolio(self) -> np.ndarray:
        return np.array([d.profit_usd for d in self.draws])

    def market_row(self, code: str) -> dict:
        """What the draws say about market ``code`` (the JSON of ``sweep``'s markets)."""
        profits = self.profits(code)
        base = self.plan.markets[code]
        sold = np.array([d.markets[code].delivery is not None for d in self.draws])
        moved = [d.markets[code].delivery != base.delivery for d in self.draws]
        menu = [d.markets[code].menu != base.menu for d in self.draws]
        p10, p50, p90 = _percentiles(profits)
        return {
            "market": code,
            "p10_usd": p10,
            "p50_usd": p50,
            "p90_usd": p90,
            "probability_sold": _share(sold),
            "probability_profitable": _share(sold & (profits > 0)),
            "probability_model_changes": _share(moved),
            "probability_menu_changes": _share(menu),
            "plan_delivery_model": base.delivery,
            "plan_profit_usd": base.profit_usd,
            "decided_by": self.decided_by(code),
        }

    def decided_by(self, code: str) -> str | None:
        """The input whose draws move the market's profit most (the largest rank correlation,
        its own or its hub site's), in words; None when nothing moves it."""
        profits = pd.Series(self.profits(code))
        if len(profits) < 3 or profits.nunique() < 2:
            return None
        # The site serving it in the plan, else its regional hub.
        hub = self.plan.markets[code].hub or self.request.catalogue.by_code[code].remote_hub
        best, strongest = None, 0.0
        for driver in DRIVERS:
            # A hub site's country moves the market through the desk's pay and currency.
            at_hub = hub and hub != code and driver in ("wages", "fx")
            for where in (code, hub) if at_hub else (code,):
                values = pd.Series([_factor(d, where, driver) for d in self.draws])
                if values.nunique() < 2:
                    continue
                strength = abs(float(values.corr(profits, method="spearman")))
                if strength > strongest + 1e-12:
                    best, strongest = (driver, where), strength
        return None if best is None else self._words(code, *best)

    def _words(self, code: str, driver: str, where: str) -> str:
        market = self.request.catalogue.by_code.get(where)
        if driver == "fx":
            currency = market.currency if market else where
            return f"the {get_currency_name(currency, locale='en')} exchange rate"
        text = DRIVER_WORDS[driver]
        return text if where == code else f"{text} at the {where} hub"

    def tornado(self) -> pd.DataFrame:
        """The portfolio's profit with each driver alone at its P10 and at its P90 (re-planned
        by the same engine as the draws), widest swing first: the data of a tornado chart."""
        rows = []
        for driver in DRIVERS:
            ends = [self.swings.get(f"{driver}:{end}") for end in ("p10", "p90")]
            if None in ends:
                continue
            low, high = sorted(d.profit_usd for d in ends if d is not None)
            rows.append({"driver": TORNADO_WORDS[driver], "low": low, "high": high})
        frame = pd.DataFrame(rows, columns=["driver", "low", "high"])
        frame["base"] = self.plan.profit_usd
        frame["swing"] = frame["high"] - frame["low"]
        return frame.sort_values("swing", ascending=False).reset_index(drop=True)

    def sentence(self, row: dict, name: str) -> str:
        """What the draws say about a market, in words ("Turkey: profitable in 54 % of draws
        ..."), for the fragile verdicts listed first."""
        said = (
            f"{name}: profitable in {row['probability_profitable']:.0%} of draws "
            f"(sold in {row['probability_sold']:.0%})"
        )
        if row["probability_model_changes"] > 0:
            said += f"; served another way in {row['probability_model_changes']:.0%}"
        if row["decided_by"]:
            said += f"; {row['decided_by']} moves it most"
        return said

    def as_json(self) -> dict:
        p10, p50, p90 = _percentiles(self.portfolio())
        return {
            "draws": len(self.draws),
            "seed": self.seed,
            "fixed": self.fixed,
            "portfolio": {
                "p10_usd": p10,
                "p50_usd": p50,
                "p90_usd": p90,
                "plan_profit_usd": round(self.plan.profit_usd, 2) + 0.0,
                "probability_loss": _share(self.portfolio() < 0),
            },
            "markets": [self.market_row(code) for code in self.request.codes],
        }

    def frame(self) -> pd.DataFrame:
        """Every draw of every market, one row each (the Parquet file of ``--out``)."""
        rows = []
        for d in self.draws:
            for code, m in d.markets.items():
                rows.append(
                    {
                        "draw": d.index,
                        "market": code,
                        "profit_usd": m.profit_usd,
                        "sold": m.delivery is not None,
                        "delivery_model": m.delivery,
                        "menu": "; ".join(f"{t}: {', '.join(o) or 'basic'}" for t, o in m.menu),
                        **{
                            f"{k}_points" if k == "discount" else f"{k}_factor": v
                            for k, v in dataclasses.asdict(d.factors[code]).items()
                        },
                    }
                )
        return pd.DataFrame(rows)


TORNADO_WORDS = {
    "wages": "Agents' pay (P10-P90)",
    "accounts": "Accounts won (P10-P90)",
    "contacts": "Contacts per account (P10-P90)",
    "fx": "Exchange rates (P10-P90)",
    "willingness_to_pay": "What buyers will pay (P10-P90)",
    "discount": "Discount buyers win (P10-P90)",
}
DRIVER_WORDS = {
    "wages": "agents' pay",
    "accounts": "the accounts won",
    "contacts": "contacts per account",
    "willingness_to_pay": "what buyers will pay",
    "discount": "the discount buyers win",
}


def _factor(draw: DrawResult, where: str, driver: str) -> float:
    return getattr(draw.factors[where], driver)


def _percentiles(values: np.ndarray) -> tuple[float, float, float]:
    if not len(values):
        return (0.0, 0.0, 0.0)
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return tuple(round(float(v), 2) + 0.0 for v in (p10, p50, p90))  # type: ignore[return-value]


def _share(flags) -> float:
    flags = np.asarray(flags, dtype=bool)
    return round(float(flags.mean()), 4) + 0.0 if flags.size else 0.0
