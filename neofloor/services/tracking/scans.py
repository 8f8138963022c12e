"""Moving cars along the route: scans, holds and releases.

Each call checks every rule before it writes; then, in the caller's one
transaction, it appends the ledger event and updates the car's current state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Insert,
    Row,
    Select,
    Update,
    bindparam,
    insert,
    select,
    text,
    update,
)
from sqlmodel import Session

from neofloor.i18n import _
from neofloor.services.people.audit import record
from neofloor.services.people.chain import lock_chains
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import PlantCatalog, StationInfo
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.errors import (
    ComponentsMissing,
    GateBlocked,
    NotFound,
    OutOfSequence,
    RuleViolation,
    StationStopped,
    VehicleHeld,
)
from neofloor.services.plant.operators import (
    OperatorInfo,
    operator_by_badge,
    prepare_badge_lookup,
)
from neofloor.services.plant.parts import missing_parts, missing_sentence, plant_parts, prepare_parts_lookup
from neofloor.services.plant.vin import validate_vin
from neofloor.services.plant.words import severity_word
from neofloor.services.tracking.ledger import ScanResult, refuse_double_scan, station_label, write_event
from neofloor.store.models import (
    VEHICLE_IN_PLANT,
    Defect,
    DefectCatalogEntry,
    DefectStatus,
    Downtime,
    DowntimeReason,
    EventKind,
    Severity,
    StationKind,
    StationVisit,
    Vehicle,
    VehicleState,
)


def blocking_defect_rows(session: Session, vehicle_id: int) -> list[tuple[str, int, str, str]]:
    """The car's open or unverified critical/major defects: (code, id, severity, status).

    One query on ix_defect_vehicle.
    """
    rows = session.connection().execute(_scan_statements().blocking, {"car": vehicle_id}).all()
    return [(code, defect_id, severity, status) for code, defect_id, severity, status in rows]


def blocking_defects(session: Session, vehicle_id: int) -> list[str]:
    """The car's open or unverified critical/major defects, each with what it still needs.

    "FN-BRK #12 (critical, open: repair and verify)", "WL-DOOR #13 (major,
    repaired: verify)": the code, the number the repair and verify commands
    take, and the next step, in the language spoken now.
    """
    open_step, repaired_step = _("open: repair and verify"), _("repaired: verify")
    return [
        _("{code} #{defect_id} ({severity}, {step})").format(
            code=code,
            defect_id=defect_id,
            severity=severity_word(severity),
            step=open_step if DefectStatus(status) == DefectStatus.OPEN else repaired_step,
        )
        for code, defect_id, severity, status in blocking_defect_rows(session, vehicle_id)
    ]


@dataclass(frozen=True)
class _ScanStatements:
    """The scan's statements, built once: a scan only binds values (the hot path of every terminal)."""

    car: Select[Any]
    earlier_waiting: Select[Any]
    blocking: Select[Any]
    open_stop: Select[Any]
    visit: Insert
    open_visit: Select[Any]
    close_visit: Update
    started: Update
    moved: Update


@cache
def _scan_statements() -> _ScanStatements:
    vehicle, visit = Vehicle.__table__.c, StationVisit.__table__.c  # type: ignore[attr-defined]
    defect, entry = Defect.__table__.c, DefectCatalogEntry.__table__.c  # type: ignore[attr-defined]
    stop, reason = Downtime.__table__.c, DowntimeReason.__table__.c  # type: ignore[attr-defined]
    return _ScanStatements(
        car=select(
            vehicle.id,
            vehicle.vin,
            vehicle.build_seq,
            vehicle.state,
            vehicle.station_id,
            vehicle.hold_reason,
            vehicle.last_scan_station_id,
            vehicle.last_scan_at,
            vehicle.first_start_at,
            vehicle.model_id,
        )
        .where(vehicle.vin == bindparam("vin"))
        # Locked until the scan commits: a second terminal scanning the car waits, then sees its move.
        .with_for_update(),
        # Held cars and cars in the bay are not waiting. The in-plant predicate is
        # literal so the range scan runs on ix_vehicle_wip (station, build_seq).
        earlier_waiting=select(vehicle.id)
        .where(
            vehicle.station_id == bindparam("station"),
            vehicle.build_seq < bindparam("seq"),
            text("vehicle.state IN ('planned', 'queued')"),
            VEHICLE_IN_PLANT,
        )
        .limit(1),
        blocking=select(entry.code, defect.id, defect.severity, defect.status)
        .join_from(Defect.__table__, DefectCatalogEntry.__table__, entry.id == defect.catalog_id)  # type: ignore[attr-defined]
        .where(
            defect.vehicle_id == bindparam("car"),
            defect.severity.in_([Severity.CRITICAL.value, Severity.MAJOR.value]),
            defect.status.in_([DefectStatus.OPEN.value, DefectStatus.REPAIRED.value]),
        )
        .order_by(defect.id),
        # The stop open at the station, through the partial index ux_downtime_open_station.
        open_stop=select(reason.code, reason.description, stop.started_at)
        .join_from(Downtime.__table__, DowntimeReason.__table__, reason.id == stop.reason_id)  # type: ignore[attr-defined]
        .where(stop.station_id == bindparam("station"), text("downtime.ended_at IS NULL")),
        visit=insert(StationVisit).values(
            vehicle_id=bindparam("car"),
            station_id=bindparam("station"),
            started_at=bindparam("at"),
            operator_id=bindparam("operator"),
            out_of_sequence=bindparam("out_of_sequence"),
        ),
        # The car's latest visit of the station: the one this completion closes.
        open_visit=select(visit.id, visit.started_at)
        .where(visit.vehicle_id == bindparam("car"), visit.station_id == bindparam("station"))
        .order_by(visit.id.desc())
        .limit(1),
        close_visit=update(StationVisit)
        .where(visit.id == bindparam("visit"))
        .values(completed_at=bindparam("at"), cycle_seconds=bindparam("seconds")),
        started=update(Vehicle)
        .where(vehicle.id == bindparam("car"))
        .values(
            state=VehicleState.IN_STATION.value,
            state_since=bindparam("at"),
            last_scan_station_id=bindparam("station"),
            last_scan_at=bindparam("at"),
            first_start_at=bindparam("first_start"),
            out_of_sequence=bindparam("out_of_sequence"),
            last_event_id=bindparam("event"),
        ),
        moved=update(Vehicle)
        .where(vehicle.id == bindparam("car"))
        .values(
            state=bindparam("state"),
            station_id=bindparam("next"),
            state_since=bindparam("at"),
            finished_at=bindparam("finished"),
            last_scan_station_id=bindparam("station"),
            last_scan_at=bindparam("at"),
            last_event_id=bindparam("event"),
        ),
    )


def prepare_scans(session: Session) -> None:
    """Compile the scan's look-ups ahead of the first scan (a terminal calls this once, idle).

    SQLAlchemy compiles a statement the first time it runs; for the first car of
    the day that is a few milliseconds the operator would wait. Each look-up runs
    once here with a key that matches nothing, in a read.
    """
    statements = _scan_statements()
    conn = session.connection()
    conn.execute(statements.car, {"vin": ""}).all()
    conn.execute(statements.earlier_waiting, {"station": 0, "seq": 0}).all()
    conn.execute(statements.open_visit, {"car": 0, "station": 0}).all()
    conn.execute(statements.blocking, {"car": 0}).all()
    prepare_parts_lookup(conn)
    conn.execute(statements.open_stop, {"station": 0}).all()
    prepare_badge_lookup(session)


def production_scan(
    session: Session,
    catalog: PlantCatalog,
    station: StationInfo,
    raw_vin: str,
    operator_badge: str,
    terminal: str,
    now: datetime,
) -> ScanResult:
    """Start the car at a production station (work, test, quality gate), or complete it there.

    Refuses (writing nothing) a malformed or unknown VIN, an unknown badge, a
    station the operator is not certified for, a move out of route order, a held
    car, a car with open serious defects at a quality gate, a completion before
    the serials of the station's required parts are captured, a scan at a station
    with an open andon stop (it neither starts nor completes a car until the stop
    ends: a stopped station does no work, and completing would move its car on),
    and a double scan of the same car at the same station within a few seconds.

    Every terminal waits on this call, so it reads and writes columns with
    statements built once (no ORM entities, no unit of work): a few index
    look-ups, two or three inserts and updates, one commit.
    """
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.SCAN, station)
    vin = validate_vin(raw_vin, verify_check_digit=catalog.vin_check_digit)
    if session.new or session.dirty or session.deleted:
        session.flush()  # the statements below bypass the unit of work: let it write first
    conn = session.connection()
    statements = _scan_statements()
    lock_chains(conn)  # before the car's row lock, as every move does (people/chain.py)
    car = conn.execute(statements.car, {"vin": vin}).one_or_none()
    if car is None:
        raise NotFound(_("Unknown VIN {vin}: it is not in the production plan.").format(vin=vin))

    refuse_double_scan(car, station, now, catalog.double_scan_window)
    _refuse_at_stopped_station(conn, statements, catalog, station)
    if car.state == VehicleState.HELD:
        raise VehicleHeld(
            _("{vin} is on hold ({hold_reason}); a supervisor must release it.").format(
                vin=vin, hold_reason=car.hold_reason
            )
        )
    if car.state == VehicleState.IN_REPAIR:
        raise RuleViolation(
            _("{vin} is in the repair bay; it must come back from repair first.").format(vin=vin)
        )
    if car.state in (VehicleState.FINISHED, VehicleState.DELIVERED):
        raise RuleViolation(
            _("{vin} has already passed {code}.").format(vin=vin, code=catalog.last_production_station.code)
        )
    if car.state in (VehicleState.PLANNED, VehicleState.QUEUED):
        if car.station_id != station.id:
            raise OutOfSequence(
                _("{vin} is due at {station_label}, not {code}.").format(
                    vin=vin, station_label=station_label(catalog, car.station_id), code=station.code
                )
            )
        result = _start(conn, statements, car, station, operator, terminal, now)
    elif car.station_id != station.id:
        raise OutOfSequence(
            _("{vin} is in {station_label}; complete it there before {code}.").format(
                vin=vin, station_label=station_label(catalog, car.station_id), code=station.code
            )
        )
    else:
        result = _complete(session, conn, statements, catalog, car, station, operator, terminal, now)
    record(
        conn,
        Action.SCAN,
        now,
        operator=operator,
        terminal=terminal,
        subject=vin,
        after={"station": station.code, "did": result.action},
    )
    # A Vehicle this session loaded before the scan must not show its old state afterwards.
    loaded = session.identity_map.get(session.identity_key(Vehicle, car.id))
    if loaded is not None:
        session.expire(loaded)
    return result


def _refuse_at_stopped_station(
    conn: Connection, statements: _ScanStatements, catalog: PlantCatalog, station: StationInfo
) -> None:
    stop = conn.execute(statements.open_stop, {"station": station.id}).first()
    if stop is not None:
        since = to_local(stop.started_at, catalog.timezone).strftime("%H:%M")
        raise StationStopped(
            _(
                "{code} is stopped since {since} ({reason_code}: {description}); no car "
                "starts or completes here until the stop ends."
            ).format(code=station.code, since=since, reason_code=stop.code, description=stop.description)
        )


def _start(
    conn: Connection,
    statements: _ScanStatements,
    car: Row[Any],
    station: StationInfo,
    operator: OperatorInfo,
    terminal: str,
    now: datetime,
) -> ScanResult:
    # An earlier car of the build sequence still waiting here: this start breaks the sequence.
    out_of_sequence = (
        conn.execute(statements.earlier_waiting, {"station": station.id, "seq": car.build_seq}).first()
        is not None
    )
    values: dict[str, Any] = {
        "car": car.id,
        "station": station.id,
        "at": now,
        "operator": operator.id,
        "terminal": terminal,
    }
    event_id = write_event(conn, kind=EventKind.START.value, **values)
    conn.execute(statements.visit, {**values, "out_of_sequence": out_of_sequence})
    # The car's flag follows its latest start, so the board marks it while it is there.
    conn.execute(
        statements.started,
        {
            **values,
            "first_start": car.first_start_at or now,
            "out_of_sequence": out_of_sequence,
            "event": event_id,
        },
    )
    return ScanResult(car.vin, station.code, "started", VehicleState.IN_STATION, None, event_id, now)


def _complete(
    session: Session,
    conn: Connection,
    statements: _ScanStatements,
    catalog: PlantCatalog,
    car: Row[Any],
    station: StationInfo,
    operator: OperatorInfo,
    terminal: str,
    now: datetime,
) -> ScanResult:
    parts = plant_parts(session)
    if station.id in parts.capturing_station_ids:
        # Only stations that capture serials pay for this: one look-up on ix_fitted_component_vehicle.
        missing = missing_parts(conn, car.id, parts.required_at(station.id, car.model_id))
        if missing:
            raise ComponentsMissing(missing_sentence(station.code, car.vin, missing))
    if station.kind == StationKind.QUALITY_GATE:
        blocking = blocking_defects(session, car.id)
        if blocking:
            raise GateBlocked(
                _("{vin} cannot pass {code}: open serious defects {defects}.").format(
                    vin=car.vin, code=station.code, defects=", ".join(blocking)
                )
            )
    values: dict[str, Any] = {
        "car": car.id,
        "station": station.id,
        "at": now,
        "operator": operator.id,
        "terminal": terminal,
    }
    event_id = write_event(conn, kind=EventKind.COMPLETE.value, **values)
    visit = conn.execute(statements.open_visit, values).first()
    if visit is not None:
        # A terminal whose clock runs behind must not record a negative cycle.
        seconds = max(0.0, (now - visit.started_at).total_seconds())
        conn.execute(statements.close_visit, {"visit": visit.id, "at": now, "seconds": seconds})
    next_station = catalog.next_station(station)
    finished = (
        station == catalog.last_production_station or next_station is None or not next_station.is_production
    )
    if finished:
        state, goes_to = VehicleState.FINISHED, (catalog.yard.id if catalog.yard else None)
    else:
        assert next_station is not None
        state, goes_to = VehicleState.QUEUED, next_station.id
    conn.execute(
        statements.moved,
        {
            **values,
            "state": state.value,
            "next": goes_to,
            "finished": now if finished else None,
            "event": event_id,
        },
    )
    return ScanResult(
        car.vin, station.code, "completed", state, next_station.code if next_station else None, event_id, now
    )
