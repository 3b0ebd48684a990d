"""The offer's PDFs, drawn with fpdf2: the customer offer and the internal negotiation brief.

Each holds its chart, drawn with fpdf2's own rectangles and text (no browser, no image export):
the customer's tiers at list price as bars; the brief's negotiation bands, one row per tier on
a scale of its own (a 2,000 tier beside a 17,000 one would otherwise be a sliver). Text is set in
DejaVu Sans, shipped with the app, with Noto Sans CJK (a package the app installs) for Chinese,
Japanese and Korean, and shaped by HarfBuzz, so Arabic and Hebrew read right to left with their
letters joined.
Customer names are drawn as plain text, never read as markup.
"""

from __future__ import annotations

from pathlib import Path

import noto_cjk_sans_otc
from fpdf import FPDF
from fpdf.fonts import FontFace

from pricing.errors import InputError
from pricing.offers.offer import KINDS, Offer, rate_explained, terms
from pricing.offers.workbooks import customer_xlsx, internal_xlsx

# Shipped with the app (pricing/offers/fonts, DejaVu's licence beside them): Latin, Greek, Cyrillic,
# Arabic, Hebrew and every currency sign. Chinese, Japanese and Korean come from Noto Sans CJK,
# installed with the app (the noto-cjk-sans-otc package), as the fallback for the letters DejaVu
# does not have.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
CJK_FONT = Path(str(noto_cjk_sans_otc.FONT_PATH))
# Faces of the collection: one Han glyph can be drawn differently in each script's tradition, so a
# market's document takes its own (Japanese by default: it also holds Hangul and every Han form).
CJK_FACE = {"KR": 1, "CN": 2, "SG": 2, "MY": 2, "TW": 3, "HK": 4, "MO": 4}
BAND_RGB = {
    "sales rep": (46, 134, 193),
    "sales manager": (243, 156, 18),
    "executive": (192, 57, 43),
}
BAR_RGB = (46, 134, 193)
RISK_FILL = (253, 237, 236)
RISK_TEXT = (146, 43, 33)


# Markets whose documents are in Chinese, Japanese or Korean script.
CJK_MARKETS = frozenset({"JP", "KR", "CN", "TW", "HK", "MO"})


def _needs_cjk(offer: Offer) -> bool:
    """Whether an offer has text in Chinese, Japanese or Korean script or is for a market that
    writes in one."""
    text = f"{offer.customer}{offer.market_name}"
    return offer.market_code in CJK_MARKETS or any(map(_cjk, text))


def _cjk(char: str) -> bool:
    """Hangul jamo, the CJK blocks (radicals to Hangul syllables), half- and full-width forms and
    the supplementary ideographs."""
    code = ord(char)
    return (
        0x1100 <= code < 0x1200
        or 0x2E80 <= code < 0xD7B0
        or 0xFF00 <= code < 0xFFF0
        or (code >= 0x20000)
    )


class _Sheet(FPDF):
    """An A4 page with the offer's fonts, a footer line and a few writing helpers."""

    def __init__(self, footer_line: str, offer: Offer) -> None:
        super().__init__(format="A4")
        self.footer_line = footer_line
        for style, name in FONT_FILES.items():
            self.add_font("DejaVu", style, str(FONT_DIR / name))
        self.body = "DejaVu"
        self.drawable = set(self.fonts["dejavu"].cmap)
        if _needs_cjk(offer):  # the collection is large to read: only where it is needed
            face = CJK_FACE.get(offer.market_code, 0)
            self.add_font("NotoSansCJK", "", str(CJK_FONT), collection_font_number=face)
            # Letters DejaVu lacks are drawn in Noto Sans CJK (regular in bold text too: it
            # has no bold face here).
            self.set_fallback_fonts(["NotoSansCJK"], exact_match=False)
            self.drawable |= set(self.fonts["notosanscjk"].cmap)
        # Shaping joins Arabic letters and sets Arabic and Hebrew right to left (HarfBuzz).
        self.set_text_shaping(True)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=16)
        self.add_page()

    def clean(self, value: str) -> str:
        """``value`` with any character no font here can draw (an emoji, say) shown as "?"."""
        keep = "\n\t\u200e\u200f\u061c\u200c\u200d"  # the marks names may hold (limits.py)
        return "".join(c if ord(c) in self.drawable or c in keep else "?" for c in value)

    def style(self, size: float, weight: str = "", rgb: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font(self.body, weight, size)
        self.set_text_color(*rgb)

    def para(self, value: str, size: float = 10, weight: str = "", height: float = 5, **kw) -> None:
        self.style(size, weight, kw.pop("rgb", (0, 0, 0)))
        self.multi_cell(
            0, height, self.clean(value), align="L", new_x="LMARGIN", new_y="NEXT", **kw
        )

    def heading(self, value: str, size: float = 12) -> None:
        self.ln(2)
        self.para(value, size=size, weight="B", height=7)

    def put(self, x: float, y: float, value: str, align: str = "L") -> None:
        """Text with its baseline at ``y``: left from ``x``, right to it (R) or centred (C)."""
        value = self.clean(value)
        width = self.get_string_width(value)
        self.text(x - {"L": 0, "C": width / 2, "R": width}[align], y, value)

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.style(7, rgb=(110, 110, 110))
        self.cell(0, 5, self.clean(f"{self.footer_line} - page {self.page_no()}/{{nb}}"), align="C")


def _list_chart(pdf: _Sheet, offer: Offer) -> None:
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


def _bands_chart(pdf: _Sheet, offer: Offer) -> None:
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
    pdf = _Sheet(f"Support offer, {offer.market_name} - valid until {offer.valid_until}", offer)
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


def _table(pdf: _Sheet, rows: list[tuple[str, ...]], widths: tuple[float, ...]) -> None:
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
    pdf = _Sheet("INTERNAL negotiation brief - not for the customer", offer)
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
    if offer.risks:
        pdf.heading("Risks")
        pdf.set_fill_color(*RISK_FILL)
        for risk in offer.risks:
            pdf.para(f"RISK: {risk}", weight="B", rgb=RISK_TEXT, fill=True, padding=1.5)
            pdf.ln(1)
    if offer.tiers:
        pdf.ln(2)
        _bands_chart(pdf, offer)
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
    return bytes(pdf.output())


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
