"""The offer's two documents, opened as a reader opens them: the customer offer holds nothing
internal, the negotiation brief holds floors and approvals; the page, the chart and the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from pricing.errors import InputError
from pricing.inputs.catalog import load_markets
from pricing.offers.citations import seed_titles
from pricing.offers.offer import build_offer, chart_tiers, rate_explained
from pricing.offers.pdf import customer_pdf, internal_pdf
from pricing.offers.workbooks import customer_xlsx, internal_xlsx
from pricing.outputs.headers import header as words
from pricing.outputs.negotiation_chart import BAND_COLOURS, negotiation_chart
from tests.cli_helpers import run
from tests.helpers import plan_of

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()
CUSTOMER = "Al Faisal *Trading* <b>& Sons</b>"  # markup characters must stay as typed
INTERNAL_WORDS = ("floor", "approv", "seed", "basis", "target")


@pytest.fixture(scope="module")
def plans():
    codes = ["SA", "AE", "US", "JP", "CN", "KR", "IL"]
    return {p.market.code: p for p in plan_of(load_markets(), only=codes).markets}


@pytest.fixture(scope="module")
def saudi(plans):
    return build_offer(
        plans["SA"], TODAY, customer=CUSTOMER, valid_until=TODAY + timedelta(days=45)
    )


def pdf_text(content: bytes) -> str:
    """The PDF's text with its whitespace made single (extraction spaces justified lines)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def workbook_values(content: bytes) -> tuple[list[str], list[float]]:
    """Every text and every number in a workbook, over all its sheets."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts, numbers = [], []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    texts.append(value)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    numbers.append(float(value))
    return texts, numbers


def test_the_customer_pdf_holds_what_the_customer_may_read_and_nothing_internal(saudi) -> None:
    text = pdf_text(customer_pdf(saudi))
    assert f"Prepared for: {CUSTOMER}" in text
    assert f"Valid until: {saudi.valid_until.isoformat()}" in text
    assert "Sun-Thu 09:00-18:00" in text  # the days served, Saudi Arabia's own week
    assert "1 USD = 3.7500 SAR" in text and "1986-06-01" in text and "Saudi Central Bank" in text
    assert "subject to contract" in text and "exclude taxes" in text
    for note in saudi.notes:
        assert " ".join(note.split()) in text
    for tier in saudi.tiers:
        assert f"{tier.name}: {saudi.amount(tier.list_local)} per account per year" in text
        for amount in (tier.target_local, tier.floor_local, *(b.lowest_local for b in tier.bands)):
            assert amount != tier.list_local  # else the check below would prove nothing
            assert f"{amount:,.0f}" not in text, amount
    lowered = text.lower()
    for word in INTERNAL_WORDS:
        assert word not in lowered, word
    assert "sales rep" not in lowered and "risk" not in lowered


def test_the_internal_pdf_holds_floors_approvals_risks_and_sources_last(saudi) -> None:
    text = pdf_text(internal_pdf(saudi))
    assert "INTERNAL - do not send to the customer" in text
    assert f"Customer: {CUSTOMER}" in text
    for tier in saudi.tiers:
        row = (
            f"{tier.name} {saudi.amount(tier.list_local)} {saudi.amount(tier.target_local)} "
            f"{saudi.amount(tier.floor_local)}"
        )
        assert row in text
        for band in tier.bands:
            assert f"{band.approver} {saudi.amount(band.highest_local)}" in text
    assert "Walk-away floor" in text and "Who approves which discount" in text
    assert saudi.risks and all(f"RISK: {r.split(':')[0]}" in text for r in saudi.risks)
    # Guidance reads as do / avoid; where each line comes from is an appendix, never inline.
    assert "Basis" not in text
    assert "Avoid: Do not pitch upgrades" in text
    sources = text.index("Sources [1]")
    titles = seed_titles().values()
    assert any(t in text[sources:] for t in titles) and "seed" not in text
    assert not any(t in text[:sources] for t in titles)  # cited only in the appendix


def test_both_pdfs_draw_their_chart(saudi) -> None:
    """Filled rectangles: one bar per tier for the customer, three bands per tier inside."""

    def filled_rectangles(content: bytes) -> int:
        page = PdfReader(io.BytesIO(content)).pages[0]
        return page.get_contents().get_data().decode("latin-1").count(" re f")

    assert filled_rectangles(customer_pdf(saudi)) >= len(saudi.tiers)
    assert filled_rectangles(internal_pdf(saudi)) >= 3 * len(saudi.tiers) + 3  # + the legend
    text = pdf_text(internal_pdf(saudi))
    for tier in saudi.tiers:
        assert f"list {saudi.amount(tier.list_local)}" in text
        assert f"target {saudi.amount(tier.target_local)}" in text


def test_the_bands_chart_labels_in_the_pdf_do_not_collide(plans) -> None:
    """List and floor above each bar, reaching inwards from its two ends; the target below."""
    offer = build_offer(plans["US"], TODAY)  # Basic 2k beside Premium 24k: own scales
    placed: dict[str, tuple[float, float]] = {}

    def seen(text, cm, tm, font, size) -> None:
        if text.startswith(("list USD", "floor USD", "target USD")):
            placed[text.strip()] = (tm[4], tm[5])

    reader = PdfReader(io.BytesIO(internal_pdf(offer)))
    for page in reader.pages:
        page.extract_text(visitor_text=seen)
    for tier in offer.tiers:
        listed = placed[f"list {offer.amount(tier.list_local)}"]
        floor = placed[f"floor {offer.amount(tier.floor_local)}"]
        target = placed[f"target {offer.amount(tier.target_local)}"]
        floor_label_end = floor[0] + len(f"floor {offer.amount(tier.floor_local)}") * 7 * 0.6
        assert listed[1] == pytest.approx(floor[1])  # one line above the bar ...
        assert listed[0] > floor_label_end + 20  # ... far apart, whatever the tier's size
        assert abs(target[1] - listed[1]) > 7  # the target on its own line below


def test_the_workbooks_split_the_same_way(saudi) -> None:
    texts, numbers = workbook_values(customer_xlsx(saudi))
    joined = " ".join(texts).lower()
    assert CUSTOMER in texts
    assert saudi.valid_until.isoformat() in texts
    assert any("Sun-Thu 09:00-18:00" in t for t in texts)
    assert [t.list_local for t in saudi.tiers] == [n for n in numbers if n > 100]
    for tier in saudi.tiers:
        assert tier.target_local not in numbers and tier.floor_local not in numbers
    for word in INTERNAL_WORDS:
        assert word not in joined, word

    book = openpyxl.load_workbook(io.BytesIO(internal_xlsx(saudi)))
    assert book.sheetnames == ["Brief", "Prices", "Approvals", "Do and avoid", "Risks"]
    prices = list(book["Prices"].iter_rows(values_only=True))
    header = prices[0]
    for row, tier in zip(prices[1:], saudi.tiers, strict=True):
        assert row[header.index(words("target"))] == tier.target_local
        assert row[header.index(words("floor"))] == tier.floor_local
    approvals = list(book["Approvals"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in approvals] == ["sales rep", "sales manager", "executive"] * len(
        saudi.tiers
    )
    advice = list(book["Do and avoid"].iter_rows(values_only=True))
    assert advice[0] == ("Kind", "Advice", "Source")
    assert all(not row[1].startswith("Basis") for row in advice[1:])
    risks = [r[0] for r in book["Risks"].iter_rows(min_row=2, values_only=True)]
    assert risks == list(saudi.risks)


def test_a_customer_name_that_looks_like_a_formula_stays_text(plans) -> None:
    offer = build_offer(plans["SA"], TODAY, customer='=HYPERLINK("http://x","y")')
    book = openpyxl.load_workbook(io.BytesIO(customer_xlsx(offer)))
    cells = [c for row in book["Offer"].iter_rows(values_only=True) for c in row]
    assert '\'=HYPERLINK("http://x","y")' in cells
    with pytest.raises(InputError, match="invisible character U\\+0000"):
        build_offer(plans["SA"], TODAY, customer="ACME\x00")


def test_no_offer_repeats_a_support_line_or_a_language(plans) -> None:
    """The UAE (two languages, multilingual tiers) and Saudi Arabia listed support twice."""
    for code in ("AE", "SA"):
        offer = build_offer(plans[code], TODAY)
        assert offer.tiers
        for tier in offer.tiers:
            assert len(set(tier.inclusions)) == len(tier.inclusions), tier.inclusions
            support = [line for line in tier.inclusions if line.startswith("Support in")]
            assert len(support) == 1, tier.inclusions
            for language in ("English", "Arabic"):
                assert support[0].count(language) <= 1
        text = pdf_text(customer_pdf(offer))
        assert text.count("Support in") == len(offer.tiers)
    uae = build_offer(plans["AE"], TODAY)
    assert "Support in English and Arabic, Mon-Fri" in uae.tiers[0].inclusions[0]


def test_a_24x7_tier_promises_round_the_clock_once_not_business_hours(plans) -> None:
    offer = build_offer(plans["US"], TODAY)
    [premium] = [t for t in offer.tiers if t.coverage == "24/7"]
    assert premium.inclusions[0].startswith("Support in English round the clock")
    assert not any("Mon-Fri" in line for line in premium.inclusions)
    assert sum("round the clock" in line.lower() for line in premium.inclusions) == 1


def test_an_offer_in_another_currency_is_priced_at_the_rate_book(plans) -> None:
    offer = build_offer(plans["SA"], TODAY, currency="eur")
    assert offer.currency == "EUR" and offer.currency_name == "euro"
    rate = offer.rate.rate
    for tier in offer.tiers:
        assert tier.list_local == pytest.approx(tier.list_usd * rate, abs=tier.step)
        assert tier.list_local >= tier.target_local >= tier.floor_local >= tier.floor_usd * rate
    assert "European Central Bank" in rate_explained(offer)
    assert any("euros (EUR)" in note for note in offer.notes)
    assert "SAR" not in pdf_text(customer_pdf(offer))
    with pytest.raises(InputError, match="unknown currency"):
        build_offer(plans["SA"], TODAY, currency="XYZ")


def test_validity_defaults_to_30_days_and_never_lies_in_the_past(plans) -> None:
    assert build_offer(plans["SA"], TODAY).valid_until == TODAY + timedelta(days=30)
    assert build_offer(plans["SA"], TODAY, valid_until=TODAY).valid_until == TODAY
    with pytest.raises(InputError, match="in the past"):
        build_offer(plans["SA"], TODAY, valid_until=TODAY - timedelta(days=1))
    unnamed = pdf_text(customer_pdf(build_offer(plans["SA"], TODAY, customer="  ")))
    assert "Prepared for" not in unnamed


def test_the_negotiation_chart_gives_each_tier_its_own_axis_and_apart_labels(plans) -> None:
    offer = build_offer(plans["US"], TODAY)
    tiers = chart_tiers(offer)
    figure = negotiation_chart(tiers, "USD")
    layout = figure.layout
    for number, tier in enumerate(tiers, start=1):
        axis = layout[f"xaxis{number if number > 1 else ''}"]
        assert axis.matches is None
        low, high = axis.range
        assert low < tier["floor"] and tier["list"] < high
        assert high - low < 1.5 * (tier["list"] - tier["floor"])  # the tier fills its panel
        labels = {
            a.text.split()[0]: a
            for a in layout.annotations
            if a.text.split()[0] in ("list", "target", "floor")
            and a.x in (tier["list"], tier["target"], tier["floor"])
        }
        assert labels["list"].xanchor == "right" and labels["list"].yshift > 0
        assert labels["floor"].xanchor == "left" and labels["floor"].yshift > 0
        assert labels["target"].yshift < 0
    bars = [trace for trace in figure.data if trace.type == "bar"]
    assert {bar.name: bar.marker.color for bar in bars} == BAND_COLOURS
    assert sorted(t.name for t in figure.data if t.showlegend) == sorted(
        [*BAND_COLOURS, "list", "target", "floor"]
    )


def test_the_cli_writes_the_four_documents(tmp_path: Path) -> None:
    until = (TODAY + timedelta(days=20)).isoformat()
    done = run(
        "offer", "--market", "sa", "--out", str(tmp_path), "--customer", "ACME",
        "--valid-until", until, "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    names = ["customer.pdf", "customer.xlsx", "internal.pdf", "internal.xlsx"]
    assert [Path(f).name for f in payload["files"]] == [f"offer_SA_{n}" for n in names]
    assert payload | {"files": None} == {
        "market": "SA",
        "files": None,
        "currency": "SAR",
        "valid_until": until,
        "customer": "ACME",
    }
    customer = pdf_text((tmp_path / "offer_SA_customer.pdf").read_bytes())
    assert "Prepared for: ACME" in customer and until in customer and "floor" not in customer
    assert "Walk-away floor" in pdf_text((tmp_path / "offer_SA_internal.pdf").read_bytes())
    for name in ("offer_SA_customer.xlsx", "offer_SA_internal.xlsx"):
        assert openpyxl.load_workbook(tmp_path / name).sheetnames


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--market", "SA", "--valid-until", "2027-13-01"), "not a date"),
        (("--market", "SA", "--valid-until", "2020-01-01"), "in the past"),
        (("--market", "XX"), "unknown market 'XX'"),
        (("--market", "SA", "--currency", "XYZ"), "unknown currency"),
    ],
)
def test_the_cli_refuses_bad_input_with_one_line(tmp_path: Path, args, message) -> None:
    done = run("offer", "--out", str(tmp_path), *args)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line
    assert not list(tmp_path.iterdir())


def test_the_offer_builder_page_keeps_the_internal_part_apart() -> None:
    from tests.app_helpers import page

    app = page("offer_builder", market="AE")
    app.text_input(key="ob_customer").input(CUSTOMER)
    app.date_input(key="ob_valid_until").set_value(TODAY + timedelta(days=10))
    app.run()
    assert not app.exception and not app.error
    assert f"Prepared for: {CUSTOMER}" in [t.value for t in app.text]  # shown as typed
    assert all(m.value.startswith("AED") for m in app.metric)
    markdown = [m.value for m in app.markdown]
    for tier in markdown:
        lines = tier.splitlines()
        assert len(lines) == len(set(lines))
    assert sum(m.count("Support in English and Arabic") for m in markdown) == 2  # two tiers
    shown = " ".join([*markdown, *(c.value for c in app.caption)])
    assert "Basis" not in shown and "seed" not in shown
    [sources] = [e for e in app.expander if e.label == "Sources"]
    assert any(t in s.value for s in sources.text for t in seed_titles().values())
    assert not any("seed:" in s.value for s in sources.text)
    assert [b.label for b in app.get("download_button")] == [
        "Customer offer (PDF)",
        "Customer offer (Excel)",
        "Negotiation brief (PDF)",
        "Negotiation brief (Excel)",
    ]


def poppler_text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text as poppler's pdftotext reads it (pypdf misreads CFF-based CJK fonts)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def embedded_fonts(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout


@pytest.mark.parametrize(
    ("code", "customer", "shown"),
    [
        ("JP", "株式会社サンプル商事", "株式会社サンプル商事"),
        ("CN", "中国银行股份有限公司", "中国银行股份有限公司"),
        ("KR", "삼성전자 주식회사", "삼성전자 주식회사"),
        # Typed on an Arabic keyboard (U+200F). A name without the lam-alef ligature, whose
        # extraction order poppler swaps in right-to-left text.
        ("SA", "شركة النور\u200f للتجارة", "شركة النور للتجارة"),
        ("IL", 'חברת אלפא בע"מ', "חברת אלפא"),
        ("SA", "株式会社サンプル", "株式会社サンプル"),  # a Japanese buyer in another market
    ],
    ids=["japanese", "chinese", "korean", "arabic", "hebrew", "japanese-in-saudi"],
)
def test_the_documents_are_set_in_the_customers_script(
    plans, tmp_path: Path, code: str, customer: str, shown: str
) -> None:
    """A Japanese name printed as "??????????": the PDFs had no CJK glyphs. Both documents now
    carry every script, from fonts the app installs itself (none of the machine's)."""
    offer = build_offer(plans[code], TODAY, customer=customer)
    for document in (customer_pdf(offer), internal_pdf(offer)):
        text = poppler_text(document, tmp_path)
        assert "?" not in text.replace("?)", ""), text[:300]
    text = poppler_text(customer_pdf(offer), tmp_path)
    # Directional marks and embeddings are how extraction says where right-to-left text runs.
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    assert shown in " ".join(visible.split()), text[:300]
    fonts = embedded_fonts(customer_pdf(offer), tmp_path)
    assert "DejaVuSans" in fonts
    if any(ord(c) >= 0x2E80 for c in customer):
        assert "NotoSansCJK" in fonts


def test_the_fonts_come_with_the_app() -> None:
    """Shipped in the repository (DejaVu, with its licence) or installed by requirements.txt
    (Noto Sans CJK): nothing is read from the machine's own font folders."""
    import pricing.offers.sheet as offer_sheet

    assert Path(offer_sheet.__file__).resolve().parent / "fonts" == offer_sheet.FONT_DIR
    assert all((offer_sheet.FONT_DIR / name).is_file() for name in offer_sheet.FONT_FILES.values())
    assert (offer_sheet.FONT_DIR / "DejaVu-LICENSE.txt").is_file()
    assert offer_sheet.CJK_FONT.is_file() and "site-packages" in str(offer_sheet.CJK_FONT)
    requirements = (Path(__file__).resolve().parents[2] / "requirements.txt").read_text()
    assert "noto-cjk-sans-otc==" in requirements and "uharfbuzz==" in requirements


def test_a_character_no_font_draws_is_a_question_mark_not_a_blank(plans, tmp_path: Path) -> None:
    offer = build_offer(plans["US"], TODAY, customer="ACME \U0001f680 Rockets")
    text = poppler_text(customer_pdf(offer), tmp_path)
    assert "ACME ? Rockets" in text
