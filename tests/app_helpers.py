"""Pages under Streamlit's AppTest, opened as a user opens them."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.router import ROUTED

ROOT = Path(__file__).resolve().parents[1]


def page(name: str, state: dict | None = None, **query: str) -> AppTest:
    """Open a page through the router (app.py), as a user does."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in (state or {}).items():
        app.session_state[key] = value
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(f"pages/{name}.py")
    return app.run()


def table_with(app: AppTest, column: str):
    """The first table on the page that has ``column``."""
    for frame in app.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")


def button(app: AppTest, label: str):
    """The page's button with this label (the shared sidebar has buttons too)."""
    [found] = [b for b in app.main.button if b.label == label]
    return found


def no_trouble(app: AppTest) -> None:
    """No exception and no error on the page or in the sidebar."""
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]


def open_page(app: AppTest, page: str) -> AppTest:
    """Run ``page`` with the shared sidebar. After its first run AppTest runs the page alone,
    without app.py; a page opened as a link in a new session goes through the router instead
    (ui.router.through_router), which draws the sidebar too: that is the way taken here."""
    app.switch_page(f"pages/{page}.py")
    app.session_state[ROUTED] = False
    return app.run()


def few(*codes: str) -> dict:
    """Session state that plans only these markets of the shipped file (as an uploaded
    catalogue would): for tests of the pages' workings that need no whole portfolio."""
    from pricing.inputs.catalog import DEFAULT_MARKETS

    lines = DEFAULT_MARKETS.read_text().splitlines()
    kept = [line for line in lines[1:] if line.split(",", 1)[0] in codes]
    assert len(kept) == len(codes), codes
    content = ("\n".join([lines[0], *kept]) + "\n").encode()
    return {"markets_upload": (f"{'-'.join(codes)}.csv", content)}
