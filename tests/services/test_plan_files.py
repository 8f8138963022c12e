"""Plan files as spreadsheets write them, and a large plan (by COPY on PostgreSQL), on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from neofloor.cli import main
from neofloor.services.operations.consistency import check_plant
from neofloor.services.people.verify import check_chains
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.tracking.planning import COPY_FROM_CARS, import_plan_csv, read_plan_file
from neofloor.store.engine import Database
from tests.conftest import SUPERVISOR, T0, make_vin


def plan_text(count: int, start: int = 1) -> str:
    rows = [
        f'{make_vin(n)},C1,WHT,ORD-{n},,"SUNROOF, NAV",Café crème seats' for n in range(start, start + count)
    ]
    return "vin,model,color,order_ref,build_seq,options,option_notes\n" + "\n".join(rows) + "\n"


def test_excel_csv_utf8_with_a_bom_and_crlf_is_read(
    db: Database, db_url: str, tmp_path: Path, capsys
) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_bytes(b"\xef\xbb\xbf" + plan_text(2).replace("\n", "\r\n").encode("utf-8"))
    assert main(["--db", db_url, "plan", "import", str(plan), "--operator", SUPERVISOR]) == 0
    assert capsys.readouterr().out == f"2 car(s) planned from {plan}.\n"
    with db.read() as session:
        notes = session.execute(text("SELECT option_notes, options FROM vehicle ORDER BY id")).all()
    assert [tuple(row) for row in notes] == [("Café crème seats", "SUNROOF,NAV")] * 2


@pytest.mark.parametrize(
    ("encoded", "problem"),
    [
        pytest.param(
            lambda t: t.encode("cp1252"),
            "is not UTF-8 text (byte 0xe9 on line 2, perhaps Windows-1252",
            id="cp1252",
        ),
        pytest.param(lambda t: t.encode("utf-16"), "is UTF-16 text: save the plan as CSV UTF-8", id="utf-16"),
    ],
)
def test_a_plan_in_another_encoding_is_refused_naming_the_problem(
    db: Database, db_url: str, tmp_path: Path, capsys, encoded, problem: str
) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_bytes(encoded(plan_text(2)))
    assert main(["--db", db_url, "plan", "import", str(plan), "--operator", SUPERVISOR]) == 2
    err = capsys.readouterr().err
    assert problem in err and "Traceback" not in err
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM vehicle")).scalar_one() == 0


def test_read_plan_file_names_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="Cannot read"):
        read_plan_file(tmp_path / "missing.csv")


def test_a_large_plan_is_written_whole_and_consistent(db: Database) -> None:
    """Above the COPY threshold on PostgreSQL: the same cars, events and ids as row by row."""
    count = COPY_FROM_CARS * 3
    with db.write() as session:
        # Row by row on both stores:
        assert import_plan_csv(session, plan_text(3), now=T0, badge=SUPERVISOR) == 3
    with db.write() as session:
        assert import_plan_csv(session, plan_text(count, start=10), now=T0, badge=SUPERVISOR) == count
    with db.read() as session:
        report = check_plant(session)
        rows = session.execute(
            text(
                "SELECT vehicle.build_seq, vehicle.state, station.code, station_event.kind, "
                "station_event.note = vehicle.order_ref FROM vehicle "
                "JOIN station ON station.id = vehicle.station_id "
                "JOIN station_event ON station_event.id = vehicle.last_event_id ORDER BY vehicle.build_seq"
            )
        ).all()
    assert report.ok, report.message
    # Each copied event and audit row is chained like a row written alone.
    with db.read() as session:
        chains = check_chains(session)
    assert chains.ok and chains.events_checked == count + 3 and chains.audit_checked >= count + 3, chains
    assert [tuple(r) for r in rows] == [(n, "planned", "BODY", "plan", True) for n in range(1, count + 4)]
    with db.write() as session:  # ids handed out after the copy do not collide with it
        assert import_plan_csv(session, plan_text(1, start=900), now=T0, badge=SUPERVISOR) == 1
    with db.read() as session:
        assert check_chains(session).ok  # and the next row builds on the copied chain's head
