"""The plan command against HiGHS alone, whole process against whole process:
`python benchmarks/cli_bench.py [--repeat N]`.

Times, as separate processes run in turn (interleaved, so that a busy machine slows them
alike), the median of N runs of

* (a) ``python -m pricing plan --solver highs`` (stdout to /dev/null),
* (b) a ``python -c`` process that imports highspy and solves every model the plan exports
  (``plan --export-models DIR``: ``tiers_<CODE>.mps`` per market on desks of its own,
  ``portfolio_<CODES>.mps`` per community sharing a desk) one after another, with
  the plan's options (one thread, quiet),
* (c) ``python -m pricing plan --solver cbc``,
* (d) the same as (b) on every model the plan solves: each market's, and each one solved again
  for the market's reasons (every rule removed, every alternative: ``export_models(plan, DIR,
  reasons=True)``),

and prints the medians and the ratios a/b, c/b and a/d. The target set before the plan computed
its reasons: a/b within 1.5; a/d compares the same work (the plan runs its solves two at a time).
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import highspy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Case (b): a process of its own that imports highspy and solves the exported models.
HIGHS_ALONE = (
    "import sys; from pathlib import Path; from benchmarks.cli_bench import solve_exported; "
    "solve_exported(sorted(Path(sys.argv[1]).rglob('*.mps')))"
)


def solve_exported(paths: Sequence[Path]) -> list[float]:
    """Solve each MPS file with HiGHS alone, one after another, as the plan's HiGHS runs (one
    thread, quiet); the objective of each."""
    objectives = []
    for path in paths:
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("threads", 1)
        solver.readModel(str(path))
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                f"{path.name}: {solver.modelStatusToString(solver.getModelStatus())}"
            )
        objectives.append(solver.getInfo().objective_function_value)
    return objectives


def _seconds(command: Sequence[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _cases(base: str, every: str) -> dict[str, list[str]]:
    python = sys.executable
    base_models = len(list(Path(base).rglob("*.mps")))
    every_model = len(list(Path(every).rglob("*.mps")))
    return {
        "(a) python -m pricing plan --solver highs": [
            python, "-m", "pricing", "plan", "--solver", "highs",
        ],
        f"(b) HiGHS alone on the {base_models} exported models": [python, "-c", HIGHS_ALONE, base],
        "(c) python -m pricing plan --solver cbc": [
            python, "-m", "pricing", "plan", "--solver", "cbc",
        ],
        f"(d) HiGHS alone on all {every_model} models solved": [
            python, "-c", HIGHS_ALONE, every,
        ],
    }  # fmt: skip


def _export_every_model(folder: Path) -> None:
    """Every model ``plan --solver highs`` solves on the shipped data, into ``folder``."""
    from pricing.inputs.segments import load_segments
    from pricing.plan import export_models, make_plan
    from pricing.request import Catalogue, PlanRequest
    from pricing.settings import PlanSettings

    request = PlanRequest(Catalogue.read(), PlanSettings(solver="highs"), load_segments())
    export_models(make_plan(request), folder, reasons=True)


def machine() -> str:
    """What a timing ran on: processor, cores and Python."""
    processor = platform.processor() or platform.machine()
    return f"{processor}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    print(f"machine: {machine()}", flush=True)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        base, every = Path(folder) / "base", Path(folder) / "every"
        _seconds([sys.executable, "-m", "pricing", "plan", "--export-models", str(base)])
        _export_every_model(every)
        cases = _cases(str(base), str(every))
        times: dict[str, list[float]] = {label: [] for label in cases}
        for _ in range(repeat):
            for label, command in cases.items():
                times[label].append(_seconds(command))
    medians = {label: statistics.median(found) for label, found in times.items()}
    for label, found in times.items():
        print(
            f"{label:<48} median {medians[label]:7.2f} s  "
            f"(min {min(found):.2f}, max {max(found):.2f}, n={len(found)})"
        )
    plan_highs, highs_alone, plan_cbc, highs_every = medians.values()
    print(f"{'plan (HiGHS) / HiGHS alone (b)':<48} {plan_highs / highs_alone:7.2f}x  (asked: 1.5x)")
    print(f"{'plan (CBC) / HiGHS alone (b)':<48} {plan_cbc / highs_alone:7.2f}x")
    print(
        f"{'plan (HiGHS) / HiGHS alone on the same work (d)':<48} {plan_highs / highs_every:7.2f}x"
    )


if __name__ == "__main__":
    main()
