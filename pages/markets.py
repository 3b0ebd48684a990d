"""Markets (finance): the market catalogue, uploads and edits validated cell by cell."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pricing.errors import PricingError
from pricing.inputs.catalog import markets_frame, markets_from_frame, read_table, template_csv
from pricing.outputs.spreadsheet import safe_frame
from ui import data
from ui.router import through_router
from ui.widgets import bullets, plain, show_error, sources_table, stop_page

through_router()
st.title("Markets")
in_use = st.empty()  # written below, once this run's upload has been taken in


def _use(name: str, frame: pd.DataFrame) -> None:
    """Validate a whole table; only a clean one replaces the catalogue in use."""
    markets_from_frame(frame, name)
    st.session_state["markets_upload"] = (name, frame.to_csv(index=False).encode())


upload = st.file_uploader(
    "Upload a market file (CSV or XLSX, columns as in the template)",
    type=["csv", "xlsx"],
    key="markets_file",
)
if upload is not None and st.session_state.get("markets_file_done") != upload.file_id:
    try:
        frame, name = read_table(upload.getvalue(), name=upload.name)
        _use(name, frame)
        st.session_state["markets_file_done"] = upload.file_id
        st.success(plain(f"{name}: {len(frame)} markets loaded."))
    except PricingError as error:
        show_error(f"{upload.name} was not loaded; the catalogue in use is unchanged.")
        bullets(getattr(error, "problems", ()) or (error,))

in_use.caption(
    f"In use: **{plain(data.active_file()[0])}**. Every page and export uses this catalogue."
)
left, right = st.columns(2)
left.download_button(
    "Download template (CSV)", template_csv(), "markets_template.csv", mime="text/csv"
)
if data.active_file()[1] is not None and right.button("Back to the shipped markets"):
    st.session_state.pop("markets_upload", None)
    st.rerun()

try:
    current = markets_frame(data.markets())
except PricingError as error:
    show_error(error)
    stop_page()

st.subheader("Edit the catalogue")
st.caption(
    "Edit cells or add rows, then apply. Blank name, currency, languages or time zone "
    "are filled from babel, pycountry and the tz database."
)
edited = st.data_editor(
    current,
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    key="markets_editor",
    # Headers are the file's own column names (as in the template); numbers read with
    # thousands separators.
    column_config={
        column: st.column_config.NumberColumn(format="localized")
        for column in current.select_dtypes("number").columns
    },
)
left, right = st.columns(2)
if left.button("Apply edits", type="primary"):
    try:
        _use("edited catalogue", pd.DataFrame(edited))
        st.success("Edits applied.")
        st.rerun()
    except PricingError as error:
        st.error("The edits were not applied (your changes stay in the table above):")
        bullets(getattr(error, "problems", ()) or (error,))
right.download_button(
    "Download the catalogue (CSV)",
    safe_frame(current).to_csv(index=False),
    "markets.csv",
    mime="text/csv",
)

st.subheader("Where each figure comes from")
names = dict(zip(current["code"], current["name"], strict=True))
code = st.selectbox(
    "Market", list(names), format_func=lambda c: f"{names[c]} ({c})", key="markets_sources"
)
sources_table(data.catalog()[code], data.sources())
