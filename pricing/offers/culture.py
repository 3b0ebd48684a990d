"""The cultural profile of each market: how its buyers expect to be served and to pay.

The profiles are ``data/culture.csv`` (documented in ``data/README.md``), one row per market,
validated here when read: every problem names its row, column and value. The guidance and the
risks of an offer are read off them; a market without a row has no profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from pricing.errors import DataFileError
from pricing.inputs.catalog import DATA_DIR, Source, read_table
from pricing.models import Market, _split_list, country

DEFAULT_CULTURE = DATA_DIR / "culture.csv"

PAYMENT_NAMES = {
    "alipay": "Alipay",
    "wechat_pay": "WeChat Pay",
    "upi": "UPI",
    "pix": "Pix",
    "boleto": "boleto bancário",
    "mpesa": "M-Pesa",
    "ideal": "iDEAL",
    "sepa_direct_debit": "SEPA direct debit",
    "bank_transfer": "bank transfer",
    "card": "card",
}

PaymentMethod = Literal[tuple(PAYMENT_NAMES)]  # type: ignore[valid-type]


class CultureProfile(BaseModel):
    """One row of ``culture.csv``: how buyers in a market expect to be served."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    communication_style: Literal[
        "direct_factual", "friendly_efficient", "warm_relational", "indirect_harmony"
    ]
    complaint_style: Literal["direct_specific", "courteous_vague", "open_measured"]
    feedback_channel: Literal["one_to_one", "quick_online_survey", "account_review"]
    service_personality: Literal[
        "", "immediate_resolution", "omotenashi", "batho_pele", "transactional", "speed_over_perks"
    ] = ""
    service_role: Literal["skilled_profession", "entry_level"]
    native_speaker_expected: bool
    distributor_continuity: bool
    payment_methods: Annotated[
        tuple[PaymentMethod, ...], BeforeValidator(_split_list), Field(min_length=1)
    ]
    source: Annotated[str, Field(pattern=r"^(seed:|assumption:)")]

    @field_validator("code")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if country(value) is None:
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value


CULTURE_COLUMNS: tuple[str, ...] = tuple(CultureProfile.model_fields)


def culture_from_table(source: Source) -> dict[str, CultureProfile]:
    """Read and validate a culture file; every problem names its row, column and value."""
    frame, label = read_table(source)
    missing = [c for c in CULTURE_COLUMNS if c not in frame.columns]
    unknown = [c for c in frame.columns if c not in CULTURE_COLUMNS]
    if missing or unknown:
        parts = [f"missing column(s) {', '.join(missing)}"] if missing else []
        parts += [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        raise DataFileError(f"{label}: {'; '.join(parts)}", field=(missing or unknown)[0])
    problems: list[tuple[int, str, object, str]] = []
    profiles: dict[str, CultureProfile] = {}
    rows_of: dict[str, int] = {}
    for position, record in enumerate(frame.to_dict(orient="records")):
        row = position + 2  # spreadsheet numbering: the header is row 1
        cells = {k: v.strip() for k, v in record.items() if isinstance(v, str) and v.strip()}
        try:
            profile = CultureProfile(**cells)
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else "(row)"
                message = err["msg"].removeprefix("Value error, ")
                problems.append((row, column, cells.get(column, ""), message))
            continue
        if profile.code in rows_of:
            first = rows_of[profile.code]
            problems.append((row, "code", profile.code, f"duplicate market, first on row {first}"))
            continue
        rows_of[profile.code] = row
        profiles[profile.code] = profile
    if problems:
        lines = tuple(
            f"row {row}, column '{column}': {message} (value: {value!r})"
            for row, column, value, message in problems
        )
        row, column, value, _ = problems[0]
        message = f"{label}: {len(lines)} problem(s): {'; '.join(lines[:20])}"
        raise DataFileError(message, problems=lines, field=column, row=row, value=value)
    return profiles


@cache
def shipped_culture() -> Mapping[str, CultureProfile]:
    """The shipped ``data/culture.csv``, read and validated once per process."""
    return culture_from_table(DEFAULT_CULTURE)


def profile_of(
    market: Market, culture: Mapping[str, CultureProfile] | None
) -> CultureProfile | None:
    return (shipped_culture() if culture is None else culture).get(market.code)
