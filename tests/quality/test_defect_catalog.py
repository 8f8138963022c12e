"""The defect catalog, zones and the fuzzy match an inspector types into."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from neofloor.services.plant.config import DEFECT_CATEGORIES, load_plant_config
from neofloor.services.plant.errors import InvalidInput, NotFound
from neofloor.services.quality.catalog import (
    TIER_CODE_EXACT,
    TIER_CODE_PREFIX,
    TIER_WORD_STARTS,
    CatalogEntry,
    catalog_entries,
    catalog_entry,
    match_catalog,
    match_zones,
    normalize_severity,
    normalize_zone,
)
from neofloor.store.engine import Database
from neofloor.store.models import ZONES


@pytest.fixture(scope="module")
def entries() -> list[CatalogEntry]:
    """The demo plant's catalog, straight from its config (no database needed to match)."""
    config = load_plant_config()
    return [
        CatalogEntry(n, d["code"], d["description"], d["category"], d["severity"])
        for n, d in enumerate(config.defects, 1)
    ]


def codes(matches: list) -> list[str]:
    return [m.entry.code for m in matches]


def test_demo_catalog_is_realistic(entries: list[CatalogEntry]) -> None:
    assert len(entries) >= 35
    by_category = {c: [e for e in entries if e.category == c] for c in DEFECT_CATEGORIES}
    assert all(len(found) >= 3 for found in by_category.values()), {
        c: len(found) for c, found in by_category.items()
    }
    assert {e.default_severity for e in entries} == {"critical", "major", "minor"}


def test_catalog_entries_come_from_the_plant_config(db: Database, entries: list[CatalogEntry]) -> None:
    with db.read() as session:
        stored = catalog_entries(session)
    assert [e.code for e in stored] == sorted(e.code for e in entries)
    assert {(e.code, e.description, e.category, e.default_severity) for e in stored} == {
        (e.code, e.description, e.category, e.default_severity) for e in entries
    }


def test_wl_finds_the_water_leaks_first(entries: list[CatalogEntry]) -> None:
    found = match_catalog(entries, "wl")
    water = sorted(e.code for e in entries if e.category == "water_leak")
    assert codes(found)[: len(water)] == water
    assert found[0].tier == TIER_CODE_PREFIX
    assert found[0].code_positions == (0, 1)


def test_run_finds_paint_run(entries: list[CatalogEntry]) -> None:
    found = match_catalog(entries, "run")
    assert found[0].entry.code == "PT-RUN"
    assert found[0].tier == TIER_WORD_STARTS


def test_code_start_skips_the_separator(entries: list[CatalogEntry]) -> None:
    found = match_catalog(entries, "ptr")
    assert found[0].entry.code == "PT-RUN"
    assert found[0].code_positions == (0, 1, 3)  # P, T, R: the dash is skipped


def test_exact_code_comes_first(entries: list[CatalogEntry]) -> None:
    found = match_catalog(entries, "fl-leak")
    assert found[0].entry.code == "FL-LEAK"
    assert found[0].tier == TIER_CODE_EXACT


def test_description_word_starts(entries: list[CatalogEntry]) -> None:
    found = match_catalog(entries, "brake")
    assert found[0].entry.code == "FN-BRK"
    description = found[0].entry.description
    assert "".join(description[i] for i in found[0].description_positions) == "Brake"


def test_several_words_must_all_match_in_any_order(entries: list[CatalogEntry]) -> None:
    found = match_catalog(entries, "door leak")
    assert found[0].entry.code == "WL-DOOR"
    assert "AS-DOOR" not in codes(found)  # a door, but no leak


def test_letters_in_order_anywhere_rank_last(entries: list[CatalogEntry]) -> None:
    found = match_catalog(entries, "bkf")  # BraKe Force
    assert codes(found) == ["FN-BRK"]


def test_nothing_matches_nonsense(entries: list[CatalogEntry]) -> None:
    assert match_catalog(entries, "xqz") == []


def test_empty_text_lists_the_catalog_by_code(entries: list[CatalogEntry]) -> None:
    found = match_catalog(entries, "  ", limit=5)
    assert codes(found) == sorted(e.code for e in entries)[:5]


def test_limit(entries: list[CatalogEntry]) -> None:
    assert len(match_catalog(entries, "e", limit=3)) == 3


def test_every_entry_is_first_with_three_letters_of_its_code(entries: list[CatalogEntry]) -> None:
    """The keystroke budget: code letters + Enter + zone + Enter stays about six keys."""
    for entry in entries:
        letters = "".join(ch for ch in entry.code.lower() if ch.isalnum())
        queries = (
            "".join(letters[i] for i in combo)
            for n in (1, 2, 3)
            for combo in itertools.combinations(range(len(letters)), n)
        )
        assert any(match_catalog(entries, q, limit=1)[0].entry == entry for q in queries), entry.code


def test_every_zone_is_picked_with_two_letters() -> None:
    for zone in ZONES:
        assert any(match_zones(zone[:n]) == [zone] for n in (1, 2)), zone
    assert match_zones("r") == ["rear", "right", "roof"]
    assert match_zones("HV") == ["hv_battery"]
    assert match_zones("") == list(ZONES)


def test_match_from_a_session(db: Database) -> None:
    with db.read() as session:
        assert codes(match_catalog(session, "wl", limit=1)) == ["WL-DOOR"]


def test_catalog_entry_by_code(db: Database) -> None:
    with db.read() as session:
        assert catalog_entry(session, " wl-door ").code == "WL-DOOR"
        assert catalog_entry(session, "wldoor").code == "WL-DOOR"  # the dash is the one thing skipped
        with pytest.raises(NotFound, match="did you mean WL-DOOR"):
            catalog_entry(session, "WL-DOR")
        with pytest.raises(NotFound, match="Unknown defect code 'ZZ-TOP'"):
            catalog_entry(session, "zz-top")
        with pytest.raises(InvalidInput):
            catalog_entry(session, "  ")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("front", "front"), ("Front", "front"), ("HV battery", "hv_battery"), ("hv-battery", "hv_battery")],
)
def test_zone_names(typed: str, zone: str) -> None:
    assert normalize_zone(typed) == zone


def test_unknown_zone_lists_the_zones() -> None:
    with pytest.raises(InvalidInput, match="zones are front, rear"):
        normalize_zone("bonnet")


def test_severity() -> None:
    assert normalize_severity(None, "major") == "major"
    assert normalize_severity(" ", "major") == "major"
    assert normalize_severity("Critical", "major") == "critical"
    with pytest.raises(InvalidInput, match="critical, major or minor"):
        normalize_severity("cosmetic", "minor")


def test_quality_services_do_not_import_textual() -> None:
    code = (
        "import sys, neofloor.services.quality, neofloor.cli.quality; "
        "sys.exit(1 if any(m == 'textual' or m.startswith('textual.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
