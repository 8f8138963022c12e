"""Text that cannot hurt: every write path refuses escape sequences and over-long text (writing
nothing), keeps French and Arabic intact, and the CLI prints stored text escaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from neofloor.cli import main
from neofloor.services.people.certifications import add_operator, certify
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.quality.defects import add_defect
from neofloor.services.supervision.andon import end_andon, raise_andon
from neofloor.services.supervision.overrides import override_move
from neofloor.services.supervision.repair import return_from_repair, send_to_repair
from neofloor.services.supervision.shift_notes import add_shift_note
from neofloor.services.tracking.holds import hold_vehicle, release_vehicle
from neofloor.services.tracking.planning import add_vehicle
from neofloor.store.engine import Database
from tests.conftest import SUPERVISOR, T0, make_vin, plan_cars, scan

LATER = T0.replace(minute=30)
ADMIN = "9001"
ESCAPE = "seat \x1b[2J\x1b[H stained"
LONG = "x" * 5000

Write = Callable[[Session, str, str], Any]
PATHS: dict[str, Write] = {
    "hold reason": lambda s, vin, t: hold_vehicle(s, vin, t, SUPERVISOR, now=LATER),
    "release note": lambda s, vin, t: release_vehicle(s, vin, SUPERVISOR, t, now=LATER),
    "repair reason": lambda s, vin, t: send_to_repair(s, vin, t, SUPERVISOR, now=LATER),
    "return note": lambda s, vin, t: return_from_repair(s, vin, SUPERVISOR, None, t, now=LATER),
    "override reason": lambda s, vin, t: override_move(s, vin, "TRIM1", t, SUPERVISOR, now=LATER),
    "andon note": lambda s, vin, t: raise_andon(s, "BODY", "MAT", SUPERVISOR, t, now=LATER),
    "andon end note": lambda s, vin, t: end_andon(s, "BODY", SUPERVISOR, t, now=LATER),
    "defect note": lambda s, vin, t: add_defect(
        s, vin, "BODY", "PT-RUN", "front", SUPERVISOR, note=t, now=LATER
    ),
    "shift note": lambda s, vin, t: add_shift_note(s, date(2026, 11, 26), "A", t, SUPERVISOR, now=LATER),
    "order reference": lambda s, vin, t: add_vehicle(
        s, make_vin(40), "C1", "WHT", t, now=T0, badge=SUPERVISOR
    ),
    "option notes": lambda s, vin, t: add_vehicle(
        s, make_vin(41), "C1", "WHT", option_notes=t, now=T0, badge=SUPERVISOR
    ),
    "operator name": lambda s, vin, t: add_operator(
        s, operator_by_badge(s, ADMIN, now=T0), "1099", t, "operator", "4321"
    ),
    "programme": lambda s, vin, t: certify(
        s,
        operator_by_badge(s, ADMIN, now=T0),
        "1002",
        "BODY",
        certified_on=date(2026, 1, 1),
        expires_on=date(2027, 1, 1),
        programme=t,
    ),
}


def rows(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {
            t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("station_event", "audit", "defect", "downtime", "shift_note", "vehicle", "operator")
        }


@pytest.mark.parametrize("value", [ESCAPE, LONG], ids=["escape", "5000 chars"])
@pytest.mark.parametrize("path", list(PATHS))
def test_every_write_path_refuses_control_characters_and_long_text(
    db: Database, path: str, value: str
) -> None:
    (vin,) = plan_cars(db, 1)
    scan(db, "BODY", vin, T0)
    before = rows(db)
    with pytest.raises(InvalidInput, match=r"control character|too long"), db.write() as session:
        PATHS[path](session, vin, value)
    assert rows(db) == before


FRENCH_ARABIC = "Siège taché à l'arrière — مقعد متسخ"


def test_french_and_arabic_are_stored_and_shown_intact(
    db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vin,) = plan_cars(db, 1)
    scan(db, "BODY", vin, T0)
    with db.write() as session:
        hold_vehicle(session, vin, FRENCH_ARABIC, SUPERVISOR, now=LATER)
        add_shift_note(session, date(2026, 11, 26), "A", f"Ligne 1\n{FRENCH_ARABIC}", SUPERVISOR, now=LATER)
    assert main(["--db", str(db_path), "history", vin]) == 0
    assert FRENCH_ARABIC in capsys.readouterr().out


def test_the_cli_prints_stored_control_characters_escaped(
    db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reason written behind the app's back (before the rule, or by hand) cannot drive the terminal."""
    (vin,) = plan_cars(db, 1)
    with db.write() as session:
        session.execute(
            text("UPDATE vehicle SET order_ref = :r WHERE vin = :v"),
            {"r": ESCAPE, "v": vin},
        )
    assert main(["--db", str(db_path), "history", vin]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out
