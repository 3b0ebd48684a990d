"""Tier designer (finance): set the rules, run the optimiser, see each market's tiers and why."""

from __future__ import annotations

import streamlit as st

from pricing.costing.service import OPTION_LABELS, OPTION_SHORT, TIER_OPTIONS
from pricing.money.fx import to_display_currency
from pricing.offers.promises import duration, ticket_promise
from pricing.outputs.exports import plan_tables, plan_workbook
from pricing.outputs.provenance import plan_file_name
from ui import data, state
from ui.router import through_router
from ui.rules_form import rules_form
from ui.widgets import (
    CCY_HELP,
    bullets,
    figure_text,
    market_picker,
    plain,
)

through_router()
st.title("Tier designer")
st.caption(
    "Designs nested support tiers per market and prices them so each customer segment picks "
    "the tier meant for it (Dobson–Kalish self-selection), with the floor price after the "
    "deepest approvable discount still covering cost plus the minimum margin."
)

settings, rows, submitted = rules_form()
if submitted:
    data.set_plan_rules(settings, rows)  # in force on every page from now on
plan = data.current_plan_or_stop("Optimising…", "The optimiser stopped")
plans = plan.markets
tables = plan_tables(plan)

MONEY = ["revenue_usd", "cost_usd", "profit_usd", "floor_revenue_usd"]
# Totals add up across markets in one currency: the one chosen, or USD for "each market's own".
total = state.money_rate()
left, middle, right = st.columns(3)
left.metric(
    f"Profit, all markets ({total.quote}/yr)",
    f"{total.convert(tables['Markets']['profit_usd'].sum()):,.0f}",
)
middle.metric(
    f"Support revenue ({total.quote}/yr)",
    f"{total.convert(tables['Markets']['revenue_usd'].sum()):,.0f}",
)
markets, _ = to_display_currency(
    tables["Markets"], MONEY, state.display_currency(), state.rate_book()
)
markets = markets.assign(**{c: markets[c].round(0) + 0.0 for c in MONEY})  # +0.0: no "-0"
right.metric("Markets with an offer", f"{(markets['tiers_offered'] > 0).sum()} of {len(markets)}")

st.download_button(
    "Download the plan (Excel)",
    plan_workbook(plan),
    plan_file_name(plan.made),
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    help="Every table of the plan, and a Settings sheet with the rules, segment values, "
    "catalogue checksum and rates it was made with.",
    on_click="ignore",  # a download is not an edit: nothing to rerun
)

names = {p.market.code: p.market.name for p in plans}
code = market_picker(list(names), names, key="td_market")
chosen = next(p for p in plans if p.market.code == code)
rate = state.money_rate(chosen.market.currency)
money, local = rate.quote, chosen.market.currency
st.subheader(
    f"{plain(chosen.market.name)}: {len(chosen.tiers)} tier(s), "
    f"profit {rate.convert(chosen.profit_usd):,.0f} {money}/yr",
    anchor=False,
)
if chosen.verdict is not None:
    # How the portfolio serves it, and for a market not sold what would make it pay (solved).
    (st.info if chosen.verdict.verdict == "sold" else st.warning)(plain(chosen.verdict.reason))
    if chosen.verdict.fixes:
        bullets(
            f"Fix: {fix.change}: it would earn {fix.profit_usd:,.0f} USD a year"
            for fix in chosen.verdict.fixes
        )
if chosen.solution.message:
    st.warning(plain(chosen.solution.message))
tier_rows = tables["Tiers"][tables["Tiers"]["market"] == code]
if not tier_rows.empty:
    # Whole units of the chosen currency on screen; the Excel file keeps exact USD. Two narrow
    # tables (what each tier holds, then what it costs and earns) fit without scrolling.
    shown = tier_rows.assign(
        **{c: (tier_rows[c] * rate.rate).round(0) + 0.0 for c in tier_rows if c.endswith("_usd")},
        margin_at_floor_on_marginal=tier_rows["tier"].map(
            {t.name: t.margin_at_floor_on_marginal for t in chosen.tiers}
        ),
    )
    # What each tier holds: words that wrap rather than a grid that cuts them off.
    words = ["options", "coverage", "buyers"]
    holds = (
        shown[["tier", *words, "answer_within_seconds", "ticket_response_seconds", "accounts"]]
        .assign(
            **{column: shown[column].map(plain) for column in words},
            # Response times as people say them (30 s, 8 business hours), as the offer promises
            # them: tickets at the e-mail promise (the desk staffs every message and ticket at
            # the strictest asynchronous target, which is faster: the workbook has it).
            answer_within_seconds=shown["answer_within_seconds"].map(duration),
            ticket_response_seconds=shown["tier"].map(
                {t.name: ticket_promise(t, chosen.workload.bot_nights) for t in chosen.tiers}
            ),
        )
        .rename(
            columns={
                "tier": "Tier",
                "options": "Includes",
                "coverage": "Served",
                "buyers": "Bought by",
                "answer_within_seconds": "Phone and chat, 80 % within",
                "ticket_response_seconds": "Tickets, 80 % first reply within",
                "accounts": "Accounts",
            }
        )
        .set_index("Tier")
    )
    st.table(holds.style.format("{:,.0f}", subset=["Accounts"]))
    st.dataframe(
        shown[
            [
                "tier",
                "unit_cost_usd",
                "marginal_cost_usd",
                "list_usd",
                "target_usd",
                "floor_usd",
                "margin_at_target",
                "margin_at_floor",
                "margin_at_floor_on_marginal",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "tier": "Tier",
            "unit_cost_usd": st.column_config.NumberColumn(
                f"Cost/acct ({money}/yr)",
                format="localized",
                help="All-in: the tier's share of the market's cost, by workload, per account.",
            ),
            "marginal_cost_usd": st.column_config.NumberColumn(
                f"Marginal/acct ({money}/yr)",
                format="localized",
                help="What the market would save per account without this tier's buyers.",
            ),
            "list_usd": st.column_config.NumberColumn(f"List ({money})", format="localized"),
            "target_usd": st.column_config.NumberColumn(f"Target ({money})", format="localized"),
            "floor_usd": st.column_config.NumberColumn(f"Floor ({money})", format="localized"),
            "margin_at_target": st.column_config.NumberColumn(
                "Margin, target", format="percent", width="small"
            ),
            "margin_at_floor": st.column_config.NumberColumn(
                "Margin, floor",
                format="percent",
                width="small",
                help="At the floor, on the fully loaded cost per account.",
            ),
            "margin_at_floor_on_marginal": st.column_config.NumberColumn(
                "On marginal",
                format="percent",
                width="small",
                help="Margin at the floor on the marginal cost: what one more such account adds.",
            ),
        },
    )
    for tier in chosen.tiers:
        if tier.floor_warning:
            st.warning(plain(tier.floor_warning))
    st.markdown(f"**Quoted in {local}** (price points; the floor is rounded up)")
    st.dataframe(
        shown[["tier", "list_local", "target_local", "floor_local", "share_of_contract_value"]],
        hide_index=True,
        column_config={
            "tier": "Tier",
            "share_of_contract_value": st.column_config.NumberColumn(
                "Target, share of contract",
                format="percent",
                width="small",
                help="The target as a share of what the tier's buyers pay a year for the product "
                "(their contract value, from the segment table), as vendors quote support.",
            ),
            "list_local": st.column_config.NumberColumn(f"List ({local})", format="localized"),
            "target_local": st.column_config.NumberColumn(f"Target ({local})", format="localized"),
            "floor_local": st.column_config.NumberColumn(f"Floor ({local})", format="localized"),
        },
    )
    st.caption(
        f"Quoted in {local}: {chosen.rate.line}"
        + (" — stale, refresh before quoting." if chosen.rate.is_stale() else "")
        + ("" if money in ("USD", local) else f". Shown in {money}: {rate.line}")
    )
st.markdown("**Who buys what**")
segments = tables["Segments"][tables["Segments"]["market"] == code].drop(columns=["market"])
value_columns = [c for c in segments.columns if c.endswith("_usd")]
st.dataframe(
    segments.assign(**{c: (segments[c] * rate.rate).round(0) + 0.0 for c in value_columns}).round(
        {"accounts": 1}
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "segment": "Segment",
        "accounts": st.column_config.NumberColumn("Accounts", format="localized"),
        "buys": "Buys",
        "base_value_usd": st.column_config.NumberColumn(f"Basic ({money}/yr)", format="localized"),
        **{
            f"{option}_value_usd": st.column_config.NumberColumn(
                f"{OPTION_SHORT[option]} ({money}/yr)", format="localized"
            )
            for option in TIER_OPTIONS
        },
    },
)
st.caption("Values per account per year in this market (scaled from the segment values above).")
st.markdown("**Why the prices are what they are**")
bullets(chosen.solution.explanations)
if chosen.counterfactuals:
    st.markdown("**The alternatives, each planned**")
    bullets(c.sentence(chosen.profit_usd) for c in chosen.counterfactuals)
shared = chosen.delivery is not None and chosen.delivery.desk is not None
if chosen.rules:  # each rule against this market planned without it
    st.markdown("**What each rule does here**")
    if shared:
        st.caption(
            f"Shares the {plain(chosen.delivery.desk)} desk: each rule is taken from this "
            "market alone and its community solved again, the other markets' sales as planned."
        )
    bullets(effect.sentence for effect in chosen.rules)
if shared and not chosen.counterfactuals:
    st.caption(
        "The alternatives (an option added or taken out) are solved for markets on desks of "
        "their own, not yet for a market on a shared desk."
    )
with st.expander("What each option costs in this market"):
    costs = tables["Option costs"][tables["Option costs"]["market"] == code]
    st.dataframe(
        costs.drop(columns=["market"]).assign(
            option=costs["option"].map(lambda o: OPTION_LABELS.get(o, "Bare support")),
            annual_usd=(costs["annual_usd"] * rate.rate).round(0) + 0.0,
            per_account_usd=(costs["per_account_usd"] * rate.rate).round(0) + 0.0,
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "option": "Option",
            "annual_usd": st.column_config.NumberColumn(
                f"Every account taking it ({money}/yr)", format="localized"
            ),
            "per_account_usd": st.column_config.NumberColumn(
                f"Per account ({money}/yr)", format="localized"
            ),
            "delivered_by": st.column_config.TextColumn("How it is delivered", width="large"),
        },
    )
st.markdown("**All markets**")
in_local = state.display_currency() == "local"
each = "local" if in_local else total.quote
# Both discounts in one column, so the table fits a 1280 px screen without scrolling; shares
# written as on the sources table (exact, "12.5 %"), never rounded to a whole percent.
markets["discounts"] = [
    f"{figure_text('expected_discount', usual)[1]} / {figure_text('max_discount', deepest)[1]}"
    for usual, deepest in zip(markets["expected_discount"], markets["max_discount"], strict=True)
]
st.dataframe(
    markets[
        [
            "name",
            "accounts",
            "tiers_offered",
            # One currency for all rows: said in the headers. Local currencies: a column.
            *(["shown_in"] if in_local else []),
            "revenue_usd",
            "cost_usd",
            "profit_usd",
            "floor_revenue_usd",
            "discounts",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "name": "Market",
        "accounts": st.column_config.NumberColumn("Accounts", format="localized"),
        "tiers_offered": st.column_config.NumberColumn("Tiers", width=50),
        "shown_in": st.column_config.TextColumn("Ccy", help=CCY_HELP, width=50),
        "revenue_usd": st.column_config.NumberColumn(f"Revenue ({each}/yr)", format="localized"),
        "cost_usd": st.column_config.NumberColumn(f"Cost ({each}/yr)", format="localized"),
        "floor_revenue_usd": st.column_config.NumberColumn(
            f"At floor ({each}/yr)",
            format="localized",
            help="Revenue if every account bought its tier at the floor price.",
        ),
        "profit_usd": st.column_config.NumberColumn(f"Profit ({each}/yr)", format="localized"),
        "discounts": st.column_config.TextColumn(
            "Discounts",
            help="Usual / max: the discount buyers in this market usually expect, and the "
            "deepest one that may be approved (the floor price).",
        ),
    },
)
# Why a market has no tier or fewer: whole sentences under the table, not cut off in a cell.
notes = markets[markets["message"].fillna("").str.strip() != ""]
if not notes.empty:
    bullets(
        [
            f"{name} ({market}): {message}"
            for market, name, message in notes[["market", "name", "message"]].itertuples(
                index=False
            )
        ]
    )
