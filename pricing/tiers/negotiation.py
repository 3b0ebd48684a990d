"""List, target and floor prices, and who may approve which discount.

The optimiser prices the *target* T, what a deal is expected to close at. Sales quote the *list*
price L = T / (1 - d), with d the discount buyers in the market usually negotiate, and may go down
to the *floor* F = L (1 - D), with D the deepest discount an executive may approve; the optimiser
keeps F above cost plus the minimum margin. Between list and floor, approval passes from the
sales rep (small concessions) to the sales manager (down to the target) to an executive (down to
the floor). In markets where buyers expect senior sign-off, the executive band is what they
expect to see: a concession presented as approved by top management.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pricing.errors import InputError

# A rep may concede up to this share of the market's expected discount on their own.
REP_SHARE_OF_EXPECTED = 0.4


def list_price(target: float, expected_discount: float) -> float:
    """L = T / (1 - d)."""
    _check_discount("expected_discount", expected_discount)
    return target / (1.0 - expected_discount)


def floor_price(list_value: float, max_discount: float) -> float:
    """F = L (1 - D)."""
    _check_discount("max_discount", max_discount)
    return list_value * (1.0 - max_discount)


def _check_discount(name: str, value: float) -> None:
    if not (math.isfinite(value) and 0.0 <= value < 1.0):
        raise InputError(f"{name} must be in [0, 1), got {value!r}", field=name, value=value)


@dataclass(frozen=True)
class ApprovalBand:
    """Prices from ``highest`` down to ``lowest`` (discounts up to ``max_discount`` off list)."""

    approver: str
    max_discount: float
    highest: float
    lowest: float
    note: str


@dataclass(frozen=True)
class Quote:
    target: float
    list_price: float
    floor: float
    bands: tuple[ApprovalBand, ...]

    @property
    def headroom(self) -> float:
        """Room to come down from list to floor, as a share of list."""
        return 1.0 - self.floor / self.list_price if self.list_price else 0.0


def quote(
    target: float, expected_discount: float, max_discount: float, *, senior_signoff: bool = False
) -> Quote:
    """List, target and floor of one price, with the approval band of each discount."""
    if max_discount < expected_discount:
        raise InputError(
            f"max_discount {max_discount:g} is below expected_discount {expected_discount:g}",
            field="max_discount",
            value=max_discount,
        )
    if not (math.isfinite(target) and target >= 0):
        raise InputError(f"target must be >= 0, got {target!r}", field="target", value=target)
    listed = list_price(target, expected_discount)
    floor = floor_price(listed, max_discount)
    rep_discount = REP_SHARE_OF_EXPECTED * expected_discount
    rep_lowest = listed * (1.0 - rep_discount)
    executive_note = (
        "buyers here expect senior sign-off: present this concession as approved by top management"
        if senior_signoff
        else "deepest concessions; the floor still covers cost plus the minimum margin"
    )
    bands = (
        ApprovalBand(
            "sales rep",
            rep_discount,
            listed,
            rep_lowest,
            "routine concessions the rep gives on the spot",
        ),
        ApprovalBand(
            "sales manager",
            expected_discount,
            rep_lowest,
            target,
            "the usual negotiated discount, down to the target price",
        ),
        ApprovalBand("executive", max_discount, target, floor, executive_note),
    )
    return Quote(target=target, list_price=listed, floor=floor, bands=bands)


def approver_for(price: float, offer: Quote) -> str | None:
    """Who must approve a deal at ``price``; None when it is below the floor (not allowed)."""
    if price > offer.list_price + 1e-9:
        return "sales rep"
    for band in offer.bands:
        if price >= band.lowest - 1e-9:
            return band.approver
    return None
