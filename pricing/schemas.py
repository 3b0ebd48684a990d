"""The JSON inputs of the command line: a tier problem and a scenario, validated where they enter.

Errors name the field by its path in the file (``segments[1].size``) and the offending value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pricing.costing.service import TIER_OPTIONS
from pricing.errors import InputError
from pricing.fx import DEFAULT_BOOK, RateBook, parse_budget_rates
from pricing.plan import TIER_NAMES, PlanSettings
from pricing.tiers.problem import Terms

MAX_JSON_BYTES = 1024 * 1024

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)
Name = Annotated[str, Field(min_length=1, max_length=60)]
Money = Annotated[float, Field(ge=0.0)]


def load_json(path: str | Path) -> object:
    """A JSON file's content; missing, oversized or malformed files raise InputError."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such file", value=str(file))
    if file.stat().st_size > MAX_JSON_BYTES:
        raise InputError(f"{file.name}: over the {MAX_JSON_BYTES:,}-byte limit")
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{file.name}: not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{file.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc


def _path(location: tuple) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def _validated(model: type[BaseModel], data: object, what: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:10]:
            field = _path(err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            value = err.get("input")
            shown = "" if isinstance(value, dict | list) else f" (value: {value!r})"
            problems.append(f"{field}: {message}{shown}")
        first = exc.errors()[0]
        raise InputError(
            f"{what}: {'; '.join(problems)}", field=_path(first["loc"]), value=first.get("input")
        ) from None


class TierIn(BaseModel):
    model_config = _STRICT
    name: Name
    unit_cost: Money
    fixed_cost: Money = 0.0


class SegmentIn(BaseModel):
    model_config = _STRICT
    name: Name
    size: Money
    reservation_prices: dict[str, Money]


class TierProblemIn(BaseModel):
    """The generic engine's problem (docs/cli.md, "tiers")."""

    model_config = _STRICT
    tiers: Annotated[list[TierIn], Field(min_length=1, max_length=10)]
    segments: Annotated[list[SegmentIn], Field(min_length=1, max_length=50)]
    min_margin: Annotated[float, Field(ge=-0.99, le=100.0)] = 0.0
    expected_discount: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    max_discount: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    price_step: Annotated[float, Field(ge=0.0, le=100.0)] = 0.0
    must_offer: list[Name] = []

    @model_validator(mode="after")
    def _consistent(self) -> TierProblemIn:
        names = [t.name for t in self.tiers]
        if len(set(names)) != len(names):
            raise ValueError(f"tier names repeat: {names}")
        segment_names = [s.name for s in self.segments]
        if len(set(segment_names)) != len(segment_names):
            raise ValueError(f"segment names repeat: {segment_names}")
        for segment in self.segments:
            unknown = sorted(set(segment.reservation_prices) - set(names))
            if unknown:
                raise ValueError(
                    f"segment {segment.name!r} prices unknown tier(s) {unknown}; tiers: {names}"
                )
        unknown = sorted(set(self.must_offer) - set(names))
        if unknown:
            raise ValueError(f"must_offer names unknown tier(s) {unknown}")
        Terms(self.min_margin, self.expected_discount, self.max_discount, self.price_step)
        return self


class ScenarioIn(BaseModel):
    """A plan scenario: the choices finance makes before the optimiser runs."""

    model_config = _STRICT
    tiers: Annotated[int, Field(ge=1, le=5)] = 3
    min_margin: Annotated[float, Field(ge=-0.99, le=100.0)] = 0.15
    price_step: Annotated[float, Field(ge=0.0, le=100.0)] = 0.0
    solver: Literal["cbc", "highs"] = "cbc"
    time_limit_seconds: Annotated[float, Field(gt=0.0, le=3_600.0)] = 20.0
    allowed: dict[str, list[str]] | None = None
    required: dict[str, list[str]] | None = None
    budget_rates: dict[str, Annotated[float, Field(gt=0.0)]] = {}

    @field_validator("budget_rates")
    @classmethod
    def _known_currencies(cls, value: dict[str, float]) -> dict[str, float]:
        return parse_budget_rates([{"currency": c, "per_usd": r} for c, r in value.items()])

    @field_validator("allowed", "required")
    @classmethod
    def _known_options(cls, value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        for tier, options in (value or {}).items():
            unknown = sorted(set(options) - set(TIER_OPTIONS))
            if unknown:
                raise ValueError(
                    f"tier {tier!r}: unknown option(s) {unknown}; options: {list(TIER_OPTIONS)}"
                )
        return value

    @model_validator(mode="after")
    def _known_tiers(self) -> ScenarioIn:
        names = TIER_NAMES[self.tiers]
        for mapping in (self.allowed, self.required):
            unknown = sorted(set(mapping or {}) - set(names))
            if unknown:
                raise ValueError(
                    f"unknown tier(s) {unknown}; with {self.tiers} tiers: {list(names)}"
                )
        return self

    def settings(self, **overrides: object) -> PlanSettings:
        merged = self.model_copy(update=overrides) if overrides else self
        if overrides:
            merged = _validated(ScenarioIn, merged.model_dump(), "scenario")  # re-check
        return PlanSettings(
            tiers=merged.tiers,
            min_margin=merged.min_margin,
            price_step=merged.price_step,
            solver=merged.solver,
            time_limit_seconds=merged.time_limit_seconds,
            allowed=_frozen(merged.allowed),
            required=_frozen(merged.required),
            rates=_book(merged.budget_rates),
        )


def _book(budget_rates: dict[str, float]) -> RateBook:
    book = DEFAULT_BOOK
    for currency, per_usd in budget_rates.items():
        book = book.with_override(currency, per_usd, "scenario file")
    return book


def _frozen(mapping: dict[str, list[str]] | None) -> dict[str, frozenset[str]] | None:
    return None if mapping is None else {k: frozenset(v) for k, v in mapping.items()}


def parse_tier_problem(data: object) -> TierProblemIn:
    return _validated(TierProblemIn, data, "tier problem")  # type: ignore[return-value]


def parse_scenario(data: object) -> ScenarioIn:
    return _validated(ScenarioIn, data, "scenario")  # type: ignore[return-value]
