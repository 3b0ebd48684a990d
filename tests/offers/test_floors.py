"""Floors read deal by deal: each tier's margin at its floor on its fully loaded and on its
marginal cost, and a floor below the fully loaded cost flagged on the brief with what the rep
should do (six Basic floors of the shipped plan lose money on finance's per-account cost)."""

from __future__ import annotations

import dataclasses

import pytest

from pricing.offers.offer import build_offer
from tests.helpers import on_own_desks, plan_of


@pytest.fixture(scope="module")
def plan():
    return plan_of(settings=on_own_desks())


def test_a_floor_below_the_fully_loaded_cost_is_flagged_with_its_numbers(plan) -> None:
    flagged = []
    for market in plan.markets:
        for tier in market.tiers:
            floor = tier.quote_usd.floor
            assert tier.margin_at_floor == pytest.approx((floor - tier.unit_cost_usd) / floor)
            assert tier.margin_at_floor_on_marginal == pytest.approx(
                (floor - tier.marginal_cost_usd) / floor
            )
            assert bool(tier.floor_warning) == (floor < tier.unit_cost_usd)
            if tier.floor_warning:
                flagged.append((market.market.code, tier.name))
                assert f"{floor:,.0f} USD" in tier.floor_warning
                assert f"{tier.unit_cost_usd:,.0f}" in tier.floor_warning
                assert f"{tier.margin_at_floor:.1%}" in tier.floor_warning
    assert {code for code, _ in flagged} >= {"PH", "ZA", "CA"}
    assert all(name == "Basic" for _, name in flagged)


def test_the_brief_carries_the_flag_and_a_market_without_one_does_not(plan) -> None:
    philippines = plan.market("PH")
    [basic] = [t for t in philippines.tiers if t.name == "Basic"]
    assert basic.floor_warning in build_offer(philippines).risks
    united_states = plan.market("US")
    assert not any("fully loaded cost" in line for line in build_offer(united_states).risks)


def test_what_the_rep_is_told_follows_where_the_floor_and_target_stand(plan) -> None:
    """Target above the fully loaded cost and floor below it (Canada's Basic): discount below
    the cost only for volume or term. Target below it too (the Philippines' Basic): priced to
    fill staffed desks. Floor below the marginal cost as well: a loss on every account."""
    [canada] = [t for t in plan.market("CA").tiers if t.name == "Basic"]
    assert canada.quote_usd.target >= canada.unit_cost_usd > canada.quote_usd.floor
    assert f"go below {canada.unit_cost_usd:,.0f} only for a deal" in canada.floor_warning
    [philippines] = [t for t in plan.market("PH").tiers if t.name == "Basic"]
    assert philippines.quote_usd.target < philippines.unit_cost_usd
    assert "priced to fill desks already staffed" in philippines.floor_warning
    dear = dataclasses.replace(philippines, marginal_cost_usd=philippines.quote_usd.floor + 50)
    assert "loses money on every account" in dear.floor_warning
    assert f"do not go below {dear.marginal_cost_usd:,.0f}" in dear.floor_warning
    assert f"{dear.margin_at_floor_on_marginal:+.1%}" in dear.floor_warning


def test_the_workbook_and_the_csv_carry_each_floor_warning(plan, tmp_path) -> None:
    """Finance reads floors deal by deal in the files too: every tier's margin at its floor on
    its marginal cost, and the warning where the floor is below the fully loaded cost."""
    import openpyxl
    import pandas as pd

    from pricing.outputs.exports import write_plan

    write_plan(plan, tmp_path)
    tiers = pd.read_csv(tmp_path / "plan_tiers.csv", keep_default_na=False)
    expected = {(m.market.code, t.name): t.floor_warning for m in plan.markets for t in m.tiers}
    keys = zip(tiers["market"], tiers["tier"], strict=True)
    found = dict(zip(keys, tiers["floor_warning"], strict=True))
    assert found == expected and any(found.values())
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Tiers"]
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert "Floor below fully loaded cost: what the rep must know" in headers
    assert "Margin at floor on marginal cost" in headers
    markets = pd.read_csv(tmp_path / "plan_markets.csv", keep_default_na=False)
    assert set(markets["delivery_model"]) <= {"hub", ""}  # every market on its own desks here
    assert set(markets["verdict"]) == {"sold", "not sold"}
