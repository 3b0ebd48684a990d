"""Risks in a market's offer: where what its buyers expect and what the tiers hold disagree.

Each risk says what the rep can propose instead; the brief shows them first. They are read off
the market's data and cultural profile (:mod:`pricing.offers.culture`) and the options offered.
One function per check: each returns its risk, or None where the offer meets the expectation.
"""

from __future__ import annotations

from collections.abc import Mapping

from pricing.models import Market, country, derived_languages
from pricing.offers.culture import CultureProfile, profile_of
from pricing.offers.guidance import joined, language_name


def risks(
    market: Market,
    offered_options: frozenset[str] | set[str],
    *,
    answer_within_seconds: float | None = None,
    replaces_local_partner: bool = False,
    culture: Mapping[str, CultureProfile] | None = None,
) -> tuple[str, ...]:
    """Where what buyers in ``market`` expect and what the offer holds disagree, each with what
    the rep can propose. ``answer_within_seconds``: the fastest live answer the offer promises,
    if known; ``replaces_local_partner``: the offer moves customers away from a local partner."""
    offered = set(offered_options)
    found = [_no_round_the_clock(market, offered), _no_one_on_site(market, offered)]
    profile = profile_of(market, culture)
    if profile is not None:  # the cultural checks need the market's profile
        found += [
            _no_immediate_resolution(market, profile, offered, answer_within_seconds),
            _one_language_of_several(market, profile, offered),
            _non_native_hub(market, profile, offered),
            _partner_switch(profile, replaces_local_partner),
        ]
    return tuple(risk for risk in found if risk is not None)


def _no_round_the_clock(market: Market, offered: set[str]) -> str | None:
    """Many buyers expect 24/7 support and no tier offers it."""
    if not (market.share_expecting_24x7 >= 0.3 and "coverage_24x7" not in offered):
        return None
    return (
        f"{market.share_expecting_24x7:.0%} of buyers here expect round-the-clock support "
        "and no tier offers it: say so early, state the hours served, and offer 24/7 as a "
        "priced add-on to the top tier rather than promising it."
    )


def _no_one_on_site(market: Market, offered: set[str]) -> str | None:
    """Buyers prefer to meet in person and no tier includes the local team."""
    if "in_person" not in market.preferred_channels or "local_office" in offered:
        return None
    return (
        "Buyers here prefer to meet in person and no tier includes the local team: propose "
        "the local team on the top tier, or scheduled on-site visits priced per visit."
    )


def _no_immediate_resolution(
    market: Market,
    profile: CultureProfile,
    offered: set[str],
    answer_within_seconds: float | None,
) -> str | None:
    """Buyers expect an immediate answer and the offer answers slower than the market's target,
    or holds no priority response."""
    slow = (answer_within_seconds or 0.0) > market.answer_target_seconds
    if profile.service_personality != "immediate_resolution" or not (
        slow or "priority_response" not in offered
    ):
        return None
    promise = f"live contacts are answered within {answer_within_seconds:g} s" if slow else ""
    return (
        "Buyers here expect an immediate response and resolution, and "
        + (promise or "no tier offers priority response")
        + ": propose priority response on the top tier and first-contact resolution by "
        "empowered first-line agents, rather than promising speed the desk cannot keep."
    )


def _natives_unplanned(profile: CultureProfile, offered: set[str]) -> bool:
    """Buyers expect native speakers and no local team (which would hire them) is offered."""
    return profile.native_speaker_expected and "local_office" not in offered


def _one_language_of_several(
    market: Market, profile: CultureProfile, offered: set[str]
) -> str | None:
    """The market speaks several languages and the offer serves its first only."""
    languages = market.support_languages
    if not _natives_unplanned(profile, offered) or len(languages) < 2 or "multilingual" in offered:
        return None
    return (
        "Buyers here expect support from native speakers of their own language, the "
        f"market speaks {joined([language_name(c) for c in languages])}, and the offer "
        f"serves {language_name(languages[0])} only: propose every local language on "
        "the top tier, or state plainly on the offer which language support is in."
    )


def _non_native_hub(market: Market, profile: CultureProfile, offered: set[str]) -> str | None:
    """Live contacts are answered at a hub abroad where a language served is not native."""
    if not _natives_unplanned(profile, offered):
        return None
    languages = market.support_languages
    served = languages if "multilingual" in offered else languages[:1]
    hub_languages = derived_languages(market.remote_hub)
    foreign = joined([language_name(c) for c in served if c not in hub_languages] or [""])
    if market.remote_hub == market.code or not foreign:
        return None
    hub = getattr(country(market.remote_hub), "name", market.remote_hub)
    return (
        f"Live contacts are answered from the regional hub ({hub}), where {foreign} is "
        "not a native language, and buyers here notice a non-native agent: hire native "
        f"{foreign} speakers for this queue at the hub, or propose the local "
        "team, which makes native hires easier."
    )


def _partner_switch(profile: CultureProfile, replaces_local_partner: bool) -> str | None:
    """The offer moves customers away from a local partner they are loyal to."""
    if not (replaces_local_partner and profile.distributor_continuity):
        return None
    return (
        "Customers here who know their local distributor or rep resent being moved to a new "
        "support team: keep the partner as first line through the renewal, or introduce the "
        "new team jointly and keep the same named contact."
    )
