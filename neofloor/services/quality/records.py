"""Defects as the screens and reports read them: one record per defect, and its story.

``defect_records`` is the one query every defect list goes through (a car's
defects, the open-defects board, the delivery record): it joins the car, the
catalog entry and the people, and returns plain records a screen can keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnExpressionArgument, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import NotFound
from neofloor.services.quality.catalog import SEVERITY_RANK
from neofloor.services.tracking.ledger import find_vehicle
from neofloor.store.kinds import UNCLOSED as UNCLOSED
from neofloor.store.models import Defect, DefectCatalogEntry, DefectEvent, DefectStatus, Operator, Vehicle
from neofloor.store.types import utcnow

# Not yet closed: an open or an unverified defect.


@dataclass(frozen=True)
class DefectRecord:
    """A defect as the screens and reports show it: the car, what, where, and how far it got."""

    id: int
    vin: str
    build_seq: int
    model: str
    car_state: str
    car_station: str | None
    code: str
    description: str
    category: str
    zone: str
    severity: str
    status: str
    station: str  # where it was found
    found_at: datetime
    found_by: str | None
    note: str
    repaired_at: datetime | None
    repaired_by: str | None
    repair_station: str | None
    repair_note: str
    verified_at: datetime | None
    verified_by: str | None
    cancel_reason: str
    age_seconds: float  # since it was found

    @property
    def is_serious(self) -> bool:
        """Critical or major: it stops a car at a quality gate until verified."""
        return SEVERITY_RANK[self.severity] < SEVERITY_RANK["minor"]

    @property
    def is_closed(self) -> bool:
        return self.status in (DefectStatus.VERIFIED, DefectStatus.CANCELLED)


@dataclass(frozen=True)
class DefectEventLine:
    """One step of a defect's story."""

    id: int
    kind: str  # found, repaired, verified, rejected, cancelled
    at: datetime
    operator: str | None
    station: str | None
    note: str


@dataclass(frozen=True)
class DefectStory:
    defect: DefectRecord
    events: list[DefectEventLine]


def defect_records(
    session: Session,
    *conditions: ColumnExpressionArgument[bool],
    order_by: tuple[ColumnExpressionArgument[Any], ...] = (col(Defect.id),),
    limit: int | None = None,
    offset: int = 0,
    now: datetime | None = None,
) -> list[DefectRecord]:
    """Defects matching ``conditions`` (on Defect, Vehicle, DefectCatalogEntry), as records."""
    now = now or utcnow()
    catalog = plant_catalog(session)
    found_by, repaired_by, verified_by = aliased(Operator), aliased(Operator), aliased(Operator)
    stmt = (
        select(
            Defect,
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(Vehicle.model_id),
            col(Vehicle.state),
            col(Vehicle.station_id),
            col(DefectCatalogEntry.code),
            col(DefectCatalogEntry.description),
            col(DefectCatalogEntry.category),
            col(found_by.name),
            col(repaired_by.name),
            col(verified_by.name),
        )
        .join(Vehicle, col(Vehicle.id) == col(Defect.vehicle_id))
        .join(DefectCatalogEntry, col(DefectCatalogEntry.id) == col(Defect.catalog_id))
        .outerjoin(found_by, col(found_by.id) == col(Defect.found_by_id))
        .outerjoin(repaired_by, col(repaired_by.id) == col(Defect.repaired_by_id))
        .outerjoin(verified_by, col(verified_by.id) == col(Defect.verified_by_id))
        .where(*conditions)
        .order_by(*order_by)
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    records = []
    for row in session.execute(stmt):
        d: Defect = row[0]
        assert d.id is not None  # read from the database
        records.append(
            DefectRecord(
                id=d.id,
                vin=row.vin,
                build_seq=row.build_seq,
                model=catalog.model(row.model_id).code,
                car_state=row.state,
                car_station=catalog.station_code(row.station_id),
                code=row.code,
                description=row.description,
                category=row.category,
                zone=d.zone,
                severity=d.severity,
                status=d.status,
                station=catalog.station_code(d.station_id) or "?",
                found_at=d.found_at,
                found_by=row[9],
                note=d.note,
                repaired_at=d.repaired_at,
                repaired_by=row[10],
                repair_station=catalog.station_code(d.repair_station_id),
                repair_note=d.repair_note,
                verified_at=d.verified_at,
                verified_by=row[11],
                cancel_reason=d.cancel_reason,
                age_seconds=(now - d.found_at).total_seconds(),
            )
        )
    return records


def defect_record(session: Session, defect_id: int, *, now: datetime | None = None) -> DefectRecord:
    """One defect by its number, or :class:`NotFound`."""
    records = defect_records(session, col(Defect.id) == defect_id, now=now)
    if not records:
        raise NotFound(_("No defect #{defect_id}.").format(defect_id=defect_id))
    return records[0]


def car_defects(session: Session, raw_vin: str, *, now: datetime | None = None) -> list[DefectRecord]:
    """Every defect of one car, in the order found (for the car's screen)."""
    vehicle = find_vehicle(session, plant_catalog(session), raw_vin, for_update=False)
    return defect_records(session, col(Defect.vehicle_id) == vehicle.id, now=now)


def delivery_defects(session: Session, raw_vin: str, *, now: datetime | None = None) -> list[DefectRecord]:
    """The car's defects not closed at handover: open or unverified, the most serious first.

    After the quality gate these are minors (which may pass); anything serious
    logged later in the yard shows here too, so the delivery can refuse it.
    """
    vehicle = find_vehicle(session, plant_catalog(session), raw_vin, for_update=False)
    records = defect_records(
        session,
        col(Defect.vehicle_id) == vehicle.id,
        col(Defect.status).in_(UNCLOSED),
        now=now,
    )
    return sorted(records, key=lambda r: (SEVERITY_RANK[r.severity], r.id))


def defect_history(session: Session, defect_id: int, *, now: datetime | None = None) -> DefectStory:
    """A defect and every step of its story, oldest first (a rejected repair stays in it)."""
    record = defect_record(session, defect_id, now=now)
    catalog = plant_catalog(session)
    events = [
        DefectEventLine(
            id=event_id,
            kind=kind,
            at=at,
            operator=name,
            station=catalog.station_code(station_id),
            note=note,
        )
        for event_id, kind, at, name, station_id, note in session.execute(
            select(
                col(DefectEvent.id),
                col(DefectEvent.kind),
                col(DefectEvent.at),
                col(Operator.name),
                col(DefectEvent.station_id),
                col(DefectEvent.note),
            )
            .outerjoin(Operator, col(Operator.id) == col(DefectEvent.operator_id))
            .where(col(DefectEvent.defect_id) == defect_id)
            .order_by(col(DefectEvent.id))
        )
    ]
    return DefectStory(defect=record, events=events)
