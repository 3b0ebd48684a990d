"""The command line's argument checks: every argument is refused where it enters, in one line.

Numbers are held to the bounds of :mod:`pricing.inputs.limits` (the same messages as a file's cell);
an output folder must not be a file. A message names a file by its name, never by its folder.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from pricing.inputs.limits import check

# A POSIX path's folders ("/srv/app/data/"), removed so that only the file's name is shown.
_FOLDERS = re.compile(r"(?<![\w.])/(?:[^\s'\"/:]+/)+")


# A terminal line and a bit: longer refusals are cut, never wrapped over a screen.
MAX_LINE_CHARS = 300


class UsageError(Exception):
    """Raised instead of argparse's own exit so that every error prints as one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


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
