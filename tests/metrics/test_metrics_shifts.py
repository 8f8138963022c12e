"""The shift calendar: plant local time to UTC, a night shift across midnight, Morocco's Ramadan clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from neofloor.services.plant.errors import (
    ConfigError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from neofloor.services.plant.shifts import (
    ShiftCalendar,
    build_calendar,
    current_or_last_shift,
    local_to_utc,
    parse_plant_date,
    parse_shift,
    production_day,
    shift_at,
    shift_calendar,
    shift_window,
    shifts_between,
)
from neofloor.services.supervision.shift_notes import add_shift_note, list_shift_notes
from neofloor.store.engine import Database
from neofloor.store.models import Shift
from tests.conftest import OPERATOR_BODY, SUPERVISOR

ZONE = "Africa/Casablanca"
CASABLANCA = ZoneInfo(ZONE)
SHIFT_LEAD = "4001"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def night_calendar() -> ShiftCalendar:
    """The demo's two shifts plus a night shift 23:00-06:00 that also runs on Saturday nights."""
    return build_calendar(
        ZONE,
        [
            parse_shift(
                "A", "Day shift", "06:00", "14:30", "09:30-09:45,12:00-12:30", "mon,tue,wed,thu,fri", 12
            ),
            parse_shift(
                "B", "Afternoon", "14:30", "23:00", "18:00-18:30,21:00-21:15", "mon,tue,wed,thu,fri", 0
            ),
            parse_shift("N", "Night shift", "23:00", "06:00", "02:00-02:30", "mon,tue,wed,thu,fri,sat", 8),
        ],
    )


def test_zoneinfo_has_the_2026_ramadan_clock_changes() -> None:
    """What the tests below rely on: Morocco's clock goes back at 03:00 on Sunday 2026-02-15
    (UTC+1 -> UTC+0) and forward at 02:00 on Sunday 2026-03-22 (UTC+0 -> UTC+1)."""
    offsets = {
        moment: moment.astimezone(CASABLANCA).utcoffset()
        for moment in (
            utc(2026, 2, 15, 1, 59),
            utc(2026, 2, 15, 2, 0),
            utc(2026, 3, 22, 1, 59),
            utc(2026, 3, 22, 2),
        )
    }
    assert list(offsets.values()) == [timedelta(hours=1), timedelta(0), timedelta(0), timedelta(hours=1)]


def test_day_shift_of_the_demo_plant(db: Database) -> None:
    with db.read() as session:
        window = shift_window(session, date(2026, 11, 26), "A")
    # November: UTC+1, so 06:00-14:30 local is 05:00-13:30 UTC.
    assert (window.start, window.end) == (utc(2026, 11, 26, 5), utc(2026, 11, 26, 13, 30))
    assert [(b.start, b.end) for b in window.breaks] == [
        (utc(2026, 11, 26, 8, 30), utc(2026, 11, 26, 8, 45)),
        (utc(2026, 11, 26, 11), utc(2026, 11, 26, 11, 30)),
    ]
    assert window.length_seconds == 510 * 60
    assert window.planned_minutes == 465
    assert window.target_cars == 12 and window.label == "2026-11-26 A"
    assert window.local_start.strftime("%H:%M %z") == "06:00 +0100"
    # During Ramadan (UTC+0) the same shift is 06:00-14:30 UTC.
    with db.read() as session:
        ramadan = shift_window(session, date(2026, 3, 2), "A")
    assert (ramadan.start, ramadan.end) == (utc(2026, 3, 2, 6), utc(2026, 3, 2, 14, 30))


def test_night_shift_crosses_midnight_and_belongs_to_the_day_it_starts() -> None:
    calendar = night_calendar()
    window = calendar.window(date(2026, 11, 26), "N")  # Thursday night
    assert (window.start, window.end) == (utc(2026, 11, 26, 22), utc(2026, 11, 27, 5))
    assert [(b.start, b.end) for b in window.breaks] == [(utc(2026, 11, 27, 1), utc(2026, 11, 27, 1, 30))]
    assert window.planned_minutes == 420 - 30
    # 01:30 local on Friday belongs to Thursday's night shift.
    assert calendar.at(utc(2026, 11, 27, 0, 30)) == window
    assert shift_at(calendar, utc(2026, 11, 27, 0, 30)) == window


def test_night_shift_across_the_clock_going_back_lasts_eight_real_hours() -> None:
    """Saturday 2026-02-14 23:00 to Sunday 06:00: the clock goes back an hour at 03:00, so the
    crew works 8 hours, not 7. The break at 02:00 comes round twice; the first one is meant."""
    window = night_calendar().window(date(2026, 2, 14), "N")
    assert window.start == utc(2026, 2, 14, 22)  # 23:00 at UTC+1
    assert window.end == utc(2026, 2, 15, 6)  # 06:00 at UTC+0
    assert window.length_seconds == 8 * 3600
    assert [(b.start, b.end) for b in window.breaks] == [(utc(2026, 2, 15, 1), utc(2026, 2, 15, 1, 30))]
    assert window.planned_minutes == 480 - 30


def test_night_shift_across_the_clock_going_forward_lasts_six_real_hours() -> None:
    """Saturday 2026-03-21 23:00 to Sunday 06:00: the clock jumps from 02:00 to 03:00, so the
    crew works 6 hours. Its 02:00-02:30 break never shows on the clock: it lasts nothing."""
    window = night_calendar().window(date(2026, 3, 21), "N")
    assert window.start == utc(2026, 3, 21, 23)  # 23:00 at UTC+0
    assert window.end == utc(2026, 3, 22, 5)  # 06:00 at UTC+1
    assert window.length_seconds == 6 * 3600
    assert window.breaks == ()
    assert window.planned_minutes == 360


def test_local_times_the_clock_skips_or_repeats() -> None:
    # 02:30 on 2026-03-22 never happens: it is read as the jump itself, 02:00 UTC.
    assert local_to_utc(datetime(2026, 3, 22, 2, 30), ZONE) == utc(2026, 3, 22, 2)
    # 02:30 on 2026-02-15 happens twice: the first time (still UTC+1) is meant.
    assert local_to_utc(datetime(2026, 2, 15, 2, 30), ZONE) == utc(2026, 2, 15, 1, 30)
    assert local_to_utc(datetime(2026, 2, 15, 3, 0), ZONE) == utc(2026, 2, 15, 3)
    assert local_to_utc(datetime(2026, 6, 1, 6, 0), ZONE) == utc(2026, 6, 1, 5)


def test_every_moment_belongs_to_one_shift_at_most_around_the_clock_change() -> None:
    """Every 5 minutes from Friday to Tuesday around 2026-02-15: at most one window contains the
    moment, and shift_at finds exactly that one. Boundaries are half-open: 06:00 is shift A's."""
    calendar = night_calendar()
    windows = calendar.between(date(2026, 2, 12), date(2026, 2, 17))
    moment = utc(2026, 2, 13, 0)
    while moment < utc(2026, 2, 17, 12):
        holding = [w for w in windows if w.contains(moment)]
        assert len(holding) <= 1
        assert calendar.at(moment) == (holding[0] if holding else None)
        moment += timedelta(minutes=5)
    # Both 02:30s of the night of 14-15 February belong to Saturday's night shift.
    first, second = utc(2026, 2, 15, 1, 30), utc(2026, 2, 15, 2, 30)
    assert calendar.at(first) == calendar.at(second) == calendar.window(date(2026, 2, 14), "N")
    # Half-open: the night shift's last moment is its own, 06:00 sharp is the next day shift's.
    night = calendar.window(date(2026, 2, 16), "N")
    assert calendar.at(night.end - timedelta(microseconds=1)) == night
    assert calendar.at(night.end) == calendar.window(date(2026, 2, 17), "A")
    assert calendar.at(utc(2026, 2, 15, 12)) is None  # Sunday daytime: no shift


def test_shifts_between_and_production_days() -> None:
    calendar = night_calendar()
    windows = shifts_between(calendar, date(2026, 11, 27), date(2026, 11, 29))  # Fri, Sat, Sun
    assert [w.label for w in windows] == ["2026-11-27 A", "2026-11-27 B", "2026-11-27 N", "2026-11-28 N"]
    with pytest.raises(InvalidInput, match="ends"):
        calendar.between(date(2026, 11, 29), date(2026, 11, 27))
    # A production day runs from the first shift's start (06:00) to 06:00 the next day.
    day = production_day(calendar, date(2026, 11, 27))
    assert (day.start, day.end) == (utc(2026, 11, 27, 5), utc(2026, 11, 28, 5))
    assert [s.code for s in day.shifts] == ["A", "B", "N"] and day.target_cars == 20
    # The clock going back makes Saturday 14 February's production day 25 hours long.
    long_day = calendar.day(date(2026, 2, 14))
    assert long_day.end - long_day.start == timedelta(hours=25)
    assert calendar.day_of(utc(2026, 11, 28, 4, 59)) == date(2026, 11, 27)


def test_current_or_last_shift() -> None:
    calendar = night_calendar()
    assert current_or_last_shift(calendar, utc(2026, 11, 26, 9)).label == "2026-11-26 A"  # type: ignore[union-attr]
    # Sunday noon: no shift running; the last one was Saturday's night shift.
    last = calendar.current_or_last(utc(2026, 11, 29, 12))
    assert last is not None and last.label == "2026-11-28 N"
    assert build_calendar(ZONE, []).current_or_last(utc(2026, 11, 29, 12)) is None


def test_a_shift_without_target_is_never_the_current_shift() -> None:
    # Thursday 16:00 local is inside shift B, which has no target: the current shift is the
    # day's shift A (ended), as the board, the dashboard and the reports all say.
    calendar = night_calendar()
    assert calendar.at(utc(2026, 11, 26, 15)).code == "B"  # type: ignore[union-attr]
    current = calendar.current_or_last(utc(2026, 11, 26, 15))
    assert current is not None and current.label == "2026-11-26 A"
    assert current_or_last_shift(calendar, utc(2026, 11, 26, 15)) == current
    # A plant whose shifts all lack a target still has a current shift.
    idle = build_calendar(ZONE, [parse_shift("B", "Afternoon", "14:30", "23:00", "", "mon", 0)])
    assert idle.current_or_last(utc(2026, 11, 23, 15)).code == "B"  # type: ignore[union-attr]


def test_unknown_shift_and_days_off_are_refused(db: Database) -> None:
    with db.read() as session:
        with pytest.raises(NotFound, match="Unknown shift 'Z'; shifts are A, B"):
            shift_window(session, date(2026, 11, 26), "Z")
        with pytest.raises(NotFound, match="does not run on sat 2026-11-28"):
            shift_window(session, date(2026, 11, 28), "A")
        assert shift_window(session, date(2026, 11, 26), "a").code == "A"  # codes ignore case


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (("06:00", "06:00", ""), "start and end are both"),
        (("6h", "14:30", ""), "should be HH:MM"),
        (("06:00", "24:30", ""), "not a time of day"),
        (("06:00", "14:30", "15:00-15:15"), "not inside the shift"),
        (("06:00", "14:30", "09:30"), "should be HH:MM-HH:MM"),
        (("06:00", "14:30", "09:00-09:30,09:15-09:45"), "overlaps another break"),
        (("22:00", "06:00", "05:50-06:10"), "not inside the shift"),
    ],
)
def test_bad_shift_definitions_are_refused(fields: tuple[str, str, str], words: str) -> None:
    start, end, breaks = fields
    with pytest.raises(ConfigError, match=words):
        parse_shift("X", "X", start, end, breaks)


def test_bad_days_and_overlapping_shifts_are_refused() -> None:
    with pytest.raises(ConfigError, match="day 'lun'"):
        parse_shift("X", "X", "06:00", "14:00", "", "lun,mar")
    a = parse_shift("A", "A", "06:00", "14:30", "", "mon,tue,wed,thu,fri")
    late = parse_shift("C", "C", "22:00", "06:30", "", "fri")  # runs into nothing on Saturday...
    build_calendar(ZONE, [a, late])
    sunday = parse_shift("S", "S", "22:00", "06:30", "", "sun")  # ...but Sunday night runs into Monday A
    with pytest.raises(ConfigError, match="Shifts S and A overlap on sun"):
        build_calendar(ZONE, [a, sunday])
    with pytest.raises(ConfigError, match="defined twice"):
        build_calendar(ZONE, [a, a])


def test_the_calendar_reads_the_shift_table(db: Database) -> None:
    with db.write() as session:
        session.execute(
            insert(Shift).values(
                code="N",
                name="Night",
                start="23:00",
                end="06:00",
                breaks="02:00-02:30",
                days="sat",
                target_cars=4,
            )
        )
    with db.read() as session:
        calendar = shift_calendar(session)
        assert [s.code for s in calendar.shifts] == ["A", "B", "N"]
        assert calendar.day_start_time == time(6, 0)
        window = shift_window(session, date(2026, 2, 14), "N")
    assert window.length_seconds == 8 * 3600 and window.target_cars == 4


def test_parse_plant_date() -> None:
    now = utc(2026, 11, 26, 23, 30)  # already the 27th in Casablanca (UTC+1)
    assert parse_plant_date("today", ZONE, now=now) == date(2026, 11, 27)
    assert parse_plant_date("Yesterday", ZONE, now=now) == date(2026, 11, 26)
    assert parse_plant_date("2026-02-14", ZONE, now=now) == date(2026, 2, 14)
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_plant_date("14/02/2026", ZONE, now=now)


def test_shift_notes(db: Database) -> None:
    now = utc(2026, 11, 26, 13, 0)
    with db.write() as session:
        note = add_shift_note(
            session, date(2026, 11, 26), "a", "  Glazing robot slow after 11:00. ", SHIFT_LEAD, now=now
        )
        add_shift_note(session, date(2026, 11, 26), "A", "Two temps from Monday.", SUPERVISOR, now=now)
    assert (note.shift_code, note.text, note.author) == (
        "A",
        "Glazing robot slow after 11:00.",
        "Leila Chraibi",
    )
    with db.read() as session:
        notes = list_shift_notes(session, date(2026, 11, 26), "A")
        assert list_shift_notes(session, date(2026, 11, 26), "B") == []
    assert [(n.author, n.text) for n in notes] == [
        ("Leila Chraibi", "Glazing robot slow after 11:00."),
        ("Rachid Alaoui", "Two temps from Monday."),
    ]
    refusals = [
        (lambda s: add_shift_note(s, date(2026, 11, 26), "A", "x", OPERATOR_BODY, now=now), PermissionDenied),
        (lambda s: add_shift_note(s, date(2026, 11, 26), "A", "   ", SHIFT_LEAD, now=now), InvalidInput),
        (lambda s: add_shift_note(s, date(2026, 11, 26), "A", "x" * 2001, SHIFT_LEAD, now=now), InvalidInput),
        (lambda s: add_shift_note(s, date(2026, 11, 28), "A", "x", SHIFT_LEAD, now=now), NotFound),
        (lambda s: add_shift_note(s, date(2026, 11, 27), "A", "x", SHIFT_LEAD, now=now), RuleViolation),
        (lambda s: add_shift_note(s, date(2026, 11, 26), "A", "x", "0000", now=now), NotFound),
    ]
    for call, error in refusals:
        with pytest.raises(error), db.write() as session:
            call(session)
    with db.read() as session:
        assert len(list_shift_notes(session, date(2026, 11, 26), "A")) == 2
