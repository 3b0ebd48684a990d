"""The command line's ``offer`` command (docs/cli.md, "offer"): one market's four documents.

Its defaults (the shipped files, with pandas) load when the command is chosen, the planner and
the PDF machinery (fpdf2, fonts) when it runs: never for another command.
"""

from __future__ import annotations

import argparse
from datetime import date

from pricing.cli.args import Command, Parser, folder


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _offer(args: argparse.Namespace) -> dict:
    from pricing.cli.requests import plan_request
    from pricing.errors import InputError
    from pricing.offers.offer import build_offer, validity
    from pricing.offers.pdf import write_documents
    from pricing.plan import plan_market

    if len({code.strip().upper() for code in args.market}) != 1:
        raise InputError("give one --market: an offer is for one market")
    today = date.today()
    valid_until = validity(today, args.valid_until)  # refused before the market is planned
    request = plan_request(args)
    if args.currency:
        request.rates.rate("USD", args.currency)  # an unknown currency fails fast too
    [code] = request.codes
    offer = build_offer(
        plan_market(request, code),
        today,
        customer=args.customer,
        valid_until=valid_until,
        currency=args.currency,
        book=request.rates,
    )
    if not offer.tiers:
        raise InputError(f"no tier can be offered in {offer.market_name}: {offer.message or ''}")
    files = write_documents(offer, args.out)
    return {
        "market": offer.market_code,
        "files": [str(path) for path in files],
        "currency": offer.currency,
        "valid_until": offer.valid_until.isoformat(),
        "customer": offer.customer,
    }


def _offer_table(payload: dict) -> str:
    head = f"{payload['market']}: offer in {payload['currency']}, valid until "
    head += payload["valid_until"] + (f", for {payload['customer']}" if payload["customer"] else "")
    return "\n".join([head, *(f"  wrote {path}" for path in payload["files"])])


def _arguments(offer: Parser) -> None:
    from pricing.inputs.catalog import DEFAULT_MARKETS
    from pricing.inputs.segments import DEFAULT_SEGMENTS

    offer.add_argument("--market", action="append", metavar="CODE", required=True)
    offer.add_argument(
        "--out", type=folder, metavar="DIR", required=True, help="folder for the four files"
    )
    offer.add_argument("--customer", default="", help="customer name on the offer (optional)")
    offer.add_argument(
        "--valid-until", type=_day, metavar="YYYY-MM-DD", help="default: 30 days from today"
    )
    offer.add_argument("--currency", metavar="CODE", help="quote in (default: the market's own)")
    offer.add_argument("--markets", default=str(DEFAULT_MARKETS), help="market file (CSV/XLSX)")
    offer.add_argument("--segments", default=str(DEFAULT_SEGMENTS), help="segment file (CSV)")
    offer.add_argument(
        "--sites", help="hub site file (CSV/XLSX, the columns of data/sites.csv; default: it)"
    )
    offer.add_argument("--scenario", help="scenario JSON, as for plan (rules, budget rates)")


OFFER = Command(
    "offer",
    help="customer offer and internal negotiation brief for one market (PDF, XLSX)",
    description="Write a market's customer offer and internal negotiation brief, "
    "each as PDF and XLSX.",
    arguments=_arguments,
    run=_offer,
    table=_offer_table,
)
