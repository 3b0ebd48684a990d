"""The command line's ``fx`` command (docs/cli.md, "fx"): convert with provenance.

The rate book (with pandas) loads when the command is chosen, for its live-rate deadline: never
for another command.
"""

from __future__ import annotations

import argparse

from pricing.cli.args import Command, Parser, bounded


def _fx(args: argparse.Namespace) -> dict:
    from pricing.money.fx import DEFAULT_BOOK
    from pricing.money.live_rates import fetch_live_rates

    book = DEFAULT_BOOK
    live = None
    # Validate the currencies offline first: a typo must not cost a network round trip.
    book.rate(args.base, args.quote)
    if args.live:
        live = fetch_live_rates("USD", deadline_seconds=args.deadline)
        book = book.with_live(live)
    converted, used = book.convert(args.amount, args.base, args.quote)
    payload = {
        "amount": args.amount,
        "converted": converted,
        "rate": used.rate,
        "as_of": used.as_of.isoformat(),
        "source": used.source,
        "kinds": list(used.kinds),
        "stale": used.is_stale(),
        "age_days": used.age_days(),
    }
    if live is not None:
        payload["live"] = {
            "used": live.used_live,
            "reason": live.reason,
            "seconds": round(live.seconds, 2),
            "refused": [refused.as_json() for refused in live.refused],
        }
    return payload


def _fx_table(payload: dict) -> str:
    lines = [
        f"{payload['amount']:,.2f} = {payload['converted']:,.4f} "
        f"(rate {payload['rate']:,.6f}, as of {payload['as_of']}; {payload['source']})"
    ]
    if payload["stale"]:
        lines.append(f"warning: this rate is {payload['age_days']} days old")
    if "live" in payload:
        lines.append(f"live: {payload['live']['reason']}")
        lines += [f"refused: {refused['notice']}" for refused in payload["live"]["refused"]]
    return "\n".join(lines)


def _arguments(fx: Parser) -> None:
    from pricing.money.live_rates import LIVE_DEADLINE_SECONDS

    fx.add_argument("amount", type=bounded("amount"))
    fx.add_argument("base", metavar="FROM", help="ISO 4217 code, e.g. USD")
    fx.add_argument("quote", metavar="TO", help="ISO 4217 code, e.g. AED")
    fx.add_argument(
        "--live",
        action="store_true",
        help="try live rates (forex-python); falls back to offline at the deadline",
    )
    fx.add_argument(
        "--deadline",
        type=bounded("deadline_seconds"),
        default=LIVE_DEADLINE_SECONDS,
        help=f"seconds to wait for live rates, default {LIVE_DEADLINE_SECONDS:g}",
    )


FX = Command(
    "fx",
    help="convert an amount between currencies",
    description="Convert with offline rates (ECB, pegs, dated table) or, on request, live.",
    arguments=_arguments,
    run=_fx,
    table=_fx_table,
)
