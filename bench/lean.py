"""The floor's three reads written lean, to show what the services could cost.

Same tables, same indexes, same ``Session``, still SQLAlchemy (so a service could
do exactly this), but with statements built once (bound parameters, the
compiled form cached), column tuples instead of ORM entities, and the line
board in three statements instead of two per station. Cars come back as the
services' ``CarSummary``; events, stays and defects as plain tuples.

The scan is here too, on its accepted paths (start; complete and move on).
These are measured beside the services (``lean_*`` figures): the gap between a
service and its lean twin is Python and ORM work, not SQLite.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert, literal_column, select, text, update
from sqlmodel import Session, col

from neofloor.services.plant.catalog import PlantCatalog, plant_catalog
from neofloor.services.plant.parts import missing_parts, plant_parts
from neofloor.services.tracking.floor import CarSummary
from neofloor.store.models import (
    Defect,
    DefectCatalogEntry,
    Downtime,
    Operator,
    OperatorStation,
    Station,
    StationEvent,
    StationVisit,
    Vehicle,
)

CARS_PER_COLUMN = 8
_IN_PLANT = "vehicle.state NOT IN ('finished', 'delivered')"
_CAR_COLUMNS = (
    col(Vehicle.vin),
    col(Vehicle.build_seq),
    col(Vehicle.model_id),
    col(Vehicle.color_id),
    col(Vehicle.state),
    col(Vehicle.station_id),
    col(Vehicle.state_since),
    col(Vehicle.options),
    col(Vehicle.option_notes),
    col(Vehicle.hold_reason),
    col(Vehicle.order_ref),
)


def _summary(catalog: PlantCatalog, row: Any) -> CarSummary:
    vin, build_seq, model_id, color_id, state, station_id, since, options, notes, hold, order_ref = row[:11]
    model = catalog.model(model_id)
    station = catalog.station_by_id(station_id)
    return CarSummary(
        vin=vin,
        build_seq=build_seq,
        model=model.code,
        model_name=model.name,
        color=catalog.colors[color_id][1],
        state=state,
        station=station.code if station else None,
        since=since,
        options=options,
        option_notes=notes,
        hold_reason=hold,
        order_ref=order_ref,
    )


@cache
def _queue_stmt() -> Any:
    return (
        select(*_CAR_COLUMNS)
        .where(
            col(Vehicle.station_id) == bindparam("station"),
            text(_IN_PLANT),
            text(
                "(vehicle.state IN ('planned', 'queued') "
                "OR (vehicle.state = 'held' AND vehicle.resume_state IN ('planned', 'queued')))"
            ),
        )
        .order_by(col(Vehicle.build_seq))
        .limit(bindparam("limit"))
    )


def station_queue(session: Session, station_code: str, limit: int = 50) -> list[CarSummary]:
    catalog = plant_catalog(session)
    station = catalog.station(station_code)
    rows = session.execute(_queue_stmt(), {"station": station.id, "limit": limit}).all()
    return [_summary(catalog, row) for row in rows]


@cache
def _board_stmts() -> tuple[Any, Any, Any]:
    counts = text(
        "SELECT station_id, state, resume_state, count(*) FROM vehicle "
        f"WHERE {_IN_PLANT} AND station_id IS NOT NULL GROUP BY station_id, state, resume_state"
    )
    stops = select(col(Downtime.station_id), col(Downtime.started_at)).where(
        text("downtime.ended_at IS NULL")
    )
    place: Any = literal_column(
        "CASE WHEN vehicle.state = 'in_station' "
        "OR (vehicle.state = 'held' AND vehicle.resume_state = 'in_station') THEN 'in' "
        "WHEN vehicle.state IN ('planned', 'queued') "
        "OR (vehicle.state = 'held' AND vehicle.resume_state IN ('planned', 'queued')) THEN 'wait' "
        "ELSE 'other' END"
    )
    newest_first = (col(Vehicle.state_since).desc(), col(Vehicle.build_seq))
    column = (col(Vehicle.station_id), place)
    ranked = (
        select(
            *_CAR_COLUMNS,
            place.label("place"),
            func.row_number().over(partition_by=column, order_by=newest_first).label("newest"),
            func.row_number().over(partition_by=column, order_by=col(Vehicle.build_seq)).label("first"),
        )
        .where(text(_IN_PLANT), col(Vehicle.station_id).is_not(None))
        .subquery()
    )
    cars = (
        select(ranked)
        .where(
            text(
                f"(place = 'in' AND newest <= {CARS_PER_COLUMN}) "
                f"OR (place = 'wait' AND first <= {CARS_PER_COLUMN})"
            )
        )
        .order_by(text("station_id, place, CASE WHEN place = 'in' THEN newest ELSE first END"))
    )
    return counts, stops, cars


def line_board(session: Session) -> list[tuple[Any, ...]]:
    """Per board column: station, cars in it (newest first), first cars waiting, counts, open stop."""
    catalog = plant_catalog(session)
    counts_stmt, stops_stmt, cars_stmt = _board_stmts()
    counts: dict[int, list[int]] = {}
    for station_id, state, resume_state, count in session.execute(counts_stmt):
        effective = resume_state if state == "held" else state
        slot = counts.setdefault(station_id, [0, 0, 0])
        slot[0 if effective == "in_station" else 1] += count
        slot[2] += count if state == "held" else 0
    stops = dict(session.execute(stops_stmt).all())
    inside: dict[int, list[CarSummary]] = {}
    waiting: dict[int, list[CarSummary]] = {}
    for row in session.execute(cars_stmt):
        target = inside if row.place == "in" else waiting
        target.setdefault(row.station_id, []).append(_summary(catalog, row))
    board = []
    for station in (*catalog.route, *(s for s in catalog.stations if s.position is None)):
        if not station.is_production and station.kind != "repair":
            continue
        in_count, queue_count, held = counts.get(station.id, [0, 0, 0])
        board.append(
            (
                station.code,
                inside.get(station.id, []),
                waiting.get(station.id, []),
                in_count,
                queue_count,
                held,
                stops.get(station.id),
            )
        )
    return board


@cache
def _history_stmts() -> tuple[Any, Any, Any, Any]:
    car = select(
        col(Vehicle.id),
        *_CAR_COLUMNS,
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
    defects = (
        select(
            col(Defect.id),
            col(DefectCatalogEntry.code),
            col(DefectCatalogEntry.description),
            col(Defect.zone),
            col(Defect.severity),
            col(Defect.status),
            col(Defect.station_id),
            col(Defect.found_at),
        )
        .join(DefectCatalogEntry, col(DefectCatalogEntry.id) == col(Defect.catalog_id))
        .where(col(Defect.vehicle_id) == bindparam("car"))
        .order_by(col(Defect.id))
    )
    return car, events, stays, defects


def vehicle_history(session: Session, vin: str) -> tuple[Any, ...]:
    """The car, its events, its station stays and its defects: four statements, names from the catalog."""
    catalog = plant_catalog(session)
    car_stmt, events_stmt, stays_stmt, defects_stmt = _history_stmts()
    row = session.execute(car_stmt, {"vin": vin}).one()
    car = _summary(catalog, row[1:])
    model_name = catalog.model(row.model_id).name
    color_name = catalog.colors[row.color_id][1]
    params = {"car": row.id}
    events = session.execute(events_stmt, params).all()
    stays = session.execute(stays_stmt, params).all()
    defects = session.execute(defects_stmt, params).all()
    return car, model_name, color_name, row.planned_at, events, stays, defects


# --- the scan ----------------------------------------------------------------------------


@cache
def _scan_stmts() -> dict[str, Any]:
    visit = StationVisit
    return {
        "operator": select(col(Operator.id), col(Operator.role), col(Operator.active)).where(
            col(Operator.badge) == bindparam("badge")
        ),
        "certified": select(col(OperatorStation.station_id)).where(
            col(OperatorStation.operator_id) == bindparam("operator")
        ),
        "car": select(
            col(Vehicle.id),
            col(Vehicle.build_seq),
            col(Vehicle.state),
            col(Vehicle.station_id),
            col(Vehicle.last_scan_station_id),
            col(Vehicle.last_scan_at),
            col(Vehicle.first_start_at),
            col(Vehicle.model_id),
        ).where(col(Vehicle.vin) == bindparam("vin")),
        "earlier": select(col(Vehicle.id))
        .where(
            col(Vehicle.station_id) == bindparam("station"),
            col(Vehicle.build_seq) < bindparam("seq"),
            text("vehicle.state IN ('planned', 'queued')"),
            text(_IN_PLANT),
        )
        .limit(1),
        "event": insert(StationEvent).values(
            vehicle_id=bindparam("car"),
            station_id=bindparam("station"),
            kind=bindparam("kind"),
            at=bindparam("at"),
            operator_id=bindparam("operator"),
            terminal=bindparam("terminal"),
            note="",
        ),
        "visit": insert(visit).values(
            vehicle_id=bindparam("car"),
            station_id=bindparam("station"),
            started_at=bindparam("at"),
            operator_id=bindparam("operator"),
            out_of_sequence=bindparam("out_of_sequence"),
        ),
        "open_visit": select(col(visit.id), col(visit.started_at))
        .where(col(visit.vehicle_id) == bindparam("car"), col(visit.station_id) == bindparam("station"))
        .order_by(col(visit.id).desc())
        .limit(1),
        "close_visit": update(visit)
        .where(col(visit.id) == bindparam("visit"))
        .values(completed_at=bindparam("at"), cycle_seconds=bindparam("seconds")),
        "blocking": select(col(Defect.id)).where(
            col(Defect.vehicle_id) == bindparam("car"),
            text("defect.severity IN ('critical', 'major') AND defect.status IN ('open', 'repaired')"),
        ),
        "started": update(Vehicle)
        .where(col(Vehicle.id) == bindparam("car"))
        .values(
            state="in_station",
            state_since=bindparam("at"),
            last_scan_station_id=bindparam("station"),
            last_scan_at=bindparam("at"),
            first_start_at=bindparam("first_start"),
            out_of_sequence=bindparam("out_of_sequence"),
            last_event_id=bindparam("event"),
        ),
        "moved": update(Vehicle)
        .where(col(Vehicle.id) == bindparam("car"))
        .values(
            state=bindparam("state"),
            station_id=bindparam("next"),
            state_since=bindparam("at"),
            finished_at=bindparam("finished"),
            last_scan_station_id=bindparam("station"),
            last_scan_at=bindparam("at"),
            last_event_id=bindparam("event"),
        ),
    }


def record_scan(
    session: Session, station_code: str, vin: str, badge: str, terminal: str, now: datetime
) -> str:
    """The service's scan on a car that may move (start, or complete and queue at the next station).

    The same reads and writes as ``tracking.record_scan`` on its accepted paths,
    as prebuilt Core statements in the caller's ``db.write()``; refusals are
    plain exceptions (the benchmark scans only cars that may move).
    """
    catalog = plant_catalog(session)
    stmts = _scan_stmts()
    conn = session.connection()  # Core on the session's transaction: no ORM unit of work
    station = catalog.station(station_code)
    operator = conn.execute(stmts["operator"], {"badge": badge}).one()
    certified = set(conn.execute(stmts["certified"], {"operator": operator.id}).scalars())
    if operator.role == "operator" and station.id not in certified:
        raise PermissionError(f"{badge} is not certified for {station.code}")
    car = conn.execute(stmts["car"], {"vin": vin}).one()
    if (
        car.last_scan_station_id == station.id
        and car.last_scan_at
        and now - car.last_scan_at < timedelta(seconds=5)
    ):
        raise ValueError("double scan")
    if car.station_id != station.id or car.state in ("held", "in_repair", "finished", "delivered"):
        raise ValueError(f"{vin} cannot move at {station.code}")
    params = {"car": car.id, "station": station.id, "at": now, "operator": operator.id, "terminal": terminal}
    if car.state in ("planned", "queued"):
        earlier = conn.execute(stmts["earlier"], {"station": station.id, "seq": car.build_seq}).first()
        event = conn.execute(stmts["event"], {**params, "kind": "start"}).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(stmts["visit"], {**params, "out_of_sequence": earlier is not None})
        conn.execute(
            stmts["started"],
            {
                **params,
                "first_start": car.first_start_at or now,
                "out_of_sequence": earlier is not None,
                "event": event,
            },
        )
        return "started"
    parts = plant_parts(session)
    if station.id in parts.capturing_station_ids and missing_parts(
        conn, car.id, parts.required_at(station.id, car.model_id)
    ):
        raise ValueError(f"{vin} lacks serials at {station.code}")
    if station.kind == "quality_gate" and conn.execute(stmts["blocking"], {"car": car.id}).first():
        raise ValueError(f"{vin} has open serious defects")
    event = conn.execute(stmts["event"], {**params, "kind": "complete"}).inserted_primary_key[0]  # type: ignore[index]
    visit = conn.execute(stmts["open_visit"], params).first()
    if visit is not None:
        seconds = (now - visit.started_at).total_seconds()
        conn.execute(stmts["close_visit"], {"visit": visit.id, "at": now, "seconds": seconds})
    following = catalog.next_station(station)
    last = station == catalog.last_production_station or following is None or not following.is_production
    yard = catalog.yard.id if catalog.yard else None
    conn.execute(
        stmts["moved"],
        {
            **params,
            "state": "finished" if last else "queued",
            "next": yard if last else following.id,  # type: ignore[union-attr]
            "finished": now if last else None,
            "event": event,
        },
    )
    return "completed"
