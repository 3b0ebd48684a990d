"""The server's warm-up: it fills the caches the first session reads, and never stops the
server when it fails."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import sys
import threading

import pytest

from pricing.models import CostParameters
from ui import data, warmup


def test_warm_up_leaves_the_overview_costing_in_the_cache_sessions_read(monkeypatch) -> None:
    data.summary_of.clear()
    warmup.warm()

    def not_again(*_args, **_kwargs):
        raise AssertionError("the session costed the markets again")

    monkeypatch.setattr(data, "portfolio_summary", not_again)
    summary = data.summary_of(data.shipped_key(), CostParameters(), None)
    assert len(summary) == len(data._markets(data.shipped_key(), None))
    assert (summary["baseline_annual_usd"] > 0).all()


def test_the_shipped_key_is_the_key_a_session_uses_for_the_shipped_file() -> None:
    """Same key, same cache entry: otherwise the warm-up would cost markets nobody reads."""
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        import streamlit as st

        from ui import data

        st.session_state["key"] = data.data_key()

    session = AppTest.from_function(page).run()
    assert session.session_state["key"] == data.shipped_key()


def served_elsewhere(serve) -> str:
    """Run a coroutine on its own thread's event loop: the browser tests' Playwright keeps a loop
    running on this thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, serve()).result(timeout=60)


def test_a_failed_warm_up_is_logged_and_the_server_goes_on(monkeypatch, caplog) -> None:
    def broken() -> None:
        raise OSError("market file unreadable")

    monkeypatch.setattr(warmup, "warm", broken)

    async def serve() -> str:
        async with warmup.lifespan(None):
            return "served"  # the server runs while the warm-up fails in its thread

    before = sys.getswitchinterval()
    with caplog.at_level(logging.WARNING, logger=warmup.__name__):
        assert served_elsewhere(serve) == "served"
        for thread in threading.enumerate():
            if thread.name == warmup.THREAD:
                thread.join(timeout=10)
    [record] = [r for r in caplog.records if r.name == warmup.__name__]
    assert "Warm-up stopped early" in record.getMessage()
    assert "market file unreadable" in str(record.exc_info[1])
    assert sys.getswitchinterval() == before  # the quick switching ends with the warm-up


@pytest.mark.parametrize("thread", [warmup.THREAD, "ScriptRunner.scriptThread"])
def test_only_the_warm_up_s_no_session_warnings_are_muted(thread: str) -> None:
    record = logging.LogRecord("x", logging.WARNING, "f", 1, "missing ScriptRunContext", (), None)
    record.threadName = thread
    assert warmup._NotFromWarmUp().filter(record) is (thread != warmup.THREAD)


def test_after_the_warm_up_no_element_reads_the_call_stack(monkeypatch) -> None:
    """Streamlit's first element in a process reads the whole call stack's source to tell a REPL
    from `streamlit run`; the warm-up has that done before the first session's title. If a
    Streamlit upgrade moves the check, this fails and the warm-up needs another look."""
    import inspect

    import streamlit as st
    from streamlit import delta_generator

    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    warmup.warm()

    def read_stack(*_args, **_kwargs):
        raise AssertionError("an element read the call stack after the warm-up")

    monkeypatch.setattr(inspect, "stack", read_stack)
    st.empty()  # a session's first element


def test_without_the_warm_up_the_first_element_reads_the_call_stack(monkeypatch) -> None:
    """The check above can fail: without the warm-up the first element reads the stack."""
    import inspect

    import streamlit as st
    from streamlit import delta_generator

    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    read = []
    monkeypatch.setattr(inspect, "stack", lambda *a, **k: read.append(1) or [("", "<x>")])
    st.empty()
    assert read
