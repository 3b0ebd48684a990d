"""Cost to serve (executives): what each way of supporting a market costs, and why."""

from __future__ import annotations

import streamlit as st

from pricing.costing.curves import break_even_accounts, break_even_range
from pricing.costing.engine import BASELINE, DeliveryModel, cost_to_serve
from pricing.costing.tables import delivery_comparison, delivery_curves, option_costs
from pricing.delivery.shared import models_of
from pricing.errors import PricingError
from pricing.offers.guidance import language_name
from pricing.outputs.charts import (
    OPTION_TITLES,
    break_even_chart,
    delivery_bars,
    option_cost_bars,
    outcome_bars,
    staffing_heatmap,
)
from pricing.outputs.network_map import SERVED_COLOURS
from ui import data, state
from ui.router import through_router
from ui.widgets import plain, plotly_chart, show_error, stop_page

through_router()
st.title("Cost to serve")
# The delivery models as the recommendation's chart names them (as the Overview's map does).
SHORT_WORDS = {model: label for model, (label, _) in SERVED_COLOURS.items()}
FREE, FREE_WORDS = "", "Let the optimiser choose"

catalog, code = data.market_from_catalog(key="cts_market")
names = {c: m.name for c, m in catalog.items()}
market = catalog[code]
try:
    with st.spinner("Deciding how to serve it…"):
        sentence, outcomes = data.delivery_recommendation(code)
    st.info(plain(sentence))
    if len(outcomes) > 1:
        # Each bar is the market's community solved with the market held to that model.
        plotly_chart(outcome_bars(outcomes, SHORT_WORDS), key="cts_outcomes")
except PricingError as error:
    outcomes = ()
    show_error(f"No recommendation for this market: {error}")
fixed = data.plan_settings().delivery
every = fixed.get("*")
FIX_KEY = f"cts_fix_{code}"
# The choice shows the rules in force (a scenario loaded meanwhile may have set them); only a
# change the user makes here writes them.
st.session_state[FIX_KEY] = fixed.get(code, FREE)
st.selectbox(
    "Serve this market",
    [FREE, *models_of(market)],
    format_func=lambda model: FREE_WORDS if model == FREE else SHORT_WORDS[model],
    key=FIX_KEY,
    on_change=lambda: data.fix_delivery(code, st.session_state[FIX_KEY] or None),
    help="Fix how this market is served in the plan every page shows (Overview, Tier "
    "designer, offers, exports); the optimiser then decides the rest of the portfolio around "
    "it. Saved with a scenario.",
    disabled=every is not None and code not in fixed,
)
if every is not None and code not in fixed:
    st.caption(f"Every market is fixed to {SHORT_WORDS[every].lower()} by the scenario in force.")
elif code in fixed and outcomes:
    mine = next((o for o in outcomes if o.model == fixed[code]), None)
    best = outcomes[0]
    if mine is not None:
        st.warning(
            f"Fixed to {SHORT_WORDS[mine.model].lower()}: the portfolio earns "
            f"{mine.portfolio_usd:,.0f} USD a year with it, against {best.portfolio_usd:,.0f} "
            f"with the free choice ({SHORT_WORDS[best.model].lower()}): "
            f"{mine.portfolio_usd - best.portfolio_usd:+,.0f} USD a year."
        )


@st.cache_data(max_entries=64, show_spinner="Costing…")
def _costing(key: str, code: str, _params):
    """The market's cost sheets, at the hub sites in use (``key`` names them and the file, so
    the parameters need no hashing)."""
    params = _params  # not hashed by the cache: ``key`` stands for it
    rows = option_costs(catalog.values(), params, only=[code])
    comparison = delivery_comparison(market, catalog, params)
    base = cost_to_serve(market, BASELINE, catalog, params)
    even = {
        "office beats hub": break_even_accounts(market, catalog, DeliveryModel.REMOTE_HUB, params),
        "office beats distributor": break_even_accounts(
            market, catalog, DeliveryModel.DISTRIBUTOR, params
        ),
    }
    largest = max([v for v in even.values() if v] + [market.accounts])
    curves = delivery_curves(
        market, catalog, params, max_accounts=max(3 * market.accounts, int(1.3 * largest), 200)
    )
    return rows, comparison, base, even, curves, break_even_range(market, params)


try:
    rows, comparison, base, even, curves, search = _costing(
        data.data_key(), code, data.cost_parameters()
    )
except PricingError as error:
    show_error(f"This market could not be costed: {error}")
    stop_page()
# Money in the currency the sidebar asks for (this market's own when "each market's own").
rate = state.money_rate(market.currency)
money = rate.quote
rows = rows.assign(**{c: rows[c] * rate.rate for c in rows.columns if c.endswith("_usd")})
comparison = comparison.assign(
    **{c: comparison[c] * rate.rate for c in comparison.columns if c.endswith("_usd")}
)
curves = curves.assign(**{c: curves[c] * rate.rate for c in curves.columns.drop("accounts")})
st.caption(
    f"{market.accounts:,} accounts, {market.contacts_per_account_month:g} contacts per account "
    f"per month, {market.aht_seconds:g} s handle time, 80% answered within "
    f"{market.answer_target_seconds:g} s on live channels. Served from the {market.remote_hub} "
    f"hub in {language_name(market.primary_language)}, {' '.join(base.working_days)}, "
    f"{base.covered_hours_per_week:g} hours a week."
)
left, middle, right, last = st.columns(4)
left.metric(f"Baseline ({money}/yr)", f"{rate.convert(base.annual_total_usd):,.0f}")
middle.metric(
    f"Per account ({money}/yr)",
    f"{rate.convert(base.per_account_usd):,.0f}" if market.accounts else "–",
    help="All-in: the baseline's annual cost divided by the accounts.",
)
right.metric("Agents (FTE charged)", f"{base.fte:,.1f}")
last.metric(
    "Lowest service level",
    f"{base.lowest_service_level:.0%}",
    help="Worst hour of the week: share of live contacts answered within the target.",
)

st.subheader("The baseline and what each option adds")
if money != "USD":
    st.caption(f"Money in {money}, converted from USD: {rate.line}.")
plotly_chart(option_cost_bars(rows, unit=f"{money} per year"), key="cts_options")
shown = rows.assign(
    option=rows["option"].map(OPTION_TITLES),
    # Whole dollars, and +0.0 so a saving of nothing never shows as -0.
    **{
        c: rows[c].round(0) + 0.0
        for c in ("annual_fixed_usd", "per_account_usd", "annual_total_usd")
    },
)
st.dataframe(
    shown[
        [
            "option",
            "annual_fixed_usd",
            "per_account_usd",
            "annual_total_usd",
            "fte",
            "peak_agents_on_duty",
            "occupancy",
            "lowest_service_level",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "option": "Option",
        "annual_fixed_usd": st.column_config.NumberColumn(
            f"Fixed ({money}/yr)", format="localized"
        ),
        "per_account_usd": st.column_config.NumberColumn(
            f"Per account ({money}/yr)", format="localized", help="Total divided by accounts."
        ),
        "annual_total_usd": st.column_config.NumberColumn(
            f"Total ({money}/yr)", format="localized"
        ),
        "fte": st.column_config.NumberColumn("FTE", format="%.2f"),
        "peak_agents_on_duty": "Peak agents on desk",
        "occupancy": st.column_config.NumberColumn("Occupancy", format="percent"),
        "lowest_service_level": st.column_config.NumberColumn("Lowest SL", format="percent"),
    },
)
st.caption("Options are extra cost over the baseline; a negative figure is a saving.")

st.subheader("Delivery models")
plotly_chart(delivery_bars(comparison, unit=f"{money} per year"), key="cts_delivery")
night = data.cost_parameters()
st.caption(
    f"Every account on one design. 24x7 by a bot and on-call nights: outside business hours a "
    f"bot resolves {night.bot_resolution_share:.0%} of contacts "
    f"({night.bot_usd_per_resolution:.2f} USD each), an agent on call at the hub answers the "
    f"urgent {night.urgent_share:.0%} of the rest (standby at {night.on_call_pay_share:.0%} of "
    "an hour on duty, hours worked paid in full) and the others wait for the morning. Cost only: "
    "what customers think of a bot at night is not counted here (sources: data/README.md)."
)
st.markdown("**Break-even in accounts (business hours)**")
for label, accounts in even.items():
    st.markdown(
        f"- {label}: "
        + (
            f"from **{accounts:,}** accounts"
            if accounts is not None
            else f"not within {search:,} accounts"
        )
    )
plotly_chart(
    break_even_chart(curves, even, market.accounts, unit=f"{money} per year"), key="cts_break_even"
)

st.subheader("Staffing behind the baseline")
st.caption(
    "Agents on duty by local weekday and hour (mean of the quarter hours), whole agents in "
    "every quarter hour."
)
plotly_chart(staffing_heatmap(base.staffing), key="cts_staffing")
