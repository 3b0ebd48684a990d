"""What a tier promises the customer, in the words of a support contract.

Per channel, each figure one the desk is staffed to meet (the plan's targets): a live answer
within seconds, a reply on messaging apps within minutes where the market uses them, a first
response on e-mail and portal tickets within business hours; the languages, days and hours
served. The customer offer and the brief read them from here, so they always agree.
"""

from __future__ import annotations

from pricing.costing.service import channel_targets
from pricing.delivery.shared import LINGUA_FRANCA, Delivery
from pricing.offers.guidance import language_name
from pricing.plan import MarketPlan, PricedTier


def duration(seconds: float) -> str:
    """A response time as people say it: 20 s, 10 min, 8 h."""
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7_200:
        return f"{seconds / 60:g} min"
    return f"{seconds / 3600:g} h"


def hours(seconds: float, business: bool) -> str:
    """``28800`` as "8 business hours", ``3600`` as "1 business hour" (or plain hours)."""
    count = seconds / 3600
    unit = ("business " if business else "") + ("hour" if count == 1 else "hours")
    return f"{count:g} {unit}"


def promises(plan: MarketPlan, tier: PricedTier) -> tuple[str, ...]:
    """What a tier promises per channel, in the words of B2B support contracts: a live answer
    within seconds on the market's live channels, a reply within minutes on messaging apps where
    the market uses them, a first response within business hours on e-mail and portal tickets.

    Each figure is one the desk is staffed to meet: live contacts at the tier's live target;
    every asynchronous contact at the strictest target of the market's asynchronous channels,
    which is never slower than the one promised for that channel (data/service_targets.csv).
    """
    targets = channel_targets()
    channels = plan.workload.mix.channels
    fast = "priority_response" in tier.options
    bot = plan.workload.bot_nights
    # A bot at night: only urgent contacts reach a person outside business hours.
    urgent = (
        "; outside business hours, urgent ones" if bot and "coverage_24x7" in tier.options else ""
    )
    live = [c for c in channels if targets[c].kind == "live"] or ["phone"]
    lines = [
        f"{' and '.join(live).capitalize()}: live answer within "
        f"{duration(tier.answer_within_seconds)} (80 % of contacts{urgent})"
    ]
    if "messaging" in channels:
        messaging = targets["messaging"]
        within = messaging.priority_seconds if fast else messaging.standard_seconds
        lines.append(
            f"Messaging apps: reply within {duration(within or 0)} (80 % of messages{urgent})"
        )
    lines.append(
        "E-mail and portal tickets: first response within "
        f"{ticket_promise(tier, bot)} (80 % of tickets)"
    )
    return tuple(lines)


def served_languages(plan: MarketPlan) -> tuple[str, ...]:
    """The languages the market's contacts are answered in, first line first: its support
    languages, except that on its hub site's English desk the first line answers in English
    (its other languages keep their own desks)."""
    languages = plan.market.support_languages
    if plan.delivery is not None and plan.delivery.delivery == Delivery.ENGLISH:
        return tuple(dict.fromkeys((LINGUA_FRANCA, *languages[1:])))
    return languages


def offered_languages(plan: MarketPlan) -> tuple[str, ...]:
    """The support languages the plan's tiers hold: every one where a tier is multilingual,
    the first line's otherwise (what the customer offer promises, tier by tier)."""
    languages = served_languages(plan)
    multilingual = any("multilingual" in t.options for t in plan.tiers)
    return languages if multilingual else languages[:1]


def ticket_promise(tier: PricedTier, bot_nights: bool = False) -> str:
    """The first response a tier promises on e-mail and portal tickets: "8 business hours"
    (business hours unless the tier is 24/7 with agents at night, not a bot; the priority target
    with priority response)."""
    email = channel_targets()["email"]
    fast = "priority_response" in tier.options
    within = email.priority_seconds if fast else (email.standard_seconds or 0)
    return hours(within, business=bot_nights or "coverage_24x7" not in tier.options)


SEVERITIES = (
    "1 (service down)",
    "2 (a major function impaired)",
    "3 (a minor issue or a question)",
)


def severity_levels(tier: PricedTier, bot_nights: bool = False) -> tuple[str, ...]:
    """A priority tier's promise by severity, as support contracts state it: every severity
    answered ahead of standard tickets at the priority target the desk is staffed to meet
    (the desk staffs all of the tier's tickets at that target, so no severity is promised a
    figure it is not staffed for). A tier without priority response promises none."""
    if "priority_response" not in tier.options:
        return ()
    levels = ", ".join(SEVERITIES[:-1]) + " and " + SEVERITIES[-1]
    return (
        f"Priority response by severity: severity {levels}, each a first response within "
        f"{ticket_promise(tier, bot_nights)}, ahead of standard tickets",
    )


def inclusions(plan: MarketPlan, tier: PricedTier) -> tuple[str, ...]:
    """What the customer gets, in the order a buyer reads it: languages and days, answers.

    One line per promise: the languages, days and hours are said once (a 24/7 tier says round
    the clock instead of the business week), and a language is never named twice.
    """
    market = plan.market
    week = plan.workload.week
    languages = list(dict.fromkeys(language_name(code) for code in served_languages(plan)))
    spoken = " and ".join(languages if "multilingual" in tier.options else languages[:1])
    bot = plan.workload.bot_nights
    closed = f", closed on {len(week.holidays)} public holidays" if week.holidays else ""
    if "coverage_24x7" in tier.options and bot:
        served = (
            f"Support in {spoken}, {week.label} ({market.timezone}); at every other hour, public "
            "holidays included, a support bot answers and an agent on call takes urgent "
            "contacts, the others are answered in the next business hours (24/7)"
        )
    elif "coverage_24x7" in tier.options:
        served = f"Support in {spoken} round the clock, every day including public holidays (24/7)"
    else:
        served = f"Support in {spoken}, {week.label} ({market.timezone}){closed}"
    items = [served, *promises(plan, tier)]
    items += severity_levels(tier, bot)
    if "local_office" in tier.options:
        items.append("A local support team and on-site visits")
    return tuple(dict.fromkeys(items))
