"""Takt from the shifts, and the line board paced by it, on a hand-made line with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from neofloor.services.metrics.line_status import (
    LEVEL_LATE,
    LEVEL_NORMAL,
    LEVEL_VERY_LATE,
    BoardCar,
    line_status,
    takt_level,
)
from neofloor.services.metrics.takt import takt_from_shifts, takt_seconds, working_seconds
from neofloor.services.plant.shifts import Interval, local_days, shift_at, shift_calendar
from neofloor.services.supervision.andon import raise_andon
from neofloor.services.supervision.repair import send_to_repair
from neofloor.services.tracking.holds import hold_vehicle
from neofloor.store.engine import Database
from neofloor.store.models import Shift
from tests.conftest import ROUTE, SUPERVISOR, plan_cars, run_through, scan
from tests.supervision.helpers import read, write

THURSDAY = date(2026, 11, 26)  # T0's day; shift A runs 06:00-14:30 local (05:00-13:30 UTC)
TAKT_A = (8.5 * 3600 - 45 * 60) / 12  # 2325 s: 38m 45s


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    """A November plant local time (UTC+1) as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=1)


def test_takt_is_available_time_over_cars_demanded(db: Database) -> None:
    assert read(db, lambda s: takt_seconds(s, THURSDAY)) == TAKT_A == 2325
    # Saturday: no shift runs, so no takt.
    assert read(db, lambda s: takt_seconds(s, date(2026, 11, 28))) is None
    # A second shift with a target joins the sum: (27900 s + 27900 s) / (12 + 6) cars.
    with db.write() as session:
        session.execute(update(Shift).where(Shift.code == "B").values(target_cars=6))
    assert read(db, lambda s: takt_seconds(s, THURSDAY)) == pytest.approx(55800 / 18)


def test_shifts_are_placed_in_utc_through_the_plant_zone(db: Database) -> None:
    (a, b) = read(db, lambda s: shift_calendar(s).windows_on(THURSDAY))
    assert (a.code, a.start, a.end) == ("A", _local(THURSDAY, 6), _local(THURSDAY, 14, 30))
    assert a.breaks[0] == Interval(_local(THURSDAY, 9, 30), _local(THURSDAY, 9, 45))
    assert a.planned_seconds == 27900 and b.target_cars == 0
    # In Ramadan 2026 Morocco is on UTC+0: the same 06:00 is an hour later in UTC.
    (ramadan_a, _) = read(db, lambda s: shift_calendar(s).windows_on(date(2026, 3, 5)))
    assert ramadan_a.start == datetime(2026, 3, 5, 6, 0, tzinfo=UTC)
    start, end = local_days(date(2026, 2, 15), date(2026, 2, 15), "Africa/Casablanca")  # the clock goes back
    assert end - start == timedelta(hours=25)
    assert read(db, lambda s: takt_from_shifts(shift_calendar(s).windows_on(THURSDAY))) == TAKT_A


def test_a_night_shift_crosses_midnight_with_its_break(db: Database) -> None:
    with db.write() as session:
        # Shifts may not overlap: the afternoon shift ends when the night shift starts.
        session.execute(update(Shift).where(Shift.code == "B").values(end="22:00"))
        session.add(
            Shift(code="N", name="Night", start="22:00", end="06:00", breaks="02:00-02:30", target_cars=8)
        )
    night = next(s for s in read(db, lambda s: shift_calendar(s).windows_on(THURSDAY)) if s.code == "N")
    friday = THURSDAY + timedelta(days=1)
    assert (night.start, night.end) == (_local(THURSDAY, 22), _local(friday, 6))
    assert night.breaks == (Interval(_local(friday, 2), _local(friday, 2, 30)),)
    assert night.planned_seconds == 7.5 * 3600
    assert read(db, lambda s: shift_at(shift_calendar(s).production, _local(friday, 3))).code == "N"


def test_working_time_skips_nights_and_breaks(db: Database) -> None:
    since = _local(THURSDAY, 14)
    now = _local(THURSDAY + timedelta(days=1), 6, 30)
    assert read(db, lambda s: working_seconds(s, since, now)) == 3600
    assert read(db, lambda s: working_seconds(s, _local(THURSDAY, 9), _local(THURSDAY, 10))) == 45 * 60
    assert read(db, lambda s: shift_at(shift_calendar(s).production, _local(THURSDAY, 15))) is None


def test_the_board_clock_answers_as_the_shifts_do(db: Database) -> None:
    """WorkingClock (one bisection a car) gives working_seconds_in's answer, breaks and nights too."""
    from neofloor.services.metrics.takt import WorkingClock, working_seconds_in

    calendar = read(db, lambda s: shift_calendar(s).production)
    now = _local(date(2026, 11, 26), 15, 7)
    shifts = calendar.overlapping(now - timedelta(days=9), now)
    clock = WorkingClock(shifts, now)
    moments = [now - timedelta(minutes=m) for m in range(0, 9 * 24 * 60, 37)]
    moments += [now + timedelta(minutes=5), now - timedelta(days=30)]
    for moment in moments:
        assert clock.seconds_since(moment) == pytest.approx(working_seconds_in(shifts, moment, now), abs=1e-6)
    assert clock.seconds_since(now - timedelta(days=1)) > 0


def test_levels_against_takt() -> None:
    assert takt_level(2325, 2325) == LEVEL_NORMAL
    assert takt_level(2326, 2325) == LEVEL_LATE
    assert takt_level(4650, 2325) == LEVEL_LATE
    assert takt_level(4651, 2325) == LEVEL_VERY_LATE
    assert takt_level(99_999, None) == LEVEL_NORMAL


def _start_at(db: Database, n: int, station: str, moment: datetime, *, inside: bool = True) -> str:
    """Car ``n`` started at ``station`` at ``moment`` (or waiting for it since ``moment``)."""
    (vin,) = plan_cars(db, 1, start=n)
    index = ROUTE.index(station)
    begin = moment - timedelta(minutes=11 * index) + (timedelta() if inside else timedelta(minutes=1))
    run_through(db, vin, ROUTE[:index], begin)
    if inside:
        scan(db, station, vin, moment)
    return vin


NOW = _local(THURSDAY, 10)  # 10:00 local: 3h45m of production since 06:00 (one 15-minute break)


@pytest.fixture
def line(db: Database) -> dict[str, str]:
    """A hand-made line at NOW: normal, late and very late cars, a held one, one in repair, a
    stop at WATER, a car started ahead of the planned backlog, two cars through QG this shift."""
    cars = {}
    through_qg = {
        "yesterday": _local(THURSDAY - timedelta(days=1), 8),
        "q1": _local(THURSDAY, 6),
        "q2": _local(THURSDAY, 6, 30),
    }
    for n, (key, start) in enumerate(through_qg.items(), 1):
        (cars[key],) = plan_cars(db, 1, start=n)
        run_through(db, cars[key], ROUTE, start)  # through QG 98 minutes later
    cars["very_late"] = _start_at(db, 4, "FINAL", _local(THURSDAY, 8))
    cars["late"] = _start_at(db, 5, "CHASSIS", _local(THURSDAY, 9))
    cars["normal"] = _start_at(db, 6, "TRIM1", _local(THURSDAY, 9, 30))
    cars["held"] = _start_at(db, 7, "EOL", _local(THURSDAY, 9, 50), inside=False)
    cars["away"] = _start_at(db, 8, "PAINT", _local(THURSDAY, 9, 40))
    cars["waiting"] = _start_at(db, 9, "TRIM2", _local(THURSDAY, 9, 55), inside=False)
    cars["backlog1"], cars["backlog2"] = plan_cars(db, 2, start=10)
    cars["ahead"] = _start_at(db, 12, "BODY", _local(THURSDAY, 9, 58))
    held, away = cars["held"], cars["away"]
    write(db, lambda s: hold_vehicle(s, held, "door seal missing", SUPERVISOR, now=_local(THURSDAY, 9, 52)))
    write(db, lambda s: send_to_repair(s, away, "paint run", SUPERVISOR, now=_local(THURSDAY, 9, 45)))
    write(db, lambda s: raise_andon(s, "WATER", "EQP", SUPERVISOR, "pump", now=_local(THURSDAY, 9, 48)))
    return cars


def test_the_board_times_each_car_against_takt(line: dict[str, str], db: Database) -> None:
    status = read(db, lambda s: line_status(s, now=NOW))
    assert status.takt_seconds == TAKT_A

    def only_car(code: str) -> BoardCar:
        (board_car,) = (*status.station(code).in_station, *status.station(code).queue)
        return board_car

    normal, late, very_late = only_car("TRIM1"), only_car("CHASSIS"), only_car("FINAL")
    assert (normal.car.vin, normal.inside) == (line["normal"], True)
    assert (normal.seconds, normal.working_seconds) == (1800, 900)
    assert (normal.level, normal.flags) == (LEVEL_NORMAL, ())
    assert (late.level, late.marker, late.working_seconds) == (LEVEL_LATE, "LATE", 2700)
    assert (very_late.level, very_late.flags) == (LEVEL_VERY_LATE, ("VERY LATE",))
    held = only_car("EOL")
    assert (held.car.vin, held.inside, held.car.held, held.flags) == (line["held"], False, True, ("HELD",))
    assert status.station("EOL").held_count == 1
    waiting = only_car("TRIM2")
    assert (waiting.car.vin, waiting.inside, waiting.seconds) == (line["waiting"], False, 300)
    assert status.station("PAINT").in_station == () and status.station("PAINT").queue == ()


def test_the_board_shows_stops_the_bay_the_backlog_and_sequence_breaks(
    line: dict[str, str], db: Database
) -> None:
    status = read(db, lambda s: line_status(s, now=NOW))
    water = status.station("WATER")
    assert water.stopped and water.stop is not None
    assert (water.stop.reason, water.stop.seconds, water.stop.note) == ("Equipment fault", 12 * 60, "pump")
    assert [s.station for s in status.stops] == ["WATER"]
    assert not status.station("QG").stopped
    (away,) = status.in_repair
    assert (away.vin, away.left_station, away.phase, away.seconds) == (line["away"], "PAINT", "waiting", 900)
    body = status.station("BODY")
    (ahead,) = body.in_station
    assert (ahead.car.vin, ahead.out_of_sequence, ahead.flags) == (line["ahead"], True, ("OUT OF SEQUENCE",))
    assert [c.car.vin for c in body.queue] == [line["backlog1"], line["backlog2"]]
    assert body.queue_count == 2 and all(c.level == LEVEL_NORMAL for c in body.queue)


def test_the_header_counts_this_shift_against_the_plan_so_far(line: dict[str, str], db: Database) -> None:
    progress = read(db, lambda s: line_status(s, now=NOW)).progress
    assert progress.shift is not None and progress.shift.code == "A" and progress.running
    # 3h45m of production at a 38m45s takt plans 5 cars; 2 went through QG this shift.
    assert (progress.completed, progress.planned, progress.behind) == (2, 5, 3)
    assert progress.sequence_breaks == 1
    assert progress.text == "Shift A: 2 through QG / 5 planned, 3 behind (takt 38m 45s)."


def test_after_the_shift_the_board_shows_how_it_ended(line: dict[str, str], db: Database) -> None:
    evening = _local(THURSDAY, 20)
    status = read(db, lambda s: line_status(s, now=evening))
    progress = status.progress
    assert (progress.running, progress.completed, progress.planned, progress.behind) == (False, 2, 12, 10)
    assert progress.text == "Shift A (ended): 2 through QG / 12 planned, 10 behind (takt 38m 45s)."
    # Time stops counting after 14:30: 09:30-14:30 less the 12:00 break and the rest of 09:30's.
    normal = status.station("TRIM1").in_station[0]
    assert normal.working_seconds == 5 * 3600 - 45 * 60 and normal.level == LEVEL_VERY_LATE
    saturday = read(db, lambda s: line_status(s, now=_local(THURSDAY + timedelta(days=2), 10))).progress
    assert saturday.shift is not None and saturday.shift.local_date == THURSDAY + timedelta(days=1)
    assert (saturday.completed, saturday.planned, saturday.takt_seconds) == (0, 12, TAKT_A)


def test_an_empty_plant_has_a_quiet_board(db: Database) -> None:
    status = read(db, lambda s: line_status(s, now=NOW))
    assert [s.station.code for s in status.stations] == list(ROUTE)
    assert all(not s.in_station and not s.queue and s.stop is None for s in status.stations)
    assert status.progress.text == "Shift A: 0 through QG / 5 planned, 5 behind (takt 38m 45s)."
