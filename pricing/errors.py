"""The exceptions of the pricing core.

Every error a user can cause carries enough to fix it: which field, which row, which value.
Pages show them with ``st.error``; the CLI prints ``str(error)`` on one line and exits 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class PricingError(Exception):
    """Base class for every error the pricing core raises on purpose."""


class InputError(PricingError, ValueError):
    """Bad input: a value, a row or a whole file that cannot be used.

    ``field``, ``row`` and ``value`` are kept as attributes so a UI can point at the cell.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
        value: object = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.row = row
        self.value = value


class DataFileError(InputError):
    """A data file (CSV or XLSX) that is missing, empty, too large or not a table.

    ``problems`` holds one line per bad cell when a file has several (all are reported at once,
    so a user fixes a file in one pass instead of one error per upload).
    """

    def __init__(self, message: str, problems: tuple[str, ...] = (), **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.problems = problems


class InfeasibleError(PricingError):
    """The constraints of a problem cannot all hold; the message names the one that breaks."""


class SolverError(PricingError):
    """The solver ended without a usable answer (error, or time limit with no solution)."""


class StoreError(PricingError):
    """The scenario database cannot be used as it is: a bad URL, a driver that is not installed,
    a server that cannot be reached, a corrupt, locked or read-only database. The message says
    which, in one line, with the password masked and no folder of the server."""


class LiveSourceError(PricingError):
    """The live exchange-rate source gave no usable answer; the offline rates stay in use."""


def validation_problem(error: Mapping[str, Any]) -> tuple[tuple[str | int, ...], str, bool]:
    """Where one of pydantic's error records points, what it says, and whether the message
    already quotes the value (the project's own checks do; pydantic's built-in ones do not).

    A cross-field check raises :class:`InputError` naming the field it blames: pydantic gives
    such an error no location and the whole row as its input, so the field is taken from the
    error itself and the row is never quoted.
    """
    location = tuple(error.get("loc", ()))
    cause = (error.get("ctx") or {}).get("error")
    if not location and isinstance(cause, InputError) and cause.field:
        location = (cause.field,)
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return location, message, error.get("type") == "value_error"
