"""The articles the market data rests on, cited by their titles.

The data files name a seed article by its file (``seed:002_99b7a93ef70dac2a.txt``), a key a
machine can check; a person reads its title. ``data/seeds.csv`` holds one row per article (file,
title, kind); :func:`readable` turns every file key in a note into the article's title in quotes,
wherever a note is shown (the sources table, the negotiation brief, its PDF and workbook).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pricing.errors import DataFileError
from pricing.inputs.catalog import DATA_DIR, read_table

SEEDS = DATA_DIR / "seeds.csv"
_KEY = re.compile(r"seed:(\d{3}_[0-9a-f]{16}\.txt)")


@cache
def seed_titles(path: Path = SEEDS) -> dict[str, str]:
    """The file name of each seed article mapped to its title."""
    frame, label = read_table(path)
    if list(frame.columns) != ["file", "title", "kind"]:
        raise DataFileError(f"{label}: columns must be file, title, kind")
    return dict(zip(frame["file"], frame["title"], strict=True))


def readable(note: str) -> str:
    """``note`` with each seed file key replaced by the article's title in quotes (a key that
    names no known article is left as it is)."""
    titles = seed_titles()
    return _KEY.sub(lambda m: f"“{titles[m[1]]}”" if m[1] in titles else m[0], note)
