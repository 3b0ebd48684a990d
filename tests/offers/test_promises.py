"""Promises a rep can sign: per channel, in contract words, and never faster than the desk is
staffed for (the UAE and Saudi offers promised "messages and tickets within 10 min")."""

from __future__ import annotations

import re
from datetime import date

import pytest

from pricing.costing.service import channel_targets
from pricing.inputs.catalog import load_markets
from pricing.offers.offer import build_offer
from pricing.offers.promises import duration
from tests.helpers import plan_of


@pytest.fixture(scope="module")
def offers() -> list:
    return [
        (plan, build_offer(plan, date.today()))
        for plan in plan_of(load_markets()).markets
        if plan.tiers
    ]


def _line(offer_tier, start: str) -> str | None:
    return next((line for line in offer_tier.inclusions if line.startswith(start)), None)


def test_no_offer_promises_ticket_replies_in_minutes(offers) -> None:
    for plan, offer in offers:
        for tier in offer.tiers:
            tickets = _line(tier, "E-mail and portal tickets: first response within ")
            assert tickets is not None, (plan.market.code, tier.inclusions)
            assert re.search(r"within \d+ (business )?hours? \(80 % of tickets\)$", tickets), (
                tickets
            )
            assert " min" not in tickets and " s " not in tickets


def test_every_promise_is_one_the_desk_is_staffed_to_meet(offers) -> None:
    targets = channel_targets()
    for plan, offer in offers:
        channels = plan.workload.mix.channels
        for priced, tier in zip(plan.tiers, offer.tiers, strict=True):
            fast = "priority_response" in priced.options
            # Every asynchronous contact is staffed at the strictest async target in use.
            promised_ticket = (
                targets["email"].priority_seconds if fast else targets["email"].standard_seconds
            )
            assert priced.ticket_response_seconds <= promised_ticket, plan.market.code
            [live] = [line for line in tier.inclusions if ": live answer within " in line]
            # With a bot at night, a 24/7 tier promises a person at night to urgent contacts.
            at_night = plan.workload.bot_nights and "coverage_24x7" in priced.options
            urgent = "; outside business hours, urgent ones" if at_night else ""
            assert live.endswith(
                f"within {duration(priced.answer_within_seconds)} (80 % of contacts{urgent})"
            )
            messaging = _line(tier, "Messaging apps: reply within")
            assert (messaging is not None) == ("messaging" in channels), plan.market.code
            if messaging:
                promised = (
                    targets["messaging"].priority_seconds
                    if fast
                    else targets["messaging"].standard_seconds
                )
                assert priced.ticket_response_seconds <= promised


def test_the_saudi_offer_reads_like_a_contract(offers) -> None:
    [saudi] = [offer for plan, offer in offers if plan.market.code == "SA"]
    basic, standard = saudi.tiers[:2]
    assert "Phone: live answer within 60 s (80 % of contacts)" in basic.inclusions
    assert "Messaging apps: reply within 10 min (80 % of messages)" in basic.inclusions
    assert (
        "E-mail and portal tickets: first response within 8 business hours (80 % of tickets)"
        in basic.inclusions
    )
    assert (
        "E-mail and portal tickets: first response within 1 business hour (80 % of tickets)"
        in standard.inclusions
    )
    assert basic.ticket_promise == "8 business hours"


def test_brief_and_offer_name_the_same_languages(offers) -> None:
    """The Saudi brief said Arabic and English while the customer offer said Arabic only."""
    from pricing.offers.guidance import language_name

    for plan, offer in offers:
        promised = " ".join(line for tier in offer.tiers for line in tier.inclusions)
        brief = " ".join(advice.text for advice in offer.advice)
        for code in plan.market.support_languages:
            name = language_name(code)
            assert (name in brief) <= (name in promised), (plan.market.code, name)


def test_priority_tiers_state_severity_levels_the_desk_is_staffed_for(offers) -> None:
    """B2B contracts promise by severity where a tier has priority; every figure is the
    priority target the desk staffs all of the tier's tickets at."""
    targets = channel_targets()
    seen = 0
    for plan, offer in offers:
        for priced, tier in zip(plan.tiers, offer.tiers, strict=True):
            line = _line(tier, "Priority response by severity: ")
            if "priority_response" not in priced.options:
                assert line is None, (plan.market.code, tier.name)
                continue
            seen += 1
            assert line is not None, (plan.market.code, tier.inclusions)
            for level in ("severity 1 (service down)", "2 (a major function impaired)", "3 ("):
                assert level in line
            assert f"within {tier.ticket_promise}, ahead of standard tickets" in line
            assert priced.ticket_response_seconds <= targets["email"].priority_seconds
            assert tier.ticket_promise in ("1 business hour", "1 hour")
    assert seen, "no shipped market sells priority response"


def test_a_24x7_tier_whose_nights_a_bot_answers_promises_that_and_business_hours(offers) -> None:
    """Served with bot nights (the free choice in several markets): its 24/7 tier says who
    answers at night, promises a person at night only to urgent contacts, and tickets in
    business hours; its business-hours tiers promise what any market's do."""
    found = 0
    for plan, offer in offers:
        if not plan.workload.bot_nights:
            assert not any(r.startswith("24/7 here is a support bot") for r in offer.risks)
            continue
        for priced, tier in zip(plan.tiers, offer.tiers, strict=True):
            if "coverage_24x7" not in priced.options:
                assert not any("bot" in line for line in tier.inclusions)
                continue
            found += 1
            assert any("a support bot answers and an agent on call" in i for i in tier.inclusions)
            assert not any("round the clock" in line for line in tier.inclusions)
            tickets = _line(tier, "E-mail and portal tickets: first response within ")
            assert tickets is not None and "business hour" in tickets, tickets
            assert priced.coverage == "24/7 (nights: a bot, an agent on call)"
        # The brief tells the rep to say so.
        assert any(r.startswith("24/7 here is a support bot at night") for r in offer.risks)
    assert found >= 1
