"""A car's history, its work instructions, and finding a car by a few characters of its VIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Select,
    bindparam,
    select,
    text,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import NotFound
from neofloor.services.plant.records import CarSummary, car_from_row, instructions_for
from neofloor.services.plant.vin import normalize_vin
from neofloor.services.tracking.floor import CAR_COLUMNS
from neofloor.store.models import (
    Defect,
    DefectCatalogEntry,
    Operator,
    Station,
    StationEvent,
    StationVisit,
    Vehicle,
    WorkInstruction,
)


@dataclass(frozen=True)
class TimelineEvent:
    id: int
    at: datetime
    kind: str
    station: str | None
    operator: str | None
    terminal: str
    note: str


@dataclass(frozen=True)
class StationStay:
    station: str
    started_at: datetime
    completed_at: datetime | None
    seconds: float | None
    operator: str | None


@dataclass(frozen=True)
class DefectLine:
    id: int
    code: str
    description: str
    zone: str
    severity: str
    status: str
    station: str
    found_at: datetime


@dataclass(frozen=True)
class VehicleHistory:
    car: CarSummary
    model_name: str
    color_name: str
    planned_at: datetime
    first_start_at: datetime | None
    finished_at: datetime | None
    delivered_at: datetime | None
    events: list[TimelineEvent]
    stays: list[StationStay]
    defects: list[DefectLine]

    @property
    def lead_time_seconds(self) -> float | None:
        if self.first_start_at and self.finished_at:
            return (self.finished_at - self.first_start_at).total_seconds()
        return None


@cache
def _history_stmts() -> tuple[Select[*tuple[Any, ...]], ...]:
    car = select(
        *CAR_COLUMNS,
        col(Vehicle.id),
        col(Vehicle.planned_at),
        col(Vehicle.first_start_at),
        col(Vehicle.finished_at),
        col(Vehicle.delivered_at),
    ).where(col(Vehicle.vin) == bindparam("vin"))
    events = (
        select(
            col(StationEvent.id),
            col(StationEvent.at),
            col(StationEvent.kind),
            col(StationEvent.station_id),
            col(Operator.name),
            col(StationEvent.terminal),
            col(StationEvent.note),
        )
        .outerjoin(Operator, col(Operator.id) == col(StationEvent.operator_id))
        .where(col(StationEvent.vehicle_id) == bindparam("car"))
        .order_by(col(StationEvent.id))
    )
    stays = (
        select(
            col(Station.code),
            col(StationVisit.started_at),
            col(StationVisit.completed_at),
            col(StationVisit.cycle_seconds),
            col(Operator.name),
        )
        .join(Station, col(Station.id) == col(StationVisit.station_id))
        .outerjoin(Operator, col(Operator.id) == col(StationVisit.operator_id))
        .where(col(StationVisit.vehicle_id) == bindparam("car"))
        .order_by(col(StationVisit.started_at), col(StationVisit.id))
    )
    found_at = aliased(Station)
    defects = (
        select(
            col(Defect.id),
            col(DefectCatalogEntry.code),
            col(DefectCatalogEntry.description),
            col(Defect.zone),
            col(Defect.severity),
            col(Defect.status),
            col(found_at.code),
            col(Defect.found_at),
        )
        .join(DefectCatalogEntry, col(DefectCatalogEntry.id) == col(Defect.catalog_id))
        .join(found_at, col(found_at.id) == col(Defect.station_id))
        .where(col(Defect.vehicle_id) == bindparam("car"))
        .order_by(col(Defect.id))
    )
    return car, events, stays, defects


def vehicle_history(session: Session, raw_vin: str) -> VehicleHistory:
    """A car's full story: every ledger event, its time at each station, its defects."""
    catalog = plant_catalog(session)
    vin = normalize_vin(raw_vin)
    car_stmt, events_stmt, stays_stmt, defects_stmt = _history_stmts()
    row = session.execute(car_stmt, {"vin": vin}).first()
    if row is None:
        raise NotFound(
            _("Unknown VIN {value!r}: it is not in the production plan.").format(value=vin or raw_vin)
        )
    car = car_from_row(catalog, row)
    vehicle_id, planned_at, first_start_at, finished_at, delivered_at = row[11:]
    params = {"car": vehicle_id}
    events = [
        TimelineEvent(e_id, at, kind, catalog.station_code(station_id), name, terminal, note)
        for e_id, at, kind, station_id, name, terminal, note in session.execute(events_stmt, params)
    ]
    stays = [
        StationStay(code, started, completed, seconds, name)
        for code, started, completed, seconds, name in session.execute(stays_stmt, params)
    ]
    defects = [
        DefectLine(d_id, code, description, zone, severity, status, station_code, at)
        for d_id, code, description, zone, severity, status, station_code, at in session.execute(
            defects_stmt, params
        )
    ]
    return VehicleHistory(
        car=car,
        model_name=car.model_name,
        color_name=car.color,
        planned_at=planned_at,
        first_start_at=first_start_at,
        finished_at=finished_at,
        delivered_at=delivered_at,
        events=events,
        stays=stays,
        defects=defects,
    )


def work_instructions(session: Session, station_code: str, model: str, options: str) -> list[str]:
    """Instructions for this car at this station: station-wide, its model's, its options'."""
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    rows = session.execute(
        select(col(WorkInstruction.model_id), col(WorkInstruction.option), col(WorkInstruction.text))
        .where(col(WorkInstruction.station_id) == station.id)
        .order_by(col(WorkInstruction.id))
    ).all()
    return instructions_for(rows, catalog.model_by_code(model).id, options)


# A typed beginning matching more cars than this (a WMI, a model) is looked for newest first.
_PREFIX_SORT_LIMIT = 500


@cache
def _find_vin_stmts() -> dict[str, Select[*tuple[Any, ...]]]:
    vin, reversed_vin, seq = col(Vehicle.vin), col(Vehicle.vin_reversed), col(Vehicle.build_seq)
    newest_first = (seq + 0).desc()  # ``+ 0``: sort the matches, do not walk every car by build_seq
    return {
        "exact": select(vin).where(vin == bindparam("vin")),
        # A suffix is a prefix of the reversed VIN: a range on ix_vehicle_vin_reversed.
        "ending": select(vin)
        .where(reversed_vin >= bindparam("low"), reversed_vin < bindparam("high"))
        .order_by(newest_first)
        .limit(bindparam("limit")),
        # A beginning: a range of the VIN index, sorted when it holds a few hundred cars ...
        "starting": select(vin, seq)
        .where(vin >= bindparam("low"), vin < bindparam("high"))
        .limit(bindparam("limit")),
        # ... else the newest cars first, walking back until enough match (they are common).
        "starting_newest": select(vin)
        .where(text("+vehicle.vin >= :low AND +vehicle.vin < :high"))
        .order_by(seq.desc())
        .limit(bindparam("limit")),
    }


def _prefix_range(prefix: str) -> dict[str, str]:
    """Bounds of the strings that start with ``prefix`` (VIN characters are ASCII letters and digits)."""
    return {"low": prefix, "high": prefix[:-1] + chr(ord(prefix[-1]) + 1)}


def find_vins(session: Session, fragment: str, *, limit: int = 20) -> list[str]:
    """VINs ending or starting with a typed fragment (floor staff quote the last digits).

    Cars ending with it come first, then cars starting with it; each newest build first.
    Index ranges, whatever the size of the history.
    """
    text = normalize_vin(fragment)
    if len(text) < 4:
        return []
    stmts = _find_vin_stmts()
    if len(text) == 17:
        return list(session.execute(stmts["exact"], {"vin": text}).scalars())
    found = list(session.execute(stmts["ending"], {**_prefix_range(text[::-1]), "limit": limit}).scalars())
    if len(found) < limit:
        bounds = _prefix_range(text)
        starting = session.execute(stmts["starting"], {**bounds, "limit": _PREFIX_SORT_LIMIT}).all()
        if len(starting) < _PREFIX_SORT_LIMIT:
            newest = [vin for vin, _seq in sorted(starting, key=lambda row: row[1], reverse=True)]
        else:
            newest = list(session.execute(stmts["starting_newest"], {**bounds, "limit": limit}).scalars())
        found += [vin for vin in newest if vin not in found]
    return found[:limit]
