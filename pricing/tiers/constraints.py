"""The constraint families of the tier MILP (stated in :mod:`pricing.tiers.model`), and
``build_model``, which declares the variables, adds every family and sets the objective.

A family is a function named as the family: given the model and a key of its index it yields
rows, each a constraint and the labels that name it (``family__market_labels``). A family that
does not apply to a problem yields nothing, or its index is empty.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pulp

from pricing.tiers.desk_rows import DESK_FAMILIES, each_slot_group, set_holds, set_of_segment
from pricing.tiers.model import Model, clean, declare
from pricing.tiers.problem import Buyer, TierProblem

Rows = Iterator[tuple[pulp.LpConstraint, *tuple[str, ...]]]


# --- Indices: the keys a family is built over ---------------------------------------------


def once(m: Model) -> Iterable[tuple]:
    """The whole market, one key."""
    return [()]


def each_buyer(m: Model) -> Iterable[tuple[Buyer]]:
    return [(b,) for b in m.problem.buyers]


def each_sale(m: Model) -> Iterable[tuple[Buyer, str]]:
    """Every segment with every tier it could buy."""
    return [(b, t) for b in m.problem.buyers for t in m.problem.tiers]


def each_tier(m: Model) -> Iterable[tuple[str]]:
    return [(t,) for t in m.problem.tiers]


def each_product(m: Model) -> Iterable[tuple[Buyer, str, str]]:
    """Where bought = buys * includes is a variable of its own (includes is one)."""
    return [
        (b, t, o)
        for b in m.problem.buyers
        for t in m.problem.tiers
        for o in m.options
        if isinstance(m.includes[t, o], pulp.LpVariable)
    ]


def each_rival(m: Model) -> Iterable[tuple[Buyer, Buyer]]:
    """Every ordered pair of segments: b could buy what a buys."""
    return [(a, b) for a in m.problem.buyers for b in m.problem.buyers if a.name != b.name]


def each_designed_step(m: Model) -> Iterable[tuple[str, str]]:
    """Consecutive tiers, when the optimiser designs them (none when tiers are given)."""
    return itertools.pairwise(m.problem.tiers) if m.problem.designed else []


def each_ladder_rung(m: Model) -> Iterable[tuple[str, str]]:
    """Pairs of tiers a price step separates: consecutive ones when designed (nesting orders
    them), every pair when given; none without a step."""
    if m.problem.terms.price_step <= 0:
        return []
    if m.problem.designed:
        return list(itertools.pairwise(m.problem.tiers))
    return list(itertools.combinations(m.problem.tiers, 2))


def each_capped_rung(m: Model) -> Iterable[tuple[str, str]]:
    """Consecutive tiers, when the most a price may rise from one tier to the next is set."""
    if m.problem.terms.max_price_step <= 0:
        return []
    return list(itertools.pairwise(m.problem.tiers))


def each_staffed_buyer(m: Model) -> Iterable[tuple[Buyer]]:
    """The segments, when the market's cost is the step cost of its desks."""
    return each_buyer(m) if m.problem.workload is not None else []


# --- Purchases and prices -------------------------------------------------------------------


def bought_le_includes(m: Model, b: Buyer, t: str, o: str) -> Rows:
    yield m.bought[b.name, t, o] <= m.includes[t, o], b.name, t, o


def bought_le_buys(m: Model, b: Buyer, t: str, o: str) -> Rows:
    yield m.bought[b.name, t, o] <= m.buys[b.name, t], b.name, t, o


def bought_ge_both(m: Model, b: Buyer, t: str, o: str) -> Rows:
    yield m.bought[b.name, t, o] >= m.includes[t, o] + m.buys[b.name, t] - 1, b.name, t, o


def one_tier(m: Model, b: Buyer) -> Rows:
    yield pulp.lpSum(m.buys[b.name, t] for t in m.problem.tiers) <= 1, b.name


def sold_if_offered(m: Model, b: Buyer, t: str) -> Rows:
    yield m.buys[b.name, t] <= m.offered[t], b.name, t


def offered_if_sold(m: Model, t: str) -> Rows:
    yield m.offered[t] <= pulp.lpSum(m.buys[b.name, t] for b in m.problem.buyers), t


def self_selection(m: Model, b: Buyer, t: str) -> Rows:
    yield m.surplus[b.name] >= m.reservation(b, t) - m.price[t], b.name, t


def pays_price(m: Model, b: Buyer, t: str) -> Rows:
    slack = m.match_m[b.name] * (1 - m.buys[b.name, t])
    yield m.price[t] <= m.reservation(b, t) - m.surplus[b.name] + slack, b.name, t


def no_purchase_no_surplus(m: Model, b: Buyer) -> Rows:
    bought = pulp.lpSum(m.buys[b.name, t] for t in m.problem.tiers)
    yield m.surplus[b.name] <= m.reservation_max[b.name] * bought, b.name


def rent(m: Model, a: Buyer, b: Buyer) -> Rows:
    """Implied by self-selection, but stated directly they tighten the relaxation a lot:
    whatever tier t segment a buys, b could buy it too, so surplus[b] >= surplus[a] + R_bt - R_at.
    """
    gain = pulp.lpSum(
        (b.base_value - a.base_value) * m.buys[a.name, t]
        + pulp.lpSum(
            (b.values.get(o, 0.0) - a.values.get(o, 0.0)) * m.bought[a.name, t, o]
            for o in m.options
        )
        for t in m.problem.tiers
    )
    if m.value_cut:  # on a model that cuts what support is worth, b's value is cut as a's is
        gain -= m.value_lost(a.name, b) - m.value_lost(a.name, a)
    yield m.surplus[b.name] >= m.surplus[a.name] + gain, b.name, "over", a.name


# --- The tiers' contents --------------------------------------------------------------------


def nested(m: Model, low: str, up: str) -> Rows:
    # Only a sold tier above bounds a tier's contents: an unsold one holds what its rules say
    # and constrains nothing.
    for o in m.options:
        yield m.includes[low, o] <= m.includes[up, o] + 1 - m.offered[up], low, o


def distinct(m: Model, low: str, up: str) -> Rows:
    above = pulp.lpSum(m.includes[up, o] for o in m.options)
    below = pulp.lpSum(m.includes[low, o] for o in m.options)
    yield above >= below + 1 - (len(m.options) + 1) * (1 - m.offered[up]), up


def fill_from_bottom(m: Model, low: str, up: str) -> Rows:
    yield m.offered[up] <= m.offered[low], up


def allowed(m: Model) -> Rows:
    for t, permitted in (m.problem.allowed or {}).items():
        for o in m.options:
            if o not in permitted:
                yield m.includes[t, o] == 0, t, o


def required(m: Model) -> Rows:
    for t, wanted in (m.problem.required or {}).items():
        for o in sorted(wanted):
            yield m.includes[t, o] == 1, t, o


def must_offer(m: Model, t: str) -> Rows:
    if t in m.problem.must_offer:
        yield m.offered[t] == 1, t


def ladder(m: Model, low: str, high: str) -> Rows:
    step = 1.0 + m.problem.terms.price_step
    both_off = 2 - m.offered[low] - m.offered[high]
    yield m.price[high] >= step * m.price[low] - step * m.price_cap * both_off, low, high


def ladder_cap(m: Model, low: str, high: str) -> Rows:
    """The ladder's upper bound: a sold tier is at most (1 + K) times the sold one below."""
    step = 1.0 + m.problem.terms.max_price_step
    both_off = 2 - m.offered[low] - m.offered[high]
    yield m.price[high] <= step * m.price[low] + m.price_cap * both_off, low, high


def share_floor(m: Model, b: Buyer, t: str) -> Rows:
    """A buyer of t pays at least min_share[t] of its contract value (nothing asked of others)."""
    share = m.problem.min_share.get(t, 0.0)
    if share > 0:
        yield m.price[t] >= share * b.contract_value * m.buys[b.name, t], b.name, t


def share_cap(m: Model, b: Buyer, t: str) -> Rows:
    """A buyer of t pays at most max_share[t] of its contract value."""
    share = m.problem.max_share.get(t)
    if share is not None:
        slack = m.price_cap * (1 - m.buys[b.name, t])
        yield m.price[t] <= share * b.contract_value + slack, b.name, t


# --- What is paid for -----------------------------------------------------------------------


def pays_option(m: Model, t: str) -> Rows:
    for o in m.options:
        yield m.uses[o] >= m.includes[t, o] + m.offered[t] - 1, o, t


def pays_for_sales(m: Model, b: Buyer) -> Rows:
    """An option any buyer's tier holds is paid for: implied by pays_option where every
    offered tier is sold, but stated per buyer it ties the fixed cost to the value the buyer
    gets (bought), which tightens the relaxation a lot."""
    for o in m.options:
        sold = pulp.lpSum(m.bought[b.name, t, o] for t in m.problem.tiers)
        yield m.uses[o] >= sold, b.name, o


def serves_if_offered(m: Model, t: str) -> Rows:
    yield m.serves >= m.offered[t], t


def floor_margin(m: Model) -> Rows:
    terms = m.problem.terms
    yield (terms.floor_ratio * m.revenue() >= (1.0 + terms.min_margin) * m.cost(),)


# --- The model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """Families built key by key over one index, so the rows of a key stay together in the
    LP (and in exported MPS files) in the order they have always had."""

    index: Callable[[Model], Iterable[tuple]]
    families: tuple[Callable[..., Rows], ...]


FAMILIES: tuple[Block, ...] = (
    Block(each_product, (bought_le_includes, bought_le_buys, bought_ge_both)),
    Block(each_buyer, (one_tier,)),
    Block(each_sale, (sold_if_offered,)),
    Block(each_tier, (offered_if_sold,)),
    Block(each_sale, (self_selection,)),
    Block(each_sale, (pays_price,)),
    Block(each_buyer, (no_purchase_no_surplus,)),
    Block(each_rival, (rent,)),
    Block(each_designed_step, (nested, distinct, fill_from_bottom)),
    Block(once, (allowed,)),
    Block(once, (required,)),
    Block(each_tier, (must_offer,)),
    Block(each_ladder_rung, (ladder,)),
    Block(each_capped_rung, (ladder_cap,)),
    Block(each_sale, (share_floor, share_cap)),
    Block(each_tier, (pays_option, serves_if_offered)),
    Block(each_buyer, (pays_for_sales,)),
    Block(each_staffed_buyer, (set_of_segment, set_holds)),
    Block(each_slot_group, DESK_FAMILIES),
    Block(once, (floor_margin,)),
)
# Families that can be dropped to find which one makes a problem infeasible.
RELAXABLE = frozenset(
    {
        "self_selection",
        "rent",
        "ladder",
        "ladder_cap",
        "share_floor",
        "share_cap",
        "floor_margin",
        "required",
    }
)
# Rent only restates self-selection: dropping self-selection drops it too.
DROPPED_WITH = {"self_selection": frozenset({"rent"})}


def build_model(problem: TierProblem, *, relax: frozenset[str] = frozenset()) -> Model:
    """The MILP of one market (see :mod:`pricing.tiers.model`); ``relax`` drops constraint
    families by name."""
    model = declare(problem)
    add_families(model, model.lp, relax)
    lp = model.lp  # the model is frozen; its problem takes the objective in place
    lp += model.profit(), f"profit_{model.tag}"
    return model


def add_families(model: Model, lp: pulp.LpProblem, relax: frozenset[str] = frozenset()) -> None:
    """Every constraint family of ``model`` but those in ``relax``, added to ``lp`` (the
    market's own problem, or a portfolio's)."""
    dropped = relax.union(*(DROPPED_WITH.get(family, ()) for family in relax))
    for block in FAMILIES:
        families = [f for f in block.families if f.__name__ not in dropped]
        for key in block.index(model):
            for family in families:
                for constraint, *labels in family(model, *key):
                    name = "__".join([family.__name__, model.tag, *map(clean, labels)])
                    lp.addConstraint(constraint, name)
