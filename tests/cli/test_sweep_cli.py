"""``python -m pricing sweep`` (docs/cli.md, "sweep"): the JSON contract, the files of
``--out``, refusals in one line, and a sweep on a separately started Dask scheduler."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pricing.cli.main import main
from tests.cli_helpers import ROOT, run

# The dask command of this Python (the requirements install it).
DASK = (sys.executable, "-m", "dask")
MARKET_KEYS = {
    "market",
    "p10_usd",
    "p50_usd",
    "p90_usd",
    "probability_sold",
    "probability_profitable",
    "probability_model_changes",
}


@pytest.mark.process
def test_a_sweep_prints_its_contract_and_writes_draws_and_a_workbook(tmp_path: Path) -> None:
    done = run("sweep", "--draws", "6", "--seed", "4", "--market", "ZA", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["draws"] == 6 and payload["seed"] == 4
    assert {"p10_usd", "p50_usd", "p90_usd"} <= set(payload["portfolio"])
    (row,) = payload["markets"]
    assert set(row) >= MARKET_KEYS and row["market"] == "ZA"
    assert "sweep: 6/6 draws" in done.stderr
    draws = pd.read_parquet(tmp_path / "draws.parquet")
    assert sorted(draws["draw"]) == list(range(6))
    assert draws["profit_usd"].quantile(0.5) == pytest.approx(row["p50_usd"], abs=0.01)
    formulas = openpyxl.load_workbook(tmp_path / "sweep.xlsx")["Markets"]
    values = openpyxl.load_workbook(tmp_path / "sweep.xlsx", data_only=True)["Markets"]
    assert formulas["B2"].value.startswith("=PERCENTILE.INC(Draws!B2:B7")
    assert values["B2"].value == pytest.approx(row["p10_usd"], abs=0.01)
    assert values["E2"].value == pytest.approx(row["probability_sold"])


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--draws", "0"], "draws must be 1 to 100,000"),
        (["--seed", "-1"], "seed must be 0 to"),
        (["--workers", "x"], "workers must be a whole number"),
        (["--scheduler", "tcp://127.0.0.1:9"], "cannot reach a Dask scheduler"),
    ],
)
def test_bad_arguments_are_refused_in_one_line(args, says, capsys) -> None:
    assert main(["sweep", "--market", "ZA", *args]) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1


def test_an_uncertainty_table_that_cannot_draw_is_refused(tmp_path: Path, capsys) -> None:
    table = tmp_path / "uncertainty.csv"
    shipped = (ROOT / "data" / "uncertainty.csv").read_text().splitlines()
    table.write_text("\n".join(line for line in shipped if not line.startswith("fx,NG")))
    assert main(["sweep", "--market", "NG", "--uncertainty", str(table)]) == 2
    err = capsys.readouterr().err
    assert "ECB does not publish NGN" in err and "NG" in err and str(tmp_path) not in err
    table.write_text(shipped[0] + "\nwages,*,lognormal,1.2,0.9,,assumption\n")
    assert main(["sweep", "--market", "ZA", "--uncertainty", str(table)]) == 2
    err = capsys.readouterr().err
    assert "uncertainty.csv row 2" in err and "p10 (1.2) is above p90 (0.9)" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.process
def test_a_sweep_runs_on_a_separately_started_scheduler() -> None:
    """A Dask scheduler and a worker started by hand (as on a cluster, from the project's
    folder), on loopback: the sweep sent there gives the local cluster's answer."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    scheduler = subprocess.Popen(
        [*DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        time.sleep(2)
        worker = subprocess.Popen(
            [*DASK, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        there = run(
            "sweep", "--draws", "4", "--seed", "9", "--market", "ZA", "--scheduler", address
        )
        here = run("sweep", "--draws", "4", "--seed", "9", "--market", "ZA", "--workers", "1")
        assert there.returncode == 0, there.stderr
        assert json.loads(there.stdout) == json.loads(here.stdout)
        via_env = run(
            "sweep",
            "--draws",
            "2",
            "--seed",
            "9",
            "--market",
            "ZA",
            env={"PRICING_DASK_SCHEDULER": address},
        )
        assert via_env.returncode == 0, via_env.stderr
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
