"""First-pass yield and DPHU by station: where the defects are found.

An inspector asks where the defects are made. The defect catalog does not say which
station causes a defect, so a defect is counted at the station where it was found
(``defect.station_id``); a station's figures over a period are:

- cars: cars that completed the station in the period (``station_visit`` by
  ``ix_station_visit_station_completed``), each car once;
- first pass: of those, cars on which no defect was ever found at that station;
- defects: defects found at the station in the period, cancelled ones left out
  (``ix_defect_found_at``);
- FPY = first pass / cars; DPHU = defects × 100 / cars — the plant's formulas
  (docs/metrics.md), per station. A station no car completed in the period has
  neither (its defects are still counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, distinct, exists, func, select
from sqlmodel import Session, col

from neofloor.services.metrics.formulas import dphu, first_pass_yield
from neofloor.services.plant.catalog import plant_catalog
from neofloor.store.models import Defect, DefectStatus, StationVisit


@dataclass(frozen=True)
class StationQuality:
    """One production station's quality over a period, counted where the defects were found."""

    station: str
    name: str
    cars: int
    first_pass: int
    defects: int
    fpy: float | None
    dphu: float | None


def quality_by_station(session: Session, start: datetime, end: datetime) -> tuple[StationQuality, ...]:
    """FPY and DPHU of every production station over ``[start, end)``, in route order."""
    catalog = plant_catalog(session)
    visit = StationVisit
    found_here = exists().where(
        col(Defect.vehicle_id) == col(visit.vehicle_id),
        col(Defect.station_id) == col(visit.station_id),
        col(Defect.status) != DefectStatus.CANCELLED,
    )
    # Station by station through ix_station_visit_station_completed (station_id, completed_at).
    in_period = and_(
        col(visit.station_id).in_([s.id for s in catalog.production_route]),
        col(visit.completed_at) >= start,
        col(visit.completed_at) < end,
    )
    cars = dict(
        session.execute(
            select(col(visit.station_id), func.count(distinct(col(visit.vehicle_id))))
            .where(in_period)
            .group_by(col(visit.station_id))
        ).all()
    )
    first = dict(
        session.execute(
            select(col(visit.station_id), func.count(distinct(col(visit.vehicle_id))))
            .where(in_period, ~found_here)
            .group_by(col(visit.station_id))
        ).all()
    )
    defects = dict(
        session.execute(
            select(col(Defect.station_id), func.count())
            .where(
                col(Defect.found_at) >= start,
                col(Defect.found_at) < end,
                col(Defect.status) != DefectStatus.CANCELLED,
            )
            .group_by(col(Defect.station_id))
        ).all()
    )
    rows = []
    for station in catalog.production_route:
        count, passed, found = cars.get(station.id, 0), first.get(station.id, 0), defects.get(station.id, 0)
        rows.append(
            StationQuality(
                station=station.code,
                name=station.name,
                cars=count,
                first_pass=passed,
                defects=found,
                fpy=first_pass_yield(passed, count),
                # Defects found on cars still in the station have no completed car to count on.
                dphu=dphu(found, count) if count else None,
            )
        )
    return tuple(rows)
