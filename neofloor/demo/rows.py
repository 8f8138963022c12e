"""The generator's output: instants as text, the tables' columns, row buffers and counts.

Instants are integer microseconds since the epoch (UTC); rows are plain tuples that go to
SQLite with one ``executemany`` per table and chunk.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from neofloor.services.people.chain import GENESIS
from neofloor.store.models import DefectStatus, EventKind, VehicleState

# The chain's canonical JSON (people/chain.py ``row_hash``).
_DUMPS = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))

# Plain strings for the rows (the enums are str subclasses; sqlite3 binds plain str fastest).
PLAN, START, COMPLETE, HOLD, DELIVER, PARK = (
    str(k.value)
    for k in (
        EventKind.PLAN, EventKind.START, EventKind.COMPLETE, EventKind.HOLD, EventKind.DELIVER, EventKind.PARK
    )
)
TO_REPAIR, REPAIR_START, REPAIR_COMPLETE, FROM_REPAIR = (
    str(k.value)
    for k in (EventKind.TO_REPAIR, EventKind.REPAIR_START, EventKind.REPAIR_COMPLETE, EventKind.FROM_REPAIR)
)
PLANNED, QUEUED, IN_STATION, HELD, IN_REPAIR, FINISHED, DELIVERED = (
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
OPEN, REPAIRED, VERIFIED = (
    str(s.value) for s in (DefectStatus.OPEN, DefectStatus.REPAIRED, DefectStatus.VERIFIED)
)

# --- instants: integer microseconds since the epoch, UTC -------------------------------

US = 1_000_000
DAY_US = 86_400 * US
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_CLOCK = [f"{h:02d}:{m:02d}:{s:02d}." for h in range(24) for m in range(60) for s in range(60)]
_DAY_PREFIX: dict[int, str] = {}


def to_micros(moment: datetime) -> int:
    """An aware datetime as microseconds since the epoch."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def stamp(micros: int) -> str:
    """An instant as SQLAlchemy's SQLite DateTime stores it: naive UTC, microseconds always."""
    day, rest = divmod(micros, DAY_US)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        prefix = _DAY_PREFIX[day] = date.fromordinal(EPOCH_ORDINAL + day).isoformat() + " "
    second, micro = divmod(rest, US)
    return f"{prefix}{_CLOCK[second]}{micro:06d}"


def year_of(micros: int) -> int:
    return date.fromordinal(EPOCH_ORDINAL + micros // DAY_US).year


# --- the output tables -------------------------------------------------------------------

# Columns written per table, in the order the simulation builds its tuples.
COLUMNS: dict[str, tuple[str, ...]] = {
    "vehicle": (
        "id", "vin", "model_id", "color_id", "build_seq", "order_ref", "options", "option_notes",
        "planned_at", "state", "station_id", "state_since", "resume_state", "return_station_id",
        "hold_reason", "last_scan_station_id", "last_scan_at", "first_start_at", "finished_at",
        "delivered_at", "out_of_sequence", "repair_visits", "last_event_id", "vin_reversed",
    ),
    "station_event": (
        "id", "vehicle_id", "station_id", "kind", "at", "operator_id", "terminal", "note", "chain_hash",
    ),
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
        "pdi_by_id", "delivered_at", "handed_over_by_id", "note", "customer_reference", "dealer",
    ),
    "fitted_component": (
        "id", "vehicle_id", "part_id", "serial", "lot", "station_id", "fitted_at", "fitted_by_id",
        "removed_at", "removed_by_id", "removal_reason",
    ),
    "pdi_check": ("id", "vehicle_id", "item_id", "passed", "defect_id", "operator_id", "at"),
    "yard_place": ("vehicle_id", "spot", "parked_at", "parked_by_id"),
}  # fmt: skip


class Rows:
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
        self.fitted_component: list[tuple[Any, ...]] = []
        self.pdi_check: list[tuple[Any, ...]] = []
        self.yard_place: list[tuple[Any, ...]] = []
        # The ledger's hash chain runs on from the last event written (people/chain.py).
        self.event_head = GENESIS

    def flush(self) -> None:
        for table in COLUMNS:
            rows: list[tuple[Any, ...]] = getattr(self, table)
            if rows:
                if table == "station_event":
                    rows = self._chained(rows)
                self.raw.executemany(self.sql[table], rows)
                getattr(self, table).clear()

    def _chained(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The events with their chain hashes, as ``row_hash`` makes them, written inline for speed.

        The stored time text "YYYY-MM-DD HH:MM:SS.ffffff" is the chain's canonical time with
        a "T"; a test holds this writer and ``row_hash`` together.
        """
        head = self.event_head
        dumps, sha256 = _DUMPS, hashlib.sha256
        out = []
        for row in rows:
            _id, car, station, kind, at, operator, terminal, note = row
            content = dumps([car, station, kind, at.replace(" ", "T", 1), operator, terminal, note])
            head = sha256(f"{head}\n{content}".encode()).hexdigest()
            out.append((*row, head))
        self.event_head = head
        return out


@dataclass
class Counts:
    cars: int = 0
    events: int = 0
    defects: int = 0
    downtime: int = 0
    deliveries: int = 0
    states: dict[str, int] = field(default_factory=dict)
