"""Saves scenarios from a process of its own, as a second app server would (see test_store)."""

from __future__ import annotations


def save_many(url: str, worker: int, count: int, start, errors) -> None:
    """Wait for every worker (``start``, a barrier), then save ``count`` versions of 'shared';
    a failure goes to the ``errors`` queue as text."""
    from pricing.scenarios.store import ScenarioStore

    store = ScenarioStore(url)
    start.wait(timeout=60)
    try:
        for n in range(count):
            store.save("shared", {"worker": worker, "n": n})
    except Exception as exc:  # reported to the test, which asserts there are none
        errors.put(f"worker {worker}: {exc!r}")
