"""The A4 page both offer PDFs are drawn on: its fonts, its footer and a few writing helpers.

Text is set in DejaVu Sans, shipped with the app, with Noto Sans CJK (a package the app installs)
for Chinese, Japanese and Korean, and shaped by HarfBuzz, so Arabic and Hebrew read right to left
with their letters joined. A character no font here can draw is shown as "?".
"""

from __future__ import annotations

from pathlib import Path

import noto_cjk_sans_otc
from fpdf import FPDF

from pricing.offers.offer import Offer

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


class Sheet(FPDF):
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
