"""The sales offer for one market: tiers, what they include, prices and who approves what.

Built from a market's plan; written as PDF (fpdf2) and XLSX (openpyxl) for the sales team. Money
is in the market's currency (price points) with USD beside it and the rate line underneath.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
from fpdf import FPDF

from pricing.exports import write_xlsx
from pricing.guidance import Advice, guidance, language_name
from pricing.plan import MarketPlan, PricedTier
from pricing.pricepoints import format_money
from pricing.tiers.negotiation import REP_SHARE_OF_EXPECTED


@dataclass(frozen=True)
class Band:
    approver: str
    lowest_local: float
    highest_local: float
    max_discount: float
    note: str


@dataclass(frozen=True)
class OfferTier:
    name: str
    inclusions: tuple[str, ...]
    answer_within_seconds: float
    ticket_response_seconds: float
    coverage: str
    list_local: float
    target_local: float
    floor_local: float
    list_usd: float
    target_usd: float
    floor_usd: float
    bands: tuple[Band, ...]
    step: float


@dataclass(frozen=True)
class Offer:
    market_code: str
    market_name: str
    currency: str
    tiers: tuple[OfferTier, ...]
    advice: tuple[Advice, ...]
    rate_line: str
    rate_stale: bool
    buffer: float
    prepared: date
    message: str | None

    def money(self, amount: float, step: float = 1.0) -> str:
        return format_money(amount, self.currency, step=step)


def duration(seconds: float) -> str:
    """A response time as people say it: 20 s, 10 min, 8 h."""
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7_200:
        return f"{seconds / 60:g} min"
    return f"{seconds / 3600:g} h"


def inclusions(plan: MarketPlan, tier: PricedTier) -> tuple[str, ...]:
    """What the customer gets, in the order a buyer reads it: languages and days, answers."""
    market = plan.market
    week = plan.workload.week
    languages = [language_name(code) for code in market.support_languages]
    spoken = languages if "multilingual" in tier.options else languages[:1]
    closed = f", closed on {len(week.holidays)} public holidays" if week.holidays else ""
    items = [
        f"Support in {' and '.join(spoken)}, {week.label} ({market.timezone}){closed}",
        f"Phone and chat answered within {duration(tier.answer_within_seconds)}, messages and "
        f"tickets within {duration(tier.ticket_response_seconds)} (80 % of contacts)",
    ]
    if "priority_response" in tier.options:
        items.append("Priority response: your contacts are answered ahead of the queue")
    if "coverage_24x7" in tier.options:
        items.append("Round-the-clock coverage, nights, weekends and public holidays")
    if "local_office" in tier.options:
        items.append("A local support team and on-site visits")
    return tuple(items)


def _bands(tier: PricedTier, plan: MarketPlan) -> tuple[Band, ...]:
    local = tier.local
    expected = plan.market.expected_discount
    # The rep's lowest price sits on the quote's price step, rounded up: within authority.
    raw = local.list_price * (1 - REP_SHARE_OF_EXPECTED * expected)
    rep_lowest = min(
        max(math.ceil(raw / local.step - 1e-9) * local.step, local.target), local.list_price
    )
    notes = [band.note for band in tier.quote_usd.bands]
    limits = [band.max_discount for band in tier.quote_usd.bands]
    return (
        Band("sales rep", rep_lowest, local.list_price, limits[0], notes[0]),
        Band("sales manager", local.target, rep_lowest, limits[1], notes[1]),
        Band("executive", local.floor, local.target, limits[2], notes[2]),
    )


def build_offer(plan: MarketPlan, prepared: date | None = None) -> Offer:
    tiers = tuple(
        OfferTier(
            name=tier.name,
            inclusions=inclusions(plan, tier),
            answer_within_seconds=tier.answer_within_seconds,
            ticket_response_seconds=tier.ticket_response_seconds,
            coverage=tier.coverage,
            list_local=tier.local.list_price,
            target_local=tier.local.target,
            floor_local=tier.local.floor,
            list_usd=tier.quote_usd.list_price,
            target_usd=tier.quote_usd.target,
            floor_usd=tier.quote_usd.floor,
            bands=_bands(tier, plan),
            step=tier.local.step,
        )
        for tier in plan.tiers
    )
    return Offer(
        market_code=plan.market.code,
        market_name=plan.market.name,
        currency=plan.market.currency,
        tiers=tiers,
        advice=guidance(plan.market),
        rate_line=plan.rate.line,
        rate_stale=plan.rate.is_stale(),
        buffer=plan.buffer,
        prepared=prepared or date.today(),
        message=plan.solution.message,
    )


def offer_tables(offer: Offer) -> dict[str, pd.DataFrame]:
    tiers = pd.DataFrame(
        [
            {
                "tier": t.name,
                "includes": "; ".join(t.inclusions),
                "coverage": t.coverage,
                "answer_within_seconds": t.answer_within_seconds,
                "ticket_response_seconds": t.ticket_response_seconds,
                "currency": offer.currency,
                "list_per_account_year": t.list_local,
                "target": t.target_local,
                "floor": t.floor_local,
                "list_usd": round(t.list_usd, 2),
                "target_usd": round(t.target_usd, 2),
                "floor_usd": round(t.floor_usd, 2),
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
        [{"kind": a.kind, "advice": a.text, "basis": a.basis} for a in offer.advice]
    )
    rate = pd.DataFrame(
        [
            {
                "rate": offer.rate_line,
                "stale": offer.rate_stale,
                "fx_buffer": offer.buffer,
                "prepared": offer.prepared.isoformat(),
            }
        ]
    )
    return {"Offer": tiers, "Approvals": approvals, "Do and avoid": advice, "Rate": rate}


def offer_xlsx(offer: Offer) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(offer_tables(offer), buffer)
    return buffer.getvalue()


# fpdf2's built-in fonts are Latin-1: spell out what they cannot draw.
_PLAIN = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "≥": ">=",
        "≤": "<=",
        "\u00a0": " ",
    }
)


def _text(value: str) -> str:
    return value.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _amount(offer: Offer, value: float, step: float) -> str:
    """Money with the ISO code (every currency symbol is not in the PDF's font)."""
    digits = 0 if step >= 1 else 2
    return f"{offer.currency} {value:,.{digits}f}"


def offer_pdf(offer: Offer) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(
        0,
        10,
        _text(f"Support offer - {offer.market_name} ({offer.currency})"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        _text(
            f"Internal sales sheet prepared {offer.prepared.isoformat()}. Prices per account per "
            f"year. {offer.rate_line}"
            + (" STALE RATE: refresh before quoting." if offer.rate_stale else "")
            + (f" Includes a {offer.buffer:.0%} currency buffer." if offer.buffer else "")
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    if not offer.tiers:
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(
            0,
            6,
            _text(offer.message or "No tier is offered in this market."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    for tier in offer.tiers:
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(
            0,
            8,
            _text(f"{tier.name}: list {_amount(offer, tier.list_local, tier.step)}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Helvetica", "", 10)
        for item in tier.inclusions:
            pdf.multi_cell(0, 5, _text(f"- {item}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "I", 9)
        pdf.multi_cell(
            0,
            5,
            _text(
                f"Target {_amount(offer, tier.target_local, tier.step)}, walk-away floor "
                f"{_amount(offer, tier.floor_local, tier.step)} (USD {tier.list_usd:,.0f} / "
                f"{tier.target_usd:,.0f} / {tier.floor_usd:,.0f})."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        for band in tier.bands:
            pdf.multi_cell(
                0,
                5,
                _text(
                    f"  {band.approver}: {_amount(offer, band.highest_local, tier.step)} down to "
                    f"{_amount(offer, band.lowest_local, tier.step)} - {band.note}"
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Do and avoid in this market", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for advice in offer.advice:
        pdf.multi_cell(
            0, 5, _text(f"{advice.kind.upper()}: {advice.text}"), new_x="LMARGIN", new_y="NEXT"
        )
    return bytes(pdf.output())
