"""Recall containment: which cars a recall touches, and where each one is now.

No service offers this yet, so the benchmark writes the two questions a quality
engineer asks when a supplier batch or a process drift is found, the way a
service would (SQLAlchemy on a ``Session``, range-bounded, through indexes):

- cars of a model that passed a station between two dates
  (``ix_station_visit_station_completed``), and
- cars on which a defect code was found between two dates (``ix_defect_catalog_found``),

each with its state now, and for delivered cars the customer and handover date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.services.catalog import plant_catalog
from neofloor.store.models import Defect, DefectCatalogEntry, Delivery, StationVisit, Vehicle


@dataclass(frozen=True)
class RecallCar:
    vin: str
    build_seq: int
    state: str
    station: str | None
    delivered_at: datetime | None
    customer: str | None


def _cars(session: Session, vehicle_ids: Any) -> list[RecallCar]:
    catalog = plant_catalog(session)
    rows = session.execute(
        select(
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(Vehicle.state),
            col(Vehicle.station_id),
            col(Delivery.delivered_at),
            col(Delivery.customer_name),
        )
        .outerjoin(Delivery, col(Delivery.vehicle_id) == col(Vehicle.id))
        .where(col(Vehicle.id).in_(vehicle_ids))
        .order_by(col(Vehicle.build_seq))
    ).all()
    result = []
    for vin, build_seq, state, station_id, delivered_at, customer in rows:
        station = catalog.station_by_id(station_id)
        result.append(
            RecallCar(vin, build_seq, state, station.code if station else None, delivered_at, customer)
        )
    return result


def cars_through_station(
    session: Session, model_code: str, station_code: str, start: datetime, end: datetime
) -> list[RecallCar]:
    """Cars of ``model_code`` that completed ``station_code`` in ``[start, end)``."""
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    model = catalog.model_by_code(model_code)
    passed = (
        select(col(StationVisit.vehicle_id))
        .join(Vehicle, col(Vehicle.id) == col(StationVisit.vehicle_id))
        .where(
            col(StationVisit.station_id) == station.id,
            col(StationVisit.completed_at) >= start,
            col(StationVisit.completed_at) < end,
            col(Vehicle.model_id) == model.id,
        )
    )
    return _cars(session, passed)


def cars_with_defect(session: Session, defect_code: str, start: datetime, end: datetime) -> list[RecallCar]:
    """Cars on which defect ``defect_code`` was found in ``[start, end)``."""
    found = (
        select(col(Defect.vehicle_id))
        .join(DefectCatalogEntry, col(DefectCatalogEntry.id) == col(Defect.catalog_id))
        .where(
            col(DefectCatalogEntry.code) == defect_code,
            col(Defect.found_at) >= start,
            col(Defect.found_at) < end,
        )
    )
    return _cars(session, found)
