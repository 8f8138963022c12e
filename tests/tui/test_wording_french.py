"""The terminal's wording helpers speak French from the catalog, and English again after.

The shipped French catalog is spoken for each test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from neofloor import i18n
from neofloor.tui.formatting import severity_for, severity_words, state_words
from neofloor.tui.idle import countdown_text
from neofloor.tui.station_wording import queue_title
from neofloor.tui.widgets.defect_table import status_words, zone_words


@pytest.fixture
def french() -> Iterator[None]:
    i18n.set_language("fr")
    yield
    i18n.set_language(None)


def test_the_station_title_and_states_read_in_french(french: None) -> None:
    assert queue_title("TRIM1", 2, 5, 1, 0) == "TRIM1 : 2 au poste · 5 en attente · 1 bloqué(s)"
    assert state_words("held") == "BLOQUÉ"
    assert state_words("in_repair") == "en retouche"
    assert zone_words("hv_battery") == "Batterie HT"
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


def test_a_financing_partner_s_kind_reads_in_french_and_an_unknown_one_as_configured(french: None) -> None:
    from neofloor.services.plant.words import financing_kind_word

    assert (financing_kind_word("bank"), financing_kind_word("leasing")) == ("banque", "crédit-bail")
    assert financing_kind_word("microcredit") == "microcredit"
