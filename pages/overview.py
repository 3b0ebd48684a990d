"""Overview: the portfolio's verdict (which markets are sold, how each is served, what it
earns) and where supporting customers costs what, market by market (executives)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pricing.errors import PricingError, StoreError
from pricing.money.fx import to_display_currency
from pricing.outputs.charts import MAP_METRICS, cost_map, map_frame
from pricing.outputs.network_map import served_rows, verdict_map
from pricing.scenarios.scenario import cost_changes, profit_changes
from ui import data, state
from ui.delivery import delivery_table, portfolio_pnl
from ui.router import through_router
from ui.widgets import (
    CCY_HELP,
    plain,
    plotly_chart,
    show_error,
    sources_table,
    stop_page,
)

through_router()
st.title("Portfolio: verdict and cost to serve by market")
st.caption(
    "The optimiser decides, for the whole portfolio, which markets to sell and how to serve "
    "each (own desks at its hub, a local office, a desk shared with other markets in its "
    "language or in English, or a distributor). "
    "Baseline cost: business hours (09:00–18:00 local on each market's own working days), one "
    "language, served from the market's regional hub: whole agents in every quarter hour, "
    "staffed by Erlang C."
)
MONEY = ["baseline_per_account_usd", "baseline_annual_usd", "extra_24x7_annual_usd"]
# Once tiers are priced the table shows what each market earns, in place of the region (on the
# map), the 24/7 extra and the staff (on the Cost to serve page): all of it fits 1,280 px.
PRICED = ["revenue_usd", "profit_usd"]
display = state.display_currency()
# One currency for all rows is said in the headers; local currencies need a column.
TABLE = ["name", "region", *(["shown_in"] if display == "local" else []), "remote_hub", "accounts"]
TABLE += [*MONEY, "fte"]
# Totals add up across markets only in one currency: USD, or EUR when chosen.
total_in = "EUR" if display == "EUR" else "USD"
unit = {"USD": "USD", "EUR": "EUR", "local": "local"}[display]


def headline_figures(markets: str, accounts: str, baseline: str, extra: str) -> None:
    left, middle, right, last = st.columns(4)
    left.metric("Markets", markets)
    middle.metric("Accounts", accounts)
    right.metric(
        f"Baseline cost ({total_in} m/yr)",
        baseline,
        help="Sum over markets of the baseline cost to serve, in millions a year.",
    )
    last.metric(
        f"24/7 extra ({total_in} m/yr)",
        extra,
        help="24/7 everywhere: night and weekend shifts at each market's hub, on top of the "
        "baseline, in millions a year.",
    )


def market_table(table: pd.DataFrame) -> None:
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "name": "Market",
            "region": "Region",
            "shown_in": st.column_config.TextColumn("Ccy", help=CCY_HELP, width=50),
            "remote_hub": st.column_config.TextColumn(
                "Hub", help="Country of the regional hub", width=50
            ),
            "accounts": st.column_config.NumberColumn("Accounts", format="localized"),
            "baseline_per_account_usd": st.column_config.NumberColumn(
                f"Per account ({unit}/yr)",
                format="localized",
                help="All-in: the baseline's annual cost divided by the market's accounts.",
            ),
            "baseline_annual_usd": st.column_config.NumberColumn(
                f"Baseline ({unit}/yr)", format="localized"
            ),
            "extra_24x7_annual_usd": st.column_config.NumberColumn(
                f"24/7 extra ({unit}/yr)", format="localized"
            ),
            "fte": st.column_config.NumberColumn(
                "FTE", format="%.1f", help="Agents, full-time equivalents, for the baseline."
            ),
            "change_usd": st.column_config.NumberColumn(
                "Cost vs saved (USD/yr)",
                format="localized",
                help="Baseline cost today minus the one saved with the scenario (always in USD).",
            ),
            "tiers_sold": st.column_config.NumberColumn(
                "Tiers",
                width=50,
                help="Tiers offered in the market; 0: not sold, no tier pays its way there "
                "(the Tier designer says why).",
            ),
            "revenue_usd": st.column_config.NumberColumn(
                f"Revenue ({unit}/yr)", format="localized"
            ),
            "profit_usd": st.column_config.NumberColumn(
                f"Profit ({unit}/yr)",
                format="localized",
                help="Revenue less the exact cost of what is sold; 0 where nothing is sold.",
            ),
            "margin": st.column_config.TextColumn(
                "Margin", help="Profit as a share of revenue (at target prices)."
            ),
            "profit_change_usd": st.column_config.NumberColumn(
                "Profit vs saved (USD/yr)",
                format="localized",
                help="Profit today minus the profit saved with the scenario (always in USD).",
            ),
        },
    )


headline_slot = st.empty()
map_slot = st.empty()
per_market = st.empty()
if not st.session_state.get("overview_framed"):
    # First view in this session: the page's frame goes out before the data libraries load
    # (the headline figures' labels, the map, the table's columns), so the browser fetches the
    # code that draws each while the server costs the markets.
    with headline_slot.container():
        headline_figures("…", "…", "…", "…")
    with map_slot:
        plotly_chart(map_frame("Costing every market…"))
    with per_market.container():
        st.subheader("Per market")
        market_table(pd.DataFrame(columns=TABLE))
    st.session_state["overview_framed"] = True

try:
    summary = data.summary()
    sources = data.sources()
except PricingError as error:
    for slot in (headline_slot, map_slot, per_market):  # no empty frame above the message
        slot.empty()
    show_error(f"The market data could not be costed: {error}")
    stop_page()

shown, rates_used = to_display_currency(summary, MONEY, display, state.rate_book())
totals, _ = to_display_currency(summary, MONEY, total_in, state.rate_book())

with headline_slot.container():
    headline_figures(
        f"{len(summary)}",
        f"{int(summary['accounts'].sum()):,}",
        f"{totals['baseline_annual_usd'].sum() / 1e6:,.2f}",
        f"{totals['extra_24x7_annual_usd'].sum() / 1e6:,.2f}",
    )

    metric = (
        st.segmented_control(
            "Colour the map by",
            options=list(MAP_METRICS),
            format_func=lambda key: MAP_METRICS[key][0],
            key="map_metric",
        )
        or "baseline_per_account_usd"
    )

    # The verdict, revenue and profit need the tier optimiser: the session's plan, or the
    # default rules (a few seconds, then cached).
    plans = None
    if metric in ("verdict", "profit_usd") or not data.rules_are_default():
        bar = st.progress(0.0, text="Optimising tiers…")
        try:
            plan = data.current_plan(progress=bar, reasons=False)
            plans = plan.markets
        except PricingError as error:
            show_error(f"Profit could not be computed: {error}")
        finally:
            bar.empty()
    if plans is not None:
        by_code = {p.market.code: p for p in plans}
        summary = summary.assign(
            profit_usd=summary["code"].map(
                lambda c: by_code[c].profit_usd if c in by_code else 0.0
            ),
            revenue_usd=summary["code"].map(
                lambda c: by_code[c].solution.revenue if c in by_code else 0.0
            ),
        )
        summary = summary.assign(
            tiers_sold=summary["code"].map(lambda c: len(by_code[c].tiers) if c in by_code else 0)
        )
        priced, _ = to_display_currency(summary, PRICED, display, state.rate_book())
        shown = shown.assign(
            **{column: priced[column] for column in PRICED},
            # Written as on the other screens ("28 %"); a market without a sale has none.
            margin=[
                f"{profit / revenue:.0%}".replace("%", " %") if revenue > 0 else "not sold"
                for profit, revenue in zip(
                    summary["profit_usd"], summary["revenue_usd"], strict=True
                )
            ],
            tiers_sold=summary["tiers_sold"],
        )
        portfolio_pnl(plans, plan.decision.gap if plan.decision else 0.0)
    else:
        st.caption(
            "Revenue and profit appear once tiers are priced: colour the map by the verdict or "
            "by profit, or run the Tier designer."
        )
with map_slot:
    if metric == "verdict" and plans is not None:
        plotly_chart(verdict_map(served_rows(plans)))
    else:
        plotly_chart(cost_map(summary, metric if metric in summary else "baseline_per_account_usd"))

with per_market.container():
    st.subheader("Per market")
    # What changed against a saved scenario: today's baseline costs minus those saved with it. The
    # picker is drawn after the table (into this place above it), so the table does not wait for
    # the scenario store; its value is already in the session on the run it triggers.
    picker_slot = st.empty()
    against = st.session_state.get("overview_against") or "(none)"
    store_error: StoreError | None = None  # the database cannot be used: said once, in the slot
    if against != "(none)":
        try:
            saved = data.store().load(against)
            change = cost_changes(summary, saved)
        except StoreError as error:
            store_error = error
        except PricingError as error:  # deleted meanwhile
            st.warning(f"No comparison: {plain(str(error))}")
        else:
            shown["change_usd"] = change.round(0) + 0.0  # +0.0: a change of nothing is 0, not -0
            moved = change.dropna()
            st.caption(
                f"Baseline cost against {plain(repr(against))}: {moved.sum():+,.0f} USD/yr over "
                f"{len(moved)} markets saved with it"
                + (
                    f"; {len(summary) - len(moved)} market(s) were not in it."
                    if len(moved) < len(summary)
                    else "."
                )
            )
            if "profit_usd" in summary:  # tiers are priced: what the plan earns moved too
                earned = profit_changes(summary, saved)
                shown["profit_change_usd"] = earned.round(0) + 0.0
                st.caption(
                    f"Profit against {plain(repr(against))}: {earned.dropna().sum():+,.0f} USD/yr "
                    f"over {earned.notna().sum()} markets planned in both."
                )
    columns = TABLE
    if "profit_usd" in shown:
        # The hub gives way too: the verdict table below says where each market is served.
        dropped = ("region", "remote_hub", "extra_24x7_annual_usd", "fte")
        columns = [c for c in TABLE if c not in dropped]
        columns += ["tiers_sold", *PRICED, "margin"]
    table = (
        shown[[*columns, *(c for c in ("change_usd", "profit_change_usd") if c in shown)]]
        # Order by the USD figure: amounts in different currencies do not compare.
        .loc[summary.sort_values("baseline_per_account_usd", ascending=False).index]
        .round(
            {"baseline_per_account_usd": 0, "baseline_annual_usd": 0, "extra_24x7_annual_usd": 0}
        )
    )
    money = [c for c in [*MONEY, *PRICED] if c in table]
    table[money] = table[money].round(0) + 0.0  # a rounded -0.4 shows as 0, never as "-0"
    market_table(table)
    if plans is not None:
        delivery_table(plans)

try:
    saved_names = [] if store_error else [row["name"] for row in data.store().names()]
except StoreError as error:
    store_error = error
if store_error:
    picker_slot.error(f"No comparison with a saved scenario: {plain(str(store_error))}")
else:
    picker_slot.selectbox(
        "Compare with a saved scenario",
        ["(none)", *saved_names],
        key="overview_against",
        help="Saved on the Scenarios page; shows how each market's baseline cost has moved since.",
    )

stale = rates_used[rates_used["stale"]]
if display != "USD":
    st.caption(
        "Converted from USD at the rates below"
        + (f"; {len(stale)} of them are more than 45 days old." if len(stale) else ".")
    )
    st.dataframe(
        rates_used.drop(columns=["stale"]),
        hide_index=True,
        width="stretch",
        column_config={
            "currency": st.column_config.TextColumn("Currency", width="small"),
            "per_usd": st.column_config.NumberColumn("Units per USD", format="%.4f"),
            "as_of": "As of",
            "source": st.column_config.TextColumn("Source", width="large"),
            "age_days": st.column_config.NumberColumn(
                "Age (days)",
                help="Market rates older than 45 days are flagged as stale; "
                "pegs and budget rates never are.",
            ),
        },
    )
    if len(stale):
        st.warning(
            "Stale rates: "
            + ", ".join(f"{r.currency} ({r.as_of})" for r in stale.itertuples())
            + ". Refresh live rates or set a budget rate before quoting."
        )

with st.expander("Where a market's figures come from"):
    code = st.selectbox(
        "Market",
        key="overview_sources",
        options=list(summary["code"]),
        format_func=lambda c: f"{summary.set_index('code').loc[c, 'name']} ({c})",
    )
    market = next(m for m in data.markets() if m.code == code)
    sources_table(market, sources)
