"""The domain model: markets and the global staffing and cost assumptions.

Both are frozen dataclasses validated on construction (pydantic), so an object that exists is an
object that can be priced. What a well-kept library already knows is derived rather than typed:
a market's name and currency come from pycountry/babel, its support languages from CLDR's
territory data (babel), its time zone from CLDR's zones checked against the tz database. The
market file may override any of these where business practice differs (English as the B2B support
language of India, say).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, available_timezones

import pycountry
from babel.core import get_global
from babel.languages import get_official_languages
from babel.numbers import get_territory_currencies
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass

from pricing.errors import InputError
from pricing.inputs.limits import bounded, check_text, shown_value

Region = Literal["Americas", "Europe", "Middle East & Africa", "Asia-Pacific"]
REGIONS: tuple[str, ...] = Region.__args__  # type: ignore[attr-defined]

Channel = Literal["phone", "email", "chat", "messaging", "portal", "in_person"]
CHANNELS: tuple[str, ...] = Channel.__args__  # type: ignore[attr-defined]

# UTC offsets are read on a fixed date so results do not drift with the calendar; daylight
# saving moves a market by an hour for part of the year, which coverage maths ignores.
OFFSET_REFERENCE = datetime(2026, 1, 15, 12, 0)

# Languages whose share of a territory's population (CLDR) is below this are not offered as a
# separate support queue when the market file leaves support_languages blank.
MIN_LANGUAGE_SHARE_PERCENT = 10.0


def _split_list(value: object) -> object:
    """Accept ``"en;fr"`` (a CSV cell) as well as a sequence; blank means "derive it"."""
    if value is None:
        return ()
    if isinstance(value, float) and value != value:  # NaN from an empty CSV cell
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return value


def _blank_to_empty(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


# "us" is the US: one market whatever the case it is typed in (a file with "US" and "us" has
# the same market twice, and is refused for it).
CountryCode = Annotated[str, BeforeValidator(_upper), Field(pattern=r"^[A-Z]{2}$")]
ListCell = Annotated[tuple[str, ...], BeforeValidator(_split_list)]
TextCell = Annotated[str, BeforeValidator(_blank_to_empty)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


@cache
def country(code: str) -> object | None:
    """The pycountry record of an ISO 3166-1 alpha-2 code, or None."""
    return pycountry.countries.get(alpha_2=code)


def _known_country(value: str) -> str:
    if country(value) is None:
        raise ValueError(f"{shown_value(value)} is not an ISO 3166-1 alpha-2 country code")
    return value


KnownCountryCode = Annotated[CountryCode, AfterValidator(_known_country)]


@cache
def _language(code: str) -> object | None:
    """ISO 639-1 (two letters) or, for languages without one such as Filipino, ISO 639-3."""
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    return pycountry.languages.get(alpha_3=code)


def known_language(code: str) -> bool:
    """Whether ``code`` is an ISO 639-1 (or, lacking one, ISO 639-3) language code."""
    return _language(code) is not None


@cache
def derived_languages(code: str) -> tuple[str, ...]:
    """Official languages of a territory spoken by enough people, most spoken first (CLDR)."""
    shares = get_global("territory_languages").get(code, {})
    official = [
        lang
        for lang in get_official_languages(code, de_facto=True)
        if "_" not in lang
        and shares.get(lang, {}).get("population_percent", 0.0) >= MIN_LANGUAGE_SHARE_PERCENT
    ]
    return tuple(
        sorted(official, key=lambda lang: -shares.get(lang, {}).get("population_percent", 0.0))
    )


def language_weights(code: str, languages: tuple[str, ...]) -> tuple[float, ...]:
    """Share of a market's contacts in each support language, from CLDR population shares.

    A language CLDR does not list for the territory gets the smallest listed share (or an equal
    split when none is listed), so an override never silently drops a queue.
    """
    shares = get_global("territory_languages").get(code, {})
    raw = [shares.get(lang, {}).get("population_percent", 0.0) for lang in languages]
    known = [share for share in raw if share > 0]
    floor = min(known) if known else 1.0
    raw = [share if share > 0 else floor for share in raw]
    total = sum(raw)
    return tuple(share / total for share in raw)


@cache
def iana_time_zones() -> frozenset[str]:
    """Every zone name of the tz database (the tzdata package where the system has none)."""
    return frozenset(available_timezones())


@cache
def utc_offset_hours(timezone: str) -> float:
    """UTC offset of a time zone on the reference date, in hours (e.g. +4.0 for Asia/Dubai)."""
    offset = OFFSET_REFERENCE.replace(tzinfo=ZoneInfo(timezone)).utcoffset()
    assert offset is not None  # a ZoneInfo always has an offset
    return offset.total_seconds() / 3600.0


@cache
def derived_timezone(code: str) -> str | None:
    """The territory's time zone when CLDR lists only one UTC offset for it, else None."""
    zones = get_global("territory_zones").get(code, [])
    offsets = {utc_offset_hours(zone) for zone in zones}
    return zones[0] if len(offsets) == 1 else None


@dataclass(frozen=True, config=_STRICT)
class Market:
    """One country market: costs of supporting it, its buyers' expectations and its demand.

    Money is in USD per year unless the name says otherwise; shares are fractions in [0, 1].
    """

    code: KnownCountryCode
    region: Region
    remote_hub: KnownCountryCode
    price_level: Annotated[float, bounded("price_level")]
    agent_cost_usd: Annotated[float, bounded("agent_cost_usd")]
    office_fixed_usd: Annotated[float, bounded("office_fixed_usd")]
    seat_cost_usd: Annotated[float, bounded("seat_cost_usd")]
    office_setup_usd: Annotated[float, bounded("office_setup_usd")]
    setup_amortisation_years: Annotated[float, bounded("setup_amortisation_years")]
    distributor_fee_per_account_usd: Annotated[float, bounded("distributor_fee_per_account_usd")]
    distributor_fixed_usd: Annotated[float, bounded("distributor_fixed_usd")]
    distributor_revenue_share: Annotated[float, bounded("distributor_revenue_share")]
    expected_discount: Annotated[float, bounded("expected_discount")]
    max_discount: Annotated[float, bounded("max_discount")]
    answer_target_seconds: Annotated[float, bounded("answer_target_seconds")]
    share_expecting_24x7: Annotated[float, bounded("share_expecting_24x7")]
    off_hours_contact_share: Annotated[float, bounded("off_hours_contact_share")]
    preferred_channels: Annotated[tuple[Channel, ...], BeforeValidator(_split_list)]
    senior_signoff_expected: bool
    upselling_acceptable: bool
    accounts: Annotated[int, bounded("accounts")]
    contacts_per_account_month: Annotated[float, bounded("contacts_per_account_month")]
    aht_seconds: Annotated[float, bounded("aht_seconds")]
    name: TextCell = ""
    currency: TextCell = ""
    support_languages: ListCell = ()
    timezone: TextCell = ""

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value and pycountry.currencies.get(alpha_3=value.upper()) is None:
            raise ValueError(f"{shown_value(value)} is not an ISO 4217 currency code")
        return value.upper()

    @field_validator("support_languages")
    @classmethod
    def _known_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for lang in value:
            if _language(lang.lower()) is None:
                raise ValueError(
                    f"{shown_value(lang)} in {shown_value(';'.join(value))} "
                    "is not an ISO 639 language code"
                )
        if len(set(value)) != len(value):
            raise ValueError(f"languages repeat in {';'.join(value)!r}")
        return tuple(lang.lower() for lang in value)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        # Checked against the tz database's list, never by opening a file named by the user.
        if value and value not in iana_time_zones():
            raise ValueError(f"{shown_value(value)} is not an IANA time zone (e.g. Europe/Berlin)")
        return value

    @field_validator("name")
    @classmethod
    def _printable_name(cls, value: str) -> str:
        return check_text(value, "name") if value else value

    @field_validator("preferred_channels")
    @classmethod
    def _some_channel(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError(f"name at least one channel of {', '.join(CHANNELS)}")
        return value

    @model_validator(mode="after")
    def _derive_and_cross_check(self) -> Market:
        if self.max_discount < self.expected_discount:
            raise InputError(
                f"{self.max_discount:g} is below expected_discount "
                f"{self.expected_discount:g}: the walk-away price would sit above the target",
                field="max_discount",
            )
        # Fill what the libraries know; object.__setattr__ because the dataclass is frozen.
        record = country(self.code)
        if not self.name:
            name = getattr(record, "common_name", None) or record.name  # type: ignore[union-attr]
            object.__setattr__(self, "name", name)
        if not self.currency:
            # CLDR (babel) can lag behind ISO 4217 (pycountry): Bulgaria's lev was still
            # listed after the euro replaced it. A derived code gets the same check as a typed one.
            derived = get_territory_currencies(self.code)
            current = [c for c in derived if pycountry.currencies.get(alpha_3=c) is not None]
            if not current:
                known = f" (CLDR lists {', '.join(derived)}, not a current ISO 4217 code)"
                raise InputError(
                    f"no current currency known for {self.code}{known if derived else ''}: "
                    "set currency",
                    field="currency",
                )
            object.__setattr__(self, "currency", current[0])
        if not self.support_languages:
            languages = derived_languages(self.code)
            if not languages:
                raise InputError(
                    f"no official language known for {self.code}: set support_languages",
                    field="support_languages",
                )
            object.__setattr__(self, "support_languages", languages)
        if not self.timezone:
            zone = derived_timezone(self.code)
            if zone is None:
                raise InputError(
                    f"{self.code} spans several UTC offsets: set timezone "
                    "(e.g. the zone of the city most customers are in)",
                    field="timezone",
                )
            object.__setattr__(self, "timezone", zone)
        return self

    @property
    def primary_language(self) -> str:
        return self.support_languages[0]

    @property
    def language_shares(self) -> tuple[float, ...]:
        return language_weights(self.code, self.support_languages)

    @property
    def utc_offset_hours(self) -> float:
        return utc_offset_hours(self.timezone)


@dataclass(frozen=True, config=_STRICT)
class CostParameters:
    """Global staffing and cost assumptions; each default's source is in data/README.md.

    Hours are local clock hours; ``business_hours`` (on each market's own working days) and
    ``day_hours`` (paid without the night/weekend premium) are (first hour, end hour) with the
    end exclusive.
    ``hub_site_seats``: agent seats sharing a hub's site lead and space (``office_fixed_usd``).
    """

    service_level: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.80
    max_occupancy: Annotated[float, Field(gt=0.0, le=1.0)] = 0.85
    shrinkage: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.30
    paid_hours_per_fte: Annotated[float, Field(gt=0.0, le=8_760.0)] = 1_800.0
    min_agents_on_duty: Annotated[int, Field(ge=1, le=1_000)] = 1
    night_weekend_premium: Annotated[float, Field(ge=0.0, le=5.0)] = 0.25
    language_premium: Annotated[float, Field(ge=0.0, le=5.0)] = 0.25
    escalation_share: Share = 0.20
    # Share of what a tier is worth to a buyer lost when its first line is answered in English
    # rather than the market's first language (delivery model pooled_english): where buyers
    # expect native speakers (or the market has no cultural profile), and where English is the
    # accepted business language (data/culture.csv, native_speaker_expected).
    english_desk_value_loss: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.50
    english_desk_value_loss_accepted: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.15
    hub_site_seats: Annotated[float, Field(gt=0.0, le=10_000.0)] = 20.0
    # 24/7 by self-service at night (pricing.costing.night): the share of night contacts a bot
    # resolves and what each resolution costs; the share of the rest that is urgent, answered
    # by an agent on call (the others wait for the morning), and an on-call hour's standby pay
    # as a share of an hour on duty (an hour worked on call is paid in full).
    bot_resolution_share: Share = 0.14
    bot_usd_per_resolution: Annotated[float, Field(ge=0.0, le=1_000.0)] = 0.99
    urgent_share: Share = 0.20
    on_call_pay_share: Share = 0.05
    # What a 24/7 tier is worth to its buyers when its nights are answered so (delivery model
    # bot_nights), as a share of what live 24/7 support is worth to them.
    bot_night_value_share: Share = 0.30
    business_hours: tuple[int, int] = (9, 18)
    day_hours: tuple[int, int] = (8, 20)
    # The hub sites in use (pricing.inputs.sites.HubSite); none: data/sites.csv.
    sites: tuple[object, ...] = ()

    @field_validator("business_hours", "day_hours")
    @classmethod
    def _hour_window(cls, value: tuple[int, int]) -> tuple[int, int]:
        start, end = value
        if not 0 <= start < end <= 24:
            raise ValueError(f"hours must satisfy 0 <= start < end <= 24, got {value}")
        return value
