"""Three users' jobs, end to end in the real app: what each of them reads on screen and in the
files they take away (an executive sizing Saudi Arabia, finance pricing Germany and exporting
the plan, sales preparing a UAE offer in dirhams)."""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pricing.inputs.catalog import DEFAULT_MARKETS
from pricing.outputs.headers import header as words
from tests.conftest import OUTPUT, REPLAN_MS, choose, wait_until_idle

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1400, "height": 1100}
SCREENSHOTS = OUTPUT / "screenshots"


@contextmanager
def job(browser, app_url: str, name: str) -> Iterator:
    """A page in a context of its own that records every request for another host; on the way
    out (the job done) a whole-page screenshot, and no request may have left the app."""
    own = urllib.parse.urlsplit(app_url).netloc
    elsewhere: list[str] = []

    def listen(request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if urllib.parse.urlsplit(url).netloc not in (own, ""):
            elsewhere.append(url)

    context = browser.new_context(accept_downloads=True, viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.on("request", listen)
        try:
            yield page
        finally:
            screenshot(page, name)
        assert elsewhere == [], f"requests left the app: {elsewhere}"
    finally:
        context.close()


def screenshot(page, name: str) -> None:
    """The app scrolls inside its main block: grow the window to it, then take the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => (document.querySelector('[data-testid=stMain]') || document.body).scrollHeight"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(height + 50, 8000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"job_{name}.png"), full_page=True)


def sidebar_money(page, option: str) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    money = sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Show money in")
    choose(page, money, option)
    wait_until_idle(page)


def metric(page, label: str) -> float:
    """The number a metric shows under ``label`` (thousands separators dropped)."""
    box = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label)
    )
    box.first.wait_for(timeout=20_000)
    text = box.first.locator("[data-testid='stMetricValue']").inner_text()
    return float(text.replace(",", "").strip())


def no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def download(page, button: str, exact: bool = True):
    """Click a download button; the download (its suggested name and saved path)."""
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=button, exact=exact).click()
    return info.value


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def test_job_executive_sizes_saudi_arabia_in_riyals(app_url: str, browser) -> None:
    with job(browser, app_url, "executive_SA") as page:
        page.goto(f"{app_url}/cost_to_serve?market=SA")
        wait_until_idle(page, 90_000)
        page.get_by_role("heading", name="Cost to serve").first.wait_for(timeout=30_000)
        usd = metric(page, "Baseline (USD/yr)")
        assert usd > 0

        sidebar_money(page, "Each market's own currency")
        no_error(page)
        sar = metric(page, "Baseline (SAR/yr)")
        # Both figures are rounded to whole units: 3.75 x USD within the rounding of each.
        assert abs(sar - 3.75 * usd) <= 3.75 * 0.5 + 0.5, (usd, sar)
        page.get_by_text("1 USD = 3.7500 SAR").first.wait_for(timeout=20_000)
        days = page.locator("[data-testid='stCaptionContainer']").filter(
            has_text="Sun Mon Tue Wed Thu"
        )
        assert days.count() >= 1, "no caption names the working days Sun Mon Tue Wed Thu"


def test_job_finance_prices_germany_at_20_percent_and_exports(
    app_url: str, browser, tmp_path
) -> None:
    with job(browser, app_url, "finance_DE") as page:
        page.goto(f"{app_url}/tier_designer?market=DE")
        wait_until_idle(page, 90_000)
        page.get_by_role("heading", name="Tier designer").first.wait_for(timeout=30_000)
        field = page.get_by_label("Minimum margin at the floor (%)")
        field.click()
        field.press("Control+a")
        field.type("20")
        field.press("Tab")
        page.get_by_role("button", name="Run the optimiser").click()
        wait_until_idle(page, REPLAN_MS)
        no_error(page)
        assert field.input_value() in ("20.00", "20.0", "20")

        heading = page.get_by_role("heading").filter(has_text=re.compile(r"^Germany: "))
        heading.first.wait_for(timeout=20_000)
        shown = re.fullmatch(
            r"Germany: (\d+) tier\(s\), profit (-?[\d,]+) USD/yr",
            heading.first.inner_text().strip(),
        )
        assert shown, heading.first.inner_text()
        profit_on_screen = float(shown.group(2).replace(",", ""))

        plan = download(page, "Download the plan (Excel)")
        assert re.fullmatch(r"support-plan_\d{4}-\d{2}-\d{2}\.xlsx", plan.suggested_filename)
        saved = tmp_path / plan.suggested_filename
        plan.save_as(saved)

    book = load_workbook(saved)
    values = load_workbook(saved, data_only=True)  # the figures cached beside the formulas
    assert book.sheetnames[0] == "Settings"
    settings = book["Settings"]
    rows = {
        str(row[0].value): row[1]
        for row in settings.iter_rows(min_col=1, max_col=2)
        if row[0].value is not None
    }
    [margin] = [cell for name, cell in rows.items() if "minimum margin" in name.lower()]
    assert margin.value == pytest.approx(0.2)
    assert "%" in margin.number_format
    [solver] = [cell for name, cell in rows.items() if name.lower() == "solver"]
    assert solver.value in ("cbc", "highs")
    [checksum] = [cell for name, cell in rows.items() if name == "Market catalogue SHA-256"]
    assert re.fullmatch(r"[0-9a-f]{64}", str(checksum.value))
    assert checksum.value == hashlib.sha256(DEFAULT_MARKETS.read_bytes()).hexdigest()

    tiers = book["Tiers"]
    header = [cell.value for cell in tiers[1]]
    first = [cell for cell in tiers[2]]
    assert first[0].value is not None, "the Tiers sheet holds no tier"
    money = [
        header.index(words(name))
        for price in ("list", "target", "floor")
        for name in (f"{price}_usd", f"{price}_local")
    ] + [header.index(words("unit_cost_usd")), header.index(words("marginal_cost_usd"))]
    margins = [i for i, name in enumerate(header) if str(name).startswith("Margin at ")]
    assert money and margins, header
    for i in money:
        assert first[i].number_format == "#,##0", (header[i], first[i].number_format)
    for i in margins:
        assert "%" in first[i].number_format, (header[i], first[i].number_format)

    markets = values["Markets"]
    names = [cell.value for cell in markets[1]]
    by_code = {row[0]: row for row in markets.iter_rows(min_row=2, values_only=True)}
    profit = by_code["DE"][names.index(words("profit_usd"))]
    assert abs(profit - profit_on_screen) <= 1, (profit, profit_on_screen)


def test_job_sales_prepares_a_uae_offer_in_dirhams(app_url: str, browser, tmp_path) -> None:
    with job(browser, app_url, "sales_AE") as page:
        page.goto(app_url)
        wait_until_idle(page, 90_000)
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text("Budget rates").click()
        currency = sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Currency")
        choose(page, currency, "AED")
        wait_until_idle(page)
        field = sidebar.get_by_label("AED per USD", exact=True).and_(
            sidebar.get_by_test_id("stNumberInputField")
        )
        field.click()
        field.press("Control+a")
        field.type("4")
        field.press("Enter")
        wait_until_idle(page)
        sidebar.get_by_role("button", name="Use").click()
        sidebar.get_by_text("AED: 4.0000 per USD (budget rate)").wait_for(timeout=20_000)

        # To the Offer builder within the same session, as a person would: the sidebar's page
        # link, then the market. (Loading the URL afresh, page.goto, starts a new Streamlit
        # session, and the budget rate set above is gone.)
        sidebar.locator("[data-testid='stSidebarNavLink']").filter(has_text="Offer builder").click()
        wait_until_idle(page, 90_000)
        page.get_by_role("heading", name="Offer builder").first.wait_for(timeout=30_000)
        market = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").filter(
            has_text="Market"
        )
        choose(page, market, "United Arab Emirates (AE)")
        wait_until_idle(page, 60_000)
        page.wait_for_url(re.compile(r"/offer_builder\?(.*&)?market=AE"), timeout=20_000)
        sidebar.get_by_text("AED: 4.0000 per USD (budget rate)").wait_for(timeout=20_000)
        customer = page.get_by_label("Customer", exact=True)
        customer.fill("Gulf Trading LLC")
        customer.press("Enter")
        wait_until_idle(page, 60_000)
        no_error(page)
        page.get_by_text("Prepared for: Gulf Trading LLC").wait_for(timeout=20_000)
        rate = page.locator("[data-testid='stCaptionContainer']").filter(
            has_text="Prices per account per year"
        )
        rate.first.wait_for(timeout=20_000)
        assert "1 USD = 4.0000 AED" in rate.first.inner_text()
        assert page.get_by_text("3.6725").count() == 0

        offer = download(page, "Customer offer (PDF)")
        offer.save_as(tmp_path / offer.suggested_filename)
        brief = download(page, "Negotiation brief (PDF)")
        brief.save_as(tmp_path / brief.suggested_filename)

    text = pdf_text(tmp_path / offer.suggested_filename)
    for wanted in ("Gulf Trading LLC", "AED", "Mon-Fri"):
        assert wanted in text, f"{wanted!r} is not on the customer offer"
    for unwanted in ("floor", "Floor", "approv", "seed", "Basis"):
        assert unwanted not in text, f"{unwanted!r} is on the customer offer"
    internal = pdf_text(tmp_path / brief.suggested_filename)
    assert "floor" in internal.lower()
    assert "4.0000" in internal
