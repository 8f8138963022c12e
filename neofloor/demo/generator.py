"""The demo plant generator: the Aïn Aouda plant with weeks (or years) of takt-paced history.

Deterministic for a seed. Cars flow through the route in *working time* (seconds
of planned production, breaks and nights left out), which a shift calendar maps
to real UTC times, so the history looks like a real line: paced by takt, paused
at breaks and weekends, with defects, repairs, holds, andon stops and deliveries.

Built for volume: the 10-year plant (150,000 cars, 3 M ledger events) must be
written in well under a minute on a small machine. So the simulation keeps
instants as integer microseconds since the epoch and rows as plain tuples, and
the rows go to SQLite with ``executemany`` on the raw ``sqlite3`` connection,
in chunks (memory stays bounded). Time columns are written as text in exactly
the form SQLAlchemy's SQLite ``DateTime`` stores (``YYYY-MM-DD HH:MM:SS.ffffff``,
naive UTC), so the app reads them back as it reads its own writes.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from neofloor.services.plant.catalog import forget_catalog
from neofloor.services.plant.config import DAY_NAMES, PlantConfig, init_plant, load_plant_config
from neofloor.services.plant.vin import with_check_digit
from neofloor.store.engine import Database
from neofloor.store.models import DefectStatus, EventKind, VehicleState

# The demo's history ends here, plant local time: a Wednesday afternoon, mid-shift, before
# the day the example was made, so a newcomer's first scans come after its last ones.
DEMO_END_LOCAL = datetime(2026, 11, 25, 13, 0)
# Ledger events per write to the database (the other tables go out with them).
CHUNK = 50_000
# Cars enter the production plan this many takts before they start at BODY.
PLANNED_AHEAD_TAKTS = 60
MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 2010 = A ... (ISO 3779, position 10)
FIRST_NAMES = (
    "Mohamed", "Fatima", "Youssef", "Khadija", "Amine", "Salma", "Mehdi", "Imane", "Omar", "Sara",
    "Hamza", "Meryem", "Anas", "Zineb", "Rachid", "Nadia", "Karim", "Hajar", "Ayoub", "Loubna",
)  # fmt: skip
LAST_NAMES = (
    "Alaoui", "Benjelloun", "El Idrissi", "Tazi", "Bennani", "Chraibi", "Lahlou", "Berrada",
    "El Fassi", "Ouazzani", "Amrani", "Bouzidi", "Kettani", "Sefrioui", "Naciri", "Zniber",
)  # fmt: skip
# Which defect categories each station tends to find.
FINDS = {
    "BODY": ("body",),
    "PAINT": ("paint",),
    "TRIM1": ("assembly", "electrical"),
    "TRIM2": ("assembly",),
    "CHASSIS": ("assembly", "fluids", "hv_system"),
    "FINAL": ("assembly", "fluids"),
    "EOL": ("function", "electrical", "hv_system"),
    "WATER": ("water_leak",),
    "QG": ("paint", "body", "assembly", "noise", "electrical"),
}
INSPECTION_STATIONS = ("EOL", "WATER", "QG")
# Working seconds from completing a station to arriving at the next: the body and
# paint buffers (ovens, sorting) hold cars for hours, the assembly conveyor for minutes.
TRANSFER_SECONDS = {"BODY": (1800.0, 3600.0), "PAINT": (7200.0, 12600.0)}
HOLD_REASONS = (
    "Missing harness clip: supplier batch check",
    "Paint audit: colour match to be confirmed",
    "Order change: customer option under review",
)
REPAIR_REASONS = (
    "Water leak at door seal",
    "Brake force imbalance",
    "Connector not seated behind dashboard",
    "Paint touch-up on roof",
)
DEFECT_ZONES = ("front", "rear", "left", "right", "roof", "interior")
OPTION_POOL = ("SUNROOF", "ALLOY17", "NAV", "TOWBAR")
PDI_CHECKLIST = '{"exterior": true, "interior": true, "fluids": true, "documents": true}'
REWORK_NOTE = "Reworked in station"

# Plain strings for the rows (the enums are str subclasses; sqlite3 binds plain str fastest).
_PLAN, _START, _COMPLETE, _HOLD, _DELIVER = (
    str(k.value)
    for k in (EventKind.PLAN, EventKind.START, EventKind.COMPLETE, EventKind.HOLD, EventKind.DELIVER)
)
_TO_REPAIR, _REPAIR_START, _REPAIR_COMPLETE, _FROM_REPAIR = (
    str(k.value)
    for k in (EventKind.TO_REPAIR, EventKind.REPAIR_START, EventKind.REPAIR_COMPLETE, EventKind.FROM_REPAIR)
)
_PLANNED, _QUEUED, _IN_STATION, _HELD, _IN_REPAIR, _FINISHED, _DELIVERED = (
    str(s.value)
    for s in (
        VehicleState.PLANNED,
        VehicleState.QUEUED,
        VehicleState.IN_STATION,
        VehicleState.HELD,
        VehicleState.IN_REPAIR,
        VehicleState.FINISHED,
        VehicleState.DELIVERED,
    )
)
_OPEN, _REPAIRED, _VERIFIED = (
    str(s.value) for s in (DefectStatus.OPEN, DefectStatus.REPAIRED, DefectStatus.VERIFIED)
)

# --- instants: integer microseconds since the epoch, UTC -------------------------------

_US = 1_000_000
_DAY_US = 86_400 * _US
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_CLOCK = [f"{h:02d}:{m:02d}:{s:02d}." for h in range(24) for m in range(60) for s in range(60)]
_DAY_PREFIX: dict[int, str] = {}


def to_micros(moment: datetime) -> int:
    """An aware datetime as microseconds since the epoch."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def stamp(micros: int) -> str:
    """An instant as SQLAlchemy's SQLite DateTime stores it: naive UTC, microseconds always."""
    day, rest = divmod(micros, _DAY_US)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        prefix = _DAY_PREFIX[day] = date.fromordinal(_EPOCH_ORDINAL + day).isoformat() + " "
    second, micro = divmod(rest, _US)
    return f"{prefix}{_CLOCK[second]}{micro:06d}"


def _year(micros: int) -> int:
    return date.fromordinal(_EPOCH_ORDINAL + micros // _DAY_US).year


# --- the output tables -------------------------------------------------------------------

# Columns written per table, in the order the simulation builds its tuples.
COLUMNS: dict[str, tuple[str, ...]] = {
    "vehicle": (
        "id", "vin", "model_id", "color_id", "build_seq", "order_ref", "options", "option_notes",
        "planned_at", "state", "station_id", "state_since", "resume_state", "return_station_id",
        "hold_reason", "last_scan_station_id", "last_scan_at", "first_start_at", "finished_at",
        "delivered_at", "out_of_sequence", "repair_visits", "last_event_id", "vin_reversed",
    ),
    "station_event": ("id", "vehicle_id", "station_id", "kind", "at", "operator_id", "terminal", "note"),
    "station_visit": (
        "id", "vehicle_id", "station_id", "started_at", "completed_at", "cycle_seconds", "operator_id",
        "out_of_sequence",
    ),
    "defect": (
        "id", "vehicle_id", "station_id", "catalog_id", "zone", "severity", "note", "status", "found_at",
        "found_by_id", "repaired_at", "repaired_by_id", "repair_station_id", "repair_note", "verified_at",
        "verified_by_id", "cancel_reason",
    ),
    "defect_event": ("id", "defect_id", "kind", "at", "operator_id", "station_id", "note"),
    "downtime": (
        "id", "station_id", "reason_id", "started_at", "ended_at", "raised_by_id", "ended_by_id", "note",
    ),
    "delivery": (
        "id", "vehicle_id", "customer_name", "financing_partner_id", "pdi_checklist", "pdi_passed_at",
        "pdi_by_id", "delivered_at", "handed_over_by_id", "note",
    ),
}  # fmt: skip


class _Rows:
    """Row buffers per table, written with one ``executemany`` per table and chunk."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.sql = {
            table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            for table, cols in COLUMNS.items()
        }
        self.vehicle: list[tuple[Any, ...]] = []
        self.station_event: list[tuple[Any, ...]] = []
        self.station_visit: list[tuple[Any, ...]] = []
        self.defect: list[tuple[Any, ...]] = []
        self.defect_event: list[tuple[Any, ...]] = []
        self.downtime: list[tuple[Any, ...]] = []
        self.delivery: list[tuple[Any, ...]] = []

    def flush(self) -> None:
        for table in COLUMNS:
            rows: list[tuple[Any, ...]] = getattr(self, table)
            if rows:
                self.raw.executemany(self.sql[table], rows)
                rows.clear()


@dataclass(frozen=True)
class DemoSpec:
    seed: int = 2023
    days: int = 28
    cars_per_year: int = 3000
    end_local: datetime = DEMO_END_LOCAL
    # Planned cars beyond the end of history, in working days of production.
    backlog_days: float = 2.0


@dataclass
class _Counts:
    cars: int = 0
    events: int = 0
    defects: int = 0
    downtime: int = 0
    deliveries: int = 0
    states: dict[str, int] = field(default_factory=dict)


class WorkCalendar:
    """Maps working seconds (production time since the first window) to UTC instants and back.

    Windows and instants are integer microseconds since the epoch.
    """

    def __init__(self, windows: list[tuple[int, int]]) -> None:
        self.windows = windows
        self.window_starts = [start for start, _end in windows]
        self.ends = [end for _start, end in windows]
        self.starts: list[float] = []
        total = 0.0
        for start, end in windows:
            self.starts.append(total)
            total += (end - start) / _US
        self.total = total

    def to_micros(self, work_seconds: float) -> int:
        """The instant ``work_seconds`` of production after the first window opened."""
        index = bisect.bisect_right(self.starts, work_seconds) - 1
        if index < 0:
            index = 0
        offset = work_seconds - self.starts[index]
        # Rounded as timedelta(seconds=offset) rounds: whole seconds, then microseconds.
        whole = int(offset)
        return self.window_starts[index] + whole * _US + round((offset - whole) * 1e6)

    def to_work(self, micros: int) -> float:
        """Working seconds elapsed at an instant (one outside the windows maps to the next)."""
        index = bisect.bisect_right(self.ends, micros)
        if index >= len(self.windows):
            return self.total
        return self.starts[index] + max(0.0, (micros - self.window_starts[index]) / _US)


def _hhmm(value: str) -> tuple[int, int]:
    hour, minute = value.split(":")
    return int(hour), int(minute)


def build_calendar(
    config: PlantConfig, first_day: date, last_day: date, shift_codes: list[str]
) -> WorkCalendar:
    """Production windows (shifts minus breaks) of working days, in UTC."""
    zone = ZoneInfo(config.timezone)
    shifts = [s for s in config.shifts if s["code"] in shift_codes]
    windows: list[tuple[int, int]] = []
    day = first_day
    while day <= last_day:
        weekday = DAY_NAMES[day.weekday()]
        for shift in shifts:
            if weekday not in shift.get("days", DAY_NAMES[:5]):
                continue
            start_local = datetime.combine(day, datetime.min.time()).replace(
                hour=_hhmm(shift["start"])[0], minute=_hhmm(shift["start"])[1]
            )
            end_local = start_local.replace(hour=_hhmm(shift["end"])[0], minute=_hhmm(shift["end"])[1])
            if end_local <= start_local:
                end_local += timedelta(days=1)
            cuts = [start_local]
            for brk in shift.get("breaks", []):
                b_start, b_end = (s.strip() for s in brk.split("-"))
                b0 = start_local.replace(hour=_hhmm(b_start)[0], minute=_hhmm(b_start)[1])
                b1 = start_local.replace(hour=_hhmm(b_end)[0], minute=_hhmm(b_end)[1])
                if b0 < start_local:
                    b0, b1 = b0 + timedelta(days=1), b1 + timedelta(days=1)
                cuts += [b0, b1]
            cuts.append(end_local)
            for a, b in zip(cuts[::2], cuts[1::2], strict=True):
                if b > a:
                    windows.append((to_micros(a.replace(tzinfo=zone)), to_micros(b.replace(tzinfo=zone))))
        day += timedelta(days=1)
    windows.sort()
    return WorkCalendar(windows)


def _vin(config_wmi: str, vin_prefix: str, year: int, serial: int) -> str:
    year_code = MODEL_YEAR_CODES[(year - 2010) % len(MODEL_YEAR_CODES)]
    raw = f"{config_wmi:<3.3}{vin_prefix:<3.3}A0" + "0" + year_code + "A" + f"{serial % 1_000_000:06d}"
    return with_check_digit(raw.replace(" ", "0"))


def generate_demo_plant(out: Path, spec: DemoSpec) -> str:
    """Write a new plant database at ``out`` with ``spec``'s history; returns a one-line summary."""
    began = time.perf_counter()
    _remove_database(out)
    config = load_plant_config()
    database = Database(f"sqlite:///{out}")
    with database.write() as session:
        forget_catalog(session)
        init_plant(session, config)
    database.dispose()
    counts = _Counts()
    raw = sqlite3.connect(str(out), isolation_level=None)
    try:
        # A generator may trade durability for speed: a failed run is removed and run again.
        # Rows are consistent by construction, so foreign keys are not checked row by row.
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "foreign_keys = OFF",
            "locking_mode = EXCLUSIVE",
            # Appends only (the secondary indexes are built at the end): a small cache does.
            "cache_size = -8192",
            "threads = 2",
        ):
            raw.execute(f"PRAGMA {pragma}")
        raw.execute("BEGIN")
        # Secondary indexes are built once at the end (a sort) rather than row by row:
        # the same CREATE INDEX statements the schema made, so the schema is unchanged.
        indexes = [
            (name, sql)
            for name, sql in raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join('?' * len(COLUMNS))}) ORDER BY name",
                tuple(COLUMNS),
            )
        ]
        for name, _sql in indexes:
            raw.execute(f'DROP INDEX "{name}"')
        _History(raw, config, spec, counts).write()
        # Each index build sorts in memory up to the page cache's size (per sorter thread),
        # then merges from temporary files: the small cache keeps memory bounded.
        for _name, sql in indexes:
            raw.execute(sql)
        raw.execute("COMMIT")
        raw.execute("PRAGMA locking_mode = NORMAL")
        raw.execute("PRAGMA journal_mode = WAL")
        # Planner statistics from a sample of each index: the full scan costs seconds at 10 years.
        raw.execute("PRAGMA analysis_limit = 1000")
        raw.execute("ANALYZE")
    except BaseException:
        raw.close()
        _remove_database(out)
        raise
    raw.close()
    seconds = time.perf_counter() - began
    states = ", ".join(f"{k} {v}" for k, v in sorted(counts.states.items()))
    return (
        f"Demo plant written to {out} in {seconds:.1f} s: {counts.cars} cars ({states}), "
        f"{counts.events} events, {counts.defects} defects, {counts.downtime} stops, "
        f"{counts.deliveries} deliveries."
    )


def _remove_database(out: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)


@dataclass(frozen=True)
class _Stop:
    """One route station as the simulation needs it, looked up once."""

    index: int
    code: str
    id: int
    base_cycle: float
    terminal: str
    operator_id: int | None  # None: chosen per car (the quality gate's two inspectors)
    finder_id: int | None  # who records defects here; None: the operator
    defect_chance: float
    categories: tuple[str, ...]  # defect categories found here on a petrol car
    ev_categories: tuple[str, ...]  # ...and on an electric one
    transfer: tuple[float, float]


class _History:
    """One run of the generator: simulates the line car by car and streams rows out."""

    def __init__(self, raw: sqlite3.Connection, config: PlantConfig, spec: DemoSpec, counts: _Counts) -> None:
        self.raw = raw
        self.config = config
        self.spec = spec
        self.counts = counts
        self.rng = random.Random(spec.seed)
        self.zone = ZoneInfo(config.timezone)
        self.end = to_micros(spec.end_local.replace(tzinfo=self.zone))
        self.first_day = (spec.end_local - timedelta(days=spec.days)).date()
        last_day = spec.end_local.date() + timedelta(days=max(7, int(spec.backlog_days * 3) + 3))
        shift_a = next(s for s in config.shifts if s.get("target_cars", 0) > 0)
        per_day = spec.cars_per_year / 250
        shift_codes = [shift_a["code"]]
        if per_day > 1.25 * shift_a["target_cars"]:
            shift_codes = [s["code"] for s in config.shifts]
        self.calendar = build_calendar(config, self.first_day, last_day, shift_codes)
        work_per_day = self.calendar.total / max(1, _working_days(config, self.first_day, last_day))
        self.takt = work_per_day / per_day
        self.end_work = self.calendar.to_work(self.end)
        ids = self._load_ids()
        self.station_ids = ids["station"]
        self.operator_ids = ids["operator"]
        self.model_ids = ids["vehicle_model"]
        self.color_ids = ids["color"]
        self.reason_ids = list(ids["downtime_reason"].values())
        self.partner_ids = list(ids["financing_partner"].values())
        catalog: dict[str, list[tuple[int, str, str]]] = {}
        for entry_id, code, category, severity in raw.execute(
            "SELECT id, code, category, default_severity FROM defect_catalog ORDER BY id"
        ):
            catalog.setdefault(category, []).append((entry_id, code, severity))
        self.catalog_by_category = catalog
        route = [s for s in config.stations if s["kind"] in ("work", "test", "quality_gate")]
        self.stops = [self._stop(index, s) for index, s in enumerate(route)]
        self.qg_operators = (self.operator_ids["2001"], self.operator_ids["2002"])
        self.free_at = [0.0] * len(self.stops)
        self.rows = _Rows(raw)
        # Ledger events wait in a heap until no later car can produce an earlier one, so
        # ids follow time: (at, seq, vehicle_id, station_id, kind, at text, operator, terminal, note).
        self.pending: list[tuple[Any, ...]] = []
        self.next_seq = itertools.count(1).__next__
        self.event_id = 0
        # A car's row waits for its last event's id: vehicle id -> [events still pending, row].
        self.waiting: dict[int, list[Any]] = {}
        # Ids of the other tables follow creation order.
        self.next_visit_id = itertools.count(1).__next__
        self.next_defect_id = itertools.count(1).__next__
        self.next_defect_event_id = itertools.count(1).__next__
        self.next_downtime_id = itertools.count(1).__next__
        self.next_delivery_id = itertools.count(1).__next__
        # The plant's UTC offset in the last quarter hour asked for (cars finish in order).
        self.offset_at: tuple[int, int] = (-1, 0)

    def _load_ids(self) -> dict[str, dict[str, int]]:
        ids: dict[str, dict[str, int]] = {}
        for table, key in (
            ("station", "code"),
            ("vehicle_model", "code"),
            ("color", "code"),
            ("operator", "badge"),
            ("downtime_reason", "code"),
            ("financing_partner", "code"),
        ):
            ids[table] = dict(self.raw.execute(f"SELECT {key}, id FROM {table}"))
        return ids

    def _stop(self, index: int, station: dict[str, Any]) -> _Stop:
        code = station["code"]
        badge = {"BODY": "1001", "PAINT": "1001", "TRIM1": "1002", "TRIM2": "1002"}.get(code, "1003")
        if code in ("EOL", "WATER"):
            badge = "1004"
        inspection = code in INSPECTION_STATIONS
        return _Stop(
            index=index,
            code=code,
            id=self.station_ids[code],
            base_cycle=min(float(station.get("ideal_cycle_seconds") or 1200), 0.8 * self.takt),
            terminal=f"{code.lower()}-1",
            operator_id=None if code == "QG" else self.operator_ids[badge],
            finder_id=self.operator_ids["2001"] if inspection else None,
            defect_chance=0.07 if inspection else 0.012,
            categories=tuple(c for c in FINDS[code] if c != "hv_system"),
            ev_categories=FINDS[code],
            transfer=TRANSFER_SECONDS.get(code, (60.0, 300.0)),
        )

    # --- output -----------------------------------------------------------------------

    def _event(self, at: int, vehicle_id: int, kind: str, station: str, badge: str, note: str = "") -> None:
        """An event off the hot path (holds, repairs, deliveries)."""
        entry = (
            at,
            self.next_seq(),
            vehicle_id,
            self.station_ids[station],
            kind,
            stamp(at),
            self.operator_ids[badge],
            f"{station.lower()}-1",
            note,
        )
        heapq.heappush(self.pending, entry)
        self.waiting[vehicle_id][0] += 1

    def _release_events(self, before: int | None) -> None:
        """Give ledger ids in time order to every pending event earlier than ``before``."""
        pending = self.pending
        limit: float = math.inf if before is None else before
        if not pending or pending[0][0] >= limit:
            return
        pop = heapq.heappop
        rows = self.rows.station_event
        vehicles = self.rows.vehicle
        waiting = self.waiting
        event_id = self.event_id
        while pending and pending[0][0] < limit:
            _at, _seq, vehicle_id, station_id, kind, at_text, operator_id, terminal, note = pop(pending)
            event_id += 1
            rows.append((event_id, vehicle_id, station_id, kind, at_text, operator_id, terminal, note))
            slot = waiting[vehicle_id]
            slot[0] -= 1
            if not slot[0]:
                # The car's last event: its row can go out with last_event_id set.
                del waiting[vehicle_id]
                car = slot[1]
                vehicles.append((*car, event_id, car[1][::-1]))
        self.event_id = event_id

    # --- the simulation ---------------------------------------------------------------

    def write(self) -> None:
        rng = self.rng
        takt = self.takt
        to_micros_ = self.calendar.to_micros
        horizon = self.end_work + self.spec.backlog_days * takt * (self.spec.cars_per_year / 250)
        models = [(m, self.model_ids[m["code"]], m.get("vin_prefix", "C1P")) for m in self.config.models]
        colors = [c["code"] for c in self.config.colors]
        color_ids = self.color_ids
        wmi = self.config.wmi
        held_from, held_to = self.end_work - 40 * takt, self.end_work - 20 * takt
        events = self.rows.station_event
        car = 0
        held_done = False
        while True:
            release = car * takt + rng.uniform(0, 0.1 * takt)
            if release > horizon:
                break
            car += 1
            release_at = to_micros_(release)
            planned_at = to_micros_(max(0.0, release - PLANNED_AHEAD_TAKTS * takt))
            # Every later car's events come after its plan event, so these are final.
            self._release_events(planned_at)
            if len(events) >= CHUNK:
                self.rows.flush()
            model, model_id, vin_prefix = models[0] if rng.random() < 0.7 else models[-1]
            options = ",".join(sorted(o for o in OPTION_POOL if rng.random() < 0.25))
            year = _year(release_at)
            order_ref = f"CMD-{year}-{car:06d}"
            head = (
                car,
                _vin(wmi, vin_prefix, year, car),
                model_id,
                color_ids[rng.choice(colors)],
                car,
                order_ref,
                options,
                "Fleet order: fit rubber mats" if rng.random() < 0.05 else "",
                stamp(planned_at),
            )
            held = not held_done and held_to > release > held_from
            held_done = held_done or held
            self._simulate_car(car, head, planned_at, release, held, model.get("powertrain") == "ev")
        self._release_events(None)
        self.rows.flush()
        self.counts.events = self.event_id

    def _simulate_car(
        self, vid: int, head: tuple[Any, ...], planned_at: int, release: float, held: bool, is_ev: bool
    ) -> None:
        """Move one car down the line; its events, visits, defects and row go to the buffers."""
        rng, end = self.rng, self.end
        random_, gauss, exp, uniform = rng.random, rng.gauss, math.exp, rng.uniform
        # The calendar's mapping, inlined for the two calls per station (see WorkCalendar.to_micros).
        calendar = self.calendar
        to_micros_, work_starts, window_starts = calendar.to_micros, calendar.starts, calendar.window_starts
        bisect_right = bisect.bisect_right
        pending, push, next_seq = self.pending, heapq.heappush, self.next_seq
        visits, next_visit_id = self.rows.station_visit, self.next_visit_id
        free_at = self.free_at
        stops = self.stops
        last_index = len(stops) - 1
        slot: list[Any] = [1, None]
        self.waiting[vid] = slot
        push(pending, (planned_at, next_seq(), vid, None, _PLAN, head[8], None, "office", head[5]))
        state, station_id, state_since = _PLANNED, stops[0].id, planned_at
        resume_state: str | None = None
        return_station_id: int | None = None
        hold_reason: str | None = None
        first_start: int | None = None
        finished: int | None = None
        delivered: int | None = None
        last_scan_station: int | None = None
        last_scan_at: int | None = None
        repair_visits = 0
        arrive = release
        for stop in stops:
            index = stop.index
            start = arrive if arrive >= free_at[index] else free_at[index]
            cycle = stop.base_cycle * exp(gauss(0.0, 0.12))
            window = bisect_right(work_starts, start) - 1
            offset = start - work_starts[window]
            whole = int(offset)
            start_at = window_starts[window] + whole * _US + round((offset - whole) * 1e6)
            if start_at >= end:
                break
            # Hold: the car stops in the queue of this station until a supervisor releases it.
            if held and stop.code == "TRIM2":
                hold_at = to_micros_(max(arrive, self.end_work - 3 * self.takt))
                if hold_at < end:
                    self._event(hold_at, vid, _HOLD, stop.code, "3001", HOLD_REASONS[0])
                    resume_state, state, hold_reason = state, _HELD, HOLD_REASONS[0]
                break
            operator_id = stop.operator_id
            if operator_id is None:
                operator_id = rng.choice(self.qg_operators)
            start_text = stamp(start_at)
            push(
                pending,
                (start_at, next_seq(), vid, stop.id, _START, start_text, operator_id, stop.terminal, ""),
            )
            slot[0] += 1
            if first_start is None:
                first_start = start_at
            state, station_id, state_since = _IN_STATION, stop.id, start_at
            last_scan_station, last_scan_at = stop.id, start_at
            # An andon stop now and then, while this car is in the station.
            if random_() < 0.006:
                stop_seconds = uniform(300, 2700)
                stop_start = start + cycle * 0.4
                self._downtime(
                    stop.id, operator_id, to_micros_(stop_start), to_micros_(stop_start + stop_seconds)
                )
                cycle += stop_seconds
            # Defects found here: the extra seconds they cost, and whether one needs the bay.
            extra = 0.0
            to_bay = False
            chance = stop.defect_chance
            found = 0
            while random_() < chance and found < 3:
                chance /= 3
                defect = self._defect(vid, stop, operator_id, start, cycle, is_ev)
                if defect is None:
                    continue
                extra += defect[0]
                to_bay = to_bay or defect[1]
                found += 1
            complete = start + cycle + extra
            free_at[index] = complete
            window = bisect_right(work_starts, complete) - 1
            offset = complete - work_starts[window]
            whole = int(offset)
            complete_at = window_starts[window] + whole * _US + round((offset - whole) * 1e6)
            visit_id = next_visit_id()
            if complete_at >= end:
                visits.append((visit_id, vid, stop.id, start_text, None, None, operator_id, 0))
                break
            complete_text = stamp(complete_at)
            cycle_seconds = (complete_at - start_at) / _US
            visits.append((visit_id, vid, stop.id, start_text, complete_text, cycle_seconds, operator_id, 0))
            push(
                pending,
                (
                    complete_at,
                    next_seq(),
                    vid,
                    stop.id,
                    _COMPLETE,
                    complete_text,
                    operator_id,
                    stop.terminal,
                    "",
                ),
            )
            slot[0] += 1
            last_scan_station, last_scan_at = stop.id, complete_at
            state_since = complete_at
            if index == last_index:
                state, station_id, finished = _FINISHED, self.station_ids["YARD"], complete_at
                break
            following = stops[index + 1]
            state, station_id = _QUEUED, following.id
            arrive = complete + uniform(*stop.transfer)
            # Now and then a car goes off-line to the repair bay and comes back.
            if to_bay or (index >= 3 and random_() < 0.01):
                repair_visits += 1
                back = self._repair_visit(vid, following.code, complete)
                if back is None:
                    state, station_id, return_station_id = (
                        _IN_REPAIR,
                        self.station_ids["REPAIR"],
                        following.id,
                    )
                    state_since = to_micros_(complete + 60)
                    break
                arrive = back
                state_since = to_micros_(back)
        if finished is not None:
            delivered = self._deliver(vid, finished)
            if delivered is not None:
                state, station_id, state_since = _DELIVERED, self.station_ids["DELIVERY"], delivered
        counts = self.counts
        counts.cars += 1
        counts.states[state] = counts.states.get(state, 0) + 1
        slot[1] = (
            *head,
            state,
            station_id,
            stamp(state_since),
            resume_state,
            return_station_id,
            hold_reason,
            last_scan_station,
            None if last_scan_at is None else stamp(last_scan_at),
            None if first_start is None else stamp(first_start),
            None if finished is None else stamp(finished),
            None if delivered is None else stamp(delivered),
            0,
            repair_visits,
        )

    def _downtime(self, station_id: int, operator_id: int, start: int, stop: int) -> None:
        if start >= self.end:
            return
        self.counts.downtime += 1
        ended = stop < self.end
        self.rows.downtime.append(
            (
                self.next_downtime_id(),
                station_id,
                self.rng.choice(self.reason_ids),
                stamp(start),
                stamp(stop) if ended else None,
                operator_id,
                operator_id if ended else None,
                "",
            )
        )

    def _defect(
        self, vid: int, stop: _Stop, operator_id: int, start: float, cycle: float, is_ev: bool
    ) -> tuple[float, bool] | None:
        """One defect found on this car at this stop: (extra seconds it costs, needs the bay)."""
        rng = self.rng
        categories = stop.ev_categories if is_ev else stop.categories
        entries = self.catalog_by_category.get(rng.choice(categories), [])
        if not entries:
            return None
        entry_id, _entry_code, severity = rng.choice(entries)
        found_w = start + cycle * rng.uniform(0.2, 0.9)
        finder_id = stop.finder_id or operator_id
        serious = severity in ("critical", "major")
        repair_w = found_w + rng.uniform(300, 1800)
        verify_w = repair_w + rng.uniform(120, 900)
        leave_open = not serious and rng.random() < 0.3
        extra = (verify_w - (start + cycle)) if serious and stop.code == "QG" else 0.0
        self._record_defect(
            entry_id, vid, stop.id, finder_id, severity, found_w, repair_w, verify_w, leave_open
        )
        return max(0.0, extra), severity == "critical" and stop.code != "QG"

    def _record_defect(
        self, entry_id: int, vid: int, station_id: int, finder_id: int, severity: str,
        found_w: float, repair_w: float, verify_w: float, leave_open: bool,
    ) -> None:  # fmt: skip
        to_micros_, end = self.calendar.to_micros, self.end
        found_at = to_micros_(found_w)
        if found_at >= end:
            return
        repaired_at = None if leave_open else to_micros_(repair_w)
        repaired_at = repaired_at if repaired_at and repaired_at < end else None
        verified_at = to_micros_(verify_w) if repaired_at else None
        verified_at = verified_at if verified_at and verified_at < end else None
        status = _VERIFIED if verified_at else _REPAIRED if repaired_at else _OPEN
        defect_id = self.next_defect_id()
        self.counts.defects += 1
        ops = self.operator_ids
        zone = self.rng.choice(DEFECT_ZONES)
        found_text = stamp(found_at)
        repaired_text = None if repaired_at is None else stamp(repaired_at)
        verified_text = None if verified_at is None else stamp(verified_at)
        self.rows.defect.append(
            (
                defect_id,
                vid,
                station_id,
                entry_id,
                zone,
                severity,
                "",
                status,
                found_text,
                finder_id,
                repaired_text,
                ops["1003"] if repaired_at else None,
                station_id if repaired_at else None,
                REWORK_NOTE if repaired_at else "",
                verified_text,
                ops["2002"] if verified_at else None,
                "",
            )
        )
        trail = (
            ("found", found_text, finder_id, ""),
            ("repaired", repaired_text, ops["1003"], REWORK_NOTE),
            ("verified", verified_text, ops["2002"], ""),
        )
        for kind, at_text, operator_id, note in trail:
            if at_text is None:
                break
            self.rows.defect_event.append(
                (self.next_defect_event_id(), defect_id, kind, at_text, operator_id, station_id, note)
            )

    def _repair_visit(self, vid: int, back_to: str, when: float) -> float | None:
        """Send the car to the repair bay; its return time, or None if still there at the end."""
        rng, to_micros_ = self.rng, self.calendar.to_micros
        sent = when + 60
        begin = sent + rng.uniform(300, 1800)
        done = begin + rng.uniform(1200, 5400)
        back = done + rng.uniform(120, 600)
        steps = (
            (sent, _TO_REPAIR, back_to, "3001", rng.choice(REPAIR_REASONS)),
            (begin, _REPAIR_START, "REPAIR", "1003", ""),
            (done, _REPAIR_COMPLETE, "REPAIR", "1003", ""),
            (back, _FROM_REPAIR, back_to, "3001", f"back to {back_to}"),
        )
        for moment, kind, station, badge, note in steps:
            at = to_micros_(moment)
            if at >= self.end:
                return None
            self._event(at, vid, kind, station, badge, note)
        return back

    def _utc_offset(self, micros: int) -> int:
        """The plant's UTC offset at an instant, in microseconds (zones change on quarter hours)."""
        quarter = micros // (900 * _US)
        if self.offset_at[0] != quarter:
            moment = datetime.fromtimestamp(quarter * 900, self.zone)
            self.offset_at = (quarter, to_micros(moment.replace(tzinfo=UTC)) - quarter * 900 * _US)
        return self.offset_at[1]

    def _deliver(self, vid: int, finished: int) -> int | None:
        rng = self.rng
        local_day = (finished + self._utc_offset(finished)) // _DAY_US + rng.randint(3, 18)
        day = date.fromordinal(_EPOCH_ORDINAL + local_day)
        if day.weekday() == 6:
            day += timedelta(days=1)
        local = datetime.combine(
            day, clock_time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))), tzinfo=self.zone
        )
        handover = to_micros(local)
        if handover >= self.end:
            return None
        self.counts.deliveries += 1
        inspector = self.operator_ids["2002"]
        customer = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        partner = rng.choice(self.partner_ids) if rng.random() < 0.6 else None
        self.rows.delivery.append(
            (
                self.next_delivery_id(),
                vid,
                customer,
                partner,
                PDI_CHECKLIST,
                stamp(handover - 20 * 3600 * _US),
                inspector,
                stamp(handover),
                inspector,
                "",
            )
        )
        self._event(handover, vid, _DELIVER, "DELIVERY", "2002")
        return handover


def _working_days(config: PlantConfig, first: date, last: date) -> int:
    days_used = {d for s in config.shifts for d in s.get("days", DAY_NAMES[:5])}
    count, day = 0, first
    while day <= last:
        count += DAY_NAMES[day.weekday()] in days_used
        day += timedelta(days=1)
    return count


def iter_table_rows(database: Database, table: str) -> Iterator[tuple[Any, ...]]:
    """Every row of a table in id order (to compare two generated plants)."""
    with database.engine.connect() as conn:
        yield from conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1")
