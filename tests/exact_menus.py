"""An independent brute force over tier menus at the exact step cost (a test helper, not a test).

It shares no code with the MILP (:mod:`pricing.tiers.model`, :mod:`pricing.tiers.solve`): the
exact cost of a sale comes from the workload itself (:meth:`Workload.evaluate`, the same step
cost every report prints) or, for a problem without a workload, from
:func:`pricing.tiers.accounts.cost_of_sale`; prices come from closed-form reasoning (shortest
paths) or, with a price ladder, from ``scipy.optimize.linprog``.

Why it is exhaustive
--------------------
A menu of designed tiers is fully described by *who buys which option set*:

1. Every segment buys one tier or nothing, and a sold tier holds one option set. So a menu is
   a map ``segment -> option set | None``; there are ``(2**|options| + 1) ** |segments|``
   such maps and all of them are enumerated (``itertools.product``).
2. The tiers actually sold are the distinct option sets in the map. Designed tiers are nested,
   strictly larger upwards, and filled from the bottom, so the sold sets must form a strictly
   nested chain ``S_1 < S_2 < ... < S_k`` with ``k <= len(problem.tiers)``; the chain's order
   fixes the tier positions: ``S_i`` is tier ``i`` (maps whose sets are not a chain are not
   menus and are dropped). Tiers ``k+1..T`` are not sold, and what an unsold tier would hold
   binds nothing; the sold tiers must obey the rules (``allowed``/``required``) of their
   position. ``must_offer`` needs ``k`` to reach the highest must-offer position.
3. For a fixed map the cost is fixed (the exact step cost of the accounts on their sets), and
   the prices are the only freedom left. The revenue-maximising prices solve a linear program:
   participation (``p_t <= R_s(S_t)`` for the buyers of t), self-selection among the sold tiers
   (``R_s(S_t) - p_t >= R_s(S_u) - p_u``), non-buyers gain nothing from any sold tier
   (``p_t >= R_s(S_t)``, ties go to the seller), ``p >= 0`` and the ladder
   ``p_{t+1} >= (1 + step) p_t``. Without a ladder these are difference constraints
   ``p_t - p_u <= w``: their feasible set is closed under the componentwise maximum, so it has a
   greatest point, the shortest-path distances from a zero node (Bellman-Ford; a negative
   cycle means no prices exist), which maximises every positive combination of prices, the
   revenue included. With a ladder ``scipy.optimize.linprog`` solves the same LP.
4. The floor ``r * revenue >= (1 + m) * cost`` only involves revenue, which step 3 maximised:
   the map is feasible iff the floor holds at the maximal revenue. With the floor policy by
   tier, each sold tier's floor ``r * p_t`` must also cover ``(1 + m)`` times its fully loaded
   cost (its buyers' share of the map's cost, :func:`cost_of_sale`: fixed for the map), which
   the greatest prices of step 3 meet if any prices do.
5. Profit is revenue minus cost; selling nothing (profit 0) is always a menu unless tiers must
   be offered. Pruning only skips maps whose upper bound ``sum_s N_s R_s(S_s) - cost`` (every
   buyer paying its full value) is no better than the best found, so it never skips a better
   menu.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from pricing.tiers.accounts import cost_of_sale

# Constraints hold to this (USD): the solvers hold them to about 1e-7 relative.
FEASIBILITY = 1e-6


@dataclass(frozen=True)
class Menu:
    """The best menu found: profit, revenue, exact cost, prices and who buys which set."""

    profit: float
    revenue: float
    cost: float
    chain: tuple[frozenset[str], ...]
    prices: tuple[float, ...]
    sale: Mapping[str, frozenset[str] | None]
    examined: int  # maps whose prices were computed (the rest were pruned or not menus)


def _subsets(names: tuple[str, ...]) -> list[frozenset[str]]:
    return [
        frozenset(combo)
        for size in range(len(names) + 1)
        for combo in itertools.combinations(names, size)
    ]


def _value(buyer, options: frozenset[str]) -> float:
    return buyer.base_value + sum(buyer.values.get(o, 0.0) for o in options)


def _chain(sets: set[frozenset[str]]) -> tuple[frozenset[str], ...] | None:
    ordered = tuple(sorted(sets, key=len))
    for low, high in itertools.pairwise(ordered):
        if not low < high:
            return None
    return ordered


def _rules_hold(problem, chain: tuple[frozenset[str], ...], every: frozenset[str]) -> bool:
    tiers = problem.tiers
    allowed = problem.allowed or {}
    required = problem.required or {}

    def low(i: int) -> frozenset[str]:
        return frozenset(required.get(tiers[i], frozenset()))

    def high(i: int) -> frozenset[str]:
        return frozenset(allowed.get(tiers[i], every))

    return all(low(i) <= options <= high(i) for i, options in enumerate(chain))


def _greatest_prices(weights, upper, lower_edges, differences, k):
    """Greatest prices under difference constraints (Bellman-Ford from node 0, p_0 = 0).

    ``upper[t]``: p_t <= upper[t]; ``lower_edges``: (t, v) for p_t >= v; ``differences``:
    (t, u, w) for p_t - p_u <= w. Returns None when no prices exist.
    """
    edges = [(0, t + 1, w) for t, w in upper.items()]
    edges += [(t + 1, 0, -v) for t, v in lower_edges]
    edges += [(t + 1, 0, 0.0) for t in range(k)]  # p_t >= 0
    edges += [(u + 1, t + 1, w) for t, u, w in differences]
    dist = [0.0] + [np.inf] * k
    for _ in range(k + 1):
        changed = False
        for a, b, w in edges:
            if dist[a] + w < (
                dist[b] - 1e-9 * max(1.0, abs(dist[b])) if np.isfinite(dist[b]) else np.inf
            ):
                dist[b] = dist[a] + w
                changed = True
        if not changed:
            break
    else:
        return None
    if dist[0] < -FEASIBILITY or any(not np.isfinite(d) for d in dist):
        return None
    # Tolerate round-off-sized negative cycles (the solver would hold them to 1e-7 too).
    return [d - dist[0] for d in dist[1:]]


def _prices_lp(weights, upper, lower_edges, differences, k, step):
    rows, rhs = [], []
    for t, w in upper.items():
        row = np.zeros(k)
        row[t] = 1.0
        rows.append(row)
        rhs.append(w)
    for t, v in lower_edges:
        row = np.zeros(k)
        row[t] = -1.0
        rows.append(row)
        rhs.append(-v)
    for t, u, w in differences:
        row = np.zeros(k)
        row[t] += 1.0
        row[u] -= 1.0
        rows.append(row)
        rhs.append(w)
    for t in range(k - 1):  # (1 + step) p_t - p_{t+1} <= 0
        row = np.zeros(k)
        row[t] = 1.0 + step
        row[t + 1] = -1.0
        rows.append(row)
        rhs.append(0.0)
    result = linprog(
        -np.asarray(weights),
        A_ub=np.array(rows),
        b_ub=np.array(rhs) + FEASIBILITY,
        bounds=[(0, None)] * k,
        method="highs",
    )
    if result.status != 0:
        return None
    return list(result.x)


def best_prices(problem, chain, sale) -> list[float] | None:
    """Revenue-maximising prices of the sold tiers ``chain`` for the map ``sale``."""
    buyers = {b.name: b for b in problem.buyers}
    k = len(chain)
    position = {options: i for i, options in enumerate(chain)}
    weights = [0.0] * k
    upper: dict[int, float] = {}
    lower_edges: list[tuple[int, float]] = []
    differences: list[tuple[int, int, float]] = []
    for name, options in sale.items():
        buyer = buyers[name]
        if options is None:
            lower_edges += [(u, _value(buyer, s)) for u, s in enumerate(chain)]
            continue
        t = position[options]
        weights[t] += buyer.size
        mine = _value(buyer, options)
        upper[t] = min(upper.get(t, np.inf), mine)
        differences += [(t, u, mine - _value(buyer, s)) for u, s in enumerate(chain) if u != t]
    step = problem.terms.price_step
    if step > 0 and k > 1:
        return _prices_lp(weights, upper, lower_edges, differences, k, step)
    return _greatest_prices(weights, upper, lower_edges, differences, k)


def _costs(problem, sales: list[dict], sets: list[frozenset[str]]) -> np.ndarray:
    """Exact cost of each map, in one batch through the workload when there is one."""
    workload = problem.workload
    if workload is None:
        return np.array([cost_of_sale(problem, sale).cost for sale in sales])
    sizes = {b.name: b.size for b in problem.buyers}
    columns = {s: workload.set_index(s) for s in sets}
    accounts = np.zeros((len(sales), len(workload.sets)))
    for row, sale in enumerate(sales):
        for name, options in sale.items():
            if options is not None:
                accounts[row, columns[options]] += sizes[name]
    return np.asarray(workload.evaluate(accounts).cost_usd, dtype=float)


def best_menu(problem) -> Menu | None:
    """The most profitable menu of a designed-tier problem, by exhaustive search.

    ``None`` only when no menu is feasible (tiers must be offered and cannot be).
    """
    if problem.fixed_tiers is not None:
        raise NotImplementedError("the brute force designs tiers; given tiers are not covered")
    names = tuple(o.name for o in problem.options)
    every = frozenset(names)
    sets = _subsets(names)
    buyers = problem.buyers
    need = max(
        (problem.tiers.index(t) + 1 for t in problem.must_offer), default=0
    )  # fill from the bottom: the tiers below a must-offer tier are sold too
    sales, chains = [], []
    for choice in itertools.product([None, *sets], repeat=len(buyers)):
        sold = {c for c in choice if c is not None}
        if len(sold) > len(problem.tiers) or len(sold) < need:
            continue
        chain = _chain(sold)
        if chain is None or not _rules_hold(problem, chain, every):
            continue
        sales.append({b.name: c for b, c in zip(buyers, choice, strict=True)})
        chains.append(chain)
    if not sales:
        return None
    costs = _costs(problem, sales, sets)
    bounds = (
        np.array(
            [
                sum(b.size * _value(b, sale[b.name]) for b in buyers if sale[b.name] is not None)
                for sale in sales
            ]
        )
        - costs
    )
    terms = problem.terms
    best: Menu | None = None
    examined = 0
    for index in np.argsort(-bounds, kind="stable"):
        if best is not None and bounds[index] <= best.profit:
            break  # sorted: no later map can beat the best
        sale, chain, cost = sales[index], chains[index], float(costs[index])
        examined += 1
        if not chain:
            menu = Menu(0.0, 0.0, cost, (), (), sale, examined)
        else:
            prices = best_prices(problem, chain, sale)
            if prices is None:
                continue
            position = {options: i for i, options in enumerate(chain)}
            revenue = sum(
                b.size * prices[position[sale[b.name]]] for b in buyers if sale[b.name] is not None
            )
            floor = terms.floor_ratio * revenue
            if floor < (1.0 + terms.min_margin) * cost - FEASIBILITY * max(1.0, cost):
                continue
            if terms.tier_floors and not _tier_floors_hold(problem, chain, sale, prices):
                continue
            menu = Menu(revenue - cost, revenue, cost, chain, tuple(prices), sale, examined)
        if best is None or menu.profit > best.profit:
            best = menu
    if best is not None:
        best = Menu(
            best.profit, best.revenue, best.cost, best.chain, best.prices, best.sale, examined
        )
    return best


def _tier_floors_hold(problem, chain, sale, prices) -> bool:
    """Every sold tier's floor covers its fully loaded cost plus the margin."""
    shares = cost_of_sale(problem, sale).by_segment
    sizes = {b.name: b.size for b in problem.buyers}
    terms = problem.terms
    for t, options in enumerate(chain):
        buyers = [name for name, bought in sale.items() if bought == options]
        accounts = sum(sizes[name] for name in buyers)
        unit = sum(shares[name] for name in buyers) / accounts if accounts else 0.0
        if terms.floor_ratio * prices[t] < (1.0 + terms.min_margin) * unit - 0.005:
            return False
    return True


def best_profit(problem) -> float:
    """The brute-force optimum profit (0 when selling nothing is best)."""
    menu = best_menu(problem)
    if menu is None:
        raise ValueError(f"{problem.label}: no feasible menu")
    return menu.profit
