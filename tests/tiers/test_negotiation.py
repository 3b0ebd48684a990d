"""List, target, floor and approval bands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.errors import InputError
from pricing.tiers.negotiation import approver_for, floor_price, list_price, quote


def test_by_hand() -> None:
    """Target 900, d = 10%, D = 25%: list 900 / 0.9 = 1,000, floor 1,000 x 0.75 = 750."""
    offer = quote(900, 0.10, 0.25)
    assert offer.list_price == pytest.approx(1_000)
    assert offer.floor == pytest.approx(750)
    assert offer.headroom == pytest.approx(0.25)
    assert [b.approver for b in offer.bands] == ["sales rep", "sales manager", "executive"]
    # The rep may give 40% of the expected discount: 4% off list, down to 960.
    assert offer.bands[0].lowest == pytest.approx(960)
    assert approver_for(1_000, offer) == "sales rep"
    assert approver_for(950, offer) == "sales manager"
    assert approver_for(800, offer) == "executive"
    assert approver_for(749, offer) is None


@given(
    target=st.floats(0, 1e6),
    expected=st.floats(0, 0.5),
    extra=st.floats(0, 0.45),
    senior=st.booleans(),
)
def test_bands_run_from_list_to_floor(
    target: float, expected: float, extra: float, senior: bool
) -> None:
    offer = quote(target, expected, expected + extra, senior_signoff=senior)
    assert offer.list_price >= offer.target >= offer.floor - 1e-9
    assert offer.bands[0].highest == pytest.approx(offer.list_price)
    assert offer.bands[-1].lowest == pytest.approx(offer.floor)
    for upper, lower in zip(offer.bands, offer.bands[1:], strict=False):
        assert upper.lowest == pytest.approx(lower.highest)
        assert upper.highest >= upper.lowest - 1e-9
    assert offer.bands[1].lowest == pytest.approx(target)
    assert ("top management" in offer.bands[-1].note) == senior


def test_bad_discounts() -> None:
    with pytest.raises(InputError, match="expected_discount"):
        list_price(100, 1.0)
    with pytest.raises(InputError, match="max_discount"):
        floor_price(100, -0.1)
    with pytest.raises(InputError, match="below expected_discount"):
        quote(100, 0.2, 0.1)
