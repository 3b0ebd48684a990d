"""Cultural guidance for a market's offer, drawn from its data (and the seeds behind it).

Each line is a do or a don't that a sales lead can act on, with the figure it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from pricing.models import Market

CHANNEL_NAMES = {
    "phone": "phone",
    "email": "email",
    "chat": "live chat",
    "messaging": "messaging apps",
    "portal": "a self-service portal",
    "in_person": "in-person meetings",
}


@dataclass(frozen=True)
class Advice:
    kind: str  # "do" or "avoid"
    text: str
    basis: str


def language_name(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name("en") or code
    except (ValueError, LookupError):
        return code


def guidance(market: Market) -> tuple[Advice, ...]:
    """What to do and what to avoid when offering support in ``market``."""
    languages = [language_name(code) for code in market.support_languages]
    items = [
        Advice(
            "do",
            f"Keep support in the language the deal was made in ({languages[0]}"
            + (f"; also offered: {', '.join(languages[1:])}" if len(languages) > 1 else "")
            + "). Switching language after the sale is a common reason buyers walk away.",
            "support_languages; seed 001",
        ),
        Advice(
            "do",
            f"Promise what the market expects: answers within {market.answer_target_seconds:g} s "
            f"for live contacts; {market.share_expecting_24x7:.0%} of buyers here expect "
            "round-the-clock support.",
            "answer_target_seconds, share_expecting_24x7; seed 002",
        ),
        Advice(
            "do",
            "Offer the channels buyers here prefer first: "
            + ", ".join(CHANNEL_NAMES[c] for c in market.preferred_channels)
            + ".",
            "preferred_channels",
        ),
    ]
    if market.senior_signoff_expected:
        items.append(
            Advice(
                "do",
                "Buyers expect senior people to decide: present the final concession and any "
                "service resolution as approved by top management.",
                "senior_signoff_expected; seed 002",
            )
        )
    if market.upselling_acceptable:
        items.append(
            Advice(
                "do",
                "A short mention of a higher tier at the end of a successful support call is "
                "accepted here.",
                "upselling_acceptable; seeds 000, 001",
            )
        )
    else:
        items.append(
            Advice(
                "avoid",
                "Do not pitch upgrades on support calls: it reads as exploiting a problem and "
                "alienates buyers. Sell the higher tier in account reviews instead.",
                "upselling_acceptable; seeds 000, 001",
            )
        )
    if market.expected_discount >= 0.12:
        items.append(
            Advice(
                "do",
                f"Expect to bargain: buyers usually win about {market.expected_discount:.0%} off "
                "the list price, so quote the list and move in steps, not all at once.",
                "expected_discount; seed 000",
            )
        )
    elif market.expected_discount <= 0.05:
        items.append(
            Advice(
                "avoid",
                "Avoid padding the quote: buyers expect a firm, justified price and little "
                f"haggling (usual discount {market.expected_discount:.0%}).",
                "expected_discount",
            )
        )
    return tuple(items)


def risks(market: Market, offered_options: frozenset[str] | set[str]) -> tuple[str, ...]:
    """Where what buyers in ``market`` expect and what the offer holds disagree, each with
    what the rep can propose."""
    found = []
    if market.share_expecting_24x7 >= 0.3 and "coverage_24x7" not in offered_options:
        found.append(
            f"{market.share_expecting_24x7:.0%} of buyers here expect round-the-clock support "
            "and no tier offers it: say so early, state the hours served, and offer 24/7 as a "
            "priced add-on to the top tier rather than promising it."
        )
    return tuple(found)


def customer_notes(market: Market) -> tuple[str, ...]:
    """What the customer should read on the offer besides the tiers (not internal advice)."""
    return (f"Prices are per account per year in {market.currency}.",)
