"""The terminal's wording helpers speak French from the catalog, and English again after.

The catalog used is this part's own French (``part-tuia.po``), compiled into a locale
folder of the test's, so the test does not depend on the merged catalog being built.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from neofloor import i18n
from neofloor.tui.formatting import severity_for, severity_words, state_words
from neofloor.tui.idle import countdown_text
from neofloor.tui.station_wording import queue_title
from neofloor.tui.widgets.defect_table import status_words, zone_words

PART = Path(i18n.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "part-tuia.po"


@pytest.fixture
def french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with PART.open("rb") as source:
        catalog = read_po(source)
    with (folder / f"{i18n.DOMAIN}.mo").open("wb") as target:
        write_mo(target, catalog)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._load.cache_clear()
    i18n.set_language("fr")
    yield
    i18n.set_language(None)
    i18n._load.cache_clear()


def test_the_station_title_and_states_read_in_french(french: None) -> None:
    assert queue_title("TRIM1", 2, 5, 1, 0) == "TRIM1 : 2 au poste · 5 en attente · 1 bloqué(s)"
    assert state_words("held") == "BLOQUÉ"
    assert state_words("in_repair") == "en retouche"
    assert zone_words("hv_battery") == "batterie HT"
    assert status_words("repaired") == "retouché : à valider"
    assert countdown_text(42) == "déconnexion dans 0:42 : appuyez sur une touche pour rester"


def test_a_severity_is_typed_by_its_french_or_english_letters(french: None) -> None:
    assert severity_words("critical") == "critique"
    assert severity_for("crit", None) == "critical"
    assert severity_for("majeur", None) == "major"
    assert severity_for("mi", None) == "minor"


def test_english_is_the_source_and_stays_as_it_was() -> None:
    assert i18n.language() == "en"
    assert queue_title("TRIM1", 2, 5, 1, 0) == "TRIM1: 2 in station · 5 waiting · 1 held"
    assert state_words("held") == "HELD"
    assert severity_words("minor") == "minor"
    assert zone_words("hv_battery") == "HV battery"
