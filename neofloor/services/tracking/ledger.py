"""The ledger: the one way a car's story is written, and the look-ups every move starts with.

Every event that changes a car goes through ``append_event`` (or, on the scan's hot path,
its prebuilt twin ``event_statement``) in the caller's transaction, beside the change to the
car's current-state columns. Rows are never updated or deleted: a correction is a new event.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Protocol, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Insert,
    Result,
    bindparam,
    insert,
    select,
)
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.people.chain import lock_and_head, lock_chains, row_hash
from neofloor.services.plant.catalog import PlantCatalog, StationInfo
from neofloor.services.plant.errors import (
    DoubleScan,
    NotFound,
)
from neofloor.services.plant.operators import (
    OperatorInfo,
)
from neofloor.services.plant.vin import validate_vin
from neofloor.store.models import (
    StationEvent,
    Vehicle,
    VehicleState,
)

# A second scan of the same car at the same station this soon is a double scan.
# A scanner's double fire comes within a second; the plant config may set another window
# (``double_scan_seconds`` in [plant]), kept as short as its scanners need.
DOUBLE_SCAN_WINDOW = timedelta(seconds=2)


@dataclass(frozen=True)
class ScanResult:
    """What a scan did, in the floor's words."""

    vin: str
    station: str
    action: str  # "started" or "completed"; at the repair bay "repair_started" or "repair_completed";
    # at the yard "in_yard", at the delivery station "handover_ready" (both write nothing)
    state: str
    next_station: str | None
    event_id: int
    at: datetime
    # At the yard: the car's spot ("" when it has none yet).
    detail: str = ""

    @property
    def message(self) -> str:
        if self.action == "in_yard":
            if self.detail:
                return _("{vin} is in the yard at {detail}.").format(vin=self.vin, detail=self.detail)
            return _("{vin} is in the yard without a spot: give it one.").format(vin=self.vin)
        if self.action == "handover_ready":
            return _("{vin} is ready for handover: enter the customer and the financing.").format(
                vin=self.vin
            )
        if self.action == "repair_started":
            return _("{vin} repair started at {station}.").format(vin=self.vin, station=self.station)
        if self.action == "repair_completed":
            return _("{vin} repaired at {station}; it goes back to {next_station}.").format(
                vin=self.vin, station=self.station, next_station=self.next_station
            )
        if self.action == "started":
            return _("{vin} started at {station}.").format(vin=self.vin, station=self.station)
        if self.state == VehicleState.FINISHED:
            return _("{vin} completed {station}: finished, to the yard.").format(
                vin=self.vin, station=self.station
            )
        return _("{vin} completed {station}; next: {next_station}.").format(
            vin=self.vin, station=self.station, next_station=self.next_station
        )


def find_vehicle(
    session: Session, catalog: PlantCatalog, raw_vin: str, *, for_update: bool = True
) -> Vehicle:
    """The car with this VIN (checked for form first), or a refusal.

    A move reads the car locked for its transaction (``SELECT ... FOR UPDATE`` on
    PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serializes writers), so two
    terminals cannot move one car twice. Reads pass ``for_update=False``.
    """
    vin = validate_vin(raw_vin, verify_check_digit=catalog.vin_check_digit)
    query = select(Vehicle).where(col(Vehicle.vin) == vin)
    if for_update:
        if session.new or session.dirty or session.deleted:
            session.flush()
        lock_chains(session.connection())  # the chains' locks come before any car's (chain.py)
        query = query.with_for_update().execution_options(populate_existing=True)
    vehicle: Vehicle | None = session.execute(query).scalar_one_or_none()
    if vehicle is None:
        raise NotFound(_("Unknown VIN {vin}: it is not in the production plan.").format(vin=vin))
    return vehicle


def inserted_id(result: Result[Any]) -> int:
    """The primary key of the row an ``insert`` statement just wrote."""
    key = cast("CursorResult[Any]", result).inserted_primary_key
    if key is None:
        raise RuntimeError(_("The insert wrote no row."))
    return int(key[0])


@cache
def event_statement() -> Insert:
    """The ledger's one insert, built once: every event of every car is written by it."""
    return insert(StationEvent).values(
        vehicle_id=bindparam("car"),
        station_id=bindparam("station"),
        kind=bindparam("kind"),
        at=bindparam("at"),
        operator_id=bindparam("operator"),
        terminal=bindparam("terminal"),
        note=bindparam("note"),
        chain_hash=bindparam("chain_hash"),
    )


def write_event(
    conn: Connection | Session,
    *,
    car: int,
    kind: str,
    at: datetime,
    station: int | None = None,
    operator: int | None = None,
    terminal: str = "",
    note: str = "",
) -> int:
    """Append one event to the ledger and answer its id (the car's columns are the caller's to set).

    The event is chained to the ledger's last row (``people/chain.py``) under the chain's lock,
    so two terminals appending at once cannot fork the chain.
    """
    if isinstance(conn, Session):
        if conn.new or conn.dirty or conn.deleted:
            conn.flush()  # the insert below bypasses the unit of work: let it write first
        conn = conn.connection()
    values = {
        "car": car,
        "kind": kind,
        "at": at,
        "station": station,
        "operator": operator,
        "terminal": terminal,
        "note": note,
    }
    previous = lock_and_head(conn, "station_event")
    values["chain_hash"] = row_hash(previous, (car, station, kind, at, operator, terminal, note))
    return inserted_id(conn.execute(event_statement(), values))


def append_event(
    session: Session,
    vehicle: Vehicle,
    kind: str,
    at: datetime,
    *,
    station_id: int | None,
    operator: OperatorInfo | None,
    terminal: str = "",
    note: str = "",
) -> int:
    """Append the car's next event and point the car at it; the caller then sets the car's new state.

    Repairs, overrides, holds and every concern that moves a car write through here,
    in the caller's transaction, so the ledger and the car's current state change together.
    """
    assert vehicle.id is not None
    event_id = write_event(
        session,
        car=vehicle.id,
        kind=kind,
        at=at,
        station=station_id,
        operator=operator.id if operator else None,
        terminal=terminal,
        note=note,
    )
    vehicle.last_event_id = event_id
    return event_id


class ScannedCar(Protocol):
    """What the double-scan rule reads of a car: an ORM ``Vehicle`` or a row of its columns."""

    @property
    def vin(self) -> str: ...
    @property
    def last_scan_station_id(self) -> int | None: ...
    @property
    def last_scan_at(self) -> datetime | None: ...


def refuse_double_scan(
    vehicle: ScannedCar, station: StationInfo, now: datetime, window: timedelta = DOUBLE_SCAN_WINDOW
) -> None:
    """A second scan of the car at the same station within ``window`` is ignored, not recorded.

    Either side of the last scan: two terminals' clocks may differ by a second or two. The
    refusal carries the moment a scan counts again, so a screen can say when.
    """
    if (
        vehicle.last_scan_station_id == station.id
        and vehicle.last_scan_at is not None
        and abs(now - vehicle.last_scan_at) < window
    ):
        seconds = max(1, math.ceil((vehicle.last_scan_at + window - now).total_seconds()))
        raise DoubleScan(
            _("Double scan of {vin} at {code} ignored; a scan counts again in {seconds} s.").format(
                vin=vehicle.vin, code=station.code, seconds=seconds
            ),
            counts_from=vehicle.last_scan_at + window,
        )


def station_label(catalog: PlantCatalog, station_id: int | None) -> str:
    """Where a car is, for a sentence: its station's code, or "nowhere"."""
    return catalog.station_code(station_id) or "nowhere"
