"""The commands in French: messages, counts, refusals and help from the catalog, scripts' output kept.

The shipped French catalog is spoken, as ``NEOFLOOR_LANG=fr`` asks, so the test reads what a
French terminal would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from neofloor import i18n
from neofloor.cli import build_parser, main
from tests.conftest import give_test_pins, make_vin

MESSAGES = Path(i18n.__file__).parent / "locale" / "fr" / "LC_MESSAGES"


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """French spoken for one test, as NEOFLOOR_LANG=fr asks; English again afterwards."""
    monkeypatch.setenv("NEOFLOOR_LANG", "fr")
    i18n.set_language("fr")
    yield


@pytest.fixture
def plant(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.db")
    assert main(["--db", path, "init"]) == 0
    give_test_pins(path)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_messages_and_queue_titles_in_french(
    plant: str, french: None, capsys: pytest.CaptureFixture[str]
) -> None:
    vin = make_vin(1)
    code, out, _err = run(
        capsys, "--db", plant, "plan", "add", vin, "--model", "C1", "--color", "WHT", "--operator", "3001"
    )
    assert code == 0 and out == f"{vin} planifié.\n"
    code, out, _err = run(capsys, "--db", plant, "queue", "BODY")
    assert code == 0 and out.splitlines()[0] == "au poste :" and "file d'attente :" in out.splitlines()


def test_counts_follow_the_french_plural(
    plant: str, french: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # French says "0 arrêt" (singular for 0 and 1), where English keeps "0 stop(s)".
    code, out, _err = run(capsys, "--db", plant, "andon", "list", "--date", "today")
    assert code == 0 and ": 0 arrêt, " in out.splitlines()[0] and "de temps d'arrêt." in out


def test_refusal_in_french_on_stderr(plant: str, french: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", plant, "simulate", "--speed", "0")
    assert code != 0 and out == ""
    assert err == "neofloor : --speed doit être supérieur à 0 et au plus 10000.\n"


def test_help_in_french(french: None) -> None:
    text = build_parser().format_help()
    assert "lier ce terminal à un poste (par ex. TRIM1)" in text
    assert "bind this terminal" not in text


def test_json_stays_machine_readable(plant: str, french: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "--db", plant, "queue", "BODY", "--json")
    assert code == 0 and set(json.loads(out)) == {"in_station", "queue"}


def test_english_again_after_french(plant: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The fixture above restores the source language: nothing French leaks into the next test.
    code, out, _err = run(capsys, "--db", plant, "queue", "BODY")
    assert code == 0 and out.splitlines()[0] == "in station:"
