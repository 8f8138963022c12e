"""Andon stops: raise and end with reasons from the config, no overlaps, open stops, downtime in a period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from neofloor.services.plant.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from neofloor.services.supervision.andon import (
    downtime_between,
    downtime_reasons,
    end_andon,
    open_stops,
    raise_andon,
)
from neofloor.store.engine import Database
from tests.conftest import INSPECTOR, OPERATOR_BODY, SUPERVISOR, T0
from tests.supervision.helpers import read, refused, write

OPERATOR_TRIM = "1002"


def _raise(db: Database, station: str, at, badge: str = OPERATOR_BODY, reason: str = "MAT", note: str = ""):
    return write(db, lambda s: raise_andon(s, station, reason, badge, note, now=at))


def _end(db: Database, station: str, at, badge: str = OPERATOR_BODY):
    return write(db, lambda s: end_andon(s, station, badge, now=at))


def test_reasons_come_from_the_plant_config(db: Database) -> None:
    reasons = read(db, downtime_reasons)
    assert [r.code for r in reasons] == ["MAT", "EQP", "QUAL", "SAFE", "IT", "STAFF"]
    assert reasons[0].description == "Material shortage"


def test_a_stop_is_raised_and_ended_and_who_did_each_is_stored(db: Database) -> None:
    raised = _raise(db, "BODY", T0, note="no side frames")
    assert raised.message == "BODY stopped: Material shortage (MAT)."
    assert raised.stop.is_open and raised.stop.raised_by == "Youssef El Amrani"
    ended = _end(db, "BODY", T0 + timedelta(minutes=12, seconds=30), badge=SUPERVISOR)
    assert ended.message == "BODY running again after 12m 30s (Material shortage)."
    stop = ended.stop
    assert (stop.started_at, stop.ended_at) == (T0, T0 + timedelta(minutes=12, seconds=30))
    assert (stop.raised_by, stop.ended_by, stop.note) == (
        "Youssef El Amrani",
        "Rachid Alaoui",
        "no side frames",
    )
    assert stop.seconds == 750
    assert read(db, lambda s: open_stops(s, now=T0 + timedelta(hours=1))) == []


def test_stops_cannot_overlap_at_one_station(db: Database) -> None:
    _raise(db, "BODY", T0)
    sentence = refused(
        db,
        RuleViolation,
        lambda s: raise_andon(s, "BODY", "EQP", SUPERVISOR, now=T0 + timedelta(minutes=5)),
        "already stopped",
    )
    assert sentence == (
        "BODY is already stopped since 09:00 (Material shortage, raised by Youssef El Amrani); "
        "end that stop first."
    )
    # Another station may stop meanwhile.
    _raise(db, "TRIM1", T0 + timedelta(minutes=6), badge=OPERATOR_TRIM, reason="EQP")
    _end(db, "BODY", T0 + timedelta(minutes=30))
    # A stop dated before the last one ended would overlap it too.
    refused(
        db,
        RuleViolation,
        lambda s: raise_andon(s, "BODY", "EQP", SUPERVISOR, now=T0 + timedelta(minutes=20)),
        "cannot start before the last one ended",
    )
    _raise(db, "BODY", T0 + timedelta(minutes=31), reason="SAFE")


def test_the_database_refuses_a_second_open_stop_too(db: Database) -> None:
    _raise(db, "BODY", T0)
    with pytest.raises(IntegrityError), db.write() as session:
        session.execute(
            text(
                "INSERT INTO downtime (station_id, reason_id, started_at, note) "
                "SELECT station_id, reason_id, started_at, '' FROM downtime"
            )
        )


@pytest.mark.parametrize(
    ("station", "reason", "badge", "error", "words"),
    [
        ("BODY", "COFFEE", OPERATOR_BODY, NotFound, "Unknown downtime reason 'COFFEE'; reasons are MAT, EQP"),
        ("MOON", "MAT", OPERATOR_BODY, NotFound, "Unknown station"),
        ("YARD", "MAT", SUPERVISOR, RuleViolation, "and the repair bay, not at YARD"),
        ("TRIM1", "MAT", OPERATOR_BODY, PermissionDenied, "not certified for TRIM1"),
        ("BODY", "MAT", "0000", NotFound, "Unknown badge"),
    ],
)
def test_bad_stops_are_refused(
    db: Database, station: str, reason: str, badge: str, error, words: str
) -> None:
    refused(db, error, lambda s: raise_andon(s, station, reason, badge, now=T0), words)


def test_ending_a_stop_that_is_not_open_is_refused(db: Database) -> None:
    refused(
        db,
        RuleViolation,
        lambda s: end_andon(s, "BODY", OPERATOR_BODY, now=T0),
        "BODY has no open stop to end.",
    )
    _raise(db, "BODY", T0)
    _end(db, "BODY", T0 + timedelta(minutes=1))
    refused(db, RuleViolation, lambda s: end_andon(s, "BODY", SUPERVISOR, now=T0), "no open stop")


def test_an_open_stop_stays_visible_and_a_supervisor_ends_it_from_anywhere(db: Database) -> None:
    # Raised at TRIM1, then that terminal closed: the stop stays open in the database.
    _raise(db, "TRIM1", T0, badge=OPERATOR_TRIM, reason="EQP", note="torque gun")
    now = T0 + timedelta(minutes=42)
    (stop,) = read(db, lambda s: open_stops(s, now=now))
    assert (stop.station, stop.reason_code, stop.reason, stop.started_at) == (
        "TRIM1",
        "EQP",
        "Equipment fault",
        T0,
    )
    assert (stop.raised_by, stop.seconds, stop.note) == ("Fatima Zahra Benali", 42 * 60, "torque gun")
    # An operator of another station may not end it; an inspector or a supervisor may.
    refused(
        db,
        PermissionDenied,
        lambda s: end_andon(s, "TRIM1", OPERATOR_BODY, now=now),
        "not certified for TRIM1",
    )
    result = write(db, lambda s: end_andon(s, "TRIM1", SUPERVISOR, "gun replaced", now=now))
    assert result.stop.ended_by == "Rachid Alaoui"
    assert result.stop.note == "torque gun | gun replaced"
    _raise(db, "TRIM1", now + timedelta(minutes=1), badge=INSPECTOR, reason="QUAL")
    # The repair bay stops too (it is off the line; the shift lead leaves it out of availability).
    assert _raise(db, "REPAIR", now, badge=SUPERVISOR, reason="IT").stop.station == "REPAIR"


def test_a_stop_cannot_end_before_it_started(db: Database) -> None:
    _raise(db, "BODY", T0)
    refused(
        db,
        InvalidInput,
        lambda s: end_andon(s, "BODY", SUPERVISOR, now=T0 - timedelta(minutes=1)),
        "before it",
    )


def test_downtime_in_a_period_is_clipped_to_it(db: Database) -> None:
    _raise(db, "BODY", T0 - timedelta(hours=1))  # 08:00-08:30 local, before the period
    _end(db, "BODY", T0 - timedelta(minutes=30))
    _raise(db, "PAINT", T0 - timedelta(minutes=20))  # runs across the period's start
    _end(db, "PAINT", T0 + timedelta(minutes=10))
    _raise(db, "TRIM1", T0 + timedelta(minutes=20), badge=OPERATOR_TRIM)  # inside
    _end(db, "TRIM1", T0 + timedelta(minutes=25), badge=OPERATOR_TRIM)
    _raise(db, "CHASSIS", T0 + timedelta(minutes=50), badge=SUPERVISOR, reason="SAFE")  # still open
    start, end = T0, T0 + timedelta(hours=1)
    now = T0 + timedelta(hours=2)
    spans = read(db, lambda s: downtime_between(s, start, end, now=now))
    assert [(s.stop.station, s.start, s.end, s.seconds) for s in spans] == [
        ("PAINT", T0, T0 + timedelta(minutes=10), 600),
        ("TRIM1", T0 + timedelta(minutes=20), T0 + timedelta(minutes=25), 300),
        ("CHASSIS", T0 + timedelta(minutes=50), end, 600),
    ]
    only_paint = read(db, lambda s: downtime_between(s, start, end, "PAINT", now=now))
    assert [s.stop.station for s in only_paint] == ["PAINT"]
    # While the period is still running, an open stop counts until now.
    running = read(db, lambda s: downtime_between(s, start, end, "CHASSIS", now=T0 + timedelta(minutes=55)))
    assert running[0].seconds == 300


def test_a_stopped_station_neither_starts_nor_completes_a_car(db: Database) -> None:
    """The andon dialog's promise kept by the service: every car at the station waits for the stop."""
    from neofloor.services.plant.errors import StationStopped
    from neofloor.services.scan import record_scan
    from tests.conftest import plan_cars

    first, second = plan_cars(db, 2)
    write(db, lambda s: record_scan(s, "BODY", first, SUPERVISOR, "t", now=T0))
    _raise(db, "BODY", T0 + timedelta(minutes=5))
    sentence = refused(
        db,
        StationStopped,
        lambda s: record_scan(s, "BODY", second, SUPERVISOR, "t", now=T0 + timedelta(minutes=6)),
    )
    assert sentence == (
        "BODY is stopped since 09:05 (MAT: Material shortage); "
        "no car starts or completes here until the stop ends."
    )
    refused(
        db,
        StationStopped,
        lambda s: record_scan(s, "BODY", first, SUPERVISOR, "t", now=T0 + timedelta(minutes=7)),
    )
    # Once the stop ends the station works again.
    _end(db, "BODY", T0 + timedelta(minutes=20))
    done = write(db, lambda s: record_scan(s, "BODY", first, SUPERVISOR, "t", now=T0 + timedelta(minutes=21)))
    assert done.action == "completed"
