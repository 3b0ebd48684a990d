"""The design vocabulary: what a support tier can hold and what each channel promises.

A tier is bare support (business hours on the market's working days, its first language, the
regional hub) plus any of four options:

* ``priority_response``: the tier's contacts are a priority class on the same desk, answered
  first and promised a faster answer; no second team;
* ``coverage_24x7``: the tier's contacts are answered live at every hour of the week; the desk
  opens outside business hours once a sold tier holds it (others' night contacts wait for the
  morning);
* ``multilingual``: the tier's contacts in the market's other support languages are answered in
  their language, in business hours, by a desk for that language;
* ``local_office``: a team in the market answers the tier's business-hours contacts (and visits):
  local wages, native languages, the office's rent and set-up; a market that is its own hub
  already has that team.

Answer targets follow published B2B practice by channel (``data/service_targets.csv``): live
channels (phone, chat) in seconds, the market's own expectation for standard contacts; async
channels (messaging, e-mail, portal) in minutes to hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from pricing.errors import DataFileError

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SERVICE_TARGETS = DATA_DIR / "service_targets.csv"

TIER_OPTIONS: tuple[str, ...] = (
    "priority_response",
    "coverage_24x7",
    "multilingual",
    "local_office",
)
OPTION_LABELS: dict[str, str] = {
    "priority_response": "Priority response",
    "coverage_24x7": "24/7 coverage",
    "multilingual": "Support in every local language",
    "local_office": "Local team and on-site visits",
}
# For narrow controls (the Tier designer's chips): the same options in a word or two.
OPTION_SHORT: dict[str, str] = {
    "priority_response": "Priority",
    "coverage_24x7": "24/7",
    "multilingual": "All languages",
    "local_office": "Local team",
}
LIVE_CHANNELS: tuple[str, ...] = ("phone", "chat")
ASYNC_CHANNELS: tuple[str, ...] = ("messaging", "email", "portal")


@dataclass(frozen=True)
class ChannelTarget:
    channel: str
    kind: str
    standard_seconds: float | None  # None: the market's own answer_target_seconds
    priority_seconds: float
    source: str


@cache
def channel_targets(path: Path = SERVICE_TARGETS) -> dict[str, ChannelTarget]:
    """The answer targets by channel, validated (``data/service_targets.csv``)."""
    try:
        frame = pd.read_csv(path, dtype={"channel": str, "kind": str, "source": str})
    except (OSError, pd.errors.ParserError) as exc:
        raise DataFileError(f"service_targets.csv: cannot read ({type(exc).__name__})") from None
    targets: dict[str, ChannelTarget] = {}
    for position, row in enumerate(frame.to_dict(orient="records")):
        channel, kind = str(row.get("channel", "")).strip(), str(row.get("kind", "")).strip()
        standard, priority = row.get("standard_seconds"), row.get("priority_seconds")
        line = f"service_targets.csv row {position + 2}"
        if channel not in LIVE_CHANNELS + ASYNC_CHANNELS:
            raise DataFileError(f"{line}, column 'channel': unknown channel {channel!r}")
        wanted = "live" if channel in LIVE_CHANNELS else "async"
        if kind != wanted:
            raise DataFileError(f"{line}, column 'kind': {channel} is {wanted}, got {kind!r}")
        blank = standard is None or (isinstance(standard, float) and math.isnan(standard))
        if kind == "async" and (blank or not 0 < float(standard) <= 7 * 86_400):
            raise DataFileError(
                f"{line}, column 'standard_seconds': {standard!r} is not in (0, 1 week]"
            )
        if not (isinstance(priority, int | float) and 0 < float(priority) <= 7 * 86_400):
            raise DataFileError(
                f"{line}, column 'priority_seconds': {priority!r} is not in (0, 1 week]"
            )
        targets[channel] = ChannelTarget(
            channel,
            kind,
            None if blank else float(standard),
            float(priority),
            str(row.get("source", "")),
        )
    missing = set(LIVE_CHANNELS + ASYNC_CHANNELS) - set(targets)
    if missing:
        raise DataFileError(f"service_targets.csv: no row for {', '.join(sorted(missing))}")
    return targets


@dataclass(frozen=True)
class ChannelMix:
    """How a market's contacts reach the desk, and the targets that apply."""

    live_share: float
    live_seconds: float
    live_priority_seconds: float
    async_seconds: float
    async_priority_seconds: float
    channels: tuple[str, ...]


def channel_mix(preferred: tuple[str, ...], answer_target_seconds: float) -> ChannelMix:
    """Contacts split evenly over the market's preferred remote channels.

    The live target is the market's own expectation (``answer_target_seconds``) and its
    priority target is never slower; async contacts get the strictest target of the async
    channels in use (e-mail's when the market prefers none, for backlog from closed hours).
    """
    targets = channel_targets()
    remote = tuple(c for c in preferred if c in targets) or ("phone", "email")
    live = [c for c in remote if targets[c].kind == "live"]
    asynchronous = [c for c in remote if targets[c].kind == "async"] or ["email"]
    live_seconds = float(answer_target_seconds)
    live_priority = min(
        [targets[c].priority_seconds for c in live] or [targets["phone"].priority_seconds]
    )
    return ChannelMix(
        live_share=len(live) / len(remote),
        live_seconds=live_seconds,
        live_priority_seconds=min(live_priority, live_seconds),
        async_seconds=min(targets[c].standard_seconds or math.inf for c in asynchronous),
        async_priority_seconds=min(targets[c].priority_seconds for c in asynchronous),
        channels=remote,
    )
