"""Loading a saved scenario: the sidebar's picker and the Scenarios page's button both put its
rules, budget rates and segment values in force through :func:`ui.data.set_plan_rules`, and the
Tier designer's fields show them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from pricing.costing.service import TIER_OPTIONS
from pricing.errors import PricingError
from pricing.inputs.schemas import parse_scenario
from pricing.inputs.segments import segment_rows_from_frame
from pricing.settings import PlanSettings
from ui import data
from ui.widgets import plain

if TYPE_CHECKING:
    from pricing.scenarios.store import ScenarioStore

NO_SCENARIO = "(this session's rules)"
PICKER_ERROR = "sidebar_scenario_error"  # why the scenario picked in the sidebar did not load
# The segment values the Tier designer's table starts from (None: the shipped ones).
SEGMENT_BASE = "td_segments_base"


def apply_scenario(payload: dict, name: str = "saved scenario") -> None:
    """Put a saved scenario's rules, budget rates and segment values in force on every page;
    the Tier designer's fields show them.

    A saved scenario is input like a scenario file (another program, or another version of
    this one, may have written the database): its rules and segment values pass the same
    checks, and a scenario that fails them raises InputError naming it, leaving the session as
    it was. A scenario saved without segment values plans with the shipped ones.
    """
    checked = parse_scenario(payload["settings"], f"scenario {name!r}")
    settings = checked.settings()
    saved = payload.get("segments")
    rows = (
        segment_rows_from_frame(pd.DataFrame(saved), f"scenario {name!r} segments")
        if saved
        else None
    )
    st.session_state.update(
        {
            "td_tiers": checked.tiers,
            "td_margin": checked.min_margin * 100,
            "td_step": checked.price_step * 100,
            "td_step_max": checked.max_price_step * 100,
            "td_solver": checked.solver,
            "td_floor_policy": checked.floor_policy,
            "budget_rates": dict(checked.budget_rates),
            **tier_rule_widgets(settings),
        }
    )
    st.session_state[SEGMENT_BASE] = rows  # the Tier designer's table starts from them
    data.set_plan_rules(settings, rows)


def tier_rule_widgets(settings: PlanSettings) -> dict[str, list[str] | float | None]:
    """The Tier designer's per-tier widgets (may hold, must hold, shares of contract value,
    must offer) set to the rules of ``settings``: a tier without a "may hold" rule may hold
    every option."""
    tiers = settings.tiers
    allowed, required = settings.allowed or {}, settings.required or {}
    offered = [t for t in settings.tier_names if t in settings.must_offer]
    widgets: dict[str, list[str] | float | None] = {f"td_must_offer_{tiers}": offered}
    for name in settings.tier_names:
        may = allowed.get(name, frozenset(TIER_OPTIONS))
        widgets[f"td_allowed_{tiers}_{name}"] = [o for o in TIER_OPTIONS if o in may]
        widgets[f"td_required_{tiers}_{name}"] = [
            o for o in TIER_OPTIONS if o in required.get(name, ())
        ]
        for end, shares in (("min", settings.min_share), ("max", settings.max_share)):
            share = shares.get(name)
            widgets[f"td_share_{end}_{tiers}_{name}"] = None if share is None else share * 100
    return widgets


def scenario_picker(open_store: Callable[[], ScenarioStore]) -> None:
    """The shared sidebar's scenario picker: choosing one loads it. A store that cannot be used
    (bad URL, driver missing, server down) is one line saying why; the app goes on."""
    try:
        store = open_store()
        names = [row["name"] for row in store.names()]
    except PricingError as error:
        st.warning(f"Saved scenarios unavailable: {plain(str(error))}")
        return
    if PICKER_ERROR in st.session_state:  # set by load() below on the run before this one
        st.error(plain(st.session_state.pop(PICKER_ERROR)))
    if not names:
        st.caption("No saved scenario yet (Scenarios page).")
        return

    def load() -> None:
        chosen = st.session_state.get("sidebar_scenario")
        if chosen and chosen != NO_SCENARIO:
            try:
                apply_scenario(store.load(chosen).payload, chosen)
            except PricingError as error:  # deleted meanwhile, or the database went away
                st.session_state[PICKER_ERROR] = f"{chosen!r} not loaded: {error}"
                return
            st.query_params["scenario"] = chosen

    st.selectbox(
        "Scenario",
        [NO_SCENARIO, *names],
        key="sidebar_scenario",
        on_change=load,
        help="Load a saved scenario's rules into the Tier designer.",
    )
