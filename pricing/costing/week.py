"""A market's own week: working days, opening hours and public holidays, on a quarter-hour grid.

The week is ``SLOTS_PER_WEEK`` quarter-hour slots in the market's local time, Monday 00:00 = 0
(slot = ``day * 96 + hour * 4 + quarter``). A quarter-hour grid holds every UTC offset in use
exactly: India (+5:30), Nepal (+5:45) and the Chatham Islands (+12:45) shift by whole slots.

Working days come from CLDR week data (babel): Saudi Arabia rests on Friday and Saturday, so its
business week is Sunday to Thursday; public holidays from the ``holidays`` package. The
business-hours desk closes on public holidays that fall on working days; the offer says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, cached_property
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from pricing.errors import InputError

SLOTS_PER_HOUR = 4
SLOT_HOURS = 1.0 / SLOTS_PER_HOUR
SLOTS_PER_DAY = 24 * SLOTS_PER_HOUR
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY
WEEKS_PER_YEAR = 52.0
DAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# UTC offsets are read on a fixed date so results do not drift with the calendar; daylight
# saving moves a market by an hour for part of the year, which the week grid does not follow.
OFFSET_REFERENCE = datetime(2026, 1, 15, 12, 0)
# The calendar year whose public holidays are counted (the year the plan prices).
HOLIDAY_YEAR = 2027

BoolArray = NDArray[np.bool_]


@cache
def utc_offset_minutes(timezone: str) -> int:
    """UTC offset of a time zone on the reference date, in whole minutes (+330 for India)."""
    offset = OFFSET_REFERENCE.replace(tzinfo=ZoneInfo(timezone)).utcoffset()
    assert offset is not None  # a ZoneInfo always has an offset
    return round(offset.total_seconds() / 60.0)


def shift_slots(offset_from_minutes: int, offset_to_minutes: int) -> int:
    """Slots to add to a local slot of one zone to read it in the other.

    Every offset in use is a multiple of 15 minutes, so this is exact; a zone that is not
    (none today) is refused rather than rounded.
    """
    minutes = offset_to_minutes - offset_from_minutes
    if minutes % 15:
        raise InputError(
            f"UTC offsets {offset_from_minutes} and {offset_to_minutes} minutes differ by "
            f"{minutes} minutes, not a whole number of quarter hours",
            field="timezone",
            value=minutes,
        )
    return minutes // 15


def in_zone(mask: NDArray, shift: int) -> NDArray:
    """A week array defined in another zone's local slots, read at this zone's slots.

    ``result[h] = mask[h + shift]``: slot ``h`` here is slot ``h + shift`` there.
    """
    return np.roll(mask, -shift, axis=-1)


@cache
def working_days(code: str) -> tuple[int, ...]:
    """The days a territory works (0 = Monday), from CLDR's weekend data."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(f"und_{code}")
    except (UnknownLocaleError, ValueError):
        return (0, 1, 2, 3, 4)
    weekend, day = set(), locale.weekend_start
    while True:  # CLDR gives the first and last rest day; the weekend may wrap past Sunday
        weekend.add(day)
        if day == locale.weekend_end:
            break
        day = (day + 1) % 7
    return tuple(d for d in range(7) if d not in weekend)


@cache
def public_holidays(code: str, year: int = HOLIDAY_YEAR) -> tuple[tuple[date, str], ...]:
    """Public holidays of a country in a year that fall on its working days."""
    import holidays

    try:
        calendar = holidays.country_holidays(code, years=year)
    except NotImplementedError:
        return ()
    days = set(working_days(code))
    return tuple((day, name) for day, name in sorted(calendar.items()) if day.weekday() in days)


def week_mask(days: tuple[int, ...] | range, window: tuple[int, int]) -> BoolArray:
    """True for the slots of ``window[0] <= hour < window[1]`` on the given days (0 = Monday)."""
    mask = np.zeros((7, SLOTS_PER_DAY), dtype=bool)
    start, end = window
    mask[list(days), start * SLOTS_PER_HOUR : end * SLOTS_PER_HOUR] = True
    return mask.reshape(SLOTS_PER_WEEK)


@dataclass(frozen=True)
class MarketWeek:
    """When a market works: its days, its business hours and its public holidays."""

    code: str
    timezone: str
    utc_offset_minutes: int
    working_days: tuple[int, ...]
    business_hours: tuple[int, int]
    holidays: tuple[tuple[date, str], ...]
    holiday_year: int = HOLIDAY_YEAR

    @property
    def business(self) -> BoolArray:
        """Slots of the business week, local time."""
        return week_mask(self.working_days, self.business_hours)

    def daytime(self, window: tuple[int, int]) -> BoolArray:
        """Slots of ``window`` on working days (hours paid without the night/weekend premium)."""
        return week_mask(self.working_days, window)

    @property
    def working_day_names(self) -> list[str]:
        """Working days in the order the market's week runs, e.g. Sun, Mon, ..., Thu."""
        days = self.working_days
        # Start after the weekend: the first working day that follows a rest day.
        first = next((d for d in days if (d - 1) % 7 not in days), days[0] if days else 0)
        ordered = sorted(days, key=lambda d: (d - first) % 7)
        return [DAY_NAMES[d] for d in ordered]

    @property
    def business_hours_per_week(self) -> float:
        start, end = self.business_hours
        return float(len(self.working_days) * (end - start))

    @cached_property
    def served_days_per_year(self) -> int:
        """Working days in the holiday year less the public holidays on them."""
        first = date(self.holiday_year, 1, 1)
        count = sum(
            1
            for offset in range((date(self.holiday_year + 1, 1, 1) - first).days)
            if (first + timedelta(days=offset)).weekday() in self.working_days
        )
        return count - len(self.holidays)

    @property
    def open_share(self) -> float:
        """Share of the year's working days on which the business-hours desk is open."""
        working = self.served_days_per_year + len(self.holidays)
        return self.served_days_per_year / working if working else 0.0

    @property
    def label(self) -> str:
        """'Sun-Thu 09:00-18:00' (the days the customer is served, local time)."""
        names = self.working_day_names
        days = f"{names[0]}-{names[-1]}" if len(names) > 1 else (names[0] if names else "-")
        start, end = self.business_hours
        return f"{days} {start:02d}:00-{end:02d}:00"


def market_week(code: str, timezone: str, business_hours: tuple[int, int]) -> MarketWeek:
    """The week of a market from the libraries that know it (CLDR, tz database, holidays)."""
    return MarketWeek(
        code=code,
        timezone=timezone,
        utc_offset_minutes=utc_offset_minutes(timezone),
        working_days=working_days(code),
        business_hours=business_hours,
        holidays=public_holidays(code),
    )
