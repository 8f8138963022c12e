"""The demo plant generator: the Aïn Aouda plant with weeks (or years) of takt-paced history.

Deterministic for a seed. Cars flow through the route in *working time* (seconds
of planned production, breaks and nights left out), which a shift calendar maps
to real UTC times, so the history looks like a real line: paced by takt, paused
at breaks and weekends, with defects, repairs, holds, andon stops and deliveries.
Rows are written with bulk insert statements, never ORM objects one by one.
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, text

from neofloor.services.catalog import forget_catalog
from neofloor.services.plant import DAY_NAMES, PlantConfig, init_plant, load_plant_config
from neofloor.services.vin import with_check_digit
from neofloor.store.engine import Database
from neofloor.store.models import (
    Defect,
    DefectEvent,
    DefectStatus,
    Delivery,
    Downtime,
    EventKind,
    StationEvent,
    StationVisit,
    Vehicle,
    VehicleState,
)

# The demo's history ends here: a Thursday morning, mid-shift, plant local time.
DEMO_END_LOCAL = datetime(2026, 11, 26, 10, 30)
CHUNK = 20_000
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


@dataclass(frozen=True)
class DemoSpec:
    seed: int = 2023
    days: int = 28
    cars_per_year: int = 3000
    end_local: datetime = DEMO_END_LOCAL
    # Planned cars beyond the end of history, in working days of production.
    backlog_days: float = 2.0


@dataclass
class _Ids:
    event: int = 0
    visit: int = 0
    defect: int = 0
    defect_event: int = 0
    downtime: int = 0
    delivery: int = 0


@dataclass
class _Counts:
    cars: int = 0
    events: int = 0
    defects: int = 0
    downtime: int = 0
    deliveries: int = 0
    states: dict[str, int] = field(default_factory=dict)


class WorkCalendar:
    """Maps working seconds (production time since the first window) to UTC and back."""

    def __init__(self, windows: list[tuple[datetime, datetime]]) -> None:
        self.windows = windows
        self.starts: list[float] = []
        total = 0.0
        for start, end in windows:
            self.starts.append(total)
            total += (end - start).total_seconds()
        self.total = total

    def to_utc(self, work_seconds: float) -> datetime:
        index = max(0, bisect.bisect_right(self.starts, work_seconds) - 1)
        index = min(index, len(self.windows) - 1)
        start, _end = self.windows[index]
        return start + timedelta(seconds=work_seconds - self.starts[index])

    def to_work(self, moment: datetime) -> float:
        """Working seconds elapsed at a UTC moment (a moment outside windows maps to the next)."""
        ends = [end for _start, end in self.windows]
        index = bisect.bisect_right(ends, moment)
        if index >= len(self.windows):
            return self.total
        start, _end = self.windows[index]
        return self.starts[index] + max(0.0, (moment - start).total_seconds())


def _hhmm(value: str) -> tuple[int, int]:
    hour, minute = value.split(":")
    return int(hour), int(minute)


def build_calendar(
    config: PlantConfig, first_day: date, last_day: date, shift_codes: list[str]
) -> WorkCalendar:
    """Production windows (shifts minus breaks) of working days, in UTC."""
    zone = ZoneInfo(config.timezone)
    shifts = [s for s in config.shifts if s["code"] in shift_codes]
    windows: list[tuple[datetime, datetime]] = []
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
                    windows.append(
                        (a.replace(tzinfo=zone).astimezone(UTC), b.replace(tzinfo=zone).astimezone(UTC))
                    )
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
    for suffix in ("", "-wal", "-shm"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    config = load_plant_config()
    database = Database(f"sqlite:///{out}")
    with database.write() as session:
        forget_catalog(session)
        init_plant(session, config)
    counts = _Counts()
    with database.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        # A generator may trade durability for speed: a failed run is simply run again.
        raw.execute("PRAGMA synchronous = OFF")
        with conn.begin():
            _History(conn, config, spec, counts).write()
        raw.execute("PRAGMA synchronous = FULL")
        raw.execute("ANALYZE")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    seconds = time.perf_counter() - began
    states = ", ".join(f"{k} {v}" for k, v in sorted(counts.states.items()))
    return (
        f"Demo plant written to {out} in {seconds:.1f} s: {counts.cars} cars ({states}), "
        f"{counts.events} events, {counts.defects} defects, {counts.downtime} stops, "
        f"{counts.deliveries} deliveries."
    )


class _History:
    """One run of the generator: simulates the line car by car and streams rows out."""

    def __init__(self, conn: Connection, config: PlantConfig, spec: DemoSpec, counts: _Counts) -> None:
        self.conn = conn
        self.config = config
        self.spec = spec
        self.counts = counts
        self.rng = random.Random(spec.seed)
        self.ids = _Ids()
        zone = ZoneInfo(config.timezone)
        self.end = spec.end_local.replace(tzinfo=zone).astimezone(UTC)
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
        self.ids_by_code = self._load_ids()
        self.route = [s["code"] for s in config.stations if s["kind"] in ("work", "test", "quality_gate")]
        self.base_cycle = {
            s["code"]: min(float(s.get("ideal_cycle_seconds") or 1200), 0.8 * self.takt)
            for s in config.stations
        }
        self.catalog_by_category: dict[str, list[tuple[int, str, str]]] = {}
        for entry_id, code, category, severity in conn.execute(
            text("SELECT id, code, category, default_severity FROM defect_catalog ORDER BY id")
        ):
            self.catalog_by_category.setdefault(category, []).append((entry_id, code, severity))
        self.pending: list[tuple[datetime, int, dict[str, Any]]] = []  # heap of ledger events
        self.seq = 0
        # Insertion order is flush order: parents first.
        self.buffers: dict[Any, list[dict[str, Any]]] = {
            table: []
            for table in (Vehicle, StationEvent, StationVisit, Defect, DefectEvent, Downtime, Delivery)
        }

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
            ids[table] = {
                k: v
                for k, v in self.conn.execute(text(f"SELECT {key}, id FROM {table}"))
            }
        return ids

    # --- output -----------------------------------------------------------------------

    def _row(self, table: Any, row: dict[str, Any]) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        """Write every buffer, parents before children (foreign keys are on)."""
        for table, rows in self.buffers.items():
            if rows:
                self.conn.execute(insert(table), rows)
                rows.clear()

    def _event(self, at: datetime, vehicle_id: int, kind: str, station: str | None, badge: str | None,
               note: str = "") -> None:  # fmt: skip
        self.seq += 1
        heapq.heappush(
            self.pending,
            (
                at,
                self.seq,
                {
                    "vehicle_id": vehicle_id,
                    "station_id": self.ids_by_code["station"][station] if station else None,
                    "kind": kind,
                    "at": at,
                    "operator_id": self.ids_by_code["operator"][badge] if badge else None,
                    "terminal": f"{station.lower()}-1" if station else "office",
                    "note": note,
                },
            ),
        )

    def _release_events(self, before: datetime | None) -> None:
        """Give ledger ids in time order to every pending event earlier than ``before``."""
        while self.pending and (before is None or self.pending[0][0] < before):
            _at, _seq, row = heapq.heappop(self.pending)
            self.ids.event += 1
            row["id"] = self.ids.event
            self.counts.events += 1
            self._row(StationEvent, row)

    # --- the simulation ---------------------------------------------------------------

    def write(self) -> None:
        free_at = dict.fromkeys(self.route, 0.0)
        horizon = self.end_work + self.spec.backlog_days * self.takt * (self.spec.cars_per_year / 250)
        models = self.config.models
        colors = [c["code"] for c in self.config.colors]
        option_pool = ("SUNROOF", "ALLOY17", "NAV", "TOWBAR")
        car = 0
        held_done = False
        while True:
            release = car * self.takt + self.rng.uniform(0, 0.1 * self.takt)
            if release > horizon:
                break
            car += 1
            release_at = self.calendar.to_utc(release)
            planned_at = self.calendar.to_utc(max(0.0, release - PLANNED_AHEAD_TAKTS * self.takt))
            # Every later car's events come after its plan event, so these are final.
            self._release_events(planned_at)
            model = models[0] if self.rng.random() < 0.7 else models[-1]
            options = sorted(o for o in option_pool if self.rng.random() < 0.25)
            vehicle = {
                "id": car,
                "vin": _vin(self.config.wmi, model.get("vin_prefix", "C1P"), release_at.year, car),
                "model_id": self.ids_by_code["vehicle_model"][model["code"]],
                "color_id": self.ids_by_code["color"][self.rng.choice(colors)],
                "build_seq": car,
                "order_ref": f"CMD-{release_at.year}-{car:06d}",
                "options": ",".join(options),
                "option_notes": "Fleet order: fit rubber mats" if self.rng.random() < 0.05 else "",
                "planned_at": planned_at,
                "out_of_sequence": False,
                "repair_visits": 0,
            }
            held = (
                not held_done
                and release < self.end_work - 20 * self.takt
                and release > self.end_work - 40 * self.takt
            )
            held_done = held_done or held
            self._simulate_car(vehicle, model, release, free_at, held)
        self._release_events(None)
        self._flush()
        self.conn.execute(
            text(
                "UPDATE vehicle SET last_event_id = "
                "(SELECT max(id) FROM station_event WHERE station_event.vehicle_id = vehicle.id)"
            )
        )

    def _operator(self, station: str) -> str:
        if station in ("EOL", "WATER"):
            return "1004"
        if station == "QG":
            return self.rng.choice(("2001", "2002"))
        return {"BODY": "1001", "PAINT": "1001", "TRIM1": "1002", "TRIM2": "1002"}.get(station, "1003")

    def _simulate_car(
        self, vehicle: dict[str, Any], model: dict[str, Any], release: float, free_at: dict[str, float],
        held: bool,
    ) -> None:  # fmt: skip
        rng, vid, end = self.rng, vehicle["id"], self.end
        to_utc = self.calendar.to_utc
        self._event(vehicle["planned_at"], vid, EventKind.PLAN, None, None, vehicle["order_ref"])
        state, station_code, state_since = VehicleState.PLANNED, self.route[0], vehicle["planned_at"]
        resume_state: str | None = None
        return_station: str | None = None
        hold_reason: str | None = None
        first_start: datetime | None = None
        finished: datetime | None = None
        last_scan: tuple[str, datetime] | None = None
        arrive = release
        is_ev = model.get("powertrain") == "ev"
        for index, code in enumerate(self.route):
            start = max(arrive, free_at[code])
            cycle = self.base_cycle[code] * math.exp(rng.gauss(0.0, 0.12))
            start_at = to_utc(start)
            if start_at >= end:
                break
            # Hold: the car stops in the queue of this station until a supervisor releases it.
            if held and code == "TRIM2":
                hold_at = to_utc(max(arrive, self.end_work - 3 * self.takt))
                if hold_at < end:
                    self._event(hold_at, vid, EventKind.HOLD, code, "3001", HOLD_REASONS[0])
                    resume_state, state, hold_reason = state, VehicleState.HELD, HOLD_REASONS[0]
                break
            operator = self._operator(code)
            self._event(start_at, vid, EventKind.START, code, operator)
            first_start = first_start or start_at
            state, station_code, state_since, last_scan = (
                VehicleState.IN_STATION,
                code,
                start_at,
                (code, start_at),
            )
            # An andon stop now and then, while this car is in the station.
            if rng.random() < 0.006:
                stop = rng.uniform(300, 2700)
                stop_start = start + cycle * 0.4
                self._downtime(code, operator, to_utc(stop_start), to_utc(stop_start + stop))
                cycle += stop
            defects = self._defects(vid, code, operator, start, cycle, is_ev)
            complete = start + cycle + sum(extra for extra, _critical in defects)
            free_at[code] = complete
            complete_at = to_utc(complete)
            visit = {
                "vehicle_id": vid,
                "station_id": self.ids_by_code["station"][code],
                "started_at": start_at,
                "operator_id": self.ids_by_code["operator"][operator],
                "out_of_sequence": False,
            }
            if complete_at >= end:
                self._visit(visit, None)
                break
            self._visit(visit, complete_at)
            self._event(complete_at, vid, EventKind.COMPLETE, code, operator)
            last_scan = (code, complete_at)
            state_since = complete_at
            if index == len(self.route) - 1:
                state, station_code, finished = VehicleState.FINISHED, "YARD", complete_at
                break
            state, station_code = VehicleState.QUEUED, self.route[index + 1]
            arrive = complete + rng.uniform(*TRANSFER_SECONDS.get(code, (60, 300)))
            # Now and then a car goes off-line to the repair bay and comes back.
            if any(critical for _extra, critical in defects) or (index >= 3 and rng.random() < 0.01):
                out = self._repair_visit(vehicle, code, self.route[index + 1], complete)
                if out is None:
                    state, station_code, return_station = (
                        VehicleState.IN_REPAIR,
                        "REPAIR",
                        self.route[index + 1],
                    )
                    state_since = to_utc(complete + 60)
                    break
                arrive = out
                state_since = to_utc(out)
        if finished is not None:
            delivered = self._deliver(vehicle, finished)
            if delivered is not None:
                state, station_code, state_since = VehicleState.DELIVERED, "DELIVERY", delivered
                vehicle["delivered_at"] = delivered
        self.counts.cars += 1
        self.counts.states[state] = self.counts.states.get(state, 0) + 1
        vehicle.update(
            state=state,
            station_id=self.ids_by_code["station"][station_code],
            state_since=state_since,
            resume_state=resume_state,
            return_station_id=self.ids_by_code["station"][return_station] if return_station else None,
            hold_reason=hold_reason,
            last_scan_station_id=self.ids_by_code["station"][last_scan[0]] if last_scan else None,
            last_scan_at=last_scan[1] if last_scan else None,
            first_start_at=first_start,
            finished_at=finished,
            last_event_id=None,
        )
        vehicle.setdefault("delivered_at", None)
        self._row(Vehicle, vehicle)

    def _visit(self, visit: dict[str, Any], completed: datetime | None) -> None:
        self.ids.visit += 1
        visit["id"] = self.ids.visit
        visit["completed_at"] = completed
        visit["cycle_seconds"] = (completed - visit["started_at"]).total_seconds() if completed else None
        self._row(StationVisit, visit)

    def _downtime(self, code: str, badge: str, start: datetime, stop: datetime) -> None:
        if start >= self.end:
            return
        self.ids.downtime += 1
        self.counts.downtime += 1
        reasons = list(self.ids_by_code["downtime_reason"].values())
        self._row(
            Downtime,
            {
                "id": self.ids.downtime,
                "station_id": self.ids_by_code["station"][code],
                "reason_id": self.rng.choice(reasons),
                "started_at": start,
                "ended_at": stop if stop < self.end else None,
                "raised_by_id": self.ids_by_code["operator"][badge],
                "ended_by_id": self.ids_by_code["operator"][badge] if stop < self.end else None,
                "note": "",
            },
        )

    def _defects(
        self, vid: int, code: str, operator: str, start: float, cycle: float, is_ev: bool
    ) -> list[tuple[float, bool]]:
        """Defects found on this car at this station: (extra seconds it costs, needs the bay)."""
        rng = self.rng
        chance = 0.07 if code in INSPECTION_STATIONS else 0.012
        found: list[tuple[float, bool]] = []
        while rng.random() < chance and len(found) < 3:
            chance /= 3
            categories = [c for c in FINDS[code] if is_ev or c != "hv_system"]
            entries = self.catalog_by_category.get(rng.choice(categories), [])
            if not entries:
                continue
            entry_id, _entry_code, severity = rng.choice(entries)
            found_w = start + cycle * rng.uniform(0.2, 0.9)
            finder = "2001" if code in INSPECTION_STATIONS else operator
            serious = severity in ("critical", "major")
            repair_w = found_w + rng.uniform(300, 1800)
            verify_w = repair_w + rng.uniform(120, 900)
            leave_open = not serious and rng.random() < 0.3
            extra = (verify_w - (start + cycle)) if serious and code == "QG" else 0.0
            self._defect(entry_id, vid, code, finder, severity, found_w, repair_w, verify_w, leave_open)
            found.append((max(0.0, extra), severity == "critical" and code != "QG"))
        return found

    def _defect(
        self, entry_id: int, vid: int, code: str, finder: str, severity: str,
        found_w: float, repair_w: float, verify_w: float, leave_open: bool,
    ) -> None:  # fmt: skip
        to_utc, end = self.calendar.to_utc, self.end
        found_at = to_utc(found_w)
        if found_at >= end:
            return
        repaired_at = None if leave_open else to_utc(repair_w)
        repaired_at = repaired_at if repaired_at and repaired_at < end else None
        verified_at = to_utc(verify_w) if repaired_at else None
        verified_at = verified_at if verified_at and verified_at < end else None
        status = (
            DefectStatus.VERIFIED
            if verified_at
            else DefectStatus.REPAIRED
            if repaired_at
            else DefectStatus.OPEN
        )
        self.ids.defect += 1
        self.counts.defects += 1
        ops = self.ids_by_code["operator"]
        station_id = self.ids_by_code["station"][code]
        zone = self.rng.choice(("front", "rear", "left", "right", "roof", "interior"))
        self._row(
            Defect,
            {
                "id": self.ids.defect,
                "vehicle_id": vid,
                "station_id": station_id,
                "catalog_id": entry_id,
                "zone": zone,
                "severity": severity,
                "note": "",
                "status": status,
                "found_at": found_at,
                "found_by_id": ops[finder],
                "repaired_at": repaired_at,
                "repaired_by_id": ops["1003"] if repaired_at else None,
                "repair_station_id": station_id if repaired_at else None,
                "repair_note": "Reworked in station" if repaired_at else "",
                "verified_at": verified_at,
                "verified_by_id": ops["2002"] if verified_at else None,
                "cancel_reason": "",
            },
        )
        trail = [
            ("found", found_at, finder),
            ("repaired", repaired_at, "1003"),
            ("verified", verified_at, "2002"),
        ]
        for kind, at, badge in trail:
            if at is None:
                break
            self.ids.defect_event += 1
            self._row(
                DefectEvent,
                {
                    "id": self.ids.defect_event,
                    "defect_id": self.ids.defect,
                    "kind": kind,
                    "at": at,
                    "operator_id": ops[badge],
                    "station_id": station_id,
                    "note": "Reworked in station" if kind == "repaired" else "",
                },
            )

    def _repair_visit(self, vehicle: dict[str, Any], left: str, back_to: str, when: float) -> float | None:
        """Send the car to the repair bay; its return time, or None if still there at the end."""
        rng, to_utc, vid = self.rng, self.calendar.to_utc, vehicle["id"]
        vehicle["repair_visits"] += 1
        sent = when + 60
        begin = sent + rng.uniform(300, 1800)
        done = begin + rng.uniform(1200, 5400)
        back = done + rng.uniform(120, 600)
        steps = (
            (sent, EventKind.TO_REPAIR, back_to, "3001", rng.choice(REPAIR_REASONS)),
            (begin, EventKind.REPAIR_START, "REPAIR", "1003", ""),
            (done, EventKind.REPAIR_COMPLETE, "REPAIR", "1003", ""),
            (back, EventKind.FROM_REPAIR, back_to, "3001", f"back to {back_to}"),
        )
        for moment, kind, station, badge, note in steps:
            at = to_utc(moment)
            if at >= self.end:
                return None
            self._event(at, vid, kind, station, badge, note)
        return back

    def _deliver(self, vehicle: dict[str, Any], finished: datetime) -> datetime | None:
        rng = self.rng
        local = ZoneInfo(self.config.timezone)
        day = (finished.astimezone(local) + timedelta(days=rng.randint(3, 18))).date()
        if day.weekday() == 6:
            day += timedelta(days=1)
        handover = (
            datetime.combine(day, datetime.min.time())
            .replace(hour=rng.randint(9, 17), minute=rng.choice((0, 15, 30, 45)), tzinfo=local)
            .astimezone(UTC)
        )
        if handover >= self.end:
            return None
        partners = list(self.ids_by_code["financing_partner"].values())
        self.ids.delivery += 1
        self.counts.deliveries += 1
        self._row(
            Delivery,
            {
                "id": self.ids.delivery,
                "vehicle_id": vehicle["id"],
                "customer_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "financing_partner_id": rng.choice(partners) if rng.random() < 0.6 else None,
                "pdi_checklist": '{"exterior": true, "interior": true, "fluids": true, "documents": true}',
                "pdi_passed_at": handover - timedelta(hours=20),
                "pdi_by_id": self.ids_by_code["operator"]["2002"],
                "delivered_at": handover,
                "handed_over_by_id": self.ids_by_code["operator"]["2002"],
                "note": "",
            },
        )
        self._event(handover, vehicle["id"], EventKind.DELIVER, "DELIVERY", "2002")
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
