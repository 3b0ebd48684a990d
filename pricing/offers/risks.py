"""Risks in a market's offer: where what its buyers expect and what the tiers hold disagree.

Each risk says what the rep can propose instead; the brief shows them first. They are read off
the market's data and cultural profile (:mod:`pricing.offers.guidance`) and the options offered.
"""

from __future__ import annotations

from collections.abc import Mapping

from pricing.models import Market, country, derived_languages
from pricing.offers.guidance import CultureProfile, joined, language_name, profile_of


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
    found, offered = [], set(offered_options)
    if market.share_expecting_24x7 >= 0.3 and "coverage_24x7" not in offered:
        found.append(
            f"{market.share_expecting_24x7:.0%} of buyers here expect round-the-clock support "
            "and no tier offers it: say so early, state the hours served, and offer 24/7 as a "
            "priced add-on to the top tier rather than promising it."
        )
    if "in_person" in market.preferred_channels and "local_office" not in offered:
        found.append(
            "Buyers here prefer to meet in person and no tier includes the local team: propose "
            "the local team on the top tier, or scheduled on-site visits priced per visit."
        )
    profile = profile_of(market, culture)
    if profile is None:
        return tuple(found)
    slow = (answer_within_seconds or 0.0) > market.answer_target_seconds
    if profile.service_personality == "immediate_resolution" and (
        slow or "priority_response" not in offered
    ):
        promise = f"live contacts are answered within {answer_within_seconds:g} s" if slow else ""
        found.append(
            "Buyers here expect an immediate response and resolution, and "
            + (promise or "no tier offers priority response")
            + ": propose priority response on the top tier and first-contact resolution by "
            "empowered first-line agents, rather than promising speed the desk cannot keep."
        )
    languages, multilingual = market.support_languages, "multilingual" in offered
    if profile.native_speaker_expected and "local_office" not in offered:
        if len(languages) > 1 and not multilingual:
            found.append(
                "Buyers here expect support from native speakers of their own language, the "
                f"market speaks {joined([language_name(c) for c in languages])}, and the offer "
                f"serves {language_name(languages[0])} only: propose every local language on "
                "the top tier, or state plainly on the offer which language support is in."
            )
        served = languages if multilingual else languages[:1]
        hub_languages = derived_languages(market.remote_hub)
        foreign = joined([language_name(c) for c in served if c not in hub_languages] or [""])
        if market.remote_hub != market.code and foreign:
            hub = getattr(country(market.remote_hub), "name", market.remote_hub)
            found.append(
                f"Live contacts are answered from the regional hub ({hub}), where {foreign} is "
                "not a native language, and buyers here notice a non-native agent: hire native "
                f"{foreign} speakers for this queue at the hub, or propose the local "
                "team, which makes native hires easier."
            )
    if replaces_local_partner and profile.distributor_continuity:
        found.append(
            "Customers here who know their local distributor or rep resent being moved to a new "
            "support team: keep the partner as first line through the renewal, or introduce the "
            "new team jointly and keep the same named contact."
        )
    return tuple(found)
