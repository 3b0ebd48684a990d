"""A community solved with every market's sales held but one: the held markets left out of the
MILP as the background of their shared desks (pricing.delivery.background) give the same answer
as the whole community's MILP with their binaries held by their bounds."""

from __future__ import annotations

import dataclasses

import pytest

from pricing.delivery.decision import Communities, decide
from pricing.errors import InfeasibleError, SolverError
from pricing.models import CostParameters
from tests.small_markets import RULES, market, one_segment, request_for

# Priority answers valued everywhere, live 24/7 in Botswana most: slot groups differ in load,
# opening and priority.
VALUED = (
    *one_segment(priority_response_usd=300.0, coverage_24x7_usd=200.0),
    *one_segment(priority_response_usd=300.0, coverage_24x7_usd=3_000.0, code="BW"),
)


def _trio(margin: float, price_level: float = 1.0, heavy: bool = True):
    """Three markets of the South Africa desk; Namibia's price level moved by a probe.
    ``heavy``: Botswana and Zimbabwe call so often that the desk needs several agents (the
    held load decides how many); else two agents on duty wherever a sale opens a slot, and
    Botswana's buyers buy 24/7, whose night slots only its sales open."""
    botswana = (
        {"contacts_per_account_month": 30.0, "off_hours_contact_share": 0.2}
        if heavy
        else {"share_expecting_24x7": 0.5, "off_hours_contact_share": 0.2}
    )
    request = request_for(
        market("BW", 400, currency="ZAR", **botswana),
        market("ZW", 250, currency="ZAR", contacts_per_account_month=40.0 if heavy else 0.5),
        market("NA", 150, currency="ZAR", price_level=price_level),
    )
    rules = dataclasses.replace(RULES, tiers=2, min_margin=margin)
    params = CostParameters() if heavy else CostParameters(min_agents_on_duty=2)
    return request.replace(settings=rules, segment_rows=VALUED, params=params)


def _both(request, group, held, **extra):
    """The probe solved with the held markets left out, and inside the MILP held by bounds:
    each an answer, or the error it raised."""
    found = []
    for holding in (held, held.binaries):
        try:
            found.append(Communities(request).solve(group, held=holding, **extra))
        except (InfeasibleError, SolverError) as exc:
            found.append(exc)
    return found


@pytest.mark.parametrize("heavy", [True, False])
@pytest.mark.parametrize("margin", [0.0, 0.3])
def test_a_probe_with_the_others_left_out_earns_what_the_whole_community_earns(
    margin, heavy
) -> None:
    request = _trio(margin, heavy=heavy)
    decision = decide(request)
    answer = decision.answers["NA"]
    group = tuple(answer.chosen)
    assert len(group) == 3 and any(m.desk for m in decision.markets.values())
    compared = 0
    for code in group:
        held = answer.held(code)
        probes = [
            {},
            *({"must_sell": (code,), "forced": {code: kind}} for kind in ("pooled", "hub")),
        ]
        for extra in probes:
            apart, whole = _both(request, group, held, **extra)
            assert type(apart) is type(whole), (code, extra, apart, whole)
            if isinstance(apart, Exception):
                continue
            compared += 1
            assert apart.profit_usd == pytest.approx(whole.profit_usd, abs=0.01), (code, extra)
            assert apart.chosen[code] == whole.chosen[code]
            if apart.chosen[code] is not None:
                assert apart.portfolio.menu(code)[1] == whole.portfolio.menu(code)[1]
    assert compared >= 6


@pytest.mark.parametrize("heavy", [True, False])
def test_a_changed_market_probed_against_the_held_rest_matches_the_whole_community(heavy) -> None:
    """Namibia's price level moved (as a fix's search does), the others held as planned."""
    planned = decide(_trio(0.2, heavy=heavy))
    answer = planned.answers["NA"]
    group = tuple(answer.chosen)
    for level in (0.05, 0.5, 1.5, 3.0):
        apart, whole = _both(_trio(0.2, level, heavy), group, answer.held("NA"))
        assert apart.profit_usd == pytest.approx(whole.profit_usd, abs=0.01), level
        assert apart.chosen["NA"] == whole.chosen["NA"]
        # Only Namibia is in the MILP; the held markets' money is a constant of its profit.
        assert set(apart.portfolio.markets) == {"NA"}
        assert apart.portfolio.held_usd != 0.0
