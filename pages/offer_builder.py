"""Offer builder (sales): the customer's offer, and apart from it the internal negotiation brief.

The customer part holds only what the buyer may read (list prices, inclusions, notes, terms);
target, floor, approvals, guidance and risks are in the internal part. Each part downloads as
PDF and Excel. Names typed or uploaded (customer, market) are shown with st.text, or escaped
where an element renders markdown.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from pricing.errors import PricingError
from pricing.offers.offer import (
    MAX_CUSTOMER_CHARS,
    VALID_FOR_DAYS,
    build_offer,
    chart_tiers,
    rate_explained,
    terms,
)
from pricing.offers.pdf import document
from pricing.outputs.charts import negotiation_chart
from pricing.outputs.provenance import offer_file_name
from ui import data, state
from ui.router import through_router
from ui.widgets import (
    bullets,
    plain,
    plotly_chart,
    show_error,
    stop_page,
)

through_router()

MIME = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@st.cache_data(max_entries=32, show_spinner=False)
def _file(offer, kind: str, ext: str) -> bytes:
    return document(offer, kind, ext)


def downloads(offer, kind: str, title: str) -> None:
    """The PDF and Excel buttons of one document. Each file is made with the page (once per
    offer: cached), not when clicked: a file made on click is revoked by the next rerun, so a
    click just after an edit would fetch nothing. A click does not rerun the page."""
    today = date.today()
    for column, (ext, label) in zip(
        st.columns(2), (("pdf", "PDF"), ("xlsx", "Excel")), strict=True
    ):
        column.download_button(
            f"{title} ({label})",
            _file(offer, kind, ext),
            offer_file_name(offer.market_code, kind, today, ext),
            mime=MIME[ext],
            key=f"ob_download_{kind}_{ext}",
            on_click="ignore",
        )


st.title("Offer builder")

catalog, code = data.market_from_catalog(key="ob_market")
names = {c: m.name for c, m in catalog.items()}

try:
    [plan] = data.current_plan([code]).markets
except PricingError as error:
    show_error(f"No offer could be built for {names[code]}: {error}")
    stop_page()
st.caption(
    "Tiers and prices from the default rules (set your own in the Tier designer)."
    if data.rules_are_default()
    else "Tiers and prices from the rules set in the Tier designer."
)

today = date.today()
left, middle, right = st.columns([2, 1, 1])
customer = left.text_input(
    "Customer",
    key="ob_customer",
    max_chars=MAX_CUSTOMER_CHARS,
    placeholder="optional: the name printed on the customer offer",
)
valid_until = middle.date_input(
    "Valid until",
    value=today + timedelta(days=VALID_FOR_DAYS),
    min_value=today,
    key="ob_valid_until",
)
currencies = list(dict.fromkeys([plan.market.currency, "USD", "EUR"]))
currency = right.selectbox("Quote in", currencies, key=f"ob_currency_{code}")
try:
    offer = build_offer(
        plan,
        today,
        customer=customer,
        valid_until=valid_until,
        currency=currency,
        book=state.rate_book(),
    )
except PricingError as error:
    show_error(f"No offer could be built: {error}")
    stop_page()

st.subheader("Customer offer")
st.caption("What the customer receives: list prices, what each tier includes, notes and terms.")
if offer.customer:
    st.text(f"Prepared for: {offer.customer}")
st.text(f"{offer.market_name} · valid until {offer.valid_until.isoformat()}")
same = offer.rate.base == offer.rate.quote
st.caption(f"Prices per account per year. {rate_explained(offer) if same else offer.rate_line}")
if offer.rate_stale:
    st.warning("This exchange rate is old: refresh live rates or set a budget rate before quoting.")
if not offer.tiers:
    st.warning(plain(offer.message or "No tier can be offered profitably in this market."))

columns = st.columns(max(len(offer.tiers), 1))
for column, tier in zip(columns, offer.tiers, strict=False):
    with column.container(border=True):
        st.markdown(f"### {tier.name}")
        st.metric("List price", offer.money(tier.list_local, tier.step))
        bullets(tier.inclusions)
if offer.tiers:
    for note in offer.notes:
        st.caption(plain(note))
    st.caption(terms(offer))
    downloads(offer, "customer", "Customer offer")

st.divider()
st.subheader("Internal: negotiation brief")
st.caption("For the sales team only: none of this is on the customer offer.")
if offer.buffer:
    st.info(f"Local prices include a {offer.buffer:.0%} buffer against the currency falling.")
for risk in offer.risks:
    st.warning(plain(risk), icon="⚠️")

if offer.tiers:
    st.dataframe(
        [
            {
                "Tier": t.name,
                "List": offer.money(t.list_local, t.step),
                "Target": offer.money(t.target_local, t.step),
                "Walk-away floor": offer.money(t.floor_local, t.step),
                "In USD: list / target / floor": (
                    f"{t.list_usd:,.0f} / {t.target_usd:,.0f} / {t.floor_usd:,.0f}"
                ),
            }
            for t in offer.tiers
        ],
        hide_index=True,
    )
    st.markdown("**How far to come down, and who approves**")
    chart = chart_tiers(offer)
    plotly_chart(negotiation_chart(chart, offer.currency))
    for tier in offer.tiers:
        with st.expander(f"{tier.name}: approval bands"):
            for band in tier.bands:
                st.markdown(
                    f"- **{band.approver}**: {offer.money(band.highest_local, tier.step)} down to "
                    f"{offer.money(band.lowest_local, tier.step)} (up to "
                    f"{band.max_discount:.0%} off list) — {band.note}"
                )

st.markdown("**Do and avoid in this market**")
for advice in offer.advice:
    st.markdown(f"**{'Do' if advice.kind == 'do' else 'Avoid'}:** {plain(advice.text)}")
sources = list(dict.fromkeys(a.basis for a in offer.advice if a.basis))
if sources:
    with st.expander("Sources", expanded=False):
        for source in sources:
            st.text(source)
if offer.tiers:
    downloads(offer, "internal", "Negotiation brief")
