"""The Scenarios page's risk view: a Monte Carlo sweep of the plan on screen (its rules, rates,
catalogue and delivery choice), on a local Dask cluster or a scheduler, with a progress bar;
the fragile verdicts first, a risk strip, a map of the share of draws in which each market pays
and a tornado from the same engine. The last sweep of the plan is kept for the session and
saved with a scenario (:func:`saved_sweep`)."""

from __future__ import annotations

import hashlib
import json
import os

import pandas as pd
import streamlit as st

from pricing.errors import PricingError
from pricing.outputs.charts import tornado_chart
from pricing.plan import Plan
from pricing.risk.charts import pays_map, risk_frame, risk_strip
from pricing.risk.cluster import SCHEDULER_ENV
from pricing.risk.uncertainty import (
    COLUMNS,
    load_uncertainty,
    shipped_uncertainty,
    uncertainty_from_records,
)
from ui.widgets import bullets, plain, plotly_chart, show_error

KEPT = "risk_sweep"  # session key of the last sweep: {"key", "json", "tornado"}
RUNNING = "risk_running"  # set while a sweep runs: still set on the next run, it was stopped
TABLE = "uncertainty table"
UPLOADED, ROWS = "risk_uploaded", "risk_rows"  # the last file taken in, and its rows


def _plan_key(plan: Plan) -> str:
    """What the plan on screen is made from: a sweep of another plan is not shown for it."""
    r = plan.request
    made = (r.catalogue.sha256, r.settings, r.segment_rows, r.rates, r.codes, r.params)
    return hashlib.sha256(repr(made).encode()).hexdigest()


def saved_sweep(plan: Plan) -> dict | None:
    """The last sweep of ``plan`` this session (its JSON, as ``sweep`` prints it), if any."""
    kept = st.session_state.get(KEPT)
    return kept["json"] if kept and kept["key"] == _plan_key(plan) else None


def risk_section(plan: Plan) -> None:
    st.subheader("Risk: how sure is each verdict?")
    st.caption(
        "Each draw moves agents' pay, accounts won, contacts per account, exchange rates, what "
        "buyers will pay and the discount they win, within the ranges of the uncertainty table, "
        "and plans the portfolio again with the same optimiser, rules and delivery choice. "
        "The same seed gives the same answer however many workers run it."
    )
    with st.expander("Uncertainty table (data/uncertainty.csv: ranges and their sources)"):
        edited = _uncertainty_table()
    first, second, third, fourth = st.columns([1, 1, 1, 2])
    draws = first.number_input("Draws", 1, 2000, 40, step=10, key="risk_draws")
    seed = second.number_input("Seed", 0, 2**31 - 1, 1, key="risk_seed")
    workers = third.number_input(
        "Workers", 1, 16, 2, key="risk_workers", help="worker processes of the local cluster"
    )
    scheduler = fourth.text_input(
        "Dask scheduler (empty: a local cluster)",
        value=os.environ.get(SCHEDULER_ENV, ""),
        key="risk_scheduler",
        placeholder="tcp://10.0.0.5:8786",
    )
    fixed = st.toggle(
        "Hold today's prices: test the plan as set (menus, local prices and delivery models "
        "kept in every draw) instead of planning each draw anew",
        key="risk_fixed",
    )
    if st.session_state.pop(RUNNING, False):
        st.warning("The last sweep was stopped before it finished; nothing of it is kept.")
    if st.button("Run the sweep", type="primary", key="risk_run"):
        where = scheduler.strip() or None
        _run(plan, edited, (int(draws), int(seed), int(workers), where), fixed)
    kept = st.session_state.get(KEPT)
    if kept and kept["key"] == _plan_key(plan):
        _show(plan, kept)
    elif kept:
        st.info("The plan changed since the last sweep: run it again for this plan.")


def _uncertainty_table() -> pd.DataFrame:
    """The uncertainty table in use, edited in place: the shipped one, or an uploaded file
    once it is clean (a file with problems is refused, the table in use kept)."""
    upload = st.file_uploader(
        "Upload an uncertainty table (CSV or XLSX, the columns of data/uncertainty.csv)",
        type=["csv", "xlsx"],
        key="risk_upload",
    )
    if upload is not None and st.session_state.get(UPLOADED) != upload.file_id:
        try:
            table = load_uncertainty(upload.getvalue(), name=upload.name)
        except PricingError as error:
            show_error(f"{upload.name} was not loaded; the table in use is unchanged.")
            bullets(getattr(error, "problems", ()) or (error,))
        else:
            st.session_state[UPLOADED] = upload.file_id
            st.session_state[ROWS] = table.records()
            st.session_state.pop("risk_table", None)  # the editor starts from the file
            count = len(table.rows)
            st.success(plain(f"{upload.name}: {count} row{'' if count == 1 else 's'} loaded."))
    rows = st.session_state.get(ROWS) or shipped_uncertainty().records()
    edited = st.data_editor(
        pd.DataFrame(rows, columns=list(COLUMNS)),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key="risk_table",
    )
    st.download_button(
        "Download this table (CSV)",
        edited.to_csv(index=False),
        file_name="uncertainty.csv",
        mime="text/csv",
        key="risk_table_download",
    )
    return edited


def _run(plan: Plan, edited, how: tuple, fixed: bool) -> None:
    """Sweep ``plan`` (``how``: draws, seed, workers, scheduler) with the edited table."""
    from pricing.risk.cluster import sweep

    draws, seed, workers, scheduler = how
    try:
        records = edited.astype(object).where(edited.notna(), None).to_dict("records")
        uncertainty = uncertainty_from_records(records, TABLE)
    except PricingError as error:
        show_error("The sweep did not run: the uncertainty table has problems.")
        bullets(getattr(error, "problems", ()) or (error,))
        return
    stop = st.empty()
    stop.button("Stop the sweep", key="risk_stop", help="stops the sweep and its workers")
    bar = st.empty()
    bar.progress(0.0, text="Starting the workers…")

    def progress(done: int, of: int) -> None:
        bar.progress(done / of, text=f"{done} of {of} draws planned")

    st.session_state[RUNNING] = True  # a click on Stop reruns the page: this run ends here
    try:
        found = sweep(
            plan.request,
            uncertainty,
            draws,
            seed,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            swings=True,
            fixed=fixed,
        )
    except PricingError as error:
        st.session_state.pop(RUNNING, None)
        stop.empty()
        bar.empty()
        show_error(f"The sweep did not run: {error}")
        return
    st.session_state.pop(RUNNING, None)
    stop.empty()
    bar.empty()
    st.session_state[KEPT] = {
        "key": _plan_key(plan),
        "json": found.as_json(),
        "tornado": found.tornado(),
        "sentences": {
            row["market"]: found.sentence(row, _names(plan).get(row["market"], row["market"]))
            for row in found.as_json()["markets"]
        },
    }


def _names(plan: Plan) -> dict[str, str]:
    return {p.market.code: p.market.name or p.market.code for p in plan.markets}


def _show(plan: Plan, kept: dict) -> None:
    result = kept["json"]
    whole = result["portfolio"]
    held = ", today's menus, local prices and delivery models held" if result["fixed"] else ""
    st.markdown(f"**{result['draws']} draws, seed {result['seed']}{held}** (USD a year)")
    left, middle, right, last = st.columns(4)
    left.metric("Portfolio profit, P10 (USD/yr)", f"{whole['p10_usd']:,.0f}")
    middle.metric("P50 (USD/yr)", f"{whole['p50_usd']:,.0f}")
    right.metric("P90 (USD/yr)", f"{whole['p90_usd']:,.0f}")
    last.metric("In the plan (USD/yr)", f"{whole['plan_profit_usd']:,.0f}")
    frame = risk_frame(result["markets"], _names(plan))
    fragile = frame[(frame["fragility"] > 0.0)]
    st.markdown("**Fragile verdicts first** (markets that pay in some draws and not in others)")
    if len(fragile):
        bullets(kept["sentences"][code] for code in fragile["market"])
    else:
        st.caption("No verdict flips: every market pays in every draw or in none.")
    plotly_chart(risk_strip(frame), key="risk_strip")
    plotly_chart(pays_map(frame), key="risk_map")
    _table(frame)
    how = "the plan held" if result["fixed"] else "planned again"
    st.markdown(f"**Tornado:** each input alone at its P10 and its P90, everywhere, {how}")
    plotly_chart(tornado_chart(kept["tornado"]), key="risk_tornado")
    st.download_button(
        "Download the sweep (JSON)",
        json.dumps(result, indent=2),
        file_name="sweep.json",
        mime="application/json",
        key="risk_download",
    )


def _table(frame: pd.DataFrame) -> None:
    """Every market's numbers: profit percentiles in USD a year, shares of draws in per cent."""
    st.dataframe(
        frame.assign(
            **{c: frame[c].round(0) + 0.0 for c in ("p10_usd", "p50_usd", "p90_usd")},
            **{
                c: (frame[c] * 100).round(1)
                for c in ("probability_sold", "probability_profitable", "probability_model_changes")
            },
        )[
            [
                "name",
                "p10_usd",
                "p50_usd",
                "p90_usd",
                "probability_profitable",
                "probability_sold",
                "probability_model_changes",
                "plan_delivery_model",
                "decided_by",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "name": "Market",
            "p10_usd": st.column_config.NumberColumn("Profit P10 (USD/yr)", format="localized"),
            "p50_usd": st.column_config.NumberColumn("Profit P50 (USD/yr)", format="localized"),
            "p90_usd": st.column_config.NumberColumn("Profit P90 (USD/yr)", format="localized"),
            "probability_profitable": st.column_config.NumberColumn(
                "Pays in (% of draws)", format="%.1f %%"
            ),
            "probability_sold": st.column_config.NumberColumn(
                "Sold in (% of draws)", format="%.1f %%"
            ),
            "probability_model_changes": st.column_config.NumberColumn(
                "Served another way in (% of draws)", format="%.1f %%"
            ),
            "plan_delivery_model": "Delivery model in the plan",
            "decided_by": "Moved most by",
        },
    )
