"""What a plan is made from, as one value.

A :class:`PlanRequest` holds the market catalogue (with the file it came from and its checksum),
the rules finance sets, the segment values, the rate book and the cost parameters.
:func:`pricing.plan.make_plan` turns it into a :class:`pricing.plan.Plan`, which keeps its
request: the command line, the pages, the exports, the offer, the saved scenarios and the
sensitivity analysis pass one of the two, never their parts.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pricing.inputs.catalog import DEFAULT_MARKETS, chosen_codes, load_markets
from pricing.inputs.segments import SegmentRow, load_segments
from pricing.models import CostParameters, Market
from pricing.money.fx import DEFAULT_BOOK, RateBook
from pricing.settings import PlanSettings


@dataclass(frozen=True, eq=False)
class Catalogue:
    """The markets a plan covers, with the file they were read from: its name (``label``) and
    bytes (``content``, whose SHA-256 the plan's workbook records)."""

    markets: tuple[Market, ...]
    label: str
    content: bytes = field(repr=False)
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.content).hexdigest())

    def _key(self) -> tuple:
        return (self.label, self.sha256, self.markets)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Catalogue) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.label, self.sha256, len(self.markets)))

    @classmethod
    def read(cls, source: Path | str = DEFAULT_MARKETS) -> Catalogue:
        """The catalogue of a market file (CSV or XLSX), the shipped one by default."""
        path = Path(source)
        return cls(load_markets(path), path.name, path.read_bytes())

    @classmethod
    def from_bytes(cls, content: bytes, label: str) -> Catalogue:
        """The catalogue of an uploaded or edited file named ``label``."""
        return cls(load_markets(content, name=label), label, content)

    def with_markets(self, markets: tuple[Market, ...]) -> Catalogue:
        """The same file's catalogue with ``markets`` changed (a sensitivity case, a test)."""
        return Catalogue(tuple(markets), self.label, self.content)

    @property
    def by_code(self) -> dict[str, Market]:
        return {market.code: market for market in self.markets}


@dataclass(frozen=True)
class PlanRequest:
    """Everything a plan is made from. ``only`` names the markets to plan (all when None); the
    codes are checked against the catalogue (any case, each once)."""

    catalogue: Catalogue = field(default_factory=Catalogue.read)
    settings: PlanSettings = field(default_factory=PlanSettings)
    segment_rows: tuple[SegmentRow, ...] = field(default_factory=load_segments)
    rates: RateBook = DEFAULT_BOOK
    params: CostParameters | None = None
    only: tuple[str, ...] | None = None
    # Whether each market's rules and alternatives are solved too (the reasons people read);
    # a sensitivity analysis needs only the plans, at a fifth of the solves.
    reasons: bool = True

    def __post_init__(self) -> None:
        if self.only is not None:
            codes = chosen_codes(self.catalogue.by_code, self.only)
            object.__setattr__(self, "only", tuple(codes))

    @property
    def codes(self) -> tuple[str, ...]:
        """The markets planned, in order."""
        return self.only if self.only is not None else tuple(self.catalogue.by_code)

    def replace(self, **changes: object) -> PlanRequest:
        return dataclasses.replace(self, **changes)

    def as_scenario(self) -> dict:
        """The rules and budget rates as a scenario file: ``plan --scenario`` plans the same."""
        budget = {code: rate.per_usd for code, rate in self.rates.overrides.items()}
        return {**self.settings.as_scenario(), "budget_rates": budget}
