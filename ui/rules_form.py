"""The Tier designer's rules form: the number of tiers, the margin kept at the floor, the ladder
(its least and most step), the solver, what each tier may and must hold, the share of contract
value its price may be, the tiers every market must offer, and the segment
values. Its widgets keep their keys (``td_*``): a loaded scenario sets them
(:mod:`ui.scenario_picker`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pricing.costing.service import OPTION_SHORT, TIER_OPTIONS
from pricing.errors import PricingError
from pricing.inputs.segments import SegmentRow, segment_rows_from_frame, segments_frame
from pricing.settings import TIER_NAMES, PlanSettings
from ui import data
from ui.scenario_picker import SEGMENT_BASE
from ui.widgets import show_error, stop_page


def rules_form() -> tuple[PlanSettings, tuple[SegmentRow, ...], bool]:
    """The rules as typed, the segment values as edited, and whether "Run the optimiser" was
    pressed. Rules that cannot be used are said in one line and end the page."""
    with st.form("tier_rules"):
        tiers, margin, step, most_step, solver = _numbers()
        floor_policy = st.radio(
            "The floors must cover, with the margin",
            list(FLOOR_WORDS),
            format_func=FLOOR_WORDS.get,
            key="td_floor_policy",
            horizontal=True,
            help="The market's whole cost with every account at its floor; or also each sold "
            "tier its own fully loaded cost, so that no deal at a floor books a loss on "
            "finance's per-account cost (exact for markets on desks of their own; refused with "
            "the reason where a shared desk's part stops it).",
        )
        allowed, required, must_offer, shares = _per_tier(tiers)
        with st.expander("Segment values (USD per account per year at US price level)"):
            st.caption("Scaled per market by its price level and expectations; see data/README.md.")
            # A loaded scenario's values, in a table of their own (its edits start afresh).
            base = st.session_state.get(SEGMENT_BASE) or data.default_segments()
            edited = st.data_editor(
                segments_frame(base),
                key=f"td_segments_{abs(hash(base)) % 10**8}",
                hide_index=True,
                width="stretch",
            )
        submitted = st.form_submit_button("Run the optimiser", type="primary")
    try:
        rows = segment_rows_from_frame(pd.DataFrame(edited))
        settings = PlanSettings(
            tiers=tiers,
            min_margin=margin / 100,
            price_step=step / 100,
            max_price_step=most_step / 100,
            min_share={t: low / 100 for t, (low, _) in shares.items() if low is not None},
            max_share={t: high / 100 for t, (_, high) in shares.items() if high is not None},
            solver=solver,
            allowed={name: frozenset(options) for name, options in allowed.items()},
            required={name: frozenset(options) for name, options in required.items() if options}
            or None,
            must_offer=frozenset(must_offer),
            floor_policy=floor_policy,
            # Delivery models fixed on the Cost to serve page (or by a scenario) stay fixed.
            delivery=data.plan_settings().delivery,
        )
    except PricingError as error:
        show_error(f"These rules cannot be used: {error}")
        stop_page()
    return settings, rows, submitted


FLOOR_WORDS = {
    "market": "the market's whole cost",
    "tier": "also each tier's fully loaded cost",
}


def _numbers() -> tuple[int, float, float, float, str]:
    """Tiers, minimum margin (%), least and most step (%) and solver, side by side."""
    left, middle, right, most, last = st.columns(5)
    tiers = left.slider("Tiers", 1, 5, key="td_tiers")
    # Defaults for these keys are set once in ui/state.py (a loaded scenario may change them).
    margin = _percent(middle, "Minimum margin at the floor (%)", 1.0, "td_margin")
    step = _percent(
        right,
        "Least step between tiers (%)",
        5.0,
        "td_step",
        "Each tier at least this much above the one below it; 0 for no ladder.",
    )
    most_step = most.number_input(
        "Most step between tiers (%)",
        min_value=0.0,
        max_value=2000.0,
        step=10.0,
        key="td_step_max",
        help="Each sold tier at most this much above the sold one below it; 0 for no bound.",
    )
    solver = last.selectbox(
        "Solver",
        ["highs", "cbc"],
        key="td_solver",
        help="HiGHS (the default, faster on the portfolio's shared desks) or CBC (bundled "
        "with PuLP); both give the same optima.",
    )
    return tiers, margin, step, most_step, solver


def _percent(column, label: str, step: float, key: str, help: str | None = None) -> float:
    """A percentage from 0 to 200 (the key's default is set once in ui/state.py)."""
    return column.number_input(label, min_value=0.0, max_value=200.0, step=step, key=key, help=help)


def _given(key: str, default: list[str]) -> list[str] | None:
    """A widget's default, unless a loaded scenario has set the widget already."""
    return None if key in st.session_state else default


Shares = dict[str, tuple[float | None, float | None]]


def _per_tier(
    tiers: int,
) -> tuple[dict[str, list[str]], dict[str, list[str]], list[str], Shares]:
    """What each tier may hold and must hold, the least and most share of its buyers' contract
    value its price may be (%, blank for none), and the tiers every market must offer."""
    st.markdown(
        "**Options each tier may hold, and must hold; its price as a share of its buyers' "
        "contract value**"
    )
    allowed, required, shares = {}, {}, {}
    for name in TIER_NAMES[tiers]:
        # Wide enough that no chip is cut short.
        may, must, least, most = st.columns([3, 2, 1, 1])
        key = f"td_allowed_{tiers}_{name}"
        allowed[name] = may.multiselect(
            f"{name} may hold",
            TIER_OPTIONS,
            default=_given(key, list(TIER_OPTIONS)),
            format_func=OPTION_SHORT.get,
            key=key,
        )
        key = f"td_required_{tiers}_{name}"
        required[name] = must.multiselect(
            f"{name} must hold",
            TIER_OPTIONS,
            default=_given(key, []),
            format_func=OPTION_SHORT.get,
            key=key,
        )
        shares[name] = tuple(
            column.number_input(
                f"{name}: {word} % of contract",
                min_value=0.0,
                max_value=500.0,
                step=1.0,
                value=None,
                key=f"td_share_{end}_{tiers}_{name}",
                help=f"The {word} {name}'s price may be, as a share of what each of its buyers "
                "pays a year for the product; blank for no rule. The optimiser designs the tiers: "
                "a cap on one tier may move its options to another, so cap every tier to cap "
                "support as a whole.",
            )
            for column, word, end in ((least, "least", "min"), (most, "most", "max"))
        )
    key = f"td_must_offer_{tiers}"
    must_offer = st.multiselect(
        "Tiers every market must offer",
        TIER_NAMES[tiers],
        default=_given(key, []),
        key=key,
        help="A market where such a tier cannot pay its way is refused, naming the rule.",
    )
    return allowed, required, must_offer, shares
