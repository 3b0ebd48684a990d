"""The command line's parser and argument checks: every argument is refused where it enters, in
one line.

Numbers are held to the bounds of :mod:`pricing.inputs.limits` (the same messages as a file's cell);
an output folder must not be a file. A message names a file by its name, never by its folder. A
command's arguments are added when that command is chosen (:class:`Parser`), so that starting
one command loads nothing another needs.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from pricing.inputs.limits import check

# A POSIX path's folders ("/srv/app/data/"), removed so that only the file's name is shown.
_FOLDERS = re.compile(r"(?<![\w.])/(?:[^\s'\"/:]+/)+")


# A terminal line and a bit: longer refusals are cut, never wrapped over a screen.
MAX_LINE_CHARS = 300


class UsageError(Exception):
    """Raised instead of argparse's own exit so that every error prints as one line."""


@dataclass(frozen=True)
class Command:
    """A command of ``python -m pricing``: its name and help as ``--help`` lists them, the function
    adding its arguments, ``run`` (arguments to the payload printed as JSON) and ``table`` (the
    payload shown to a terminal)."""

    name: str
    help: str
    description: str
    arguments: Callable[[Parser], None]
    run: Callable[[argparse.Namespace], dict]
    table: Callable[[dict], str]


class Parser(argparse.ArgumentParser):
    """argparse raising :class:`UsageError` instead of exiting; a command's parser adds the
    command's arguments (and ``--json``) only when it is parsed or its help shown, as their
    defaults (the shipped files, the live-rate deadline) live in modules that load pandas."""

    def __init__(self, *args: Any, command: Command | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._command = command

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")

    def parse_known_args(
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._add_arguments()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._add_arguments()
        return super().format_help()

    def _add_arguments(self) -> None:
        if self._command is not None:
            command, self._command = self._command, None
            command.arguments(self)
            self.add_argument("--json", action="store_true", help="print JSON")
            self.set_defaults(run=command.run, table=command.table)


def number(text: str) -> float:
    """A finite number (argparse's float accepts 'nan' and 'inf')."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def bounded(field: str) -> Callable[[str], float | int]:
    """An argument type holding a number to the bound of ``field`` (pricing.inputs.limits)."""

    def parse(text: str) -> float | int:
        try:
            return check(field, text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = field  # argparse names the type in some of its messages
    return parse


def folder(text: str) -> Path:
    """An output folder: made if missing, refused when a file of that name is in the way."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{path.name!r} is a file, not a folder")
    return path


def one_line(message: str) -> str:
    """A message on one line, folders of any path removed (only file names are shown), cut to
    :data:`MAX_LINE_CHARS` characters: the first problem is what a reader acts on."""
    line = _FOLDERS.sub("", " ".join(message.split()))
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "…"
