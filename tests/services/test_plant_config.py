"""The plant config file: the demo plant loads, and mistakes are named clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.config import demo_plant_text, init_plant, load_plant_config
from neofloor.services.plant.errors import ConfigError, RuleViolation
from neofloor.store.engine import Database


def test_demo_plant_route_and_catalog() -> None:
    config = load_plant_config()
    assert config.route == [
        "BODY", "PAINT", "TRIM1", "TRIM2", "CHASSIS", "FINAL", "EOL", "WATER", "QG", "YARD", "DELIVERY",
    ]  # fmt: skip
    assert config.timezone == "Africa/Casablanca"
    assert config.vin_check_digit
    assert len(config.defects) >= 30
    assert {p["code"] for p in config.financing_partners} >= {"CAM", "SOFAC", "MAGHREBAIL", "MLEASING"}


def test_catalog_after_init(db: Database) -> None:
    with db.read() as session:
        catalog = plant_catalog(session)
    assert [s.code for s in catalog.production_route][-1] == "QG"
    assert catalog.repair_bay is not None and catalog.repair_bay.position is None
    assert catalog.next_station(catalog.station("qg")).code == "YARD"  # type: ignore[union-attr]


def test_init_refuses_a_database_that_already_holds_a_plant(db: Database) -> None:
    with db.write() as session, pytest.raises(RuleViolation, match="already holds a plant"):
        init_plant(session, load_plant_config())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plant.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('timezone = "Africa/Casablanca"', 'timezone = "Mars/Olympus"', "unknown time zone"),
        ('kind = "quality_gate"', 'kind = "gate"', "kind 'gate'"),
        ('start = "06:00"', 'start = "6h"', "should be HH:MM"),
        ('severity = "minor"', 'severity = "cosmetic"', "severity should be"),
        ('role = "supervisor"', 'role = "boss"', "role should be"),
        ('stations = ["EOL", "WATER"]', 'stations = ["EOL", "WATERR"]', "unknown station WATERR"),
        ('code = "TRIM2"', 'code = "TRIM1"', "duplicate stations TRIM1"),
    ],
)
def test_config_mistakes_are_named(tmp_path: Path, old: str, new: str, words: str) -> None:
    text = demo_plant_text()
    assert old in text
    with pytest.raises(ConfigError, match=words):
        load_plant_config(_write(tmp_path, text.replace(old, new, 1)))


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read"):
        load_plant_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_plant_config(_write(tmp_path, "[plant\nname="))
    with pytest.raises(ConfigError, match=r"missing the \[plant\] table"):
        load_plant_config(_write(tmp_path, "[[stations]]\ncode='A'\n"))
