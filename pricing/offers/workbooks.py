"""The offer's workbooks: the customer's (tiers at list price, notes, terms) and the sales
team's (prices, approvals, guidance with its sources, risks), each one sheet per table.

Text cells a spreadsheet would run as a formula are escaped by :mod:`pricing.outputs.spreadsheet`.
"""

from __future__ import annotations

import io

import pandas as pd

from pricing.offers.offer import Offer, rate_explained, terms
from pricing.offers.promises import duration
from pricing.outputs.spreadsheet import write_xlsx


def _meta(offer: Offer, internal: bool) -> pd.DataFrame:
    rows = [("Market", f"{offer.market_name} ({offer.market_code})")]
    if offer.customer:
        rows.append(("Customer", offer.customer))
    rows += [
        ("Prepared", offer.prepared.isoformat()),
        ("Valid until", offer.valid_until.isoformat()),
        ("Currency", f"{offer.currency_name} ({offer.currency})"),
        ("Exchange rate", rate_explained(offer)),
    ]
    if internal:
        rows += [
            ("Rate used", offer.rate_line),
            ("Rate stale", "yes: refresh before quoting" if offer.rate_stale else "no"),
            ("Currency buffer", f"{offer.buffer:.0%}"),
        ]
        if offer.message:
            rows.append(("Note", offer.message))
    return pd.DataFrame(rows, columns=["item", "value"])


def customer_tables(offer: Offer) -> dict[str, pd.DataFrame]:
    """The customer's workbook: the offer's heading, the tiers at list price, notes and terms."""
    tiers = pd.DataFrame(
        [
            {
                "tier": t.name,
                "currency": offer.currency,
                "list_per_account_year": t.list_local,
                "includes": "\n".join(t.inclusions),
                "days_served": t.coverage,
                "phone_and_chat_within": duration(t.answer_within_seconds),
                "tickets_first_response": t.ticket_promise,
            }
            for t in offer.tiers
        ],
        columns=[
            "tier",
            "currency",
            "list_per_account_year",
            "includes",
            "days_served",
            "phone_and_chat_within",
            "tickets_first_response",
        ],
    )
    notes = pd.DataFrame({"notes and terms": [*offer.notes, terms(offer)]})
    return {"Offer": _meta(offer, internal=False), "Tiers": tiers, "Terms": notes}


def internal_tables(offer: Offer) -> dict[str, pd.DataFrame]:
    """The sales team's workbook: prices, approvals, guidance with its sources, risks."""
    prices = pd.DataFrame(
        [
            {
                "tier": t.name,
                "currency": offer.currency,
                "list_per_account_year": t.list_local,
                "target": t.target_local,
                "floor": t.floor_local,
                "list_usd": round(t.list_usd, 2),
                "target_usd": round(t.target_usd, 2),
                "floor_usd": round(t.floor_usd, 2),
                "days_served": t.coverage,
            }
            for t in offer.tiers
        ]
    )
    approvals = pd.DataFrame(
        [
            {
                "tier": t.name,
                "approver": b.approver,
                "from": b.highest_local,
                "down_to": b.lowest_local,
                "max_discount_off_list": b.max_discount,
                "note": b.note,
            }
            for t in offer.tiers
            for b in t.bands
        ]
    )
    advice = pd.DataFrame(
        [{"kind": a.kind, "advice": a.text, "source": a.basis} for a in offer.advice],
        columns=["kind", "advice", "source"],
    )
    found = pd.DataFrame({"risk": list(offer.risks)}, dtype=object)
    return {
        "Brief": _meta(offer, internal=True),
        "Prices": prices,
        "Approvals": approvals,
        "Do and avoid": advice,
        "Risks": found,
    }


def _xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    return buffer.getvalue()


def customer_xlsx(offer: Offer) -> bytes:
    return _xlsx(customer_tables(offer))


def internal_xlsx(offer: Offer) -> bytes:
    return _xlsx(internal_tables(offer))
