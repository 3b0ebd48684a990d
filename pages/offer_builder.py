"""Offer builder (sales): a market's tiers in its currency, how far to bargain, how to behave."""

from __future__ import annotations

import streamlit as st

from pricing.charts import negotiation_chart
from pricing.errors import PricingError
from pricing.offer import build_offer, offer_pdf, offer_xlsx
from ui import data
from ui.widgets import market_from_catalog, plotly_chart, stop_page, through_router

through_router()
st.title("Offer builder")

catalog, code = market_from_catalog(key="ob_market")
names = {c: m.name for c, m in catalog.items()}

try:
    [plan] = data.current_plan([code])
except PricingError as error:
    st.error(f"No offer could be built for {names[code]}: {error}")
    stop_page()
st.caption(
    "Tiers and prices from the default rules (set your own in the Tier designer)."
    if data.rules_are_default()
    else "Tiers and prices from the rules set in the Tier designer."
)

offer = build_offer(plan)
st.subheader(f"{offer.market_name}: support offer in {offer.currency}")
st.caption(f"Prices per account per year. {offer.rate_line}")
if offer.rate_stale:
    st.warning("This exchange rate is old: refresh live rates or set a budget rate before quoting.")
if offer.buffer:
    st.info(f"Local prices include a {offer.buffer:.0%} buffer against the currency falling.")
if not offer.tiers:
    st.warning(offer.message or "No tier can be offered profitably in this market.")

columns = st.columns(max(len(offer.tiers), 1))
for column, tier in zip(columns, offer.tiers, strict=False):
    with column.container(border=True):
        st.markdown(f"### {tier.name}")
        st.metric(
            "List price", offer.money(tier.list_local, tier.step), help=f"USD {tier.list_usd:,.0f}"
        )
        for item in tier.inclusions:
            st.markdown(f"- {item}")
        st.caption(
            f"Target {offer.money(tier.target_local, tier.step)} · walk-away floor "
            f"{offer.money(tier.floor_local, tier.step)}"
        )
        st.caption(offer.rate_line)

if offer.tiers:
    st.markdown("**How far to come down, and who approves**")
    chart = [
        {
            "name": t.name,
            "bands": [(b.approver, b.lowest_local, b.highest_local) for b in t.bands],
            "list": t.list_local,
            "target": t.target_local,
            "floor": t.floor_local,
        }
        for t in offer.tiers
    ]
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
    st.markdown(f"**{'Do' if advice.kind == 'do' else 'Avoid'}:** {advice.text}")
    st.caption(f"Basis: {advice.basis}")

left, right = st.columns(2)
left.download_button(
    "Download offer (PDF)", offer_pdf(offer), f"offer_{code}.pdf", mime="application/pdf"
)
right.download_button(
    "Download offer (Excel)",
    offer_xlsx(offer),
    f"offer_{code}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
