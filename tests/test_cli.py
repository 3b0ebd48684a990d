"""The command line, run as a user runs it: ``python -m pricing ...`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAFFING_KEYS = {
    "agents",
    "scheduled_agents",
    "service_level",
    "occupancy",
    "probability_of_waiting",
    "average_speed_of_answer_seconds",
}
COST_KEYS = {"market", "option", "annual_fixed_usd", "per_account_usd", "annual_total_usd"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricing", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
        assert set(row) >= COST_KEYS
        assert row["annual_total_usd"] == pytest.approx(
            row["annual_fixed_usd"] + row["per_account_usd"] * row["accounts"], abs=1.0
        )


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
            "not a number: 'x'",
        ),
        (
            ("staffing", "--contacts-per-hour", "10", "--aht-seconds", "-5",
             "--answer-within-seconds", "20", "--service-level", "0.8"),
            "aht_seconds must be a finite number > 0, got -5.0",
        ),
        (
            ("staffing", "--contacts-per-hour", "10", "--aht-seconds", "60",
             "--answer-within-seconds", "20", "--service-level", "1.2"),
            "service_level must be strictly between 0 and 1, got 1.2",
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
