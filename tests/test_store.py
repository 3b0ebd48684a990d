"""Saved scenarios in a real SQLite file: versions, concurrent saves, broken databases."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from pricing.catalog import load_markets
from pricing.errors import InputError
from pricing.plan import PlanSettings, plan_portfolio
from pricing.scenario import comparison, comparison_totals, scenario_payload
from pricing.segments import load_segments
from pricing.sensitivity import tornado
from pricing.store import ScenarioStore, StoreError


@pytest.fixture
def store(tmp_path: Path) -> ScenarioStore:
    return ScenarioStore(f"sqlite:///{tmp_path / 'scenarios.sqlite'}")


def test_every_save_is_a_new_version(store: ScenarioStore) -> None:
    first = store.save("FY27", {"x": 1})
    second = store.save("FY27", {"x": 2})
    assert (first.version, second.version) == (1, 2)
    assert store.load("FY27").payload == {"x": 2}
    assert store.load("FY27", 1).payload == {"x": 1}
    assert store.names()[0]["versions"] == 2
    assert store.delete("FY27") == 2
    with pytest.raises(InputError, match="no saved scenario 'FY27'"):
        store.load("FY27")


def test_names_are_checked(store: ScenarioStore) -> None:
    with pytest.raises(InputError, match="1 to 80 characters"):
        store.save("   ", {})
    with pytest.raises(InputError, match="1 to 80 characters"):
        store.save("x" * 81, {})


def test_concurrent_saves_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    ScenarioStore(url)  # create the tables once
    errors: list[Exception] = []

    def saver(worker: int) -> None:
        own = ScenarioStore(url)  # a session of its own, as two browser sessions would have
        try:
            for n in range(15):
                own.save("shared", {"worker": worker, "n": n})
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=saver, args=(w,)) for w in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    store = ScenarioStore(url)
    versions = [store.load("shared", v).payload for v in range(1, 46)]
    assert sorted((p["worker"], p["n"]) for p in versions) == sorted(
        (w, n) for w in range(3) for n in range(15)
    )


def test_corrupt_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"this is not SQLite " * 200)
    with pytest.raises(StoreError, match="is not a usable scenario database"):
        ScenarioStore(f"sqlite:///{path}")


def test_locked_database_says_try_again(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite"
    store = ScenarioStore(f"sqlite:///{path}", busy_timeout_seconds=0.2)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked by another program"):
            store.save("blocked", {})
    finally:
        holder.rollback()
        holder.close()
    assert store.save("blocked", {}).version == 1  # nothing was half-written


def test_scenarios_compare_side_by_side(store: ScenarioStore) -> None:
    markets = load_markets()
    two = plan_portfolio(markets, PlanSettings(tiers=2), only=["US", "AE"])
    three = plan_portfolio(markets, PlanSettings(tiers=3), only=["US", "AE"])
    store.save("two tiers", scenario_payload(PlanSettings(tiers=2), two, "shipped"))
    store.save("three tiers", scenario_payload(PlanSettings(tiers=3), three, "shipped"))
    table = comparison([store.load("two tiers"), store.load("three tiers")])
    assert list(table["market"]) == ["AE", "AE", "US", "US"]
    us = table[table["market"] == "US"].set_index("scenario")
    assert us.loc["three tiers (v1)", "profit_usd"] >= us.loc["two tiers (v1)", "profit_usd"] - 1e-6
    assert "Premium" in us.loc["three tiers (v1)", "tiers"]
    assert us.loc["three tiers (v1)", "profit_vs_first_usd"] == pytest.approx(
        us.loc["three tiers (v1)", "profit_usd"] - us.loc["two tiers (v1)", "profit_usd"]
    )
    totals = comparison_totals([store.load("two tiers"), store.load("three tiers")])
    first, second = totals.to_dict(orient="records")
    assert first["profit_usd"] == pytest.approx(sum(p.profit_usd for p in two), abs=0.05)
    assert first["cost_usd"] == pytest.approx(sum(p.cost_usd for p in two), abs=0.05)
    assert first["revenue_usd"] - first["cost_usd"] == pytest.approx(first["profit_usd"], abs=0.05)
    assert first["profit_vs_first_usd"] == 0.0
    assert second["profit_vs_first_usd"] == pytest.approx(
        second["profit_usd"] - first["profit_usd"]
    )


def test_a_saved_scenario_keeps_every_rule() -> None:
    """Required options were once dropped from saved scenarios: the rule must survive."""
    settings = PlanSettings(
        required={"Premium": frozenset({"coverage_24x7"})},
        allowed={"Basic": frozenset()},
        min_margin=0.3,
    )
    saved = scenario_payload(settings, (), "shipped")["settings"]
    assert saved["required"] == {"Premium": ["coverage_24x7"]}
    assert saved["allowed"] == {"Basic": []}
    assert saved["min_margin"] == 0.3


def test_tornado_moves_profit_the_expected_way() -> None:
    markets = load_markets()
    rows = load_segments()
    settings = PlanSettings()
    plans = plan_portfolio(markets, settings, segment_rows=rows)
    frame = tornado(markets, plans, settings, rows).set_index("driver")
    base = sum(p.profit_usd for p in plans)
    assert all(value == pytest.approx(base) for value in frame["base"])
    wages = frame.loc["Agent wages ±20%"]
    assert wages["low"] <= base <= wages["high"]  # dearer agents never earn more
    fx = frame.loc["Exchange rates ±10%"]
    assert fx["low"] < base < fx["high"]
    discount = frame.loc["Negotiated discount ±5 points"]
    assert discount["low"] < base < discount["high"]
    assert frame["swing"].is_monotonic_decreasing
