"""The plant config's yard, components and PDI checklist: read as written, mistakes named."""

from __future__ import annotations

from pathlib import Path

import pytest

from neofloor.services.plant.config import demo_plant_text, load_plant_config
from neofloor.services.plant.errors import ConfigError
from neofloor.services.plant.parts import plant_parts
from neofloor.store.engine import Database


def test_the_demo_plant_declares_its_parts_checklist_and_yard(db: Database) -> None:
    config = load_plant_config()
    assert config.yard_rows == ("A", "B", "C", "D", "E") and config.yard_places == 40
    by_code = {c["code"]: c for c in config.components}
    assert by_code["HV-BATTERY"]["models"] == "C1E" and by_code["ENGINE"]["models"] == "C1"
    assert by_code["AIRBAG-D"]["models"] == "" and by_code["AIRBAG-D"]["station"] == "TRIM2"
    with db.read() as session:
        parts = plant_parts(session)
        c1e = next(m for m in parts.pdi_items if m.code == "HV-CHARGE")
    assert [p.code for p in parts.parts] == list(by_code)
    assert len(parts.checklist(next(iter(c1e.model_ids)))) == 8
    assert parts.part("airbag-d") is not None and parts.part("NOPE") is None


REQUIRED = 'required = true\n\n[[components]]\ncode = "AIRBAG-D"'


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('format = "^ABD[0-9]{9}$"', 'format = "^ABD[0-9{9}$"', "not a valid regular expression"),
        ('station = "TRIM2"\nformat', 'station = "YARD"\nformat', "captured at a production station"),
        ('station = "TRIM2"\nformat', 'station = "NOPE"\nformat', "unknown station NOPE"),
        ('powertrains = ["ev"]\nformat = "^TM', 'powertrains = ["steam"]\nformat = "^TM', "powertrains"),
        ('powertrains = ["ev"]\nformat = "^TM', 'models = ["C9"]\nformat = "^TM', "unknown model C9"),
        ('code = "AIRBAG-D"', 'code = "airbag d"', "upper-case letters"),
        ("places = 40", "places = 0", "between 1 and 99"),
        ('rows = ["A", "B", "C", "D", "E"]', 'rows = ["A", "A"]', "named twice"),
        ('zone = "hv_battery"', 'zone = "boot"', "zone should be one of"),
        (REQUIRED, REQUIRED.replace("true", '"yes"'), "'required' should be true or false"),
    ],
)  # fmt: skip
def test_config_mistakes_in_the_second_half_are_named(tmp_path: Path, old: str, new: str, words: str) -> None:
    text = demo_plant_text()
    assert old in text
    path = tmp_path / "plant.toml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(ConfigError, match=words):
        load_plant_config(path)
