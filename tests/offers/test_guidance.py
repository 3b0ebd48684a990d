"""Cultural guidance: the culture file, the do's and don'ts, the offer risks and customer notes."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import get_args

import pandas as pd
import pytest

from pricing.errors import DataFileError
from pricing.inputs.catalog import DEFAULT_MARKETS, load_markets, load_sources
from pricing.models import Market
from pricing.offers.citations import seed_titles
from pricing.offers.culture import (
    CULTURE_COLUMNS,
    DEFAULT_CULTURE,
    CultureProfile,
    culture_from_table,
    shipped_culture,
)
from pricing.offers.guidance import customer_notes, guidance
from pricing.offers.risks import risks

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
ALL_OPTIONS = frozenset({"priority_response", "coverage_24x7", "multilingual", "local_office"})
# What the market-data lines of the guidance are built from (besides the culture row).
MARKET_FIELDS = (
    "support_languages",
    "answer_target_seconds",
    "share_expecting_24x7",
    "preferred_channels",
    "senior_signoff_expected",
    "upselling_acceptable",
    "expected_discount",
)
PROFILE_FIELDS = tuple(c for c in CULTURE_COLUMNS if c not in ("code", "source"))


@pytest.fixture(scope="module")
def markets() -> dict[str, Market]:
    return {m.code: m for m in load_markets()}


@pytest.fixture(scope="module")
def shipped_rows() -> pd.DataFrame:
    return pd.read_csv(DEFAULT_CULTURE, dtype=str, keep_default_na=False)


def _texts(market: Market, **kwargs: object) -> list[str]:
    return [advice.text for advice in guidance(market, **kwargs)]  # type: ignore[arg-type]


def _joined(market: Market) -> str:
    return " ".join(_texts(market)).lower()


def _cultural(market: Market, **kwargs: object) -> tuple[str, ...]:
    return tuple(
        a.text
        for a in guidance(market, **kwargs)  # type: ignore[arg-type]
        if a.basis.startswith("culture.")
    )


# --- the file -----------------------------------------------------------------------------------


def test_culture_has_one_row_per_shipped_market(shipped_rows: pd.DataFrame) -> None:
    market_codes = pd.read_csv(DEFAULT_MARKETS, dtype=str)["code"].tolist()
    assert sorted(shipped_rows["code"]) == sorted(market_codes)
    assert len(market_codes) == 34
    assert set(shipped_culture()) == set(market_codes)


def test_every_row_says_where_it_comes_from(shipped_rows: pd.DataFrame) -> None:
    notes = dict(zip(shipped_rows["code"], shipped_rows["source"], strict=True))
    named = {"US", "CA", "DE", "FR", "IL", "ZA", "IN", "JP", "AU"}  # a seed names the market
    assert {code for code, note in notes.items() if note.startswith("seed:")} == named
    regional = {code for code, note in notes.items() if "regional statement" in note}
    assert regional >= {"PL", "CN", "KR", "SG", "PH", "ID", "VN", "MY"}
    cited = set(re.findall(r"seed:(\d{3}_[0-9a-f]+\.txt)", " ".join(notes.values())))
    assert cited
    if SEEDS.is_dir():  # shared/ sits beside the checkout in development and CI
        assert cited <= {p.name for p in SEEDS.glob("*.txt")}


def test_every_culture_column_is_documented() -> None:
    sources = load_sources()
    defaults = set(sources.loc[sources["code"] == "*", "field"])
    readme = (DEFAULT_CULTURE.parent / "README.md").read_text()
    for column in PROFILE_FIELDS:
        assert f"culture.{column}" in defaults, column
        assert f"| `{column}` |" in readme, column
    for code in sources.loc[sources["field"].str.startswith("culture."), "code"]:
        assert code == "*" or code in shipped_culture(), code


def test_shipped_culture_is_read_once() -> None:
    assert shipped_culture() is shipped_culture()


def _bad_file(tmp_path: Path, frame: pd.DataFrame) -> DataFileError:
    path = tmp_path / "culture.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataFileError) as caught:
        culture_from_table(path)
    return caught.value


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("communication_style", "shouty", "direct_factual"),
        ("complaint_style", "loud", "courteous_vague"),
        ("feedback_channel", "focus_group", "one_to_one"),
        ("service_personality", "lavish", "omotenashi"),
        ("service_role", "robot", "entry_level"),
        ("native_speaker_expected", "maybe", "valid boolean"),
        ("distributor_continuity", "sometimes", "valid boolean"),
        ("payment_methods", "alipay;paypal", "wechat_pay"),
        ("payment_methods", "", "required"),
        ("code", "XX", "not an ISO 3166-1"),
        ("source", "my hunch", "seed:|assumption:"),
    ],
)
def test_bad_cell_names_file_row_column_and_value(
    tmp_path: Path, shipped_rows: pd.DataFrame, column: str, value: str, words: str
) -> None:
    frame = shipped_rows.copy()
    frame.loc[3, column] = value
    error = _bad_file(tmp_path, frame)
    text = str(error)
    assert text.startswith("culture.csv:")
    assert "row 5" in text  # the header is row 1, so the fourth market is row 5
    assert f"column '{column}'" in text
    assert repr(value) in text
    assert words in text
    assert error.row == 5 and error.field == column and error.value == value


def test_every_problem_is_reported_at_once(tmp_path: Path, shipped_rows: pd.DataFrame) -> None:
    frame = shipped_rows.copy()
    frame.loc[0, "complaint_style"] = "loud"
    frame.loc[5, "payment_methods"] = "cash"
    error = _bad_file(tmp_path, frame)
    assert len(error.problems) == 2
    assert "row 2" in error.problems[0] and "row 7" in error.problems[1]


def test_duplicate_missing_and_unknown_columns(tmp_path: Path, shipped_rows: pd.DataFrame) -> None:
    twice = pd.concat([shipped_rows, shipped_rows.iloc[[1]]], ignore_index=True)
    text = str(_bad_file(tmp_path, twice))
    assert "duplicate market, first on row 3" in text and "'CA'" in text
    dropped = _bad_file(tmp_path, shipped_rows.drop(columns=["complaint_style"]))
    assert "missing column(s) complaint_style" in str(dropped)
    assert dropped.field == "complaint_style"
    assert "unknown column(s) colour" in str(_bad_file(tmp_path, shipped_rows.assign(colour="x")))


# --- guidance -----------------------------------------------------------------------------------


def test_france_expects_an_immediate_response_and_resolution(markets: dict[str, Market]) -> None:
    text = _joined(markets["FR"])
    assert "immediate response and resolution" in text and "70%" in text
    assert "short and factual" in text
    assert "immediate response" not in _joined(markets["DE"])


def test_japan_serves_with_omotenashi(markets: dict[str, Market]) -> None:
    text = _joined(markets["JP"])
    assert "omotenashi" in text and "anticipate needs" in text
    assert "build rapport" in text
    assert "omotenashi" not in _joined(markets["KR"])


def test_india_and_israel_stay_calm_with_direct_complainers(markets: dict[str, Market]) -> None:
    for code in ("IN", "IL"):
        calm = [a for a in guidance(markets[code]) if "stay calm" in a.text.lower()]
        assert len(calm) == 1, code
        assert calm[0].kind == "avoid" and "in kind" in calm[0].text
    for code in ("JP", "DE", "US"):
        assert "stay calm" not in _joined(markets[code]), code


def test_asian_buyers_complain_mildly_and_speak_one_to_one(markets: dict[str, Market]) -> None:
    for code in ("CN", "JP", "KR", "VN"):
        text = _joined(markets[code])
        assert "mild or vague complaint as serious" in text, code
        assert "one-to-one" in text, code
    assert "mild or vague" not in _joined(markets["IN"])  # India's own statement wins
    for code in ("US", "CA"):
        assert "short online survey" in _joined(markets[code]), code


def test_us_buyers_want_native_speakers_and_speed(markets: dict[str, Market]) -> None:
    text = _joined(markets["US"])
    assert "native english speakers" in text and "accent" in text
    assert "fast service" in text and "perk" in text
    assert "students" in text  # frontline service jobs are entry-level there
    assert "accent" not in _joined(markets["SE"])


def test_south_africa_follows_batho_pele(markets: dict[str, Market]) -> None:
    assert "batho pele" in _joined(markets["ZA"])
    assert "batho pele" not in _joined(markets["NG"])


def test_poland_transactional_service_is_a_chance(markets: dict[str, Market]) -> None:
    text = _joined(markets["PL"])
    assert "transactional" in text and "stand out" in text
    assert "transactional" not in _joined(markets["DE"])


def test_local_partners_are_kept_where_buyers_resent_a_switch(markets: dict[str, Market]) -> None:
    assert "resent a switch" in _joined(markets["MX"])
    assert "resent a switch" not in _joined(markets["US"])


def test_no_market_gets_the_same_line_twice(markets: dict[str, Market]) -> None:
    for code, market in markets.items():
        texts = [t.lower() for t in _texts(market)]
        assert len(texts) == len(set(texts)), code
        assert all(advice.kind in ("do", "avoid") for advice in guidance(market))


def test_texts_hold_no_internal_references(markets: dict[str, Market]) -> None:
    for code, market in markets.items():
        for advice in guidance(market):
            lowered = advice.text.lower()
            assert "seed" not in lowered and "basis" not in lowered, (code, advice.text)
            assert ".txt" not in lowered and "culture." not in lowered, (code, advice.text)
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", advice.text), (code, advice.text)
            assert "{" not in advice.text, (code, advice.text)  # every placeholder filled


def test_cultural_lines_name_their_field_and_seed(markets: dict[str, Market]) -> None:
    seen_fields = set()
    for market in markets.values():
        for advice in guidance(market):
            if advice.basis.startswith("culture."):
                field = advice.basis.split(";")[0].removeprefix("culture.")
                assert field in PROFILE_FIELDS, advice.basis
                assert any(f"“{t}”" in advice.basis for t in seed_titles().values()), advice.basis
                seen_fields.add(field)
    assert seen_fields == set(PROFILE_FIELDS)


def test_markets_with_the_same_guidance_have_the_same_data(markets: dict[str, Market]) -> None:
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for code, market in markets.items():
        groups[tuple(_texts(market))].append(code)
    profiles = shipped_culture()
    for codes in groups.values():
        data = {
            (
                tuple(getattr(markets[c], f) for f in MARKET_FIELDS),
                tuple(getattr(profiles[c], f) for f in PROFILE_FIELDS),
            )
            for c in codes
        }
        assert len(data) == 1, codes


def test_markets_with_the_same_cultural_lines_have_the_same_profile(
    markets: dict[str, Market],
) -> None:
    """Stricter than the whole guidance: the cultural lines alone tell every profile apart."""
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for code, market in markets.items():
        groups[_cultural(market)].append(code)
    profiles = shipped_culture()
    for codes in groups.values():
        assert len({tuple(getattr(profiles[c], f) for f in PROFILE_FIELDS) for c in codes}) == 1
    assert len(groups) >= 20  # the profiles are not a handful of templates


@pytest.mark.parametrize("column", PROFILE_FIELDS)
def test_every_value_of_a_column_reads_differently(markets: dict[str, Market], column: str) -> None:
    market = markets["MY"]
    base = shipped_culture()["MY"]
    annotation = CultureProfile.model_fields[column].annotation
    if column == "payment_methods":
        values: list[object] = [("bank_transfer", "card"), ("alipay", "wechat_pay"), ("upi",)]
    elif annotation is bool:
        values = [True, False]
    else:
        values = list(get_args(annotation))
    readings = {
        _cultural(market, culture={"MY": base.model_copy(update={column: value})})
        for value in values
    }
    assert len(readings) == len(values), column


def test_a_market_without_a_profile_still_gets_its_market_lines(
    markets: dict[str, Market],
) -> None:
    market = markets["DE"]
    bare = guidance(market, culture={})
    assert not [a for a in bare if a.basis.startswith("culture.")]
    assert sum("no cultural profile" in a.text.lower() for a in bare) == 1
    market_lines = [a for a in guidance(market) if not a.basis.startswith("culture.")]
    assert [a for a in bare if "no cultural profile" not in a.text.lower()] == market_lines
    assert customer_notes(market, culture={}) == customer_notes(market)[:2]
    japan = risks(markets["JP"], frozenset(), culture={})  # the market-data risks still work
    assert any("round-the-clock" in r for r in japan) and any("in person" in r for r in japan)
    assert not any("regional hub" in r for r in japan)


# --- risks --------------------------------------------------------------------------------------


def test_round_the_clock_risk_is_kept(markets: dict[str, Market]) -> None:
    found = risks(markets["US"], frozenset())
    assert any("round-the-clock" in r for r in found)
    assert not any("round-the-clock" in r for r in risks(markets["US"], {"coverage_24x7"}))


def test_france_immediate_expectation_against_the_offer(markets: dict[str, Market]) -> None:
    france = markets["FR"]

    def immediate(found: tuple[str, ...]) -> list[str]:
        return [r for r in found if "immediate response" in r]

    assert immediate(risks(france, {"coverage_24x7"}))
    assert not immediate(risks(france, {"priority_response"}))
    slow = immediate(risks(france, {"priority_response"}, answer_within_seconds=45))
    assert slow and "45 s" in slow[0]
    assert not immediate(risks(markets["DE"], frozenset()))


def test_languages_and_native_speakers_against_the_offer(markets: dict[str, Market]) -> None:
    canada = risks(markets["CA"], {"coverage_24x7"})
    assert any("English and French" in r and "every local language" in r for r in canada)
    assert not any("every local language" in r for r in risks(markets["CA"], {"multilingual"}))
    # Canada's English is native at its US hub; its French is not.
    assert not any("regional hub" in r for r in canada)
    assert any("French" in r for r in risks(markets["CA"], {"multilingual"}) if "hub" in r)
    germany = risks(markets["DE"], frozenset())
    assert any("regional hub (Poland)" in r and "native German" in r for r in germany)
    assert not any("regional hub" in r for r in risks(markets["DE"], {"local_office"}))
    assert not any("regional hub" in r for r in risks(markets["SE"], frozenset()))  # no expectation


def test_in_person_and_local_partner_against_the_offer(markets: dict[str, Market]) -> None:
    assert any("in person" in r for r in risks(markets["JP"], frozenset()))
    assert not any("in person" in r for r in risks(markets["JP"], {"local_office"}))
    switch = risks(markets["MX"], ALL_OPTIONS, replaces_local_partner=True)
    assert any("distributor or rep" in r for r in switch)
    assert not risks(markets["MX"], ALL_OPTIONS)
    assert not risks(markets["US"], ALL_OPTIONS, replaces_local_partner=True)


def test_every_risk_says_what_to_propose(markets: dict[str, Market]) -> None:
    for code, market in markets.items():
        for risk in risks(market, frozenset(), replaces_local_partner=True):
            assert re.search(r"\b(propose|offer|keep|hire)\b", risk), (code, risk)
            assert "seed" not in risk.lower() and "_" not in risk, (code, risk)
        assert not risks(market, ALL_OPTIONS), code


# --- customer notes -----------------------------------------------------------------------------


def test_china_customer_notes_name_alipay_and_wechat_pay(markets: dict[str, Market]) -> None:
    notes = " ".join(customer_notes(markets["CN"]))
    assert "Alipay" in notes and "WeChat Pay" in notes
    assert "Chinese yuan (CNY)" in notes and "exchange rate" in notes
    assert "Alipay" not in " ".join(customer_notes(markets["DE"]))


def test_customer_notes_give_currency_rate_and_payment_not_hours(
    markets: dict[str, Market],
) -> None:
    germany = customer_notes(markets["DE"])
    assert "euros (EUR)" in germany[0]
    assert any("exchange rate" in n for n in germany)
    assert any("SEPA direct debit" in n for n in germany)
    us = customer_notes(markets["US"])
    assert "US dollars (USD)" in us[0] and not any("exchange rate" in n for n in us)
    for market in markets.values():
        for note in customer_notes(market):
            assert not re.search(r"\d{1,2}:\d{2}|monday|hours|24/7", note.lower()), note
            assert "_" not in note, note
            for word in ("seed", "basis", "floor", "target", "approv", "risk"):  # nothing internal
                assert word not in note.lower(), (word, note)
