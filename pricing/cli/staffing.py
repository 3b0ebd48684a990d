"""The command line's ``staffing`` command (docs/cli.md, "staffing"): Erlang C for one queue.

The queue model (numpy) loads when the command runs: never for another command.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import asdict

from pricing.cli.args import Command, Parser, bounded


def _staffing(args: argparse.Namespace) -> dict:
    from pricing.costing.staffing import staff_queue

    result = staff_queue(
        args.contacts_per_hour,
        args.aht_seconds,
        args.answer_within_seconds,
        args.service_level,
        max_occupancy=args.max_occupancy,
        shrinkage=args.shrinkage,
    )
    payload = asdict(result)
    if math.isinf(payload["average_speed_of_answer_seconds"]):
        payload["average_speed_of_answer_seconds"] = None  # JSON has no infinity
    return payload


def _staffing_table(payload: dict) -> str:
    width = max(len(key) for key in payload)
    return "\n".join(f"{key:<{width}}  {value}" for key, value in payload.items())


# (argument, help, default): a number held to the bound of the field of the argument's name
# (pricing.inputs.limits); one without a default is required.
_QUEUE = (
    ("--contacts-per-hour", "arrivals per hour", None),
    ("--aht-seconds", "average handle time, seconds", None),
    ("--answer-within-seconds", "answer-time target of the service level, seconds", None),
    ("--service-level", "share answered within the target, e.g. 0.8", None),
    ("--max-occupancy", "cap on agent occupancy A/N, default 1.0 (no cap)", 1.0),
    ("--shrinkage", "share of paid time not on the queue, default 0", 0.0),
)


def _arguments(staffing: Parser) -> None:
    for argument, text, default in _QUEUE:
        field = argument.removeprefix("--").replace("-", "_")
        staffing.add_argument(
            argument, type=bounded(field), required=default is None, default=default, help=text
        )


STAFFING = Command(
    "staffing",
    help="Erlang C agents for one queue",
    description="Least agents on duty meeting a service level (Erlang C).",
    arguments=_arguments,
    run=_staffing,
    table=_staffing_table,
)
