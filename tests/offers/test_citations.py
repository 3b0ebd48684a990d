"""Seed articles are cited by their titles wherever a person reads a source."""

from __future__ import annotations

import re
from pathlib import Path

from pricing.inputs.catalog import load_markets, load_sources
from pricing.offers.citations import readable, seed_titles
from pricing.offers.guidance import guidance

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
KEY = re.compile(r"seed:(\d{3}_[0-9a-f]+\.txt)")


def test_every_seed_the_data_cites_has_a_title() -> None:
    notes = " ".join(load_sources()["source"]) + " ".join(
        (Path(__file__).resolve().parents[2] / "data" / "culture.csv").read_text().splitlines()
    )
    cited = set(KEY.findall(notes))
    assert cited and cited <= set(seed_titles())


def test_titles_are_the_ones_the_seeds_readme_gives() -> None:
    readme = SEEDS / "README.md"
    if not readme.is_file():  # shared/ sits beside the checkout in development and CI
        return
    text = readme.read_text()
    for file, title in seed_titles().items():
        assert f'| {file} | "{title}"' in text, file


def test_a_note_reads_with_titles_and_keeps_what_is_not_a_seed() -> None:
    note = "seed:002_99b7a93ef70dac2a.txt: brief service; assumption: SEPA usual"
    assert readable(note) == (
        "“Customer support and customer success when expanding abroad”: brief service; "
        "assumption: SEPA usual"
    )
    assert readable("seed:999_0000000000000000.txt") == "seed:999_0000000000000000.txt"


def test_no_brief_shows_a_seed_file_name() -> None:
    """The negotiation brief's sources (screen, PDF and workbook read the same basis)."""
    for market in load_markets():
        for advice in guidance(market):
            assert "seed:" not in advice.basis and ".txt" not in advice.basis, market.code
