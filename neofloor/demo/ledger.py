"""What happens to a car besides its scans: holds, andon stops, defects, repairs, delivery.

``Ledger`` holds the run's output state (row buffers, id counters, the pending events) and
writes those rows; the car-by-car simulation (``neofloor.demo.history``) builds on it.
"""

from __future__ import annotations

import heapq
import math
import random
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from neofloor.demo.calendar import WorkCalendar
from neofloor.demo.delivery import HANDOVER_BADGE, YARD_BADGE, AfterLine
from neofloor.demo.route import Stop
from neofloor.demo.rows import (
    DAY_US,
    DELIVER,
    EPOCH_ORDINAL,
    FROM_REPAIR,
    OPEN,
    PARK,
    REPAIR_COMPLETE,
    REPAIR_START,
    REPAIRED,
    TO_REPAIR,
    US,
    VERIFIED,
    Counts,
    Rows,
    stamp,
    to_micros,
)

FIRST_NAMES = (
    "Mohamed", "Fatima", "Youssef", "Khadija", "Amine", "Salma", "Mehdi", "Imane", "Omar", "Sara",
    "Hamza", "Meryem", "Anas", "Zineb", "Rachid", "Nadia", "Karim", "Hajar", "Ayoub", "Loubna",
)  # fmt: skip
LAST_NAMES = (
    "Alaoui", "Benjelloun", "El Idrissi", "Tazi", "Bennani", "Chraibi", "Lahlou", "Berrada",
    "El Fassi", "Ouazzani", "Amrani", "Bouzidi", "Kettani", "Sefrioui", "Naciri", "Zniber",
)  # fmt: skip
REPAIR_REASONS = (
    "Water leak at door seal",
    "Brake force imbalance",
    "Connector not seated behind dashboard",
    "Paint touch-up on roof",
)
DEFECT_ZONES = ("front", "rear", "left", "right", "roof", "interior")
REWORK_NOTE = "Reworked in station"


class Ledger(AfterLine):
    """The output side of one generator run; ``History`` sets these up and drives the methods."""

    raw: sqlite3.Connection
    counts: Counts
    rng: random.Random
    zone: ZoneInfo
    end: int
    calendar: WorkCalendar
    rows: Rows
    station_ids: dict[str, int]
    operator_ids: dict[str, int]
    reason_ids: list[int]
    partner_ids: list[int]
    partner_names: dict[int, str]
    catalog_by_category: dict[str, list[tuple[int, str, str]]]
    pending: list[tuple[Any, ...]]
    next_seq: Callable[[], int]
    event_id: int
    waiting: dict[int, list[Any]]
    # Rework as a share of the demo's own (1 at the demo's pace; less on a fast line).
    pace: float
    next_visit_id: Callable[[], int]
    next_defect_id: Callable[[], int]
    next_defect_event_id: Callable[[], int]
    next_downtime_id: Callable[[], int]
    next_delivery_id: Callable[[], int]
    offset_at: tuple[int, int]

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
        self, vid: int, stop: Stop, operator_id: int, start: float, cycle: float, is_ev: bool
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
        repair_w = found_w + rng.uniform(300, 1800) * self.pace
        verify_w = repair_w + rng.uniform(120, 900) * self.pace
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
        status = VERIFIED if verified_at else REPAIRED if repaired_at else OPEN
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
            (sent, TO_REPAIR, back_to, "3001", rng.choice(REPAIR_REASONS)),
            (begin, REPAIR_START, "REPAIR", "1003", ""),
            (done, REPAIR_COMPLETE, "REPAIR", "1003", ""),
            (back, FROM_REPAIR, back_to, "3001", f"back to {back_to}"),
        )
        for moment, kind, station, badge, note in steps:
            at = to_micros_(moment)
            if at >= self.end:
                return None
            self._event(at, vid, kind, station, badge, note)
        return back

    def _utc_offset(self, micros: int) -> int:
        """The plant's UTC offset at an instant, in microseconds (zones change on quarter hours)."""
        quarter = micros // (900 * US)
        if self.offset_at[0] != quarter:
            moment = datetime.fromtimestamp(quarter * 900, self.zone)
            self.offset_at = (quarter, to_micros(moment.replace(tzinfo=UTC)) - quarter * 900 * US)
        return self.offset_at[1]

    def _deliver(self, vid: int, model_id: int, finished: int) -> int | None:
        """The car's PDI, spot in the yard and handover; the handover time, or None if still in the yard."""
        rng = self.rng
        local_day = (finished + self._utc_offset(finished)) // DAY_US + rng.randint(3, 18)
        day = date.fromordinal(EPOCH_ORDINAL + local_day)
        if day.weekday() == 6:
            day += timedelta(days=1)
        local = datetime.combine(
            day, clock_time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))), tzinfo=self.zone
        )
        handover = to_micros(local)
        delivered = handover < self.end
        _passed, passed_at = self._pdi(vid, model_id, finished, handover if delivered else self.end)
        parked = self._park(vid, finished, handover if delivered else None)
        if parked is not None:
            self._event(parked[0], vid, PARK, "YARD", YARD_BADGE, parked[1])
        if not delivered:
            return None
        self.counts.deliveries += 1
        inspector = self.operator_ids["2002"]
        customer = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        partner = rng.choice(self.partner_ids) if rng.random() < 0.6 else None
        reference, dealer = self._sale(vid)
        self.rows.delivery.append(
            (
                self.next_delivery_id(),
                vid,
                customer,
                partner,
                self._checklist_json(model_id),
                stamp(passed_at if passed_at is not None else handover - 20 * 3600 * US),
                inspector,
                stamp(handover),
                self.operator_ids[HANDOVER_BADGE],
                "",
                reference,
                dealer,
            )
        )
        paid = "cash" if partner is None else self.partner_names[partner]
        self._event(
            handover, vid, DELIVER, "DELIVERY", HANDOVER_BADGE,
            f"handed over, {paid}" + (f", through {dealer}" if dealer else ""),
        )  # fmt: skip
        return handover
