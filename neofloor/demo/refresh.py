"""A demo plant that ends today: every stored time moved by whole working days, so its history is recent.

``neofloor.db.example`` was made once, from a seed; its history ends on a Wednesday at
13:00. Opened weeks later, every car would read as days late. :func:`move_plant_to_now`
moves every time of every table (each ``UTCDateTime`` column the tables declare, so a
table added later moves too, and the plant-local ``shift_note.shift_date``).

Moving by the same number of hours everywhere would put scans at night and on Sundays,
and moving in working time would put the evening's deliveries in mid-shift. So each
plant-local *date* moves by the same number of *working days* of the shift calendar, and
every time keeps its plant-local time of day: a car in station at 10:30 on a working day
is in station at 10:30 on another working day, inside the same shift; an evening
pre-delivery inspection stays in the evening; the clock changes of Ramadan are kept
(local times are converted back to UTC through ``zoneinfo``). A day off between two
working days stays after the first of them. The history then ends on the latest working
day whose end-of-history time of day has passed: today when the last scan's time of day
(12:56 for the example) has passed on a working day, else the working day before. Cars
wait from then, a few hours, not weeks.

This is a separate step on a plant already written, and runs on the SQLite file
directly (the demo's own store). Anything computed over the rows' content — a ledger
hash chain — must be computed again after it.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import SQLModel

from neofloor.demo.rows import US, stamp, to_micros
from neofloor.i18n import _
from neofloor.services.people.chain import AUDIT_FIELDS, EVENT_FIELDS, GENESIS, row_hash
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.shifts import ShiftCalendar, local_to_utc, shift_calendar
from neofloor.store.engine import Database
from neofloor.store.types import UTCDateTime

# The calendar is laid out this far either side of the plant's times and of now.
MARGIN_DAYS = 21


@dataclass(frozen=True)
class MovedPlant:
    """What a move did: from which last scan to which moment, and how many values moved."""

    last_scan_before: datetime
    last_scan_after: datetime
    values: int
    columns: tuple[str, ...]

    @property
    def message(self) -> str:
        return _(
            "Demo plant moved to today: its last scan, {last_scan_before:%Y-%m-%d "
            "%H:%M} UTC, is now {last_scan_after:%Y-%m-%d %H:%M} UTC ({values} "
            "times in {count} columns)."
        ).format(
            last_scan_before=self.last_scan_before,
            last_scan_after=self.last_scan_after,
            values=self.values,
            count=len(self.columns),
        )


def time_columns() -> list[tuple[str, str]]:
    """(table, column) of every ``UTCDateTime`` column the tables declare."""
    return [
        (table.name, column.name)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, UTCDateTime)
    ]


class WorkingDays:
    """Plant-local dates moved by a number of working days (the shift calendar's days with a shift)."""

    def __init__(self, calendar: ShiftCalendar, first: date, last: date) -> None:
        worked = calendar.worked
        self.days: list[date] = []
        day = first
        while day <= last:
            if worked.windows_on(day):
                self.days.append(day)
            day += timedelta(days=1)
        if not self.days:
            raise ValueError(_("the shift calendar has no working day"))

    def index(self, day: date) -> int:
        """The index of the working day on or before ``day``."""
        return max(0, bisect.bisect_right(self.days, day) - 1)

    def moved(self, day: date, by: int) -> date:
        i = self.index(day)
        new = self.days[min(len(self.days) - 1, max(0, i + by))]
        if day == self.days[i]:
            return new
        # A day off keeps its distance from the working day before it, not past the next one.
        later = new + (day - self.days[i])
        following = self.days[i + by + 1] if 0 <= i + by + 1 < len(self.days) else None
        return later if following is None or later < following else new


def _parse(value: str) -> int:
    return to_micros(datetime.fromisoformat(value).replace(tzinfo=UTC))


def move_plant_to_now(
    path: Path, now: datetime, progress: Callable[[int, int], None] | None = None
) -> MovedPlant:
    """Move every stored time of the plant at ``path`` by whole working days, so that its history
    ends on the latest working day it can end on by ``now``. One transaction: all or nothing."""
    database = Database(f"sqlite:///{path}")
    try:
        with database.read() as session:
            calendar = shift_calendar(session)
    finally:
        database.dispose()
    zone = calendar.timezone
    raw = sqlite3.connect(str(path), isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
        triggers = _lift_append_only_triggers(raw)
        columns = [(t, c) for t, c in time_columns() if _has_column(raw, t, c)]
        earliest = min(
            (_parse(v) for t, c in columns for (v,) in raw.execute(f'SELECT MIN("{c}") FROM "{t}"') if v),
            default=None,
        )
        last_scan_text = raw.execute("SELECT MAX(at) FROM station_event").fetchone()[0]
        if last_scan_text is None or earliest is None:
            raise ValueError(_("{path} has no ledger events to move").format(path=path))
        last_scan = to_local(_instant(_parse(last_scan_text)), zone)
        local_now = to_local(now, zone)
        first_day = to_local(_instant(earliest), zone).date() - timedelta(days=MARGIN_DAYS)
        days = WorkingDays(calendar, first_day, local_now.date() + timedelta(days=MARGIN_DAYS))
        target = days.index(local_now.date())
        if days.days[target] == local_now.date() and local_now.time() < last_scan.time():
            target -= 1  # today's history would run past now: end on the working day before
        by = target - days.index(last_scan.date())

        def moved(micros: int) -> int:
            local = to_local(_instant(micros), zone)
            new_day = days.moved(local.date(), by)
            return to_micros(local_to_utc(datetime.combine(new_day, local.time().replace(tzinfo=None)), zone))

        count = 0
        for step, (table, column) in enumerate(columns):
            rows = raw.execute(
                f'SELECT rowid, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
            ).fetchall()
            raw.executemany(
                f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?',
                ((stamp(moved(_parse(value))), rowid) for rowid, value in rows),
            )
            count += len(rows)
            if progress is not None:
                progress(step + 1, len(columns) + 1)
        count += _move_shift_dates(raw, days, by)
        _chain_again(raw)
        for sql in triggers:
            raw.execute(sql)
        raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
    finally:
        raw.close()
    if progress is not None:
        progress(len(columns) + 1, len(columns) + 1)
    before = _parse(last_scan_text)
    return MovedPlant(_instant(before), _instant(moved(before)), count, tuple(f"{t}.{c}" for t, c in columns))


def _instant(micros: int) -> datetime:
    return datetime.fromtimestamp(micros / US, UTC)


def _has_column(raw: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in raw.execute(f'PRAGMA table_info("{table}")'))


def _move_shift_dates(raw: sqlite3.Connection, days: WorkingDays, by: int) -> int:
    """A shift note hangs off a plant-local date: it moves with the working days."""
    if not _has_column(raw, "shift_note", "shift_date"):
        return 0
    rows = raw.execute("SELECT rowid, shift_date FROM shift_note").fetchall()
    for rowid, shift_date in rows:
        new_day = days.moved(date.fromisoformat(shift_date), by)
        raw.execute("UPDATE shift_note SET shift_date = ? WHERE rowid = ?", (new_day.isoformat(), rowid))
    return len(rows)


def _lift_append_only_triggers(raw: sqlite3.Connection) -> list[str]:
    """Drop the ledger's and the audit's append-only triggers for the move; their SQL to restore.

    Moving a demo copy in time rewrites every event's time, which the triggers rightly refuse
    on a real plant. The move runs in one transaction that puts them back before it commits.
    """
    rows = raw.execute(
        "SELECT name, sql FROM sqlite_master"
        " WHERE type = 'trigger' AND tbl_name IN ('station_event', 'audit')"
    ).fetchall()
    for name, _sql in rows:
        raw.execute(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in rows]


def _chain_again(raw: sqlite3.Connection) -> None:
    """Hash the moved ledger and audit again, in id order, as ``neofloor verify`` walks them.

    The copy's earlier verify runs saw the old heads; a copy made now has no checks behind it.
    """
    for table, fields in (("station_event", EVENT_FIELDS), ("audit", AUDIT_FIELDS)):
        if not _has_column(raw, table, "chain_hash"):
            continue
        at_index = fields.index("at")
        previous = GENESIS
        updates: list[tuple[str, int]] = []
        for row in raw.execute(f"SELECT id, {', '.join(fields)} FROM {table} ORDER BY id"):
            values = list(row[1:])
            if values[at_index]:
                values[at_index] = values[at_index].replace(" ", "T", 1)
            previous = row_hash(previous, tuple(values))
            updates.append((previous, row[0]))
        raw.executemany(f"UPDATE {table} SET chain_hash = ? WHERE id = ?", updates)
    if raw.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'verify_run'").fetchone():
        raw.execute("DELETE FROM verify_run")
