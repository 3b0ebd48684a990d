"""Scenarios (executives): save the current plan, reload, compare side by side, and see how
sure each verdict is (a risk sweep, saved with the scenario)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pricing.errors import PricingError
from pricing.money.fx import Rate
from pricing.scenarios.scenario import comparison, comparison_totals, scenario_payload
from pricing.scenarios.store import ScenarioStore
from ui import data, state
from ui.risk import risk_section, saved_sweep
from ui.router import through_router
from ui.scenario_picker import apply_scenario
from ui.widgets import plain, show_error

through_router()
st.title("Scenarios")

if data.rules_are_default():
    st.info("The default rules are in force: change them in the Tier designer.")
plan = data.current_plan_or_stop("Planning…", "The plan could not be made")
plans = plan.markets


def save_section(store: ScenarioStore, saved: list[dict]) -> list[dict]:
    """Save the current plan under a name; returns the saved scenarios (``saved`` before)."""
    st.subheader("Save the current plan")
    label, _ = data.active_file()
    st.caption(
        f"{len(plans)} markets, profit {sum(p.profit_usd for p in plans):,.0f} USD/yr, data: "
        f"{plain(label)}. Every save is a new version; nothing is overwritten."
    )
    left, right = st.columns([3, 1])
    name = left.text_input(
        "Name", key="scenario_name", max_chars=80, placeholder="e.g. FY27 baseline"
    )
    if right.button("Save", type="primary", disabled=not name.strip()):
        try:
            payload = scenario_payload(plan, data.summary())
            risk = saved_sweep(plan)  # the last sweep of this plan, saved with it
            stored = store.save(name, {**payload, "risk": risk} if risk else payload)
        except PricingError as error:
            st.error(f"Not saved: {plain(str(error))}")
        else:
            st.success(f"Saved {plain(repr(stored.name))} as version {stored.version}.")
            return store.names()
    return saved


def open_section(store: ScenarioStore, saved: list[dict]) -> None:
    """The saved scenarios, one opened with its rules, and loading them into the designer."""
    st.subheader("Saved scenarios")
    st.dataframe(
        pd.DataFrame(saved),
        hide_index=True,
        width="stretch",
        column_config={
            "name": "Name",
            "versions": "Versions",
            "saved_at": st.column_config.DatetimeColumn("Last saved (UTC)"),
        },
    )
    names = [row["name"] for row in saved]
    wanted = st.query_params.get("scenario")
    chosen = st.selectbox(
        "Open", names, index=names.index(wanted) if wanted in names else 0, key="scenario_open"
    )
    st.query_params["scenario"] = chosen
    opened = store.load(chosen)
    rules = opened.payload["settings"]
    st.caption(
        f"Version {opened.version}, saved {opened.saved_at:%Y-%m-%d %H:%M} UTC: {rules['tiers']} "
        f"tiers, minimum margin {rules['min_margin']:.0%}, ladder step {rules['price_step']:.0%}, "
        f"solver {rules['solver']}; data {plain(opened.payload.get('data', 'unknown'))}."
    )
    risk = opened.payload.get("risk")
    if risk:
        whole = risk["portfolio"]
        st.caption(
            f"Saved with its risk sweep: {risk['draws']} draws, seed {risk['seed']}; portfolio "
            f"profit P10 {whole['p10_usd']:,.0f}, P50 {whole['p50_usd']:,.0f}, "
            f"P90 {whole['p90_usd']:,.0f} USD/yr."
        )
    if st.button("Use these rules in the Tier designer"):
        try:
            apply_scenario(opened.payload, chosen)
        except PricingError as error:  # written by another program: its rules are refused
            show_error(f"These rules cannot be used: {error}")
        else:
            st.switch_page("pages/tier_designer.py")


def compare_section(store: ScenarioStore, names: list[str]) -> None:
    """Several scenarios side by side: totals, then tiers and profit per market."""
    st.subheader("Compare")
    picked = st.multiselect(
        "Scenarios side by side", names, default=names[: min(2, len(names))], key="scenario_compare"
    )
    if not picked:
        return
    loaded = [store.load(n) for n in picked]
    rate = state.money_rate()  # totals add up in one currency
    against = plain(f"Against {picked[0]}, the first scenario picked.")
    compared_totals(comparison_totals(loaded), rate, against)
    compared_markets(comparison(loaded, per_usd=rate.rate), rate, against)
    st.caption(plain(f"Δ: the difference against {picked[0]}, the first scenario picked."))
    if rate.quote != "USD":
        st.caption(
            f"Money in {rate.quote}, converted from USD: {rate.line}. Scenarios are saved in USD."
        )


def compared_totals(totals: pd.DataFrame, rate: Rate, against: str) -> None:
    """Revenue, cost and profit of each scenario, and each against the first."""
    money = rate.quote
    money_columns = [c for c in totals.columns if c.endswith("_usd")]
    st.dataframe(
        totals.assign(**{c: (totals[c] * rate.rate).round(0) + 0.0 for c in money_columns}),
        hide_index=True,
        width="stretch",
        column_config={
            "scenario": "Scenario",
            "revenue_usd": st.column_config.NumberColumn(
                f"Revenue ({money}/yr)", format="localized"
            ),
            "cost_usd": st.column_config.NumberColumn(f"Cost ({money}/yr)", format="localized"),
            "profit_usd": st.column_config.NumberColumn(f"Profit ({money}/yr)", format="localized"),
            "revenue_vs_first_usd": st.column_config.NumberColumn(
                f"Δ revenue ({money}/yr)", format="localized", help=against
            ),
            "cost_vs_first_usd": st.column_config.NumberColumn(
                f"Δ cost ({money}/yr)", format="localized", help=against
            ),
            "profit_vs_first_usd": st.column_config.NumberColumn(
                f"Δ profit ({money}/yr)", format="localized", help=against
            ),
        },
    )


def compared_markets(table: pd.DataFrame, rate: Rate, against: str) -> None:
    """Each market's tiers and profit in each scenario, and the profit against the first."""
    money = rate.quote
    st.dataframe(
        table.assign(
            profit_usd=(table["profit_usd"] * rate.rate).round(0) + 0.0,
            profit_vs_first_usd=(table["profit_vs_first_usd"] * rate.rate).round(0) + 0.0,
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "market": st.column_config.TextColumn("Market", width="small"),
            "scenario": "Scenario",
            "served": st.column_config.TextColumn(
                "Served by",
                help="How the portfolio served the market in that scenario: own desks at its "
                "hub, a shared desk (site:language), the English desk, a distributor, or not sold.",
            ),
            "tiers": st.column_config.TextColumn(
                f"Tiers sold: target ({money} per account/yr) and options",
                width="large",
                help="Options in short: Priority response, 24/7 coverage, every local "
                "language (All languages), local team and visits.",
            ),
            "profit_usd": st.column_config.NumberColumn(f"Profit ({money}/yr)", format="localized"),
            "profit_vs_first_usd": st.column_config.NumberColumn(
                f"Δ profit ({money}/yr)", format="localized", help=against
            ),
        },
    )


def delete_section(store: ScenarioStore, names: list[str]) -> None:
    """Delete every version of one scenario (a read-only database says so)."""
    with st.expander("Delete a scenario"):
        doomed = st.selectbox("Scenario", names, key="scenario_delete")
        sure = st.checkbox(plain(f"Delete every version of {doomed!r}"), key="scenario_delete_sure")
        if st.button("Delete", disabled=not sure):
            try:
                removed = store.delete(doomed)
            except PricingError as error:
                st.error(f"Not deleted: {plain(str(error))}")
            else:
                st.success(f"Deleted {removed} version(s) of {plain(repr(doomed))}.")
                st.rerun()


try:  # a database that cannot be used says why; the risk view below needs none
    store = data.store()
    saved = save_section(store, store.names())  # asked first: a broken store shows no form
    if saved:
        open_section(store, saved)
        compare_section(store, [row["name"] for row in saved])
        delete_section(store, [row["name"] for row in saved])
    else:
        st.info("No scenario saved yet.")
except PricingError as error:
    st.error(f"Saved scenarios are not available: {plain(str(error))}")

risk_section(plan)
