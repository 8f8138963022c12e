"""The build sequence: a supervisor's deliberate moves out of it, and the starts that broke it.

An override moves a car to another station than its route says (skip ahead, or
back to repeat a station): one ``override`` ledger event at the station the car
is now due at, its note "FROM -> TO: reason", and the car queued there. A
sequence break is observed, not decided: a start flagged ``out_of_sequence``
by the scan because a car earlier in the build sequence was still waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.people.audit import record
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import RuleViolation, VehicleHeld
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.supervision.rules import clean_reason
from neofloor.services.tracking.ledger import append_event, find_vehicle
from neofloor.store.models import EventKind, Operator, StationEvent, StationVisit, Vehicle, VehicleState
from neofloor.store.types import utcnow

_MOVE_ARROW = " -> "


@dataclass(frozen=True)
class OverrideResult:
    vin: str
    from_station: str | None
    to_station: str
    state: str
    event_id: int
    at: datetime
    message: str


@dataclass(frozen=True)
class OverrideMove:
    """One override from the ledger, as the day's list and the shift handover show it."""

    event_id: int
    at: datetime
    vin: str
    build_seq: int
    from_station: str | None
    to_station: str | None  # the station the car was moved to (the event's station)
    reason: str
    by: str | None
    terminal: str
    note: str  # the ledger note as written: "FROM -> TO: reason"


@dataclass(frozen=True)
class SequenceBreak:
    """A car started at a station while a car earlier in the build sequence still waited there."""

    vin: str
    build_seq: int
    station: str
    started_at: datetime
    operator: str | None


@dataclass(frozen=True)
class StationSequence:
    station: str
    starts: int
    breaks: int

    @property
    def adherence(self) -> float | None:
        """Share of starts made in build sequence (None without starts)."""
        return (self.starts - self.breaks) / self.starts if self.starts else None


@dataclass(frozen=True)
class SequenceReport:
    start: datetime
    end: datetime
    stations: tuple[StationSequence, ...]
    breaks: tuple[SequenceBreak, ...]

    @property
    def total(self) -> int:
        return len(self.breaks)

    @property
    def per_station(self) -> dict[str, int]:
        return {s.station: s.breaks for s in self.stations}


def _override_note(from_code: str | None, to_code: str, reason: str) -> str:
    return f"{from_code or '-'}{_MOVE_ARROW}{to_code}: {reason}"


def _read_override_note(note: str) -> tuple[str | None, str | None, str]:
    """(from, to, reason) back from an override's note."""
    moves, sep, reason = note.partition(": ")
    from_code, arrow, to_code = moves.partition(_MOVE_ARROW)
    if not sep or not arrow:
        return None, None, note
    return (None if from_code == "-" else from_code), to_code, reason


def stations_skipped(route: Sequence[str], from_code: str | None, to_code: str) -> list[str]:
    """The line stations a move from ``from_code`` (where the car is or is due) to ``to_code``
    leaves undone: the one it is at and every one between, in route order; none going back.

    A car not yet on the line (``from_code`` None) skips every station before the target.
    """
    if to_code not in route:
        return []
    start = route.index(from_code) if from_code in route else 0
    return list(route[start : route.index(to_code)])


def override_move(
    session: Session,
    raw_vin: str,
    to_station: str,
    reason: str,
    operator_badge: str,
    terminal: str = "",
    *,
    now: datetime | None = None,
) -> OverrideResult:
    """Move a car out of its route order to ``to_station`` (supervisor, shift lead, admin; reason required).

    The car is queued at the target and must be scanned in there. A held car, a
    car in the repair bay (its return names the station instead) and a car that
    has left the line cannot be moved.
    """
    now = now or utcnow()
    reason = clean_reason(reason, what=_("An override"))
    catalog = plant_catalog(session)
    target = catalog.station(to_station)
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.OVERRIDE)
    vehicle = find_vehicle(session, catalog, raw_vin)
    vin = vehicle.vin
    if vehicle.state == VehicleState.HELD:
        raise VehicleHeld(
            _("{vin} is on hold ({hold_reason}); release it before moving it.").format(
                vin=vin, hold_reason=vehicle.hold_reason
            )
        )
    if vehicle.state == VehicleState.IN_REPAIR:
        raise RuleViolation(
            _("{vin} is in the repair bay; name the station when it returns from repair.").format(vin=vin)
        )
    if vehicle.state in (VehicleState.FINISHED, VehicleState.DELIVERED):
        raise RuleViolation(
            _("{vin} has already left the line; only cars on the line can be moved.").format(vin=vin)
        )
    if not target.is_production:
        raise RuleViolation(
            _("{code} is not a line station; an override moves a car along the line.").format(
                code=target.code
            )
        )
    current = catalog.station_by_id(vehicle.station_id)
    if current == target:
        raise RuleViolation(
            _("{vin} is already in {code}.").format(vin=vin, code=target.code)
            if vehicle.state == VehicleState.IN_STATION
            else _("{vin} is already due at {code}.").format(vin=vin, code=target.code)
        )
    from_code = current.code if current else None
    previous_state = vehicle.state
    event_id = append_event(
        session,
        vehicle,
        EventKind.OVERRIDE,
        now,
        station_id=target.id,
        operator=operator,
        terminal=terminal,
        note=_override_note(from_code, target.code, reason),
    )
    vehicle.state = VehicleState.QUEUED
    vehicle.station_id = target.id
    vehicle.state_since = now
    vehicle.resume_state = None
    session.flush()
    record(
        session,
        Action.OVERRIDE,
        now,
        operator=operator,
        terminal=terminal,
        subject=vin,
        before={"station": from_code, "state": previous_state},
        after={"station": target.code, "state": vehicle.state, "reason": reason},
    )
    return OverrideResult(
        vin=vin,
        from_station=from_code,
        to_station=target.code,
        state=vehicle.state,
        event_id=event_id,
        at=now,
        message=_("{vin} moved by override from {origin} to {code}: {reason}.").format(
            vin=vin, origin=from_code or "-", code=target.code, reason=reason
        ),
    )


def overrides_between(
    session: Session, start: datetime, end: datetime, *, limit: int | None = None
) -> list[OverrideMove]:
    """Every override in [start, end), oldest first (the first ``limit`` of them when given).

    Read through the ledger's (kind, at) index.
    """
    catalog = plant_catalog(session)
    stmt = (
        select(
            col(StationEvent.id),
            col(StationEvent.at),
            col(StationEvent.station_id),
            col(StationEvent.note),
            col(StationEvent.terminal),
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(Operator.name),
        )
        .join(Vehicle, col(Vehicle.id) == col(StationEvent.vehicle_id))
        .outerjoin(Operator, col(Operator.id) == col(StationEvent.operator_id))
        .where(
            col(StationEvent.kind) == EventKind.OVERRIDE,
            col(StationEvent.at) >= start,
            col(StationEvent.at) < end,
        )
        .order_by(col(StationEvent.at), col(StationEvent.id))
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    lines = []
    for event_id, at, station_id, note, terminal, vin, build_seq, name in session.execute(stmt).all():
        from_code, _to_code, reason = _read_override_note(note)
        lines.append(
            OverrideMove(
                event_id=event_id,
                at=at,
                vin=vin,
                build_seq=build_seq,
                from_station=from_code,
                to_station=catalog.station_code(station_id),
                reason=reason,
                by=name,
                terminal=terminal,
                note=note,
            )
        )
    return lines


def visit_of_start() -> ColumnElement[bool]:
    """Joins a start event to the station visit it opened (which carries the sequence flag)."""
    return and_(
        col(StationVisit.vehicle_id) == col(StationEvent.vehicle_id),
        col(StationVisit.started_at) == col(StationEvent.at),
        col(StationVisit.station_id) == col(StationEvent.station_id),
    )


def starts_between(start: Any, end: Any) -> tuple[ColumnElement[bool], ...]:
    """Start events in [start, end) (index on kind and time); values or bound parameters."""
    return (
        col(StationEvent.kind) == EventKind.START,
        col(StationEvent.at) >= start,
        col(StationEvent.at) < end,
    )


def sequence_breaks(session: Session, start: datetime, end: datetime) -> SequenceReport:
    """Out-of-sequence starts in [start, end): counted per station beside all starts, and listed.

    Read from the ledger's start events (index on kind and time), each joined to
    its station visit, which carries the flag set when the car was scanned in.
    """
    catalog = plant_catalog(session)
    in_period = starts_between(start, end)
    starts: dict[int, int] = dict(
        session.execute(
            select(col(StationEvent.station_id), func.count())
            .where(*in_period)
            .group_by(col(StationEvent.station_id))
        ).all()
    )
    rows = session.execute(
        select(
            col(StationEvent.at),
            col(StationEvent.station_id),
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(Operator.name),
        )
        .join(StationVisit, visit_of_start())
        .join(Vehicle, col(Vehicle.id) == col(StationEvent.vehicle_id))
        .outerjoin(Operator, col(Operator.id) == col(StationEvent.operator_id))
        .where(*in_period, col(StationVisit.out_of_sequence).is_(True))
        .order_by(col(StationEvent.at), col(StationEvent.id))
    ).all()
    breaks = []
    for at, station_id, vin, build_seq, name in rows:
        station = catalog.station_by_id(station_id)
        breaks.append(
            SequenceBreak(
                vin=vin,
                build_seq=build_seq,
                station=station.code if station else "?",
                started_at=at,
                operator=name,
            )
        )
    stations = tuple(
        StationSequence(
            station=s.code,
            starts=starts.get(s.id, 0),
            breaks=sum(1 for b in breaks if b.station == s.code),
        )
        for s in catalog.production_route
    )
    return SequenceReport(start=start, end=end, stations=stations, breaks=tuple(breaks))
