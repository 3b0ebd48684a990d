"""Hub sites: where the desks that serve markets from afar sit (``data/sites.csv``).

A site is a place agents work, not a market: its wage and seat cost, its site lead and shared
space (``site_fixed_usd``, shared by ``seats``), the languages its agents speak and its clock. A
market names the site of its regional hub in ``remote_hub``; a markets file needs no row for it.
A market of the file may still be a hub where no site has its code (a market that is its own
hub, say), with its own wage, clock and languages and English.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import ConfigDict, Field, ValidationError, field_validator
from pydantic.dataclasses import dataclass

from pricing.errors import DataFileError
from pricing.inputs.limits import bounded, shown_value
from pricing.inputs.table_files import Source, cell_problems, read_table
from pricing.models import (
    KnownCountryCode,
    ListCell,
    TextCell,
    iana_time_zones,
    known_language,
)

DEFAULT_SITES = Path(__file__).resolve().parents[2] / "data" / "sites.csv"
# The columns of a sites table, in the order data/sites.csv has them.
SITE_COLUMNS = (
    "code",
    "agent_cost_usd",
    "seat_cost_usd",
    "site_fixed_usd",
    "seats",
    "languages",
    "timezone",
    "source",
)
_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


@dataclass(frozen=True, config=_STRICT)
class HubSite:
    """One hub site: money in USD a year; ``seats`` share ``site_fixed_usd``."""

    code: KnownCountryCode
    agent_cost_usd: Annotated[float, bounded("agent_cost_usd")]
    seat_cost_usd: Annotated[float, bounded("seat_cost_usd")]
    site_fixed_usd: Annotated[float, bounded("office_fixed_usd")]
    seats: Annotated[float, Field(gt=0.0, le=10_000.0)]
    languages: ListCell
    timezone: str
    source: TextCell = ""

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("name the languages the site's agents speak (ISO 639, e.g. en;es)")
        for lang in value:
            if not known_language(lang.lower()):
                raise ValueError(f"{shown_value(lang)} is not an ISO 639 language code")
        return tuple(lang.lower() for lang in value)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in iana_time_zones():
            raise ValueError(f"{shown_value(value)} is not an IANA time zone (e.g. Europe/Warsaw)")
        return value

    @property
    def overhead_per_seat_usd(self) -> float:
        return self.site_fixed_usd / self.seats


def load_sites(source: Source, name: str | None = None) -> Mapping[str, HubSite]:
    """Read and validate a sites file (CSV or XLSX, the columns of ``data/sites.csv``);
    ``name`` names uploaded bytes."""
    frame, label = read_table(source, name=name)
    return sites_from_records(frame.to_dict(orient="records"), label)


def sites_from_text(text: str, label: str) -> Mapping[str, HubSite]:
    """Validate a sites table (CSV text); every problem names its row, column and value."""
    return sites_from_records(csv.DictReader(io.StringIO(text)), label)


def sites_from_records(records: Iterable[Mapping], label: str) -> Mapping[str, HubSite]:
    """Validate a sites table's rows (column -> cell text); every problem names its row,
    column and value. A table without a site is refused: the shipped sites would be used."""
    problems: list[str] = []
    sites: dict[str, HubSite] = {}
    for row, record in enumerate(records, start=2):
        cells = {str(k).strip(): str(v or "").strip() for k, v in record.items() if k}
        try:
            site = HubSite(**cells)
        except ValidationError as exc:
            problems += cell_problems(exc.errors(), cells, label, row)
            continue
        if site.code in sites:
            problems.append(f"{label} row {row}, column 'code': site {site.code} twice")
            continue
        sites[site.code] = site
    if problems:
        raise DataFileError(problems[0], problems=tuple(problems), field="sites")
    if not sites:
        raise DataFileError(f"{label}: no site rows (one row per hub site)", field="sites")
    return sites


@cache
def shipped_sites(path: Path = DEFAULT_SITES) -> Mapping[str, HubSite]:
    """The shipped hub sites, by code."""
    return sites_from_text(path.read_text(encoding="utf-8"), path.name)
