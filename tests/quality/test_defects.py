"""Logging defects and their open -> repaired -> verified story, with every refusal writing nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text, update

from neofloor.services.plant.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from neofloor.services.quality.defects import (
    add_defect,
    cancel_defect,
    reject_repair,
    repair_defect,
    verify_defect,
)
from neofloor.services.quality.records import car_defects, defect_history, defect_record
from neofloor.store.engine import Database
from neofloor.store.models import Vehicle, VehicleState
from tests.conftest import INSPECTOR, OPERATOR_BODY, SUPERVISOR, T0, make_vin, plan_cars
from tests.quality.helpers import defect_tables, refused, write

OTHER_INSPECTOR = "2002"
OPERATOR_TRIM = "1002"  # certified for TRIM1 and TRIM2
OPERATOR_FINAL = "1003"  # certified for CHASSIS and FINAL


def log(db: Database, vin: str, at: datetime, code: str = "AS-CLIP", zone: str = "interior", **kw):
    badge = kw.pop("badge", INSPECTOR)
    station = kw.pop("station", "TRIM1")
    return write(db, lambda s: add_defect(s, vin, station, code, zone, badge, now=at, **kw))


# --- logging ---------------------------------------------------------------------------


def test_log_a_defect_with_the_catalog_severity(db: Database, trim_car) -> None:
    vin, at = trim_car
    result = log(db, vin, at, "WL-DOOR", "left", note="drip at lower corner")
    d = result.defect
    assert (d.code, d.zone, d.severity, d.status, d.station) == ("WL-DOOR", "left", "major", "open", "TRIM1")
    assert (d.vin, d.found_at, d.found_by, d.note) == (vin, at, "Nadia Berrada", "drip at lower corner")
    assert result.message == (
        f"Defect #{d.id} logged on {vin}: WL-DOOR Water leak at door seal, left, major."
    )
    with db.read() as session:
        story = defect_history(session, d.id)
    assert [(e.kind, e.at, e.operator, e.station) for e in story.events] == [
        ("found", at, "Nadia Berrada", "TRIM1")
    ]
    assert story.events[0].id == result.event_id


def test_a_defect_write_names_its_terminal_in_the_audit_trail(db: Database, trim_car) -> None:
    from neofloor.services.people.audit import audit_page

    vin, at = trim_car
    logged = log(db, vin, at, "WL-DOOR", "left", terminal="T-TRIM1-INSP")
    number = logged.defect.id
    write(db, lambda s: cancel_defect(s, number, INSPECTOR, "logged twice", now=at, terminal="T-QG"))
    with db.read() as session:
        lines = audit_page(session, subject=vin, limit=5).lines
    assert [(line.action, line.terminal) for line in lines][:2] == [
        ("defect_cancel", "T-QG"),
        ("defect_log", "T-TRIM1-INSP"),
    ]


def test_several_defects_in_a_row(db: Database, trim_car) -> None:
    vin, at = trim_car
    for n, (code, zone) in enumerate(
        (("PT-RUN", "front"), ("AS-CLIP", "interior"), ("EL-CONN", "electrical"))
    ):
        log(db, vin, at + timedelta(seconds=5 * n), code, zone)
    with db.read() as session:
        found = car_defects(session, vin)
    assert [(d.code, d.zone, d.status) for d in found] == [
        ("PT-RUN", "front", "open"),
        ("AS-CLIP", "interior", "open"),
        ("EL-CONN", "electrical", "open"),
    ]


def test_zone_label_and_code_in_any_case(db: Database, trim_car) -> None:
    vin, at = trim_car
    d = log(db, vin, at, "hv-lbl", "HV battery").defect
    assert (d.code, d.zone) == ("HV-LBL", "hv_battery")


def test_an_operator_logs_at_their_own_station(db: Database, trim_car) -> None:
    vin, at = trim_car
    d = log(db, vin, at, "AS-CLIP", "interior", badge=OPERATOR_TRIM).defect
    assert d.found_by == "Fatima Zahra Benali"
    # Raising a severity is always allowed: it only makes the gate stricter.
    raised = log(db, vin, at, "AS-TRIM", "left", badge=OPERATOR_TRIM, severity="major").defect
    assert raised.severity == "major"


def test_an_inspector_may_lower_a_severity(db: Database, trim_car) -> None:
    vin, at = trim_car
    assert log(db, vin, at, "AS-DOOR", "left", severity="minor").defect.severity == "minor"


def test_the_same_defect_may_be_logged_again_once_closed(db: Database, trim_car) -> None:
    vin, at = trim_car
    first = log(db, vin, at, "PT-RUN", "front").defect
    write(db, lambda s: repair_defect(s, first.id, SUPERVISOR, "polished", now=at))
    write(db, lambda s: verify_defect(s, first.id, INSPECTOR, now=at))
    again = log(db, vin, at + timedelta(minutes=5), "PT-RUN", "front").defect
    assert again.id != first.id and again.status == "open"


def test_a_finished_car_in_the_yard_can_get_defects(floor: Database) -> None:
    vin = make_vin(1)  # the floor fixture ran this car through the whole route
    d = log(floor, vin, T0 + timedelta(hours=5), "PT-SCR", "roof", station="YARD").defect
    assert d.station == "YARD" and d.car_state == "finished"


# --- logging refusals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("TRIM1", "ZZ-TOP", "front", INSPECTOR, {}), NotFound, "Unknown defect code 'ZZ-TOP'"),
        (("TRIM1", "PT-RUN", "bonnet", INSPECTOR, {}), InvalidInput, "Unknown zone 'bonnet'"),
        (("TRIM1", "PT-RUN", "front", INSPECTOR, {"severity": "cosmetic"}), InvalidInput, "severity"),
        (("TRIM1", "PT-RUN", "front", "7777", {}), NotFound, "Unknown badge"),
        (("NOPE", "PT-RUN", "front", INSPECTOR, {}), NotFound, "Unknown station"),
        (("TRIM1", "PT-RUN", "front", INSPECTOR, {"note": "x" * 401}), InvalidInput, "under 400"),
        (("TRIM1", "PT-RUN", "front", OPERATOR_BODY, {}), PermissionDenied, "certified for, not TRIM1"),
        (("EOL", "FN-ALGN", "front", INSPECTOR, {}), RuleViolation, "has not reached EOL; it is at TRIM1"),
        (
            ("TRIM1", "AS-DOOR", "left", OPERATOR_TRIM, {"severity": "minor"}),
            PermissionDenied,
            "only an inspector or a line leader may log it as minor",
        ),
    ],
)
def test_logging_refusals_write_nothing(db: Database, trim_car, args, error, match) -> None:
    vin, at = trim_car
    station, code, zone, badge, extra = args
    refused(db, error, lambda s: add_defect(s, vin, station, code, zone, badge, now=at, **extra), match)


def test_unknown_and_malformed_vins(db: Database, trim_car) -> None:
    _, at = trim_car
    refused(
        db, NotFound, lambda s: add_defect(s, make_vin(999), "TRIM1", "PT-RUN", "front", INSPECTOR, now=at)
    )
    refused(
        db, InvalidInput, lambda s: add_defect(s, "NOTAVIN", "TRIM1", "PT-RUN", "front", INSPECTOR, now=at)
    )


def test_a_car_not_started_has_no_defects(db: Database) -> None:
    vin = plan_cars(db, 1)[0]
    refused(
        db,
        RuleViolation,
        lambda s: add_defect(s, vin, "BODY", "BD-DENT", "left", INSPECTOR, now=T0),
        "has not started yet",
    )


def test_a_delivered_car_takes_no_new_defects(db: Database, trim_car) -> None:
    vin, at = trim_car
    with db.write() as session:  # delivery is another part of the plant: put the car there directly
        session.execute(update(Vehicle).where(Vehicle.vin == vin).values(state=VehicleState.DELIVERED))
    refused(
        db,
        RuleViolation,
        lambda s: add_defect(s, vin, "YARD", "PT-SCR", "roof", INSPECTOR, now=at),
        "delivered: defects after handover are warranty claims",
    )


def test_the_same_open_defect_is_not_logged_twice(db: Database, trim_car) -> None:
    vin, at = trim_car
    first = log(db, vin, at, "PT-RUN", "front").defect
    message = refused(
        db, RuleViolation, lambda s: add_defect(s, vin, "TRIM1", "pt-run", "Front", INSPECTOR, now=at)
    )
    assert message == f"PT-RUN at front is already logged on {vin} as defect #{first.id}, still open."
    log(db, vin, at, "PT-RUN", "rear")  # another place on the car is another defect


# --- repair, verify, reject, cancel ----------------------------------------------------


def test_open_repaired_verified(db: Database, trim_car) -> None:
    vin, at = trim_car
    d = log(db, vin, at, "EL-CONN", "electrical").defect
    repaired = write(
        db, lambda s: repair_defect(s, d.id, OPERATOR_TRIM, "reseated X12", now=at + timedelta(minutes=3))
    )
    r = repaired.defect
    assert (r.status, r.repaired_by, r.repair_station, r.repair_note) == (
        "repaired",
        "Fatima Zahra Benali",
        "TRIM1",  # where the car is: the default
        "reseated X12",
    )
    assert r.repaired_at == at + timedelta(minutes=3)
    assert "an inspector must verify it" in repaired.message
    verified = write(db, lambda s: verify_defect(s, d.id, INSPECTOR, now=at + timedelta(minutes=4))).defect
    assert (verified.status, verified.verified_by, verified.verified_at) == (
        "verified",
        "Nadia Berrada",
        at + timedelta(minutes=4),
    )
    assert verified.is_closed
    with db.read() as session:
        assert [e.kind for e in defect_history(session, d.id).events] == ["found", "repaired", "verified"]


def test_repair_at_a_named_station(db: Database, trim_car) -> None:
    vin, at = trim_car
    d = log(db, vin, at).defect
    r = write(
        db, lambda s: repair_defect(s, d.id, SUPERVISOR, "clip fitted", station="repair", now=at)
    ).defect
    assert r.repair_station == "REPAIR"


def test_reject_keeps_the_repair_in_the_trail(db: Database, trim_car) -> None:
    vin, at = trim_car
    d = log(db, vin, at, "WL-SCRN", "front").defect
    write(db, lambda s: repair_defect(s, d.id, SUPERVISOR, "resealed bead", now=at + timedelta(minutes=1)))
    rejected = write(
        db,
        lambda s: reject_repair(
            s, d.id, INSPECTOR, "still leaks at top corner", now=at + timedelta(minutes=2)
        ),
    )
    r = rejected.defect
    assert (r.status, r.repaired_at, r.repaired_by, r.repair_station, r.repair_note) == (
        "open",
        None,
        None,
        None,
        "",
    )
    assert "open again" in rejected.message
    write(db, lambda s: repair_defect(s, d.id, SUPERVISOR, "bead replaced", now=at + timedelta(minutes=3)))
    write(db, lambda s: verify_defect(s, d.id, INSPECTOR, now=at + timedelta(minutes=4)))
    with db.read() as session:
        story = defect_history(session, d.id)
    assert [(e.kind, e.note) for e in story.events] == [
        ("found", ""),
        ("repaired", "resealed bead"),
        ("rejected", "still leaks at top corner"),
        ("repaired", "bead replaced"),
        ("verified", ""),
    ]
    assert story.defect.repair_note == "bead replaced"
    assert [e.id for e in story.events] == sorted(e.id for e in story.events)


def test_cancel_keeps_the_defect_on_record(db: Database, trim_car) -> None:
    vin, at = trim_car
    d = log(db, vin, at, "BD-DENT", "left").defect
    result = write(db, lambda s: cancel_defect(s, d.id, SUPERVISOR, "wrong car scanned", now=at))
    assert result.defect.status == "cancelled"
    assert result.defect.cancel_reason == "wrong car scanned"
    with db.read() as session:
        assert [d.status for d in car_defects(session, vin)] == ["cancelled"]
        assert [e.kind for e in defect_history(session, d.id).events] == ["found", "cancelled"]


def test_a_repaired_defect_may_be_cancelled(db: Database, trim_car) -> None:
    vin, at = trim_car
    d = log(db, vin, at).defect
    write(db, lambda s: repair_defect(s, d.id, SUPERVISOR, "clip fitted", now=at))
    assert (
        write(db, lambda s: cancel_defect(s, d.id, INSPECTOR, "duplicate of #9", now=at)).defect.status
        == "cancelled"
    )


def test_an_operator_cancels_their_own_slip_while_open(db: Database, trim_car) -> None:
    vin, at = trim_car
    mine = log(db, vin, at, "AS-CLIP", "interior", badge=OPERATOR_TRIM).defect
    theirs = log(db, vin, at, "AS-TRIM", "interior").defect
    assert (
        write(db, lambda s: cancel_defect(s, mine.id, OPERATOR_TRIM, "wrong code", now=at)).defect.status
        == "cancelled"
    )
    refused(
        db,
        PermissionDenied,
        lambda s: cancel_defect(s, theirs.id, OPERATOR_TRIM, "not a defect", now=at),
        "takes an inspector or a line leader",
    )


# --- state machine refusals -----------------------------------------------------------


@pytest.fixture
def defects(db: Database, trim_car) -> dict[str, int]:
    """One defect in each status on the TRIM1 car, repaired by the supervisor."""
    vin, at = trim_car
    ids = {}
    for status, code in (
        ("open", "PT-RUN"),
        ("repaired", "PT-DIRT"),
        ("verified", "PT-SCR"),
        ("cancelled", "BD-DENT"),
    ):
        ids[status] = log(db, vin, at, code, "front").defect.id
    write(db, lambda s: repair_defect(s, ids["repaired"], SUPERVISOR, "polished", now=at))
    write(db, lambda s: repair_defect(s, ids["verified"], SUPERVISOR, "polished", now=at))
    write(db, lambda s: verify_defect(s, ids["verified"], INSPECTOR, now=at))
    write(db, lambda s: cancel_defect(s, ids["cancelled"], INSPECTOR, "logged on the wrong car", now=at))
    return ids


def test_verify_an_open_defect(db: Database, defects) -> None:
    message = refused(db, RuleViolation, lambda s: verify_defect(s, defects["open"], INSPECTOR))
    assert message == f"Defect #{defects['open']} PT-RUN is still open: there is no repair to verify yet."


def test_repair_a_cancelled_defect(db: Database, defects) -> None:
    refused(
        db, RuleViolation, lambda s: repair_defect(s, defects["cancelled"], SUPERVISOR, "x"), "was cancelled"
    )


@pytest.mark.parametrize(
    ("call", "status", "error", "match"),
    [
        (
            lambda s, i: repair_defect(s, i, SUPERVISOR, "again"),
            "repaired",
            RuleViolation,
            "already repaired",
        ),
        (
            lambda s, i: repair_defect(s, i, SUPERVISOR, "again"),
            "verified",
            RuleViolation,
            "verified and closed",
        ),
        (lambda s, i: repair_defect(s, i, SUPERVISOR, "  "), "open", InvalidInput, "repair note"),
        (lambda s, i: repair_defect(s, i, OPERATOR_FINAL, "x"), "open", PermissionDenied, "not TRIM1"),
        (
            lambda s, i: repair_defect(s, i, SUPERVISOR, "x", station="MOON"),
            "open",
            NotFound,
            "Unknown station",
        ),
        (lambda s, i: verify_defect(s, i, INSPECTOR), "verified", RuleViolation, "already verified"),
        (lambda s, i: verify_defect(s, i, INSPECTOR), "cancelled", RuleViolation, "was cancelled"),
        (
            lambda s, i: verify_defect(s, i, SUPERVISOR),
            "repaired",
            PermissionDenied,
            "may not verify repairs; that takes an inspector",
        ),
        (lambda s, i: verify_defect(s, i, OPERATOR_TRIM), "repaired", PermissionDenied, "may not verify"),
        (lambda s, i: reject_repair(s, i, INSPECTOR, "bad"), "open", RuleViolation, "no repair to reject"),
        (lambda s, i: reject_repair(s, i, INSPECTOR, "bad"), "verified", RuleViolation, "already verified"),
        (lambda s, i: reject_repair(s, i, INSPECTOR, " "), "repaired", InvalidInput, "reason is required"),
        (lambda s, i: reject_repair(s, i, SUPERVISOR, "bad"), "repaired", PermissionDenied, "reject repairs"),
        (lambda s, i: cancel_defect(s, i, INSPECTOR, ""), "open", InvalidInput, "reason is required"),
        (lambda s, i: cancel_defect(s, i, INSPECTOR, "x"), "verified", RuleViolation, "cannot be cancelled"),
        (lambda s, i: cancel_defect(s, i, INSPECTOR, "x"), "cancelled", RuleViolation, "already cancelled"),
        (lambda s, i: cancel_defect(s, i, OPERATOR_TRIM, "x"), "open", PermissionDenied, "may not cancel"),
    ],
)
def test_state_machine_refusals_write_nothing(db: Database, defects, call, status, error, match) -> None:
    refused(db, error, lambda s: call(s, defects[status]), match)


def test_unknown_defect_number(db: Database, defects) -> None:
    for call in (
        lambda s: repair_defect(s, 999, SUPERVISOR, "x"),
        lambda s: verify_defect(s, 999, INSPECTOR),
        lambda s: reject_repair(s, 999, INSPECTOR, "x"),
        lambda s: cancel_defect(s, 999, INSPECTOR, "x"),
    ):
        refused(db, NotFound, call, "No defect #999")
    with db.read() as session, pytest.raises(NotFound):
        defect_history(session, 999)


def test_whoever_repaired_may_not_verify(db: Database, trim_car) -> None:
    vin, at = trim_car
    d = log(db, vin, at).defect
    write(db, lambda s: repair_defect(s, d.id, INSPECTOR, "clip fitted", now=at))
    message = refused(db, PermissionDenied, lambda s: verify_defect(s, d.id, INSPECTOR, now=at))
    assert (
        message
        == f"Nadia Berrada repaired defect #{d.id} AS-CLIP and may not verify it; another inspector must."
    )
    assert write(db, lambda s: verify_defect(s, d.id, OTHER_INSPECTOR, now=at)).defect.status == "verified"


def test_a_delivered_car_s_defects_are_frozen_but_can_be_cancelled(db: Database, defects) -> None:
    with db.write() as session:
        session.execute(text("UPDATE vehicle SET state = 'delivered'"))
    refused(db, RuleViolation, lambda s: repair_defect(s, defects["open"], SUPERVISOR, "x"), "was delivered")
    refused(db, RuleViolation, lambda s: verify_defect(s, defects["repaired"], INSPECTOR), "was delivered")
    cancelled = write(db, lambda s: cancel_defect(s, defects["open"], INSPECTOR, "logged in error"))
    assert cancelled.defect.status == "cancelled"


def test_every_transition_appends_one_event_and_never_rewrites_one(db: Database, trim_car) -> None:
    vin, at = trim_car
    d = log(db, vin, at).defect
    steps = (
        lambda s: repair_defect(s, d.id, SUPERVISOR, "fitted", now=at),
        lambda s: reject_repair(s, d.id, INSPECTOR, "loose", now=at),
        lambda s: repair_defect(s, d.id, SUPERVISOR, "fitted again", now=at),
        lambda s: verify_defect(s, d.id, INSPECTOR, now=at),
    )
    for step in steps:
        _, events_before = defect_tables(db)
        write(db, step)
        _, events_after = defect_tables(db)
        assert events_after[: len(events_before)] == events_before
        assert len(events_after) == len(events_before) + 1
    with db.read() as session:
        assert defect_record(session, d.id).status == "verified"


def test_a_car_in_the_repair_bay(db: Database, trim_car) -> None:
    """In the bay the car still counts as at the station it left; repairs default to the bay."""
    vin, at = trim_car
    with db.write() as session:  # the repair bay is another part of the plant: put the car there directly
        session.execute(
            text(
                "UPDATE vehicle SET state = 'in_repair', return_station_id = station_id, "
                "station_id = (SELECT id FROM station WHERE code = 'REPAIR') WHERE vin = :vin"
            ),
            {"vin": vin},
        )
    found = log(db, vin, at, "EL-GND", "underbody", station="REPAIR").defect
    assert (found.station, found.car_state, found.car_station) == ("REPAIR", "in_repair", "REPAIR")
    refused(
        db,
        RuleViolation,
        lambda s: add_defect(s, vin, "EOL", "FN-ALGN", "front", INSPECTOR, now=at),
        "has not reached EOL; it is at TRIM1",
    )
    repaired = write(db, lambda s: repair_defect(s, found.id, SUPERVISOR, "strap fitted", now=at)).defect
    assert repaired.repair_station == "REPAIR"
