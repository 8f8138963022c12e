"""Which language a terminal and a command speak: --lang, NEOFLOOR_LANG, the plant's default, the
person's own at sign-in; numbers and dates in the language's format; Arabic names kept whole."""

from __future__ import annotations

import gettext
from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from neofloor.cli import main
from neofloor.i18n import (
    DOMAIN,
    LOCALE_DIR,
    day_month_text,
    language,
    percent_text,
    set_language,
    weekday_day_month_text,
)
from neofloor.services.people.audit import audit_page
from neofloor.services.people.language import plant_language, set_operator_language
from neofloor.services.plant.config import load_plant_config
from neofloor.services.plant.errors import ConfigError, InvalidInput, PermissionDenied
from neofloor.services.plant.operators import operator_by_badge
from neofloor.store.engine import Database
from neofloor.store.models import Operator, PlantSetting
from tests.conftest import INSPECTOR, OPERATOR_BODY

ADMIN = "9001"
FRENCH = gettext.translation(DOMAIN, LOCALE_DIR, languages=["fr"])


def french(message: str) -> str:
    """``message`` as the French catalog has it (it must differ: the catalog translates it)."""
    translated = FRENCH.gettext(message)
    assert translated != message, f"no French for {message!r}"
    return translated


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str]):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


# --- numbers and dates ---------------------------------------------------------------------


def test_numbers_and_dates_in_the_language_s_format() -> None:
    moment = datetime(2026, 11, 26, 9, 40)
    assert (percent_text(0.72727), day_month_text(moment), weekday_day_month_text(moment)) == (
        "72.7 %",
        "26 Nov",
        "Thu 26 Nov",
    )
    set_language("fr")
    assert (percent_text(0.72727), day_month_text(moment), weekday_day_month_text(moment)) == (
        "72,7 %",
        "26 nov.",
        "jeu. 26 nov.",
    )
    assert day_month_text(date(2026, 2, 3)) == "03 févr."


# --- the command line ------------------------------------------------------------------------


def test_lang_fr_speaks_french_from_the_help_on(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "fr", "--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the help's lines
    assert french("create a plant database from a plant config (TOML)") in out


def test_neofloor_lang_in_the_environment_is_the_same_choice(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEOFLOOR_LANG", "fr_MA.UTF-8")
    code, _out, french_err = cli("history", "ENFNOSUCHCAR00000")
    assert code != 0 and language() == "fr"
    code, _out, english_err = cli("--lang", "en", "history", "ENFNOSUCHCAR00000")
    assert code != 0 and "Unknown VIN" in english_err
    assert "ENFNOSUCHCAR00000" in french_err and "Unknown VIN" not in french_err


def test_a_language_neofloor_does_not_speak_is_refused_before_anything_runs(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = cli("--lang", "de", "check")
    assert (code, out) == (2, "")
    assert "'de' is not one neofloor speaks: use en or fr" in err
    monkeypatch.setenv("NEOFLOOR_LANG", "klingon")
    code, _out, err = cli("check")
    assert code == 2 and "'klingon'" in err


def test_the_plant_s_default_language_is_spoken_unless_one_is_chosen(
    cli, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.write() as session:
        session.execute(update(PlantSetting).where(PlantSetting.key == "language").values(value="fr"))
    with db.read() as session:
        assert plant_language(session) == "fr"
    code, _out, err = cli("history", "ENFNOSUCHCAR00000")
    french_err = err
    assert code != 0 and language() == "fr"
    code, _out, err = cli("--lang", "en", "history", "ENFNOSUCHCAR00000")
    assert code != 0 and "Unknown VIN" in err and "Unknown VIN" not in french_err


def test_a_plant_config_names_a_language_neofloor_speaks(tmp_path) -> None:
    from neofloor.services.plant.config import demo_plant_text

    text = demo_plant_text()
    good = tmp_path / "fr.toml"
    good.write_text(text.replace('language = "en"', 'language = "FR"'), encoding="utf-8")
    assert load_plant_config(good).language == "fr"
    bad = tmp_path / "de.toml"
    bad.write_text(text.replace('language = "en"', 'language = "de"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[plant\] language must be one of en, fr, not 'de'"):
        load_plant_config(bad)


# --- each person's own language --------------------------------------------------------------


def test_an_admin_sets_anyone_s_language_a_person_their_own_only(db: Database) -> None:
    with db.write() as session:
        admin, operator = operator_by_badge(session, ADMIN), operator_by_badge(session, OPERATOR_BODY)
        assert "reads Français" in set_operator_language(session, admin, OPERATOR_BODY, "fr", "T1")
        set_operator_language(session, operator, OPERATOR_BODY, "default", "T1")
        with pytest.raises(PermissionDenied):
            set_operator_language(session, operator, INSPECTOR, "fr", "T1")
        with pytest.raises(InvalidInput, match="'es' is not one neofloor speaks"):
            set_operator_language(session, admin, INSPECTOR, "es", "T1")
    with db.read() as session:
        assert operator_by_badge(session, OPERATOR_BODY).language is None
        actions = [line.action for line in audit_page(session, badge=ADMIN, limit=5).lines]
        assert "set_language" in actions


def test_operator_set_lang_on_the_command_line(cli, db: Database) -> None:
    code, out, _err = cli("operator", "set-lang", INSPECTOR, "fr", "--operator", ADMIN)
    assert code == 0 and INSPECTOR in out
    with db.read() as session:
        stored = session.execute(select(Operator.language).where(Operator.badge == INSPECTOR)).scalar_one()
    assert stored == "fr"
    code, _out, err = cli("operator", "set-lang", INSPECTOR, "xx", "--operator", ADMIN)
    assert code != 0 and "'xx'" in err
