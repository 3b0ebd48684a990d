"""The JSON inputs of the command line: a tier problem and a scenario, validated where they enter.

Errors name the field by its path in the file (``segments[1].size``) and the offending value.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pricing.costing.service import TIER_OPTIONS
from pricing.errors import InputError, validation_problem
from pricing.inputs.limits import MAX_JSON_BYTES, MAX_JSON_DEPTH, bounded, check_text, shown_value
from pricing.inputs.table_files import read_bytes
from pricing.money.fx import DEFAULT_BOOK, RateBook, budget_rate, currency_code
from pricing.settings import TIER_NAMES, PlanSettings
from pricing.tiers.problem import Terms

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)
MAX_TIER_NAME_CHARS = 60
Name = Annotated[str, BeforeValidator(lambda value: check_text(value, "name", MAX_TIER_NAME_CHARS))]
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')


class _Refused(ValueError):
    """A JSON text that parses but is not data: a repeated key, NaN or Infinity."""


def _pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """An object, refusing a key given twice (the reader would silently keep the last)."""
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found:
            raise _Refused(f"key {shown_value(key)} appears twice in one object")
        found[key] = value
    return found


def _constant(name: str) -> object:
    """JSON has no NaN or Infinity; Python's reader accepts them, so they are refused here."""
    raise _Refused(f"{name} is not a number JSON allows")


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings ignored)."""
    depth = deepest = 0
    for bracket in re.findall(r"[\[\]{}]", _STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def load_json(path: str | Path) -> object:
    """A JSON file's content; missing, oversized, too deeply nested or malformed files raise
    InputError naming the file (its name only)."""
    data, label = read_bytes(path, MAX_JSON_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{label}: not UTF-8 text") from None
    # Checked before parsing: the parser recurses once per level and would overflow the stack.
    if nesting_depth(text) > MAX_JSON_DEPTH:
        raise InputError(
            f"{label}: nested over {MAX_JSON_DEPTH} levels deep (a valid file nests 4 at most)"
        )
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{label}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except _Refused as exc:
        raise InputError(f"{label}: {exc}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of thousands of digits
        raise InputError(f"{label}: not usable JSON ({' '.join(str(exc).split())})") from None


def _path(location: tuple) -> str:
    text = ""
    for part in location:
        name = shown_value(part) if isinstance(part, str) and not part.isidentifier() else part
        text += f"[{part}]" if isinstance(part, int) else (f".{name}" if text else str(name))
    return text


JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "true or false"}


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    return next((n for t, n in JSON_TYPES.items() if isinstance(value, t)), "a number")


def _validated(model: type[BaseModel], data: object, what: str) -> BaseModel:
    if not isinstance(data, dict):
        raise InputError(f"{what}: must be a JSON object, not {_json_type(data)}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:10]:
            location, message, quoted = validation_problem(err)
            value = err.get("input")
            if err["type"] in ("model_type", "dataclass_type", "dict_type"):
                message = f"must be a JSON object, not {_json_type(value)}"
                quoted = True
            shown = "" if quoted or isinstance(value, dict | list) else shown_value(value)
            field = _path(location)
            problems.append(
                f"{field + ': ' if field else ''}{message}{f' (value: {shown})' if shown else ''}"
            )
        first = exc.errors()[0]
        raise InputError(
            f"{what}: {'; '.join(problems)}", field=_path(first["loc"]), value=first.get("input")
        ) from None


class TierIn(BaseModel):
    model_config = _STRICT
    name: Name
    unit_cost: Annotated[float, bounded("unit_cost")]
    fixed_cost: Annotated[float, bounded("fixed_cost")] = 0.0


class SegmentIn(BaseModel):
    model_config = _STRICT
    name: Name
    size: Annotated[float, bounded("size")]
    reservation_prices: dict[str, Annotated[float, bounded("reservation_price")]]


class TierProblemIn(BaseModel):
    """The generic engine's problem (docs/cli.md, "tiers")."""

    model_config = _STRICT
    tiers: Annotated[list[TierIn], Field(min_length=1, max_length=10)]
    segments: Annotated[list[SegmentIn], Field(min_length=1, max_length=50)]
    min_margin: Annotated[float, bounded("min_margin")] = 0.0
    expected_discount: Annotated[float, bounded("expected_discount")] = 0.0
    max_discount: Annotated[float, bounded("max_discount")] = 0.0
    price_step: Annotated[float, bounded("price_step")] = 0.0
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


_CODE = re.compile(r"^[A-Z]{2}$")


class MarketChange(BaseModel):
    """What a scenario changes in one market of the file (a fix: its accounts, its price level)."""

    model_config = _STRICT
    accounts: Annotated[float, bounded("accounts")] | None = None
    price_level: Annotated[float, bounded("price_level")] | None = None


class ShareBounds(BaseModel):
    """The least and most share of its buyers' contract value a tier's price may be."""

    model_config = _STRICT
    min: Annotated[float, bounded("contract_share")] | None = None
    max: Annotated[float, bounded("contract_share")] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ShareBounds:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self


def _market_keys(value: dict, *, every: bool) -> dict:
    for key in value:
        if not (_CODE.match(key) or (every and key == "*")):
            allowed = 'a market code such as "SA"' + (' or "*" for every market' if every else "")
            raise ValueError(f"{shown_value(key)} is not {allowed}")
    return value


class ScenarioIn(BaseModel):
    """A plan scenario: the choices finance makes before the optimiser runs."""

    model_config = _STRICT
    tiers: Annotated[int, bounded("tiers")] = 3
    min_margin: Annotated[float, bounded("min_margin")] = 0.15
    price_step: Annotated[float, bounded("price_step")] = 0.0
    solver: Literal["cbc", "highs"] = "highs"
    time_limit_seconds: Annotated[float, bounded("time_limit_seconds")] = 20.0
    allowed: dict[str, list[str]] | None = None
    required: dict[str, list[str]] | None = None
    budget_rates: dict[str, Annotated[float, bounded("budget_rate")]] = {}
    must_offer: list[Name] = []
    delivery: dict[
        str, Literal["hub", "local", "bot_nights", "pooled", "pooled_english", "distributor"]
    ] = {}
    market_changes: dict[str, MarketChange] = {}
    share_of_contract_value: dict[str, ShareBounds] = {}
    max_price_step: Annotated[float, bounded("max_price_step")] = 0.0
    floor_policy: Literal["market", "tier"] = "market"

    @field_validator("delivery")
    @classmethod
    def _delivery_keys(cls, value: dict) -> dict:
        return _market_keys(value, every=True)

    @field_validator("market_changes")
    @classmethod
    def _change_keys(cls, value: dict) -> dict:
        return _market_keys(value, every=False)

    @field_validator("budget_rates")
    @classmethod
    def _known_currencies(cls, value: dict[str, float]) -> dict[str, float]:
        rates: dict[str, float] = {}
        for text, per_usd in value.items():
            code = currency_code(text, where="currency")
            if code in rates:  # "eur" and "EUR" are one currency, set once
                raise ValueError(f"{code}: set twice")
            rates[code] = budget_rate(code, per_usd, where=code)
        return rates

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
        unknown = sorted(set(self.must_offer) - set(names))
        if unknown:
            raise ValueError(
                f"must_offer: unknown tier(s) {unknown}; with {self.tiers} tiers: {list(names)}"
            )
        for mapping in (self.allowed, self.required, self.share_of_contract_value):
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
            must_offer=frozenset(merged.must_offer),
            delivery=dict(merged.delivery),
            min_share={
                tier: bounds.min
                for tier, bounds in merged.share_of_contract_value.items()
                if bounds.min is not None
            },
            max_share={
                tier: bounds.max
                for tier, bounds in merged.share_of_contract_value.items()
                if bounds.max is not None
            },
            max_price_step=merged.max_price_step,
            floor_policy=merged.floor_policy,
        )

    def changed_markets(self, markets: tuple) -> tuple:
        """``markets`` with the scenario's market changes made (InputError for a market the
        file does not hold)."""
        codes = {m.code for m in markets}
        unknown = sorted(set(self.market_changes) - codes)
        if unknown:
            raise InputError(
                f"market_changes: {', '.join(unknown)} not in the market file",
                field="market_changes",
                value=unknown,
            )
        changed = []
        for market in markets:
            change = self.market_changes.get(market.code)
            updates = change.model_dump(exclude_none=True) if change else {}
            changed.append(dataclasses.replace(market, **updates) if updates else market)
        return tuple(changed)

    def rates(self, book: RateBook = DEFAULT_BOOK) -> RateBook:
        """``book`` with the scenario's budget rates set."""
        for currency, per_usd in self.budget_rates.items():
            book = book.with_override(currency, per_usd, "scenario file")
        return book


def _frozen(mapping: dict[str, list[str]] | None) -> dict[str, frozenset[str]] | None:
    return None if mapping is None else {k: frozenset(v) for k, v in mapping.items()}


def parse_tier_problem(data: object, label: str = "tier problem") -> TierProblemIn:
    """A tier problem (``label`` names its file in messages)."""
    return _validated(TierProblemIn, data, label)  # type: ignore[return-value]


def parse_scenario(data: object, label: str = "scenario") -> ScenarioIn:
    """A scenario (``label`` names its file in messages)."""
    return _validated(ScenarioIn, data, label)  # type: ignore[return-value]
