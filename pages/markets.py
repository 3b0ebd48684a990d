"""Markets (finance): the market catalogue, uploads and edits validated cell by cell."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pricing.errors import PricingError
from pricing.inputs.catalog import markets_frame, markets_from_frame, read_table, template_csv
from pricing.inputs.sites import SITE_COLUMNS, sites_from_text
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


TEXT, NUMBER = st.column_config.TextColumn, st.column_config.NumberColumn
MONEY = {"format": "localized"}
SITE_HEADERS = {
    "code": (TEXT, "Site", "ISO country code of the site", "small", {}),
    "agent_cost_usd": (NUMBER, "Agent (USD/yr)", "what one agent costs a year", 114, MONEY),
    "seat_cost_usd": (NUMBER, "Seat (USD/yr)", "what one seat costs a year", 100, MONEY),
    "site_fixed_usd": (NUMBER, "Site (USD/yr)", "site lead and shared space", 100, MONEY),
    "seats": (NUMBER, "Seats", "seats sharing the site's fixed cost", "small", MONEY),
    "languages": (TEXT, "Languages", "ISO 639 codes, ';' between", "small", {}),
    "timezone": (TEXT, "Time zone", "IANA time zone", None, {}),
    "source": (TEXT, "Source", "where the figures come from", "small", {}),
}


def _table_editor(frame: pd.DataFrame, key: str, **columns: object) -> pd.DataFrame:
    """A file's table to edit in place: rows may be added; the headers are the file's own
    column names (as in the template), numbers read with thousands separators; ``columns``
    configures others."""
    return st.data_editor(
        frame,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            **{
                column: st.column_config.NumberColumn(format="localized")
                for column in frame.select_dtypes("number").columns
            },
            **columns,
        },
    )


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
edited = _table_editor(current, "markets_editor")
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

st.subheader("Hub sites")
label, sites = data.sites_in_use()
st.caption(
    f"In use: **{plain(label)}**. Where the desks that serve markets from afar sit: each site's "
    "agent and seat cost and its shared space (USD a year, shared by its seats), the "
    "languages its agents speak and its clock. A market names its site in remote_hub; a "
    "market of the catalogue with no site of its code is its own hub."
)
site_rows = pd.DataFrame(
    [
        {**{f: getattr(site, f) for f in SITE_COLUMNS}, "languages": ";".join(site.languages)}
        for site in sites.values()
    ],
    columns=list(SITE_COLUMNS),
)
# Short headers, each naming its column of the file in its help; a source is a sentence, shown
# in part (its whole text opens with the cell), so that the table fits the page.
edited_sites = _table_editor(
    site_rows,
    "sites_editor",
    **{
        column: kind(label, help=f"{column}: {meaning}", width=width, **extra)
        for column, (kind, label, meaning, width, extra) in SITE_HEADERS.items()
    },
)
left, middle, right = st.columns(3)
if left.button("Apply site edits", type="primary"):
    table = pd.DataFrame(edited_sites).to_csv(index=False)
    try:
        sites_from_text(table, "edited sites")
    except PricingError as error:
        st.error("The site edits were not applied (your changes stay in the table above):")
        bullets(getattr(error, "problems", ()) or (error,))
    else:
        st.session_state[data.SITES] = ("edited sites", table.encode())
        st.rerun()
if data.SITES in st.session_state and middle.button("Back to the shipped sites"):
    st.session_state.pop(data.SITES, None)
    st.rerun()
right.download_button(
    "Download the sites (CSV)",
    safe_frame(site_rows).to_csv(index=False),
    "sites.csv",
    mime="text/csv",
)

st.subheader("Where each figure comes from")
names = dict(zip(current["code"], current["name"], strict=True))
code = st.selectbox(
    "Market", list(names), format_func=lambda c: f"{names[c]} ({c})", key="markets_sources"
)
sources_table(data.catalog()[code], data.sources())
