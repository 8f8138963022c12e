"""The line, car by car: takt-paced releases, station visits, holds and repairs.

Cars move through the route in working time; the calendar maps it to UTC instants. The
random draws happen in a fixed order per car and station, so a seed always makes the same
plant.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import sqlite3
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from neofloor.demo.calendar import build_calendar, working_days
from neofloor.demo.ledger import Ledger
from neofloor.demo.route import Stop, build_stops
from neofloor.demo.rows import (
    COMPLETE,
    DELIVERED,
    FINISHED,
    HELD,
    HOLD,
    IN_REPAIR,
    IN_STATION,
    PLAN,
    PLANNED,
    QUEUED,
    START,
    US,
    Counts,
    Rows,
    stamp,
    to_micros,
    year_of,
)
from neofloor.demo.spec import DemoSpec
from neofloor.services.plant.config import PlantConfig
from neofloor.services.plant.vin import with_check_digit

# Ledger events per write to the database (the other tables go out with them).
CHUNK = 50_000
# Below this takt (seconds), andon stops and rework shrink with it (History.pace).
FAST_LINE_TAKT_SECONDS = 600.0
# Cars enter the production plan this many takts before they start at BODY.
PLANNED_AHEAD_TAKTS = 60
MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 2010 = A ... (ISO 3779, position 10)
HOLD_REASONS = (
    "Missing harness clip: supplier batch check",
    "Paint audit: colour match to be confirmed",
    "Order change: customer option under review",
)
OPTION_POOL = ("SUNROOF", "ALLOY17", "NAV", "TOWBAR")


class _Car:
    """One car's state as it moves down the line: what its vehicle row will say."""

    __slots__ = (
        "arrive",
        "delivered",
        "finished",
        "first_start",
        "held",
        "hold_reason",
        "is_ev",
        "last_scan_at",
        "last_scan_station",
        "model_id",
        "repair_visits",
        "resume_state",
        "return_station_id",
        "slot",
        "state",
        "state_since",
        "station_id",
        "vid",
    )  # fmt: skip

    def __init__(
        self,
        vid: int,
        slot: list[Any],
        held: bool,
        is_ev: bool,
        station_id: int,
        planned_at: int,
        release: float,
    ) -> None:
        self.vid = vid
        # [events still pending, row]: the row goes out with the car's last event (see Ledger).
        self.slot = slot
        self.held = held
        self.is_ev = is_ev
        self.arrive = release
        self.state, self.station_id, self.state_since = PLANNED, station_id, planned_at
        self.resume_state: str | None = None
        self.return_station_id: int | None = None
        self.hold_reason: str | None = None
        self.first_start: int | None = None
        self.finished: int | None = None
        self.delivered: int | None = None
        self.last_scan_station: int | None = None
        self.last_scan_at: int | None = None
        self.repair_visits = 0
        self.model_id = 0

    def row(self, head: tuple[Any, ...]) -> tuple[Any, ...]:
        """The vehicle row but for its last event id and reversed VIN."""
        return (
            *head,
            self.state,
            self.station_id,
            stamp(self.state_since),
            self.resume_state,
            self.return_station_id,
            self.hold_reason,
            self.last_scan_station,
            None if self.last_scan_at is None else stamp(self.last_scan_at),
            None if self.first_start is None else stamp(self.first_start),
            None if self.finished is None else stamp(self.finished),
            None if self.delivered is None else stamp(self.delivered),
            0,
            self.repair_visits,
        )


class History(Ledger):
    """One run of the generator: simulates the line car by car and streams rows out."""

    def __init__(self, raw: sqlite3.Connection, config: PlantConfig, spec: DemoSpec, counts: Counts) -> None:
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
        work_per_day = self.calendar.total / max(1, working_days(config, self.first_day, last_day))
        self.takt = work_per_day / per_day
        # A fast line (takt under ten minutes) stops and reworks in proportion: andon stops as
        # often per working hour and rework as short per takt as on the demo's own pace, or the
        # stations, blocked longer than the takt allows, fall behind for ever and the queues grow
        # without end. At the demo's pace (takt near 39 minutes) this is 1 and changes nothing.
        self.pace = min(1.0, self.takt / FAST_LINE_TAKT_SECONDS)
        self.end_work = self.calendar.to_work(self.end)
        ids = self._load_ids()
        self.station_ids = ids["station"]
        self.operator_ids = ids["operator"]
        self.model_ids = ids["vehicle_model"]
        self.color_ids = ids["color"]
        self.reason_ids = list(ids["downtime_reason"].values())
        self.partner_ids = list(ids["financing_partner"].values())
        self.partner_names = dict(raw.execute("SELECT id, name FROM financing_partner"))
        catalog: dict[str, list[tuple[int, str, str]]] = {}
        for entry_id, code, category, severity in raw.execute(
            "SELECT id, code, category, default_severity FROM defect_catalog ORDER BY id"
        ):
            catalog.setdefault(category, []).append((entry_id, code, severity))
        self.catalog_by_category = catalog
        self.stops = build_stops(config.stations, self.station_ids, self.operator_ids, self.takt)
        self.qg_operators = (self.operator_ids["2001"], self.operator_ids["2002"])
        self.free_at = [0.0] * len(self.stops)
        self.rows = Rows(raw)
        self._setup_after_line(config)
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
            year = year_of(release_at)
            # One car in nine is built for stock, sold from the yard: it has no customer order yet.
            order_ref = "" if car % 9 == 0 else f"CMD-{year}-{car:06d}"
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
        slot: list[Any] = [1, None]
        self.waiting[vid] = slot
        heapq.heappush(
            self.pending, (planned_at, self.next_seq(), vid, None, PLAN, head[8], None, "office", head[5])
        )
        car = _Car(vid, slot, held, is_ev, self.stops[0].id, planned_at, release)
        car.model_id = head[2]
        for stop in self.stops:
            if not self._visit(car, stop):
                break
        if car.finished is not None:
            car.delivered = self._deliver(vid, car.model_id, car.finished)
            if car.delivered is not None:
                car.state, car.station_id, car.state_since = (
                    DELIVERED,
                    self.station_ids["DELIVERY"],
                    car.delivered,
                )
        counts = self.counts
        counts.cars += 1
        counts.states[car.state] = counts.states.get(car.state, 0) + 1
        slot[1] = car.row(head)

    def _visit(self, car: _Car, stop: Stop) -> bool:
        """The car's work at one station; False once it goes no further in the history."""
        rng = self.rng
        start = car.arrive if car.arrive >= self.free_at[stop.index] else self.free_at[stop.index]
        cycle = stop.base_cycle * math.exp(rng.gauss(0.0, 0.12))
        start_at = self.calendar.to_micros(start)
        if start_at >= self.end:
            return False
        # Hold: the car stops in the queue of this station until a supervisor releases it.
        if car.held and stop.code == "TRIM2":
            self._hold(car, stop)
            return False
        operator_id = stop.operator_id
        if operator_id is None:
            operator_id = rng.choice(self.qg_operators)
        start_text = stamp(start_at)
        self._scan(car, stop, START, start_at, start_text, operator_id)
        if car.first_start is None:
            car.first_start = start_at
        car.state, car.station_id, car.state_since = IN_STATION, stop.id, start_at
        # An andon stop now and then, while this car is in the station.
        if rng.random() < 0.006 * self.pace:
            cycle += self._andon(stop, operator_id, start, cycle)
        extra, to_bay = 0.0, False
        if rng.random() < stop.defect_chance:
            extra, to_bay = self._find_defects(car, stop, operator_id, start, cycle)
        complete = start + cycle + extra
        self.free_at[stop.index] = complete
        complete_at = self.calendar.to_micros(complete)
        visit_id = self.next_visit_id()
        if complete_at >= self.end:
            self.rows.station_visit.append(
                (visit_id, car.vid, stop.id, start_text, None, None, operator_id, 0)
            )
            return False
        complete_text = stamp(complete_at)
        cycle_seconds = (complete_at - start_at) / US
        self.rows.station_visit.append(
            (visit_id, car.vid, stop.id, start_text, complete_text, cycle_seconds, operator_id, 0)
        )
        parts = self.parts_at.get((stop.id, car.model_id))
        if parts:
            self._fit_parts(car.vid, parts, stop.id, complete_at, complete_text, operator_id)
        self._scan(car, stop, COMPLETE, complete_at, complete_text, operator_id)
        car.state_since = complete_at
        return self._move_on(car, stop, complete, to_bay)

    def _scan(self, car: _Car, stop: Stop, kind: str, at: int, at_text: str, operator_id: int) -> None:
        """A start or complete scan at the car's station (the hot path's ledger event)."""
        entry = (at, self.next_seq(), car.vid, stop.id, kind, at_text, operator_id, stop.terminal, "")
        heapq.heappush(self.pending, entry)
        car.slot[0] += 1
        car.last_scan_station, car.last_scan_at = stop.id, at

    def _hold(self, car: _Car, stop: Stop) -> None:
        hold_at = self.calendar.to_micros(max(car.arrive, self.end_work - 3 * self.takt))
        if hold_at < self.end:
            self._event(hold_at, car.vid, HOLD, stop.code, "3001", HOLD_REASONS[0])
            car.resume_state, car.state, car.hold_reason = car.state, HELD, HOLD_REASONS[0]

    def _andon(self, stop: Stop, operator_id: int, start: float, cycle: float) -> float:
        """An andon stop during the car's cycle; the working seconds it lasts."""
        stop_seconds = self.rng.uniform(300, 2700)
        stop_start = start + cycle * 0.4
        to_micros_ = self.calendar.to_micros
        self._downtime(stop.id, operator_id, to_micros_(stop_start), to_micros_(stop_start + stop_seconds))
        return stop_seconds

    def _find_defects(
        self, car: _Car, stop: Stop, operator_id: int, start: float, cycle: float
    ) -> tuple[float, bool]:
        """Defects found here: the extra seconds they cost, and whether one needs the bay.

        Called once the first draw found one (most cars pass a station with none).
        """
        extra = 0.0
        to_bay = False
        chance = stop.defect_chance
        found = 0
        while True:
            chance /= 3
            defect = self._defect(car.vid, stop, operator_id, start, cycle, car.is_ev)
            if defect is not None:
                extra += defect[0]
                to_bay = to_bay or defect[1]
                found += 1
            if not (self.rng.random() < chance and found < 3):
                return extra, to_bay

    def _move_on(self, car: _Car, stop: Stop, complete: float, to_bay: bool) -> bool:
        """After a completed station: the yard, the next station's queue, or the repair bay."""
        if stop.index == len(self.stops) - 1:
            car.state, car.station_id, car.finished = FINISHED, self.station_ids["YARD"], car.state_since
            return False
        following = self.stops[stop.index + 1]
        car.state, car.station_id = QUEUED, following.id
        car.arrive = complete + self.rng.uniform(*stop.transfer)
        # Now and then a car goes off-line to the repair bay and comes back.
        if to_bay or (stop.index >= 3 and self.rng.random() < 0.01):
            car.repair_visits += 1
            back = self._repair_visit(car.vid, following.code, complete)
            if back is None:
                car.state, car.station_id = IN_REPAIR, self.station_ids["REPAIR"]
                car.return_station_id = following.id
                car.state_since = self.calendar.to_micros(complete + 60)
                return False
            car.arrive = back
            car.state_since = self.calendar.to_micros(back)
            self._replace_in_repair(car.vid, car.state_since - 10 * 60 * US)
        return True


def _vin(config_wmi: str, vin_prefix: str, year: int, serial: int) -> str:
    year_code = MODEL_YEAR_CODES[(year - 2010) % len(MODEL_YEAR_CODES)]
    raw = f"{config_wmi:<3.3}{vin_prefix:<3.3}A0" + "0" + year_code + "A" + f"{serial % 1_000_000:06d}"
    return with_check_digit(raw.replace(" ", "0"))
