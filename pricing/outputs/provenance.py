"""What a plan was made with, for its Settings sheet: the rules, the segment values, the market
catalogue and its checksum, every exchange rate used, the app's version and the time; and the
names files are given (what they hold and when)."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from pricing.costing.service import OPTION_LABELS
from pricing.errors import InputError
from pricing.inputs.segments import SegmentRow
from pricing.money.fx import STALE_AFTER_DAYS
from pricing.outputs.spreadsheet import COUNT_FORMAT, PERCENT_FORMAT, Book
from pricing.plan import Plan

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
OFFER_KINDS = ("customer", "internal")
_ALLOWED_UNSET = "any (not set)"
_REQUIRED_UNSET = "none (not set)"


def app_version(pyproject: Path = PYPROJECT) -> str:
    """``[project] version`` of pyproject.toml at the repository root ("unknown" without it)."""
    try:
        with pyproject.open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return "unknown"


def utc_time(made: datetime | date | None) -> datetime:
    if made is None:
        return datetime.now(UTC).replace(microsecond=0)
    if not isinstance(made, datetime):
        return datetime(made.year, made.month, made.day, tzinfo=UTC)
    if made.tzinfo is None:
        return made.replace(tzinfo=UTC)
    return made.astimezone(UTC)


def _day(made: date) -> date:
    return utc_time(made).date() if isinstance(made, datetime) else made


def plan_file_name(made: date) -> str:
    """``support-plan_2026-12-01.xlsx``: what the file holds and the (UTC) day it was made."""
    return f"support-plan_{_day(made).isoformat()}.xlsx"


def offer_file_name(code: str, kind: str, made: date, ext: str) -> str:
    """``offer_AE_customer_2026-12-01.pdf``: the market, who the offer is for, the day, the type.

    ``kind`` is "customer" (the document for the customer) or "internal" (with floors and
    approval bands); ``ext`` is the file type, with or without its dot ("pdf", ".xlsx").
    """
    market = str(code).strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", market):
        raise InputError(f"market code must be two letters, got {code!r}", field="code", value=code)
    if kind not in OFFER_KINDS:
        raise InputError(
            f"offer kind must be 'customer' or 'internal', got {kind!r}", field="kind", value=kind
        )
    suffix = str(ext).strip().lower().removeprefix(".")
    if not re.fullmatch(r"[a-z0-9]{1,8}", suffix):
        raise InputError(
            f"file type must be letters or digits, got {ext!r}", field="ext", value=ext
        )
    return f"offer_{market}_{kind}_{_day(made).isoformat()}.{suffix}"


def _options(mapping: Mapping[str, frozenset[str]] | None, tier: str, unset: str) -> str:
    if mapping is None or tier not in mapping:
        return unset
    chosen = set(mapping[tier])
    ordered = [o for o in OPTION_LABELS if o in chosen] + sorted(chosen - set(OPTION_LABELS))
    return ", ".join(ordered) or "none"


_RATE_COLUMNS = (
    "currency", "per_usd", "as_of", "kind", "source", "stale", "buffer", "buffer_source",
    "markets",
)  # fmt: skip


def settings_tables(plan: Plan) -> dict[str, pd.DataFrame]:
    """What ``plan`` was made with, as three tables: "Rules" (setting, value and the value's
    number format), "Segments used" (the segment rows the planned markets use) and "Rates used"
    (every exchange rate)."""
    rules = _rules(plan)
    fields = [f.name for f in dataclasses.fields(SegmentRow)]
    return {
        "Rules": pd.DataFrame(
            [{"setting": s, "value": v} for s, v, _ in rules], columns=["setting", "value"]
        ).assign(format=[f for _, _, f in rules]),
        "Segments used": pd.DataFrame(
            _segments(plan, fields), columns=["code", "used_for", *fields[1:]]
        ),
        "Rates used": pd.DataFrame(_rates(plan), columns=list(_RATE_COLUMNS)),
    }


def _rules(plan: Plan) -> list[tuple[str, object, str | None]]:
    """Every rule as (setting, value, number format)."""
    request, settings = plan.request, plan.settings
    book, catalogue = request.rates, request.catalogue
    codes = [p.market.code for p in plan.markets]
    rules: list[tuple[str, object, str | None]] = [
        ("App version", app_version(), None),
        ("File made (UTC)", utc_time(plan.made).isoformat(timespec="seconds"), None),
        ("Markets planned", ", ".join(codes) or "none", None),
        ("Number of tiers", settings.tiers, COUNT_FORMAT),
        ("Tier names", ", ".join(settings.tier_names), None),
        ("Minimum margin at the floor", settings.min_margin, PERCENT_FORMAT),
        (
            "Floors cover (floor policy)",
            "each sold tier's fully loaded cost plus the margin, and the market's"
            if settings.floor_policy == "tier"
            else "the market's whole cost plus the margin",
            None,
        ),
        ("Price ladder step (least step between tier prices)", settings.price_step, PERCENT_FORMAT),
        (
            "Price ladder cap (most step between tier prices; 0: none)",
            settings.max_price_step,
            PERCENT_FORMAT,
        ),
        ("Solver", settings.solver, None),
        ("Solver time limit (seconds)", settings.time_limit_seconds, None),
    ]
    for tier in settings.tier_names:
        allowed = _options(settings.allowed, tier, _ALLOWED_UNSET)
        required = _options(settings.required, tier, _REQUIRED_UNSET)
        rules.append((f"Options {tier} may hold (allowed)", allowed, None))
        rules.append((f"Options {tier} must hold (required)", required, None))
        for name, word in (("min_share", "least"), ("max_share", "most")):
            share = getattr(settings, name).get(tier)
            label = f"{tier}'s {word} share of its buyers' contract value"
            rules.append((label, "none" if share is None else share, PERCENT_FORMAT))
    return [
        *rules,
        ("Market catalogue file", catalogue.label, None),
        ("Market catalogue SHA-256", catalogue.sha256, None),
        ("Market catalogue size (bytes)", len(catalogue.content), COUNT_FORMAT),
        *_site_rows(request),
        ("Segment values", "USD per account per year at US price level (table below)", None),
        ("Budget rates set by finance", ", ".join(sorted(book.overrides)) or "none", None),
        ("Live rates", "in use (source per rate below)" if book.live else "not used", None),
        ("Offline rate table", Path(book.table).name, None),
        ("FX buffer table", Path(book.buffers_file).name, None),
        ("Market rates stale after (days)", STALE_AFTER_DAYS, COUNT_FORMAT),
    ]


def _site_rows(request) -> list[tuple[str, object, str | None]]:
    """The hub sites the plan's desks sit at: the table's name and checksum, and each site
    with its agent cost (USD a year)."""
    from pricing.costing.desks import sites_in_use
    from pricing.inputs.sites import DEFAULT_SITES
    from pricing.models import CostParameters

    params = request.params or CostParameters()
    sites = sites_in_use(params)
    if params.sites:
        label = "set in this plan's cost parameters"
        text = "\n".join(repr(site) for site in sorted(sites.values(), key=lambda s: s.code))
    else:
        label = f"{DEFAULT_SITES.name} (shipped)"
        text = DEFAULT_SITES.read_text(encoding="utf-8")
    listed = ", ".join(
        f"{site.code} ({site.agent_cost_usd:,.0f} USD/agent/yr)" for site in sites.values()
    )
    return [
        ("Hub site table", label, None),
        ("Hub site table SHA-256", hashlib.sha256(text.encode("utf-8")).hexdigest(), None),
        ("Hub sites", listed, None),
    ]


def _segments(plan: Plan, fields: list[str]) -> list[dict]:
    """The segment rows the planned markets use: their own, or the default rows ("*")."""
    codes = [p.market.code for p in plan.markets]
    own = {row.code for row in plan.request.segment_rows}
    defaulted = [c for c in codes if c not in own]
    segments = []
    for row in plan.request.segment_rows:
        if row.code in codes:
            used_for = row.code
        elif row.code == "*" and defaulted:
            used_for = ", ".join(defaulted)
        else:
            continue
        values = {name: getattr(row, name) for name in fields}
        segments.append({"code": values.pop("code"), "used_for": used_for, **values})
    return segments


def _rates(plan: Plan) -> list[dict]:
    """Every exchange rate the plan quotes in, once per currency, with the markets using it."""
    today = utc_time(plan.made).date()
    rates: dict[str, dict] = {}
    for market in plan.markets:
        currency = market.rate.quote
        if currency in rates:
            rates[currency]["markets"] += f", {market.market.code}"
            continue
        rates[currency] = {
            "currency": currency,
            "per_usd": market.rate.rate,
            "as_of": market.rate.as_of.isoformat(),
            "kind": ", ".join(market.rate.kinds),
            "source": market.rate.source,
            "stale": "yes" if market.rate.is_stale(today=today) else "no",
            "buffer": market.buffer,
            "buffer_source": plan.request.rates.buffer(currency)[1],
            "markets": market.market.code,
        }
    return list(rates.values())


def write_settings(book: Book, tables: Mapping[str, pd.DataFrame]) -> None:
    """The Settings sheet: the rules as setting/value, then the segments and the rates used."""
    sheet = book.sheet("Settings")
    rules = tables["Rules"]
    row = book.put_table(
        sheet,
        rules[["setting", "value"]],
        row_formats=[f if isinstance(f, str) else None for f in rules["format"]],
        formatted="value",
    )
    for title, name in (
        ("Segment values used", "Segments used"),
        ("Exchange rates used", "Rates used"),
    ):
        row = book.put_table(sheet, tables[name], row + 1, title=title)
