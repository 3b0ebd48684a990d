"""The command line as a user runs it (``python -m pricing ...`` in a process of its own), the
inputs tests hand it, and what a refusal must look like."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = (ROOT / "data" / "markets.csv").read_text()
# A small tier problem for `python -m pricing tiers` (docs/cli.md, "tiers").
EXAMPLE = {
    "tiers": [
        {"name": "Basic", "unit_cost": 10, "fixed_cost": 0},
        {"name": "Premium", "unit_cost": 25, "fixed_cost": 500},
    ],
    "segments": [
        {"name": "SMB", "size": 150, "reservation_prices": {"Basic": 30, "Premium": 40}},
        {"name": "Enterprise", "size": 100, "reservation_prices": {"Basic": 60, "Premium": 100}},
    ],
    "min_margin": 0.0,
    "expected_discount": 0.1,
    "max_discount": 0.2,
    "price_step": 0.0,
}


def run(
    *args: str, env: dict[str, str] | None = None, memory_bytes: int | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m pricing ARGS`` from the project root; ``env`` adds environment variables,
    ``memory_bytes`` caps the memory the process may take (its address space)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    return subprocess.run(
        [sys.executable, "-m", "pricing", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, **(env or {})},
        preexec_fn=limit if memory_bytes else None,
    )


def markets_with(tmp_path: Path, column: str, value: str, name: str = "markets.csv") -> str:
    """The shipped market file with one cell of its first market replaced."""
    rows = list(csv.DictReader(io.StringIO(SHIPPED)))
    rows[0][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(out.getvalue())
    return str(path)


def json_file(tmp_path: Path, payload: object | str, name: str) -> str:
    path = tmp_path / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
    return str(path)


def refused(done, *words: str, tmp_path: Path | None = None) -> str:
    """The one line a refusal prints, checked for the exit status and what it must not show."""
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert "Traceback" not in done.stderr
    for junk in ("ArgsKwargs", "'(row)'", "Error(", "pydantic"):
        assert junk not in line, line
    if tmp_path is not None:
        assert str(tmp_path) not in line and "/tmp" not in line, line
    for word in words:
        assert word in line, line
    return line
