"""Hub sites are data of their own (data/sites.csv): a markets file needs no rows for its hubs,
a hub site's figures move the cost of the markets it serves, and a bad site row is refused
naming its row, column and value."""

from __future__ import annotations

import dataclasses

import pytest

from pricing.costing import desks
from pricing.costing.engine import BASELINE, cost_to_serve
from pricing.errors import DataFileError
from pricing.inputs.catalog import load_markets
from pricing.inputs.sites import DEFAULT_SITES, shipped_sites, sites_from_text
from pricing.models import CostParameters
from tests.helpers import on_own_desks, plan_of

MARKETS = load_markets()
BY_CODE = {m.code: m for m in MARKETS}


def test_the_shipped_sites_are_the_hubs_the_markets_name() -> None:
    sites = shipped_sites()
    assert {m.remote_hub for m in MARKETS} == set(sites)
    for site in sites.values():
        assert site.source and site.seats > 0 and site.languages


def test_a_file_without_its_hubs_plans_every_market_as_the_whole_file_does() -> None:
    """Germany (hub PL), Brazil (MX), Japan (PH) and Nigeria (ZA), without a row for any hub:
    each market costs and sells exactly as in the shipped file."""
    codes = ["DE", "BR", "JP", "NG"]
    # On desks of their own: a market's menu then depends on its own row and its hub's.
    alone = plan_of([BY_CODE[c] for c in codes], on_own_desks(), only=codes)
    whole = plan_of(MARKETS, on_own_desks(), only=codes)
    assert not {m.remote_hub for m in alone.request.catalogue.markets} & set(codes)
    for mine, theirs in zip(alone.markets, whole.markets, strict=True):
        assert mine.profit_usd == pytest.approx(theirs.profit_usd, abs=0.01)
        assert mine.cost_usd == pytest.approx(theirs.cost_usd, abs=0.01)
        assert [t.name for t in mine.tiers] == [t.name for t in theirs.tiers]


@pytest.mark.parametrize(
    ("field", "factor"), [("agent_cost_usd", 1.5), ("seat_cost_usd", 2.0), ("seats", 0.5)]
)
def test_a_hub_sites_figures_move_the_cost_of_the_markets_it_serves(
    monkeypatch: pytest.MonkeyPatch, field: str, factor: float
) -> None:
    """Poland's hub site serves Germany: its wage, seat cost and seats (fewer seats share the
    site's fixed cost) change Germany's cost; Germany's own row is untouched."""
    germany = BY_CODE["DE"]
    before = cost_to_serve(germany, BASELINE, BY_CODE)
    sites = dict(shipped_sites())
    poland = sites["PL"]
    sites["PL"] = dataclasses.replace(poland, **{field: getattr(poland, field) * factor})
    monkeypatch.setattr(desks, "shipped_sites", lambda: sites)
    after = cost_to_serve(germany, BASELINE, BY_CODE)
    assert after.annual_total_usd > before.annual_total_usd
    component = {
        "agent_cost_usd": "agent_wages_usd",
        "seat_cost_usd": "seat_costs_usd",
        "seats": "site_overhead_usd",
    }[field]
    expected = 1 / factor if field == "seats" else factor
    assert after.components[component] == pytest.approx(
        before.components[component] * expected, rel=1e-9
    )


def test_a_market_that_is_its_own_hub_uses_its_own_row() -> None:
    """Australia made its own hub: no site has its code, so its row's wage is the desk's."""
    own = dataclasses.replace(BY_CODE["AU"], remote_hub="AU")
    dearer = dataclasses.replace(own, agent_cost_usd=own.agent_cost_usd * 2)
    params = CostParameters()
    cheap = cost_to_serve(own, BASELINE, {**BY_CODE, "AU": own}, params)
    dear = cost_to_serve(dearer, BASELINE, {**BY_CODE, "AU": dearer}, params)
    assert dear.components["agent_wages_usd"] == pytest.approx(
        2 * cheap.components["agent_wages_usd"], rel=1e-9
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("Europe/Warsaw", "Europe/Atlantis"), ["row 4", "timezone", "Europe/Atlantis"]),
        (("pl;en", "pl;xx"), ["row 4", "languages", "xx"]),
        (("PL,26000", "PL,-5"), ["row 4", "agent_cost_usd", "-5"]),
        (("PL,26000", "US,26000"), ["row 4", "US", "twice"]),
    ],
)
def test_a_bad_site_row_is_refused_naming_row_column_and_value(
    change: tuple[str, str], words: list[str]
) -> None:
    text = DEFAULT_SITES.read_text().replace(*change)
    with pytest.raises(DataFileError) as refused:
        sites_from_text(text, "sites.csv")
    for word in words:
        assert word in str(refused.value), (word, str(refused.value))
    assert str(DEFAULT_SITES.parent) not in str(refused.value)


def _sites_with(tmp_path, code: str, field: str, factor: float) -> str:
    """The shipped sites file with one site's figure scaled."""
    import csv

    rows = list(csv.DictReader(DEFAULT_SITES.open()))
    for row in rows:
        if row["code"] == code:
            row[field] = str(float(row[field]) * factor)
    path = tmp_path / "sites.csv"
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def test_plan_takes_a_sites_file_and_its_wages_move_the_plan(tmp_path, capsys) -> None:
    """South Africa's desk at half as dear again (--sites): the markets it serves cost more
    together and earn less; a bad file is refused in one line naming its row and column."""
    import json

    from pricing.cli.main import main

    codes = ["--market", "ZA", "--market", "NG"]
    assert main(["plan", *codes]) == 0
    shipped = json.loads(capsys.readouterr().out)
    dear = _sites_with(tmp_path, "ZA", "agent_cost_usd", 1.5)
    assert main(["plan", *codes, "--sites", dear]) == 0
    edited = json.loads(capsys.readouterr().out)
    assert edited["profit_usd"] < shipped["profit_usd"] - 1_000
    # The desk costs more in all (how it is shared between its markets may move either way).
    assert sum(m["cost_usd"] for m in edited["markets"]) > sum(
        m["cost_usd"] for m in shipped["markets"]
    )
    broken = _sites_with(tmp_path, "ZA", "seats", -1.0)
    assert main(["plan", *codes, "--sites", broken]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "row" in error and "'seats'" in error, error
    assert str(tmp_path) not in error


def test_a_sites_table_without_a_site_is_refused_rather_than_the_shipped_one_used() -> None:
    header = DEFAULT_SITES.read_text().splitlines()[0]
    with pytest.raises(DataFileError, match="no site rows"):
        sites_from_text(header + "\n", "sites.csv")
