"""The quality gate: no car completes QG with an open or unverified critical or major defect."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from neofloor.cli import main
from neofloor.services.plant.errors import GateBlocked
from neofloor.services.quality.defects import (
    add_defect,
    cancel_defect,
    reject_repair,
    repair_defect,
    verify_defect,
)
from neofloor.services.quality.records import delivery_defects
from neofloor.services.scan import record_scan
from neofloor.services.tracking.scans import blocking_defects
from neofloor.store.engine import Database
from neofloor.store.models import StationEvent, Vehicle
from neofloor.store.types import utcnow
from tests.conftest import INSPECTOR, ROUTE, SUPERVISOR, T0, plan_cars, run_through, scan
from tests.quality.helpers import write

OTHER_INSPECTOR = "2002"


def car_state(db: Database, vin: str) -> tuple[str, int]:
    """The car's state and how many ledger events it has."""
    with db.read() as session:
        vehicle = session.execute(select(Vehicle).where(Vehicle.vin == vin)).scalar_one()
        events = session.execute(select(StationEvent.id).where(StationEvent.vehicle_id == vehicle.id)).all()
        return vehicle.state, len(events)


def test_gate_refuses_then_accepts_after_repair_and_verification(db: Database, qg_car) -> None:
    vin, at = qg_car
    brake = write(db, lambda s: add_defect(s, vin, "QG", "FN-BRK", "front", INSPECTOR, now=at)).defect
    leak = write(db, lambda s: add_defect(s, vin, "QG", "wl-door", "left", INSPECTOR, now=at)).defect
    run = write(db, lambda s: add_defect(s, vin, "QG", "PT-RUN", "roof", INSPECTOR, now=at)).defect
    before = car_state(db, vin)

    with pytest.raises(GateBlocked) as refusal, db.write() as session:
        record_scan(session, "QG", vin, INSPECTOR, "test", now=at + timedelta(minutes=1))
    assert str(refusal.value) == (
        f"{vin} cannot pass QG: open serious defects "
        f"FN-BRK #{brake.id} (critical, open: repair and verify), "
        f"WL-DOOR #{leak.id} (major, open: repair and verify)."
    )
    assert car_state(db, vin) == before  # nothing written: still in QG, no new event

    write(db, lambda s: repair_defect(s, brake.id, SUPERVISOR, "brake caliper bled", now=at))
    write(db, lambda s: repair_defect(s, leak.id, SUPERVISOR, "door seal reseated", now=at))
    with (
        pytest.raises(GateBlocked, match=rf"FN-BRK #{brake.id} \(critical, repaired: verify\)"),
        db.write() as s,
    ):
        record_scan(s, "QG", vin, INSPECTOR, "test", now=at + timedelta(minutes=2))

    write(db, lambda s: verify_defect(s, brake.id, INSPECTOR, now=at))
    with (
        pytest.raises(GateBlocked, match=rf"defects WL-DOOR #{leak.id} \(major, repaired: verify\)\.$"),
        db.write() as s,
    ):
        record_scan(s, "QG", vin, INSPECTOR, "test", now=at + timedelta(minutes=3))
    assert car_state(db, vin) == before

    write(db, lambda s: verify_defect(s, leak.id, INSPECTOR, now=at))
    done = write(db, lambda s: record_scan(s, "QG", vin, INSPECTOR, "test", now=at + timedelta(minutes=4)))
    assert done.state == "finished"
    # The minor went through and sits on the delivery record.
    with db.read() as session:
        left = delivery_defects(session, vin)
    assert [(d.id, d.code, d.severity, d.status) for d in left] == [(run.id, "PT-RUN", "minor", "open")]


def test_minor_defects_pass_the_gate(db: Database, qg_car) -> None:
    vin, at = qg_car
    write(db, lambda s: add_defect(s, vin, "QG", "NS-RATL", "interior", INSPECTOR, now=at))
    write(db, lambda s: add_defect(s, vin, "QG", "HV-LBL", "hv_battery", INSPECTOR, now=at))
    assert (
        write(db, lambda s: record_scan(s, "QG", vin, INSPECTOR, now=at + timedelta(minutes=1))).state
        == "finished"
    )
    with db.read() as session:
        assert [d.code for d in delivery_defects(session, vin)] == ["NS-RATL", "HV-LBL"]


def test_a_minor_raised_to_major_blocks(db: Database, qg_car) -> None:
    vin, at = qg_car
    write(db, lambda s: add_defect(s, vin, "QG", "PT-SCR", "left", INSPECTOR, severity="major", now=at))
    with pytest.raises(GateBlocked, match=r"PT-SCR #\d+ \(major, open"), db.write() as session:
        record_scan(session, "QG", vin, INSPECTOR, now=at + timedelta(minutes=1))


def test_a_rejected_repair_blocks_again(db: Database, qg_car) -> None:
    vin, at = qg_car
    d = write(db, lambda s: add_defect(s, vin, "QG", "EL-LAMP", "rear", INSPECTOR, now=at)).defect
    write(db, lambda s: repair_defect(s, d.id, SUPERVISOR, "bulb replaced", now=at))
    write(db, lambda s: reject_repair(s, d.id, INSPECTOR, "lamp still dead: connector", now=at))
    with (
        pytest.raises(GateBlocked, match=r"EL-LAMP #\d+ \(major, open: repair and verify\)"),
        db.write() as s,
    ):
        record_scan(s, "QG", vin, INSPECTOR, now=at + timedelta(minutes=1))


def test_a_cancelled_serious_defect_does_not_block(db: Database, qg_car) -> None:
    vin, at = qg_car
    d = write(db, lambda s: add_defect(s, vin, "QG", "BD-WELD", "roof", INSPECTOR, now=at)).defect
    write(db, lambda s: cancel_defect(s, d.id, OTHER_INSPECTOR, "logged on the wrong car", now=at))
    assert (
        write(db, lambda s: record_scan(s, "QG", vin, INSPECTOR, now=at + timedelta(minutes=1))).state
        == "finished"
    )
    with db.read() as session:
        assert delivery_defects(session, vin) == []


def test_defects_found_upstream_block_at_the_gate_not_before(db: Database) -> None:
    """A serious defect found at EOL lets the car move on to WATER; only QG stops it."""
    vin = plan_cars(db, 1)[0]
    at = run_through(db, vin, ROUTE[:6], T0)  # through FINAL
    scan(db, "EOL", vin, at)
    write(
        db, lambda s: add_defect(s, vin, "EOL", "FN-ALGN", "front", INSPECTOR, now=at + timedelta(minutes=5))
    )
    scan(db, "EOL", vin, at + timedelta(minutes=10))  # a test station, not a gate: completes
    at = run_through(db, vin, ("WATER",), at + timedelta(minutes=11))
    scan(db, "QG", vin, at)
    with pytest.raises(GateBlocked, match="FN-ALGN"), db.write() as session:
        record_scan(session, "QG", vin, INSPECTOR, now=at + timedelta(minutes=10))


def test_the_gate_check_is_one_query(db: Database, qg_car) -> None:
    vin, at = qg_car
    write(db, lambda s: add_defect(s, vin, "QG", "FN-BRK", "front", INSPECTOR, now=at))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with db.read() as session:
        vehicle_id = session.execute(select(Vehicle.id).where(Vehicle.vin == vin)).scalar_one()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            found = blocking_defects(session, vehicle_id)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len(found) == 1
    assert len(statements) == 1


def test_neofloor_scan_refuses_at_the_gate_then_accepts(db: Database, db_url: str, capsys) -> None:
    """The same rule through the CLI: exit 4 with the sentence on stderr, then a clean pass."""
    vin = plan_cars(db, 1)[0]
    at = run_through(db, vin, ROUTE[:-1], utcnow() - timedelta(hours=4))  # the CLI scans at the real time
    scan(db, "QG", vin, at)
    base = ["--db", db_url]
    assert main([*base, "defect", "add", vin, "--station", "QG", "--code", "HV-ISO", "--zone", "hv battery",
                 "--operator", INSPECTOR]) == 0  # fmt: skip
    capsys.readouterr()

    assert main([*base, "scan", vin, "--station", "QG", "--operator", INSPECTOR]) == 4
    err = capsys.readouterr().err
    assert err == (
        f"neofloor: {vin} cannot pass QG: "
        "open serious defects HV-ISO #1 (critical, open: repair and verify).\n"
    )
    assert car_state(db, vin)[0] == "in_station"

    assert (
        main(
            [*base, "defect", "repair", "1", "--note", "HV connector re-terminated", "--operator", SUPERVISOR]
        )
        == 0
    )
    assert main([*base, "scan", vin, "--station", "QG", "--operator", INSPECTOR]) == 4
    assert "HV-ISO #1 (critical, repaired: verify)" in capsys.readouterr().err
    assert main([*base, "defect", "verify", "1", "--operator", OTHER_INSPECTOR]) == 0
    assert main([*base, "scan", vin, "--station", "QG", "--operator", INSPECTOR]) == 0
    assert capsys.readouterr().out.endswith(f"{vin} completed QG: finished, to the yard.\n")
    assert car_state(db, vin)[0] == "finished"
