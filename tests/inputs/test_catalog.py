"""The shipped market data and the validation of market files."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from pricing.errors import DataFileError
from pricing.inputs.catalog import (
    DEFAULT_MARKETS,
    MARKET_COLUMNS,
    MAX_FILE_BYTES,
    SOURCED_COLUMNS,
    load_markets,
    load_sources,
    markets_frame,
    markets_from_frame,
    source_of,
    template_csv,
)

REQUIRED_MARKETS = {
    "AE",
    "SA",
    "QA",
    "EG",
    "TR",
    "IN",
    "CN",
    "JP",
    "KR",
    "SG",
    "PH",
    "ID",
    "AU",
    "DE",
    "FR",
    "GB",
    "NL",
    "PL",
    "SE",
    "ES",
    "IT",
    "US",
    "CA",
    "MX",
    "BR",
    "AR",
    "ZA",
    "NG",
    "KE",
}


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return pd.read_csv(DEFAULT_MARKETS, dtype=str, keep_default_na=False)


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def _problem(frame: pd.DataFrame) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        load_markets(_csv(frame))
    return caught.value


def test_shipped_markets_cover_every_region() -> None:
    markets = load_markets()
    codes = {m.code for m in markets}
    assert len(markets) >= 30
    assert codes >= REQUIRED_MARKETS
    assert {m.region for m in markets} == {
        "Americas",
        "Europe",
        "Middle East & Africa",
        "Asia-Pacific",
    }


def test_every_shipped_figure_has_a_source() -> None:
    sources = load_sources()
    for market in load_markets():
        for field in SOURCED_COLUMNS:
            note = source_of(sources, market.code, field)
            assert note != "not documented", (market.code, field)
            assert note.startswith(("assumption:", "seed:", "derived:")) or "seed:" in note


def test_sources_cite_only_existing_seed_files() -> None:
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    cited = set()
    for note in load_sources()["source"]:
        for word in note.replace(",", " ").replace("(", " ").replace(")", " ").split():
            if word.startswith("seed:"):
                cited.add(word.removeprefix("seed:").rstrip(":;."))
    assert cited, "the data should draw on the seed articles"
    if seeds.is_dir():  # shared/ sits beside the checkout in development and CI
        assert cited <= {p.name for p in seeds.glob("*.txt")}


def test_bargaining_follows_the_seeds() -> None:
    """Gulf and wider Middle East bargain hard; Germany and the Nordics barely."""
    by_code = {m.code: m for m in load_markets()}
    hard = [by_code[c].expected_discount for c in ("AE", "SA", "QA", "EG")]
    soft = [by_code[c].expected_discount for c in ("DE", "SE", "NL")]
    assert min(hard) >= 0.15
    assert max(soft) <= 0.05
    assert all(by_code[c].max_discount > by_code[c].expected_discount for c in by_code)
    assert by_code["US"].upselling_acceptable and not by_code["JP"].upselling_acceptable
    assert by_code["SA"].senior_signoff_expected and not by_code["SE"].senior_signoff_expected
    assert by_code["FR"].answer_target_seconds < by_code["DE"].answer_target_seconds


def test_library_knowledge_is_derived() -> None:
    by_code = {m.code: m for m in load_markets()}
    assert by_code["AE"].currency == "AED"
    assert by_code["JP"].currency == "JPY" and by_code["JP"].name == "Japan"
    assert by_code["CA"].support_languages == ("en", "fr")
    assert by_code["JP"].timezone == "Asia/Tokyo"
    assert by_code["IN"].utc_offset_hours == 5.5
    shares = by_code["CA"].language_shares
    assert sum(shares) == pytest.approx(1.0) and shares[0] > shares[1]


def test_round_trip_through_the_table() -> None:
    markets = load_markets()
    again = load_markets(_csv(markets_frame(markets)))
    assert again == markets


def test_xlsx_upload(tmp_path, shipped: pd.DataFrame) -> None:
    path = tmp_path / "markets.xlsx"
    shipped.to_excel(path, index=False)
    assert load_markets(path) == load_markets()


def test_template_lists_every_column() -> None:
    header = template_csv().splitlines()[0].split(",")
    assert tuple(header) == MARKET_COLUMNS


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("code", "XX", "not an ISO 3166-1"),
        ("currency", "ABC", "not an ISO 4217"),
        ("agent_cost_usd", "-100", "must be above 0 USD a year"),
        ("office_fixed_usd", "-1", "is below the minimum of 0 USD a year"),
        ("share_expecting_24x7", "1.5", "is above the limit of 1"),
        ("expected_discount", "abc", "is not a number"),
        ("accounts", "12.5", "is not a whole number"),
        ("support_languages", "en;xx", "not an ISO 639"),
        ("timezone", "Mars/Olympus", "not an IANA time zone"),
        ("region", "Antarctica", "Americas"),
        ("preferred_channels", "fax", "phone"),
        ("senior_signoff_expected", "maybe", "valid boolean"),
    ],
)
def test_bad_cell_names_row_column_and_value(
    shipped: pd.DataFrame, column: str, value: str, words: str
) -> None:
    frame = shipped.copy()
    frame.loc[3, column] = value
    error = _problem(frame)
    text = str(error)
    assert "row 5" in text  # header is row 1, so the fourth market is row 5
    assert f"'{column}'" in text
    assert repr(value) in text
    assert words in text
    assert error.row == 5 and error.field == column


def test_all_problems_reported_at_once(shipped: pd.DataFrame) -> None:
    frame = shipped.copy()
    frame.loc[0, "agent_cost_usd"] = "-5"
    frame.loc[2, "max_discount"] = "2"
    error = _problem(frame)
    assert len(error.problems) == 2
    assert "row 2" in error.problems[0] and "row 4" in error.problems[1]


def test_duplicate_market(shipped: pd.DataFrame) -> None:
    frame = pd.concat([shipped, shipped.iloc[[1]]], ignore_index=True)
    text = str(_problem(frame))
    assert "duplicate market" in text and "'CA'" in text and "first on row 3" in text


def test_max_discount_below_expected(shipped: pd.DataFrame) -> None:
    frame = shipped.copy()
    frame.loc[0, "max_discount"] = "0.01"
    assert "below expected_discount" in str(_problem(frame))


def test_a_hub_is_a_hub_site_or_a_market_of_the_file(shipped: pd.DataFrame) -> None:
    """PH is a hub site, so a file without the Philippines loads; NZ is neither a site nor a
    market of the file, and a market served from it is refused naming both."""
    without_ph = markets_from_frame(shipped[shipped["code"] != "PH"])
    assert "PH" not in {m.code for m in without_ph}
    assert {m.remote_hub for m in without_ph} >= {"PH"}
    frame = shipped.copy()
    frame.loc[frame["code"] == "AU", "remote_hub"] = "NZ"
    text = str(_problem(frame))
    assert "remote_hub" in text and "'NZ'" in text and "hub site" in text
    frame.loc[frame["code"] == "AU", "remote_hub"] = "AU"  # its own hub: a market of the file
    assert {m.code: m.remote_hub for m in markets_from_frame(frame)}["AU"] == "AU"


def test_several_time_zones_need_one_named(shipped: pd.DataFrame) -> None:
    frame = shipped.copy()
    frame.loc[frame["code"] == "US", "timezone"] = ""
    assert "spans several UTC offsets" in str(_problem(frame))


def test_missing_and_unknown_columns(shipped: pd.DataFrame) -> None:
    assert "missing column(s) agent_cost_usd" in str(
        _problem(shipped.drop(columns=["agent_cost_usd"]))
    )
    assert "unknown column(s) 'colour'" in str(_problem(shipped.assign(colour="red")))


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"", "empty"),
        (b"   \n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "UTF-8"),
        (b"code,region\n\x00\x01", "binary"),
        (b"PK\x03\x04 not really a workbook", "XLSX"),
        (",".join(MARKET_COLUMNS).encode() + b"\n", "no rows"),
    ],
)
def test_unusable_files(payload: bytes, words: str) -> None:
    with pytest.raises(DataFileError) as caught:
        load_markets(payload)
    assert words in str(caught.value)


def test_oversized_file(tmp_path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(DataFileError, match="limit"):
        load_markets(path)
    with pytest.raises(DataFileError, match="limit"):
        load_markets(io.BytesIO(b"x" * (MAX_FILE_BYTES + 1)))


def test_missing_file(tmp_path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        load_markets(tmp_path / "nope.csv")


def test_semicolon_separated_csv(shipped: pd.DataFrame) -> None:
    """Spreadsheets in many European locales save CSV with semicolons."""
    text = shipped.to_csv(index=False, sep=";")
    assert len(load_markets(text.encode())) == len(shipped)


def test_derived_currency_must_be_current(shipped: pd.DataFrame) -> None:
    """CLDR still gives Bulgaria the lev, which ISO 4217 retired when the euro came in:
    the file must then name the currency itself."""
    frame = shipped.copy()
    row = frame.index[frame["code"] == "NL"][0]  # not a hub, so no other row depends on it
    frame.loc[row, "code"] = "BG"
    text = str(_problem(frame))
    assert "no current currency known for BG" in text and "BGN" in text
    frame.loc[row, "currency"] = "EUR"
    assert any(m.code == "BG" and m.currency == "EUR" for m in load_markets(_csv(frame)))
