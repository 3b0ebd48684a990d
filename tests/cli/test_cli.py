"""The command line, run as a user runs it: ``python -m pricing ...`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import EXAMPLE, ROOT, run

STAFFING_KEYS = {
    "agents",
    "scheduled_agents",
    "service_level",
    "occupancy",
    "probability_of_waiting",
    "average_speed_of_answer_seconds",
}
COST_KEYS = {"market", "option", "annual_fixed_usd", "per_account_usd", "annual_total_usd"}


def test_staffing_answers_the_contract() -> None:
    done = run(
        "staffing",
        "--contacts-per-hour", "200",
        "--aht-seconds", "180",
        "--answer-within-seconds", "20",
        "--service-level", "0.8",
        "--max-occupancy", "0.85",
        "--shrinkage", "0.3",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)  # JSON by default when stdout is not a terminal
    assert set(payload) == STAFFING_KEYS
    assert payload["agents"] == 14 and payload["scheduled_agents"] == 20
    assert payload["service_level"] == pytest.approx(0.88835, abs=1e-5)


def test_costs_answers_the_contract() -> None:
    done = run("costs", "--market", "AE", "--market", "de", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert [(r["market"], r["option"]) for r in rows] == [
        (code, option)
        for code in ("AE", "DE")
        for option in ("baseline", "coverage_24x7", "local_office", "multilingual", "distributor")
    ]
    for row in rows:
        assert set(row) >= COST_KEYS | {"working_days", "covered_hours_per_week"}
        # One definition of per account: the row's annual total over the accounts.
        assert row["per_account_usd"] * row["accounts"] == pytest.approx(
            row["annual_total_usd"], abs=0.01 * row["accounts"]
        )
    week = {r["market"]: r["working_days"] for r in rows if r["option"] == "baseline"}
    assert week == {
        "AE": ["Mon", "Tue", "Wed", "Thu", "Fri"],
        "DE": ["Mon", "Tue", "Wed", "Thu", "Fri"],
    }
    always = [r for r in rows if r["option"] == "coverage_24x7"]
    assert {r["covered_hours_per_week"] for r in always} == {168.0}


def test_costs_at_another_account_count() -> None:
    """--accounts N costs the market at N accounts: more accounts, more agents, other money."""
    own = json.loads(run("costs", "--market", "SA", "--json").stdout)["rows"][0]
    more = json.loads(run("costs", "--market", "SA", "--accounts", "2000", "--json").stdout)
    row = more["rows"][0]
    assert own["accounts"] == 40 and row["accounts"] == 2000
    assert row["working_days"] == ["Sun", "Mon", "Tue", "Wed", "Thu"]
    assert row["annual_total_usd"] > own["annual_total_usd"]
    assert row["peak_agents_on_duty"] > own["peak_agents_on_duty"]
    bad = run("costs", "--accounts", "1e30")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_costs_for_every_shipped_market() -> None:
    done = run("costs")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert len(rows) == 5 * len({r["market"] for r in rows}) >= 150


def test_costs_reads_an_uploaded_file(tmp_path: Path) -> None:
    source = (ROOT / "data" / "markets.csv").read_text().splitlines()
    small = tmp_path / "two.csv"
    us_and_ca = [line for line in source[1:] if line.startswith(("US,", "CA,"))]
    small.write_text("\n".join([source[0], *us_and_ca]) + "\n")
    done = run("costs", "--markets", str(small))
    assert done.returncode == 0, done.stderr
    assert {r["market"] for r in json.loads(done.stdout)["rows"]} == {"US", "CA"}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("staffing", "--contacts-per-hour", "10"), "required"),
        (
            ("staffing", "--contacts-per-hour", "x", "--aht-seconds", "1",
             "--answer-within-seconds", "1", "--service-level", "0.8"),
            "argument --contacts-per-hour: 'x' is not a number",
        ),
        (
            ("staffing", "--contacts-per-hour", "10", "--aht-seconds", "-5",
             "--answer-within-seconds", "20", "--service-level", "0.8"),
            "argument --aht-seconds: '-5' must be above 0 seconds",
        ),
        (
            ("staffing", "--contacts-per-hour", "10", "--aht-seconds", "60",
             "--answer-within-seconds", "20", "--service-level", "1.2"),
            "argument --service-level: '1.2' must be below 1",
        ),
        (("costs", "--market", "ZZ"), "unknown market 'ZZ'"),
        (("costs", "--markets", "no/such/file.csv"), "no such file"),
        (("frobnicate",), "invalid choice"),
        ((), "required"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(args: tuple[str, ...], words: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert words in lines[0]


def test_bad_market_file_exits_2_naming_the_cell(tmp_path: Path) -> None:
    source = (ROOT / "data" / "markets.csv").read_text().splitlines()
    broken = source[0] + "\n" + source[1].replace("77600", "-3", 1) + "\n"
    path = tmp_path / "broken.csv"
    path.write_text(broken)
    done = run("costs", "--markets", str(path))
    assert done.returncode == 2
    assert "row 2, column 'agent_cost_usd'" in done.stderr and "'-3'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def _problem_file(tmp_path: Path, payload: object, name: str = "problem.json") -> str:
    path = tmp_path / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
    return str(path)


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_tiers_answers_the_contract(tmp_path: Path, solver: str) -> None:
    done = run("tiers", _problem_file(tmp_path, EXAMPLE), "--solver", solver)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert {"status", "profit", "prices", "list_prices", "floor_prices", "assignment"} <= set(
        payload
    )
    assert payload["status"] == "optimal"
    assert payload["profit"] == pytest.approx(7_000)
    for tier, price in payload["prices"].items():
        if price is None:
            assert payload["list_prices"][tier] is None
            continue
        assert payload["list_prices"][tier] == pytest.approx(price / 0.9)
        assert payload["floor_prices"][tier] == pytest.approx(price / 0.9 * 0.8)
    assert payload["assignment"]["Enterprise"] == "Premium"


def test_tiers_infeasible_exits_2_naming_the_constraint(tmp_path: Path) -> None:
    problem = {**EXAMPLE, "min_margin": 5.0, "must_offer": ["Premium"]}
    done = run("tiers", _problem_file(tmp_path, problem))
    assert done.returncode == 2
    assert done.stderr.startswith("error: floor_margin: the floor margin constraints of")
    assert "lower min_margin (5)" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ("{not json", "not valid JSON (line 1"),
        ({"tiers": [], "segments": []}, "tiers: List should have at least 1 item"),
        (
            {**EXAMPLE, "segments": [{"name": "S", "size": -1, "reservation_prices": {}}]},
            "problem.json: segments[0].size: -1 is below the minimum of 0 accounts",
        ),
        (
            {**EXAMPLE, "segments": [{"name": "S", "size": 1, "reservation_prices": {"Gold": 5}}]},
            "prices unknown tier(s) ['Gold']",
        ),
        ({**EXAMPLE, "expected_discount": 0.3}, "max_discount 0.2 is below expected_discount 0.3"),
        ({**EXAMPLE, "colour": "red"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_tiers_bad_problem_exits_2(tmp_path: Path, payload: object, words: str) -> None:
    done = run("tiers", _problem_file(tmp_path, payload))
    assert done.returncode == 2
    assert words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_plan_answers_the_contract(tmp_path: Path) -> None:
    out, models = tmp_path / "out", tmp_path / "models"
    done = run(
        "plan",
        "--market",
        "US",
        "--market",
        "AE",
        "--out",
        str(out),
        "--export-models",
        str(models),
    )
    assert done.returncode == 0, done.stderr
    markets = json.loads(done.stdout)["markets"]
    assert [m["market"] for m in markets] == ["US", "AE"]
    for market in markets:
        assert {"market", "currency", "profit_usd", "assignment", "tiers"} <= set(market)
        for tier in market["tiers"]:
            assert {
                "name",
                "options",
                "unit_cost_usd",
                "target_usd",
                "list_usd",
                "floor_usd",
                "target_local",
                "list_local",
                "floor_local",
            } <= set(tier)
    assert markets[1]["currency"] == "AED"
    assert (out / "plan.xlsx").is_file() and (out / "plan_tiers.csv").is_file()
    # One model per market on desks of its own, one per community sharing a desk (and each of
    # its markets by itself with bot nights, the constant the community weighs).
    names = sorted(p.name for p in models.iterdir())
    for code in ("US", "AE"):
        assert (
            sum(code in name.removesuffix(".mps").split("_")[-1].split("-") for name in names) == 1
        )
    kinds = ("tiers_", "portfolio_", "alternative_")
    assert all(n.startswith(kinds) and n.endswith(".mps") for n in names)
    assert any(n.startswith("alternative_") for n in names)


def test_plan_with_a_scenario_file(tmp_path: Path) -> None:
    scenario = {"tiers": 2, "min_margin": 0.3, "required": {"Premium": ["coverage_24x7"]}}
    done = run("plan", "--market", "US", "--scenario", _problem_file(tmp_path, scenario))
    assert done.returncode == 0, done.stderr
    [us] = json.loads(done.stdout)["markets"]
    assert [t["name"] for t in us["tiers"]] in (["Basic", "Premium"], ["Basic"], [])
    for tier in us["tiers"]:
        assert tier["floor_usd"] >= 1.3 * tier["unit_cost_usd"] - 0.01
        if tier["name"] == "Premium":
            assert "coverage_24x7" in tier["options"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("plan", "--tiers", "8"), "argument --tiers: '8' is above the limit of 5 tiers"),
        (("plan", "--market", "XX"), "unknown market 'XX'"),
        (("plan", "--solver", "gurobi"), "invalid choice: 'gurobi'"),
    ],
)
def test_plan_bad_input_exits_2(args: tuple[str, ...], words: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_plan_bad_scenario_exits_2(tmp_path: Path) -> None:
    scenario = {"tiers": 2, "allowed": {"Gold": ["coverage_24x7"]}}
    done = run("plan", "--scenario", _problem_file(tmp_path, scenario))
    assert done.returncode == 2
    assert "unknown tier(s) ['Gold']" in done.stderr


def test_plan_scenario_budget_rates(tmp_path: Path) -> None:
    scenario = {"budget_rates": {"AED": 4.0}}
    done = run("plan", "--market", "AE", "--scenario", _problem_file(tmp_path, scenario))
    assert done.returncode == 0, done.stderr
    [ae] = json.loads(done.stdout)["markets"]
    assert ae["rate"]["rate"] == 4.0
    assert ae["rate"]["source"] == "budget rate set by finance: scenario file"
    bad = run("plan", "--scenario", _problem_file(tmp_path, {"budget_rates": {"ZZZ": 2}}, "b.json"))
    assert bad.returncode == 2 and "unknown currency 'ZZZ'" in bad.stderr


# The libraries a command must not load unless it needs them: they take most of a second.
HEAVY = {"pandas", "openpyxl", "xlsxwriter", "scipy", "pulp", "highspy"}
QUEUE = ("--contacts-per-hour", "200", "--aht-seconds", "180",
         "--answer-within-seconds", "20", "--service-level", "0.8")  # fmt: skip


def _imported(*args: str) -> set[str]:
    """The top-level packages ``python -m pricing ARGS`` imports (``-X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pricing", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    rows = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {row.rsplit("|", 1)[1].strip().split(".")[0] for row in rows}


@pytest.mark.process  # starts the command line (tests/conftest.py)
def test_staffing_starts_without_the_heavy_libraries() -> None:
    """Erlang C for one queue is numpy: no pandas, no spreadsheet writer, scipy or solver."""
    assert _imported("staffing", *QUEUE) & HEAVY == set()


@pytest.mark.process  # starts the command line (tests/conftest.py)
def test_fx_loads_no_solver_and_no_spreadsheet() -> None:
    """pandas only, with which the rate book reads its tables (pricing.money.fx)."""
    assert _imported("fx", "1", "USD", "EUR") & HEAVY <= {"pandas"}


@pytest.mark.process
@pytest.mark.parametrize(
    "library",
    [
        "openpyxl",
        "xlsxwriter",
    ],
)
def test_plan_printing_json_writes_no_workbook(library: str) -> None:
    """Only ``--out`` writes the workbook: the plan printed as JSON loads no writer of it."""
    assert library not in _imported("plan", "--market", "AE")


def test_help_shows_every_command_and_its_arguments() -> None:
    """A command's arguments are added when it is chosen: its help still lists them all."""
    top = run("--help")
    assert top.returncode == 0
    assert "{staffing,costs,tiers,plan,fx,offer,sweep}" in top.stdout
    plan = run("plan", "--help")
    assert plan.returncode == 0
    for argument in ("--markets", "--scenario", "--solver {cbc,highs}", "--export-models DIR"):
        assert argument in plan.stdout
    assert "default 5" in run("fx", "--help").stdout
    sweep = run("sweep", "--help").stdout
    for argument in ("--draws", "--seed", "--workers", "--scheduler ADDRESS", "--fixed"):
        assert argument in sweep
