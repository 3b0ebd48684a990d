"""Cultural guidance for a market's offer, drawn from its data (and the seeds behind it).

Each line is a do or a don't that a sales lead can act on. ``basis`` names the data fields and
seed articles a line rests on; the UI shows it as a footnote, never in the text. The cultural
lines come from the market's profile (:mod:`pricing.offers.culture`); a market without a row
there gets every line but the cultural ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from babel import Locale
from babel.numbers import get_currency_name

from pricing.models import Market
from pricing.offers.citations import readable
from pricing.offers.culture import CULTURE_COLUMNS, PAYMENT_NAMES, CultureProfile, profile_of

S000 = "seed:000_c90025b8bb6a8cf3.txt"
S001 = "seed:001_b97776fd91fb1ac5.txt"
S002 = "seed:002_99b7a93ef70dac2a.txt"
S003 = "seed:003_86d74cd5ad9ea50a.txt"
S004 = "seed:004_4f36940d8ae81b27.txt"

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


def joined(items: list[str], last: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def payment_words(methods: tuple[str, ...]) -> str:
    """``("alipay", "bank_transfer")`` as "Alipay or bank transfer"."""
    return joined([PAYMENT_NAMES[m] for m in methods], "or")


# (column, value, seeds) -> text: the line a market gets for that value of a column of its market
# row or its culture row ("*": any value), with the seed articles it rests on (its ``basis``). A
# text starting "avoid:" is a don't; texts are filled with the market's own figures (``_fill``).
LINES: dict[tuple[str, object, str], str] = {
    ("support_languages", "*", S001): (
        "Keep support in the language the deal was made in ({language_list}). Switching "
        "language after the sale is a common reason buyers walk away."
    ),
    ("answer_target_seconds, share_expecting_24x7", "*", f"{S002}, {S004}"): (
        "Promise what the market expects: answers within {answer:g} s for live contacts; "
        "{share_24x7:.0%} of buyers here expect round-the-clock support."
    ),
    ("preferred_channels", "*", S002): "Offer the channels buyers here prefer first: {channels}.",
    ("senior_signoff_expected", True, S002): (
        "Buyers expect senior people to decide: present the final concession and any service "
        "resolution as approved by top management."
    ),
    ("upselling_acceptable", True, f"{S000}, {S001}"): (
        "A short mention of a higher tier at the end of a successful support call is accepted here."
    ),
    ("upselling_acceptable", False, f"{S000}, {S001}"): (
        "avoid:Do not pitch upgrades on support calls: it reads as exploiting a problem and "
        "alienates buyers. Sell the higher tier in account reviews instead."
    ),
    ("expected_discount", "bargain", S000): (
        "Expect to bargain: buyers usually win about {discount:.0%} off the list price, so quote "
        "the list and move in steps, not all at once."
    ),
    ("expected_discount", "firm", ""): (
        "avoid:Avoid padding the quote: buyers expect a firm, justified price and little "
        "haggling (usual discount {discount:.0%})."
    ),
    ("expected_discount", "some", S000): (
        "Quote with some room to come down: buyers usually win about {discount:.0%} off the "
        "list price, and the price should still pay its way after it."
    ),
    ("culture", None, "no row in culture.csv"): (
        "No cultural profile is on file for this market yet: ask a colleague who sells there "
        "how buyers here expect to be served."
    ),
    ("communication_style", "direct_factual", S002): (
        "Keep service replies short and factual: buyers here expect efficiency, not enthusiasm "
        "or small talk, and brevity is not taken as rudeness."
    ),
    ("communication_style", "friendly_efficient", S000): (
        "Be friendly but get to the point: buyers here want a pleasant tone and a quick fix, "
        "not a long conversation."
    ),
    ("communication_style", "warm_relational", S002): (
        "avoid:Avoid curt, purely factual replies: they come across as rude here. Greet the "
        "customer personally and check they are satisfied before closing a case."
    ),
    ("communication_style", "indirect_harmony", f"{S003}, {S002}"): (
        "Build rapport and show respect before turning to the problem: coming straight to the "
        "point feels abrupt to buyers here."
    ),
    ("complaint_style", "direct_specific", S001): (
        "avoid:Never answer a blunt complaint in kind: upset buyers here say exactly what went "
        "wrong. Stay calm, acknowledge the point and work the issue through to keep the account."
    ),
    ("complaint_style", "courteous_vague", S002): (
        "Treat a mild or vague complaint as serious: buyers here keep harmony and soften what "
        "they say, so a polite remark can hide real dissatisfaction. Follow up in private."
    ),
    ("service_personality", "immediate_resolution", S002): (
        "Aim to fix problems on the first contact: in a published survey over 70% of customers "
        "in {name} expected an immediate response and resolution. Give first-line agents the "
        "authority to resolve, not only to log."
    ),
    ("service_personality", "omotenashi", S002): (
        "Serve in the spirit of omotenashi: anticipate needs before they are voiced, follow up "
        "unasked and keep every contact impeccably courteous; buyers here judge support by it."
    ),
    ("service_personality", "batho_pele", S002): (
        "Follow South Africa's Batho Pele (\u201cpeople first\u201d) service principles, courtesy "
        "and published service standards among them: state your standards on the offer."
    ),
    ("service_personality", "transactional", S002): (
        "Stand out by being reachable: support here is usually transactional, with long waits "
        "or no live person at all, so a quick live answer and a named contact sell the offer."
    ),
    ("service_personality", "speed_over_perks", S000): (
        "Sell speed, not extras: buyers here would give up every perk for fast service, so lead "
        "with the answer times and never let a wait run past the promise."
    ),
    ("native_speaker_expected", True, f"{S002}, {S004}"): (
        "Answer phone and chat with native {languages} speakers: buyers here notice a foreign "
        "accent, and a heavy one makes support calls frustrating."
    ),
    ("service_role", "entry_level", S002): (
        "Put product experts on the first line: buyers here are used to service jobs filled by "
        "students or untrained staff, so deep product knowledge sets the offer apart."
    ),
    ("service_role", "skilled_profession", S002): (
        "Staff the first line with trained support engineers: buyers here see service as a "
        "skilled profession and expect deep product knowledge on the first contact."
    ),
    ("distributor_continuity", True, S001): (
        "Where a local distributor or rep already serves a customer, keep them on or hand over "
        "jointly: buyers here form ties with their local support and resent a switch."
    ),
    ("feedback_channel", "one_to_one", S000): (
        "Ask for feedback in one-to-one conversations, in person where you can: in a group, "
        "buyers here say what they think the group wants to hear."
    ),
    ("feedback_channel", "quick_online_survey", S000): (
        "Ask for feedback with a short online survey: buyers here do not want to spend time on "
        "interviews or long questionnaires."
    ),
    ("feedback_channel", "account_review", S000): (
        "Ask each account for feedback at least once a year in an account review, with the "
        "questions adapted to local norms."
    ),
    ("payment_methods", "*", S003): (
        "Make sure billing can take {methods}: that is how buyers here expect to pay."
    ),
}
_BY_VALUE = {(column, value): (text, seeds) for (column, value, seeds), text in LINES.items()}
# Lines come in the order of LINES: the market row first, then its culture.
ORDER = tuple(dict.fromkeys(column for column, _, _ in LINES))


def _fill(
    market: Market, profile: CultureProfile | None, offered: tuple[str, ...] | None = None
) -> dict[str, object]:
    languages = [language_name(code) for code in (offered or market.support_languages)]
    also = f"; also offered: {', '.join(languages[1:])}" if len(languages) > 1 else ""
    return {
        "name": market.name,
        "language_list": languages[0] + also,
        "languages": joined(languages),
        "answer": market.answer_target_seconds,
        "share_24x7": market.share_expecting_24x7,
        "channels": ", ".join(CHANNEL_NAMES[c] for c in market.preferred_channels),
        "discount": market.expected_discount,
        "methods": payment_words(profile.payment_methods) if profile else "",
    }


def _values(market: Market, profile: CultureProfile | None) -> dict[str, object]:
    """The value each line of ``ORDER`` is chosen by."""
    d = market.expected_discount
    values: dict[str, object] = {
        "senior_signoff_expected": market.senior_signoff_expected,
        "upselling_acceptable": market.upselling_acceptable,
        "expected_discount": "bargain" if d >= 0.12 else "firm" if d <= 0.05 else "some",
        "culture": None if profile is None else "on file",
    }
    if profile is not None:
        values.update(profile.model_dump(exclude={"code", "source"}))
    return values


def guidance(
    market: Market,
    *,
    culture: Mapping[str, CultureProfile] | None = None,
    languages: tuple[str, ...] | None = None,
) -> tuple[Advice, ...]:
    """What to do and what to avoid when offering support in ``market``.

    ``languages``: the support languages the offer's tiers hold (default: every support
    language of the market), so the brief never names a language the customer is not offered.

    ``culture`` replaces the shipped profiles (``data/culture.csv``), e.g. in tests; a market
    without a profile gets one line saying so instead of the cultural lines.
    """
    profile = profile_of(market, culture)
    fill, values = _fill(market, profile, languages), _values(market, profile)
    items = []
    for column in ORDER:
        line = _BY_VALUE.get((column, values.get(column, "*"))) or _BY_VALUE.get((column, "*"))
        if line is not None and (column in values or column not in CULTURE_COLUMNS):
            text, seeds = line
            kind = "avoid" if text.startswith("avoid:") else "do"
            field = f"culture.{column}" if column in CULTURE_COLUMNS else column
            basis = readable(f"{field}; {seeds}" if seeds else field)
            items.append(Advice(kind, text.removeprefix("avoid:").format(**fill), basis))
    return tuple(items)


def customer_notes(
    market: Market, *, culture: Mapping[str, CultureProfile] | None = None
) -> tuple[str, ...]:
    """What the customer reads on the offer besides the tiers (no internal advice). The days and
    hours served are in each tier's inclusions already, so they are not repeated here."""
    name = get_currency_name(market.currency, count=2, locale="en")
    notes = [f"Prices are per account per year in {name} ({market.currency})."]
    if market.currency != "USD":
        notes.append(
            "Prices are converted from US dollars; the exchange rate used and its date are "
            "stated on this offer."
        )
    profile = profile_of(market, culture)
    if profile is not None:
        notes.append(f"Payment is accepted by {payment_words(profile.payment_methods)}.")
    return tuple(notes)
