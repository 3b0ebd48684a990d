"""The offer's PDFs, drawn with fpdf2: the customer offer and the internal negotiation brief.

Each holds its chart, drawn with fpdf2's own rectangles and text (no browser, no image export):
the customer's tiers at list price as bars; the brief's negotiation bands, one row per tier on
a scale of its own (a 2,000 tier beside a 17,000 one would otherwise be a sliver). The page, its
fonts and its scripts are :class:`pricing.offers.sheet.Sheet`; the brief is drawn section by
section, in the order a rep reads it.
Customer names are drawn as plain text, never read as markup.
"""

from __future__ import annotations

from pathlib import Path

from fpdf.fonts import FontFace

from pricing.errors import InputError
from pricing.offers.offer import KINDS, Offer, rate_explained, terms
from pricing.offers.sheet import Sheet
from pricing.offers.workbooks import customer_xlsx, internal_xlsx

BAND_RGB = {
    "sales rep": (46, 134, 193),
    "sales manager": (243, 156, 18),
    "executive": (192, 57, 43),
}
BAR_RGB = (46, 134, 193)
RISK_FILL = (253, 237, 236)
RISK_TEXT = (146, 43, 33)


def _list_chart(pdf: Sheet, offer: Offer) -> None:
    """Bars of the tiers' list prices, each labelled with its price and name."""
    height, top_room = 34.0, 6.0
    pdf.room(height + top_room + 18)
    pdf.para(f"List price per account per year ({offer.currency})", size=9, weight="B")
    top = pdf.get_y() + top_room
    base = top + height
    width = pdf.w - pdf.l_margin - pdf.r_margin
    slot = width / max(len(offer.tiers), 1)
    bar = min(26.0, slot * 0.6)
    highest = max(t.list_local for t in offer.tiers) or 1.0
    pdf.set_draw_color(150, 150, 150)
    pdf.line(pdf.l_margin, base, pdf.l_margin + width, base)
    for number, tier in enumerate(offer.tiers):
        centre = pdf.l_margin + slot * (number + 0.5)
        tall = max(height * tier.list_local / highest, 0.8)
        pdf.set_fill_color(*BAR_RGB)
        pdf.rect(centre - bar / 2, base - tall, bar, tall, style="F")
        pdf.style(8, "B")
        pdf.put(centre, base - tall - 1.5, offer.amount(tier.list_local, tier.step), "C")
        pdf.style(8)
        pdf.put(centre, base + 4, tier.name, "C")
    pdf.set_y(base + 8)


def _bands_chart(pdf: Sheet, offer: Offer) -> None:
    """Per tier, its bands floor to list on a scale of its own; list and floor labelled above
    the bar at its two ends, the target below it, so no two labels meet."""
    row, name_width = 18.0, 30.0
    pdf.room(14 + row * min(len(offer.tiers), 3))
    pdf.para(
        f"Negotiation bands per account per year ({offer.currency}), each tier on its own scale",
        size=9,
        weight="B",
    )
    y = pdf.get_y() + 2
    x = pdf.l_margin
    for approver, rgb in BAND_RGB.items():
        pdf.set_fill_color(*rgb)
        pdf.rect(x, y, 3, 3, style="F")
        pdf.style(8)
        pdf.put(x + 4, y + 2.6, approver)
        x += 8 + pdf.get_string_width(approver)
    pdf.set_y(y + 6)
    left = pdf.l_margin + name_width
    track = pdf.w - pdf.r_margin - left
    for tier in offer.tiers:
        pdf.room(row)
        mid = pdf.get_y() + row / 2
        span = max(tier.list_local - tier.floor_local, tier.list_local * 0.01, tier.step)
        low, high = tier.floor_local - 0.08 * span, tier.list_local + 0.08 * span

        def at(value: float, low: float = low, high: float = high) -> float:
            return left + track * (value - low) / (high - low)

        pdf.style(9, "B")
        pdf.put(pdf.l_margin, mid + 1.2, tier.name)
        for band in tier.bands:
            start, end = at(band.lowest_local), at(band.highest_local)
            if end - start > 0.05:
                pdf.set_fill_color(*BAND_RGB[band.approver])
                pdf.rect(start, mid - 2.5, end - start, 5, style="F")
        pdf.set_draw_color(0, 0, 0)
        pdf.style(7)
        for label, value, align, dy in (
            ("list", tier.list_local, "R", -4.5),
            ("floor", tier.floor_local, "L", -4.5),
            ("target", tier.target_local, "C", 7.0),
        ):
            pdf.line(at(value), mid - 3.5, at(value), mid + 3.5)
            pdf.put(at(value), mid + dy, f"{label} {offer.amount(value, tier.step)}", align)
        pdf.set_y(mid + row / 2)


def customer_pdf(offer: Offer) -> bytes:
    """The offer a customer receives: list prices, inclusions, notes and terms; nothing
    internal."""
    pdf = Sheet(f"Support offer, {offer.market_name} - valid until {offer.valid_until}", offer)
    pdf.para("Support offer", size=18, weight="B", height=10)
    pdf.para(f"{offer.market_name} - prices in {offer.currency_name} ({offer.currency})", size=11)
    pdf.ln(1)
    if offer.customer:
        pdf.para(f"Prepared for: {offer.customer}", weight="B")
    pdf.para(f"Date: {offer.prepared.isoformat()}    Valid until: {offer.valid_until.isoformat()}")
    pdf.para(rate_explained(offer), size=8, rgb=(80, 80, 80), height=4)
    pdf.ln(3)
    if not offer.tiers:
        pdf.para("No support tier is offered in this market at present.", weight="B")
    else:
        _list_chart(pdf, offer)
    for tier in offer.tiers:
        pdf.room(30)
        pdf.heading(f"{tier.name}: {offer.amount(tier.list_local, tier.step)} per account per year")
        for item in tier.inclusions:
            pdf.para(f"\u2022 {item}")
    if offer.notes:
        pdf.heading("Good to know")
        for note in offer.notes:
            pdf.para(note)
    pdf.heading("Terms")
    pdf.para(terms(offer))
    return bytes(pdf.output())


def _table(pdf: Sheet, rows: list[tuple[str, ...]], widths: tuple[float, ...]) -> None:
    pdf.style(8)
    # A light header on white rows: the chart's last fill colour must not leak into the table.
    pdf.set_fill_color(255, 255, 255)
    heading = FontFace(emphasis="BOLD", fill_color=(232, 232, 232))
    with pdf.table(
        col_widths=widths,
        line_height=4.5,
        padding=1,
        text_align="LEFT",
        headings_style=heading,
        cell_fill_mode="NONE",
    ) as table:
        for values in rows:
            cells = table.row()
            for value in values:
                cells.cell(pdf.clean(value))


def internal_pdf(offer: Offer) -> bytes:
    """The sales team's brief: target, floor, approvals, do and avoid, risks; sources last."""
    pdf = Sheet("INTERNAL negotiation brief - not for the customer", offer)
    _brief_title(pdf, offer)
    _risk_list(pdf, offer)
    if offer.tiers:
        pdf.ln(2)
        _bands_chart(pdf, offer)
        _price_table(pdf, offer)
        _approval_table(pdf, offer)
    _do_and_avoid(pdf, offer)
    return bytes(pdf.output())


def _brief_title(pdf: Sheet, offer: Offer) -> None:
    """Market, customer, dates, the exchange rate (flagged when stale) and the plan's message."""
    pdf.para(f"Negotiation brief: {offer.market_name} ({offer.currency})", size=16, weight="B")
    pdf.para("INTERNAL - do not send to the customer", size=9, weight="B", rgb=RISK_TEXT)
    pdf.ln(1)
    if offer.customer:
        pdf.para(f"Customer: {offer.customer}")
    pdf.para(
        f"Prepared {offer.prepared.isoformat()}, offer valid until "
        f"{offer.valid_until.isoformat()}. Prices per account per year."
    )
    same = offer.rate.base == offer.rate.quote
    pdf.para(
        (rate_explained(offer) if same else offer.rate_line)
        + (" STALE RATE: refresh before quoting." if offer.rate_stale else "")
        + (f" Local prices include a {offer.buffer:.0%} currency buffer." if offer.buffer else ""),
        size=8,
        height=4,
    )
    if offer.message:
        pdf.para(offer.message, weight="B")


def _risk_list(pdf: Sheet, offer: Offer) -> None:
    """The risks, first after the title and set apart in red."""
    if not offer.risks:
        return
    pdf.heading("Risks")
    pdf.set_fill_color(*RISK_FILL)
    for risk in offer.risks:
        pdf.para(f"RISK: {risk}", weight="B", rgb=RISK_TEXT, fill=True, padding=1.5)
        pdf.ln(1)


def _price_table(pdf: Sheet, offer: Offer) -> None:
    """Each tier's list, target and walk-away floor, locally and in US dollars."""
    pdf.heading("Prices")
    rows = [("Tier", "List", "Target", "Walk-away floor", "USD list / target / floor")]
    rows += [
        (
            t.name,
            offer.amount(t.list_local, t.step),
            offer.amount(t.target_local, t.step),
            offer.amount(t.floor_local, t.step),
            f"{t.list_usd:,.0f} / {t.target_usd:,.0f} / {t.floor_usd:,.0f}",
        )
        for t in offer.tiers
    ]
    _table(pdf, rows, (25, 32, 32, 36, 55))


def _approval_table(pdf: Sheet, offer: Offer) -> None:
    """Per tier and approver, the price range that approver may concede."""
    pdf.heading("Who approves which discount")
    rows = [("Tier", "Approver", "From", "Down to", "Off list", "Note")]
    rows += [
        (
            t.name,
            b.approver,
            offer.amount(b.highest_local, t.step),
            offer.amount(b.lowest_local, t.step),
            f"up to {b.max_discount:.0%}",
            b.note,
        )
        for t in offer.tiers
        for b in t.bands
    ]
    _table(pdf, rows, (20, 24, 26, 26, 20, 64))


def _do_and_avoid(pdf: Sheet, offer: Offer) -> None:
    """The market's guidance, each line marked with the number of its source, listed last."""
    sources = list(dict.fromkeys(a.basis for a in offer.advice if a.basis))
    pdf.heading("Do and avoid in this market")
    for advice in offer.advice:
        mark = f" [{sources.index(advice.basis) + 1}]" if advice.basis else ""
        pdf.para(f"{'Do' if advice.kind == 'do' else 'Avoid'}: {advice.text}{mark}")
        pdf.ln(0.5)
    if sources:
        pdf.heading("Sources", size=9)
        for number, source in enumerate(sources, start=1):
            pdf.para(f"[{number}] {source}", size=7, height=3.5, rgb=(90, 90, 90))


def document(offer: Offer, kind: str, ext: str) -> bytes:
    """One of the four documents: ``kind`` customer or internal, ``ext`` pdf or xlsx."""
    makers = {
        ("customer", "pdf"): customer_pdf,
        ("customer", "xlsx"): customer_xlsx,
        ("internal", "pdf"): internal_pdf,
        ("internal", "xlsx"): internal_xlsx,
    }
    if (kind, ext) not in makers:
        raise InputError(f"no {kind} {ext} document: customer or internal, pdf or xlsx")
    return makers[kind, ext](offer)


def write_documents(offer: Offer, folder: Path) -> list[Path]:
    """The four documents as ``offer_<CODE>_customer.pdf``, ``..._customer.xlsx``,
    ``..._internal.pdf`` and ``..._internal.xlsx`` in ``folder`` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        for ext in ("pdf", "xlsx"):
            path = folder / f"offer_{offer.market_code}_{kind}.{ext}"
            path.write_bytes(document(offer, kind, ext))
            written.append(path)
    return written
