"""An offer for a market served on its hub site's English desk promises support in English,
not in the market's own language, and the brief tells the rep so."""

from __future__ import annotations

from datetime import date

from pricing.offers.offer import build_offer
from pricing.settings import PlanSettings
from tests.helpers import plan_of


def test_an_english_desk_offer_promises_english_and_the_brief_says_so() -> None:
    plan = plan_of(only=["VN"], reasons=False)
    vietnam = plan.market("VN")
    assert vietnam.delivery.delivery == "pooled_english"
    offer = build_offer(vietnam, date(2026, 12, 7))
    for tier in offer.tiers:
        assert tier.inclusions[0].startswith("Support in English"), tier.inclusions
        assert not any("Vietnamese" in line for line in tier.inclusions)
    assert any("answered in English" in r and "not in Vietnamese" in r for r in offer.risks)


def test_the_same_market_on_desks_of_its_own_promises_its_own_language() -> None:
    """Indonesia held to desks of its own (and no margin rule, so that it sells there)."""
    rules = PlanSettings(min_margin=0.0, delivery={"ID": "hub"})
    indonesia = plan_of(settings=rules, only=["ID"]).market("ID")
    assert indonesia.delivery.delivery == "hub"
    offer = build_offer(indonesia, date(2026, 12, 7))
    assert offer.tiers and offer.tiers[0].inclusions[0].startswith("Support in Indonesian")
    assert not any("answered in English" in r for r in offer.risks)
