"""What the floor looks at: station queues, the line board, a car's history.

Every query reads current-state columns through an index and returns plain
dataclasses, never ORM objects, so a screen can hold them after the session
closes. None of them replays the ledger or loads a whole table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, text
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.services.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.errors import NotFound
from neofloor.services.vin import normalize_vin
from neofloor.store.models import (
    VEHICLE_IN_PLANT,
    Color,
    Defect,
    DefectCatalogEntry,
    DefectEvent,
    Downtime,
    Operator,
    ShiftNote,
    Station,
    StationEvent,
    StationVisit,
    Vehicle,
    VehicleModel,
    VehicleState,
    WorkInstruction,
)

_WAITING = (VehicleState.PLANNED, VehicleState.QUEUED)
# How many cars a board column lists; the count covers them all.
BOARD_CARS_PER_STATION = 8


@dataclass(frozen=True)
class CarSummary:
    """One car as a queue, a station or the board shows it."""

    vin: str
    build_seq: int
    model: str
    model_name: str
    color: str
    state: str
    station: str | None
    since: datetime
    options: str
    option_notes: str
    hold_reason: str | None
    order_ref: str

    @property
    def held(self) -> bool:
        return self.state == VehicleState.HELD


def car_summary(catalog: PlantCatalog, v: Vehicle) -> CarSummary:
    """A car as the floor's lists show it, from its current-state columns."""
    model = catalog.model(v.model_id)
    return CarSummary(
        vin=v.vin,
        build_seq=v.build_seq,
        model=model.code,
        model_name=model.name,
        color=catalog.colors[v.color_id][1],
        state=v.state,
        station=catalog.station_code(v.station_id),
        since=v.state_since,
        options=v.options,
        option_notes=v.option_notes,
        hold_reason=v.hold_reason,
        order_ref=v.order_ref,
    )


def _summaries(session: Session, catalog: PlantCatalog, stmt: Select[Vehicle]) -> list[CarSummary]:
    return [car_summary(catalog, v) for v in session.execute(stmt).scalars()]


def _waiting_at(station_id: int) -> ColumnElement[bool]:
    return or_(
        col(Vehicle.state).in_(_WAITING),
        and_(col(Vehicle.state) == VehicleState.HELD, col(Vehicle.resume_state).in_(_WAITING)),
    )


def _inside() -> ColumnElement[bool]:
    return or_(
        col(Vehicle.state) == VehicleState.IN_STATION,
        and_(col(Vehicle.state) == VehicleState.HELD, col(Vehicle.resume_state) == VehicleState.IN_STATION),
    )


def station_queue(
    session: Session, station_code: str, *, limit: int = 50, offset: int = 0
) -> list[CarSummary]:
    """Cars waiting for this station (held ones included, marked), in build sequence."""
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    stmt = (
        select(Vehicle)
        .where(col(Vehicle.station_id) == station.id, VEHICLE_IN_PLANT, _waiting_at(station.id))
        .order_by(col(Vehicle.build_seq))
        .limit(limit)
        .offset(offset)
    )
    return _summaries(session, catalog, stmt)


def cars_in_station(session: Session, station_code: str) -> list[CarSummary]:
    """Cars started and not yet completed at this station, the newest arrival first."""
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    stmt = (
        select(Vehicle)
        .where(col(Vehicle.station_id) == station.id, VEHICLE_IN_PLANT, _inside())
        .order_by(col(Vehicle.state_since).desc(), col(Vehicle.build_seq))
        .limit(BOARD_CARS_PER_STATION * 4)
    )
    return _summaries(session, catalog, stmt)


@dataclass(frozen=True)
class StationLoad:
    """One column of the line board."""

    station: StationInfo
    in_station: list[CarSummary]
    queue: list[CarSummary]
    in_station_count: int
    queue_count: int
    held_count: int
    open_stop_since: datetime | None

    @property
    def wip(self) -> int:
        return self.in_station_count + self.queue_count


def wip_per_station(session: Session) -> dict[str, tuple[int, int, int]]:
    """(in station, waiting, held) counts per station code, for cars still in the plant."""
    catalog = plant_catalog(session)
    counts: dict[str, list[int]] = {s.code: [0, 0, 0] for s in catalog.stations}
    rows = session.execute(
        select(col(Vehicle.station_id), col(Vehicle.state), col(Vehicle.resume_state), func.count())
        .where(VEHICLE_IN_PLANT, col(Vehicle.station_id).is_not(None))
        .group_by(col(Vehicle.station_id), col(Vehicle.state), col(Vehicle.resume_state))
    ).all()
    for station_id, state, resume_state, count in rows:
        station = catalog.station_by_id(station_id)
        if station is None:
            continue
        effective = resume_state if state == VehicleState.HELD else state
        slot = counts[station.code]
        slot[0 if effective == VehicleState.IN_STATION else 1] += count
        if state == VehicleState.HELD:
            slot[2] += count
    return {code: (c[0], c[1], c[2]) for code, c in counts.items()}


def line_board(session: Session, *, cars_per_station: int = BOARD_CARS_PER_STATION) -> list[StationLoad]:
    """Every route station with its cars and counts; the planned backlog only counted."""
    catalog = plant_catalog(session)
    counts = wip_per_station(session)
    open_stops = dict(
        session.execute(
            select(col(Downtime.station_id), col(Downtime.started_at)).where(col(Downtime.ended_at).is_(None))
        ).all()
    )
    board = []
    for station in (*catalog.route, *(s for s in catalog.stations if s.position is None)):
        if not station.is_production and station.kind != "repair":
            continue
        inside = cars_in_station(session, station.code)[:cars_per_station]
        queue = station_queue(session, station.code, limit=cars_per_station)
        in_count, queue_count, held = counts.get(station.code, (0, 0, 0))
        board.append(
            StationLoad(
                station=station,
                in_station=inside,
                queue=queue,
                in_station_count=in_count,
                queue_count=queue_count,
                held_count=held,
                open_stop_since=open_stops.get(station.id),
            )
        )
    return board


def change_marker(session: Session) -> tuple[int, ...]:
    """A cheap fingerprint of the plant's state: it changes whenever any terminal writes.

    The newest ledger event, defect, defect step, andon stop and shift note, and how
    many stops are open (ending a stop adds no row). Six index look-ups, whatever the
    history.
    """
    return (
        session.execute(select(func.max(col(StationEvent.id)))).scalar() or 0,
        session.execute(select(func.max(col(Defect.id)))).scalar() or 0,
        session.execute(select(func.max(col(DefectEvent.id)))).scalar() or 0,
        session.execute(select(func.max(col(Downtime.id)))).scalar() or 0,
        session.execute(select(func.max(col(ShiftNote.id)))).scalar() or 0,
        session.execute(
            select(func.count()).select_from(Downtime).where(text("downtime.ended_at IS NULL"))
        ).scalar_one(),
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


def vehicle_history(session: Session, raw_vin: str) -> VehicleHistory:
    """A car's full story: every ledger event, its time at each station, its defects."""
    catalog = plant_catalog(session)
    vin = normalize_vin(raw_vin)
    vehicle = session.execute(select(Vehicle).where(col(Vehicle.vin) == vin)).scalar_one_or_none()
    if vehicle is None:
        raise NotFound(f"Unknown VIN {vin or raw_vin!r}: it is not in the production plan.")
    car = car_summary(catalog, vehicle)
    events = [
        TimelineEvent(
            id=e_id,
            at=at,
            kind=kind,
            station=catalog.station_code(station_id),
            operator=name,
            terminal=terminal,
            note=note,
        )
        for e_id, at, kind, station_id, name, terminal, note in session.execute(
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
            .where(col(StationEvent.vehicle_id) == vehicle.id)
            .order_by(col(StationEvent.id))
        )
    ]
    stays = [
        StationStay(
            station=code,
            started_at=started,
            completed_at=completed,
            seconds=seconds,
            operator=name,
        )
        for code, started, completed, seconds, name in session.execute(
            select(
                col(Station.code),
                col(StationVisit.started_at),
                col(StationVisit.completed_at),
                col(StationVisit.cycle_seconds),
                col(Operator.name),
            )
            .join(Station, col(Station.id) == col(StationVisit.station_id))
            .outerjoin(Operator, col(Operator.id) == col(StationVisit.operator_id))
            .where(col(StationVisit.vehicle_id) == vehicle.id)
            .order_by(col(StationVisit.started_at), col(StationVisit.id))
        )
    ]
    found_at = aliased(Station)
    defects = [
        DefectLine(
            id=d_id,
            code=code,
            description=description,
            zone=zone,
            severity=severity,
            status=status,
            station=station_code,
            found_at=at,
        )
        for d_id, code, description, zone, severity, status, station_code, at in session.execute(
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
            .where(col(Defect.vehicle_id) == vehicle.id)
            .order_by(col(Defect.id))
        )
    ]
    color_name = session.execute(
        select(col(Color.name)).where(col(Color.id) == vehicle.color_id)
    ).scalar_one()
    model_name = session.execute(
        select(col(VehicleModel.name)).where(col(VehicleModel.id) == vehicle.model_id)
    ).scalar_one()
    return VehicleHistory(
        car=car,
        model_name=model_name,
        color_name=color_name,
        planned_at=vehicle.planned_at,
        first_start_at=vehicle.first_start_at,
        finished_at=vehicle.finished_at,
        delivered_at=vehicle.delivered_at,
        events=events,
        stays=stays,
        defects=defects,
    )


def work_instructions(session: Session, station_code: str, model: str, options: str) -> list[str]:
    """Instructions for this car at this station: station-wide, its model's, its options'."""
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    model_id = catalog.model_by_code(model).id
    car_options = {o for o in options.split(",") if o}
    rows = session.execute(
        select(col(WorkInstruction.model_id), col(WorkInstruction.option), col(WorkInstruction.text))
        .where(col(WorkInstruction.station_id) == station.id)
        .order_by(col(WorkInstruction.id))
    ).all()
    return [
        text
        for row_model, option, text in rows
        if (row_model is None or row_model == model_id) and (option is None or option in car_options)
    ]


def find_vins(session: Session, fragment: str, *, limit: int = 20) -> list[str]:
    """VINs starting or ending with a typed fragment (floor staff quote the last digits)."""
    text = normalize_vin(fragment)
    if len(text) < 4:
        return []
    if len(text) == 17:
        return list(session.execute(select(col(Vehicle.vin)).where(col(Vehicle.vin) == text)).scalars())
    stmt = (
        select(col(Vehicle.vin))
        .where(or_(col(Vehicle.vin).startswith(text), col(Vehicle.vin).endswith(text)))
        .order_by(col(Vehicle.build_seq).desc())
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())
