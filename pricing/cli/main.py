"""The command line: ``python -m pricing <command> ...`` (contract in docs/cli.md).

Every command prints JSON on stdout when ``--json`` is given or stdout is not a terminal, and a
readable table otherwise. Bad input exits 2 with one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from pricing.cli.args import Parser, UsageError, one_line
from pricing.cli.costs import COSTS
from pricing.cli.fx import FX
from pricing.cli.offer import OFFER
from pricing.cli.plan import PLAN
from pricing.cli.staffing import STAFFING
from pricing.cli.sweep import SWEEP
from pricing.cli.tiers import TIERS
from pricing.errors import PricingError

EXIT_BAD_INPUT = 2
# In the order ``python -m pricing --help`` lists them.
COMMANDS = (STAFFING, COSTS, TIERS, PLAN, FX, OFFER, SWEEP)


def _emit(payload: dict, as_json: bool, table: Callable[[dict], str]) -> None:
    # Formatted whole before a byte is written: a failure leaves no half-written output.
    text = json.dumps(payload, indent=2, allow_nan=False) if as_json else table(payload)
    sys.stdout.write(text + "\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; a command's own modules load when it is chosen."""
    parser = Parser(prog="python -m pricing", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        commands.add_parser(
            command.name, help=command.help, description=command.description, command=command
        )
    return parser


def _warning_line(message, category, filename, lineno, line=None) -> str:
    """A library's warning as one line on stderr, without the file it came from (a server's
    folders are nobody's business)."""
    return f"warning: {one_line(f'{category.__name__}: {message}')}\n"


def main(argv: Sequence[str] | None = None) -> int:
    warnings.formatwarning = _warning_line
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        payload = args.run(args)
    except (UsageError, PricingError) as exc:
        print(one_line(f"error: {exc}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # an output folder that cannot be written: the user's to fix
        name = Path(exc.filename).name if exc.filename else ""
        print(f"error: cannot write {name!r}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug, not bad input: still one line, no traceback
        print(one_line(f"internal error: {type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    try:
        _emit(payload, args.json or not sys.stdout.isatty(), args.table)
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing to report
        sys.stderr.close()
    except ValueError as exc:  # a result JSON cannot hold (inf, NaN): a bug, said in one line
        print(one_line(f"internal error: {exc}"), file=sys.stderr)
        return 1
    return 0
