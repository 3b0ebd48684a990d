"""The scenario keys of delivery decisions: ``delivery`` and ``market_changes``, checked where
they enter and applied as written."""

from __future__ import annotations

import pytest

from pricing.errors import InputError
from pricing.inputs.schemas import parse_scenario
from pricing.request import Catalogue
from pricing.settings import PlanSettings


def test_a_delivery_model_per_market_or_for_every_market_round_trips() -> None:
    settings = parse_scenario({"delivery": {"SA": "distributor", "*": "pooled"}}).settings()
    assert settings.delivery == {"SA": "distributor", "*": "pooled"}
    again = parse_scenario(settings.as_scenario()).settings()
    assert again.delivery == settings.delivery


@pytest.mark.parametrize(
    ("scenario", "named"),
    [
        ({"delivery": {"SA": "teleport"}}, "teleport"),
        ({"delivery": {"saudi": "hub"}}, "saudi"),
        ({"market_changes": {"ID": {"accounts": -5}}}, "accounts"),
        ({"market_changes": {"ID": {"accounts": 1.5}}}, "whole number"),
        ({"market_changes": {"ID": {"price_level": 0}}}, "price_level"),
        ({"market_changes": {"ID": {"wages": 3}}}, "wages"),
    ],
)
def test_a_bad_delivery_key_is_refused_naming_it(scenario: dict, named: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_scenario(scenario, "fix.json")
    assert named in str(refused.value)
    assert "/" not in str(refused.value)  # no server path


def test_market_changes_apply_to_the_market_named_and_refuse_an_unknown_one() -> None:
    markets = Catalogue.read().markets
    scenario = parse_scenario({"market_changes": {"ID": {"accounts": 40, "price_level": 0.5}}})
    changed = {m.code: m for m in scenario.changed_markets(markets)}
    assert (changed["ID"].accounts, changed["ID"].price_level) == (40, 0.5)
    assert changed["VN"] == next(m for m in markets if m.code == "VN")
    with pytest.raises(InputError, match="XK"):
        parse_scenario({"market_changes": {"XK": {"accounts": 4}}}).changed_markets(markets)


def test_settings_refuse_an_unknown_delivery_model() -> None:
    with pytest.raises(InputError, match="teleport"):
        PlanSettings(delivery={"SA": "teleport"})


def test_the_delivery_models_are_named_once() -> None:
    from pricing.delivery.shared import DELIVERY_MODELS as USED
    from pricing.delivery.shared import Delivery
    from pricing.settings import DELIVERY_MODELS

    assert tuple(Delivery) == DELIVERY_MODELS == USED
