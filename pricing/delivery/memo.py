"""Communities already solved in this process, by what decides their answer.

A community's answer depends only on the request's markets, rules, segment values and cost
parameters, the delivery models fixed and what the solve is asked (a market made to sell,
others held); every page, fix search and test that plans the same portfolio again, or another
market of it, reuses the solve instead of repeating it. The most recent answers are kept (each
holds its solved model).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

KEPT = 96


class Memo:
    """The ``size`` answers used last, by key; safe to share between threads."""

    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self._found: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            if key not in self._found:
                return None
            self._found.move_to_end(key)
            return self._found[key]

    def clear(self) -> None:
        """Forget every answer (a benchmark measures solves, not the memo)."""
        with self._lock:
            self._found.clear()

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._found[key] = value
            self._found.move_to_end(key)
            while len(self._found) > self.size:
                self._found.popitem(last=False)


SOLVED = Memo()


def fingerprint(*parts: object) -> str:
    """A digest of everything ``parts`` say (their full representation)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()
