"""The line as it was at a past moment (WIP, held cars, cars in repair, open critical defects,
running stops), rebuilt from the ledger: what a past shift's handover shows.

The cars' current-state columns say how the line is *now*; a shift lead reading yesterday's
handover needs the line when that shift ended. Each part is read through an index, bounded
in time, so a handover for any shift of a ten-year plant costs the same:

- WIP: cars whose first start came before the moment and that had not passed the last
  production station by then — cars finished from the moment on (``ix_vehicle_finished_at``,
  within ``LOOKAHEAD`` of it) or not finished yet;
- held cars: ``hold`` events within ``LOOKBACK`` before the moment with no ``release`` of the
  car between (``ix_station_event_kind_at``, then ``ix_station_event_vehicle``);
- cars in repair: the same for ``to_repair`` and ``from_repair``, with the phase from the
  car's latest repair event before the moment;
- open critical defects: found within ``LOOKBACK`` before the moment, not verified by then
  (nor cancelled since);
- stops running at the moment (``downtime_between``).

A car held, in repair, or in the plant longer than the bounds (a year) would be missed:
far beyond what the plant has seen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session, col

from neofloor.services.metrics.queries import LIST_LIMIT, HeldCar
from neofloor.services.metrics.summary import LineNow
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.quality.records import defect_records
from neofloor.services.supervision.andon import downtime_between
from neofloor.services.supervision.repair import PHASE_REPAIRED, PHASE_REPAIRING, PHASE_WAITING
from neofloor.services.supervision.repair_time import CarInRepair
from neofloor.store.models import (
    Defect,
    DefectStatus,
    EventKind,
    Operator,
    Severity,
    StationEvent,
    Vehicle,
)

LOOKBACK = timedelta(days=366)
LOOKAHEAD = timedelta(days=366)
_PHASE_OF = {
    EventKind.TO_REPAIR.value: PHASE_WAITING,
    EventKind.REPAIR_START.value: PHASE_REPAIRING,
    EventKind.REPAIR_COMPLETE.value: PHASE_REPAIRED,
}


def wip_at(session: Session, moment: datetime) -> int:
    """Cars on the line at ``moment``: started, not yet through the last production station."""
    started = col(Vehicle.first_start_at) < moment
    later = and_(col(Vehicle.finished_at) >= moment, col(Vehicle.finished_at) < moment + LOOKAHEAD)
    count = 0
    for finished in (later, col(Vehicle.finished_at).is_(None)):
        count += int(session.execute(select(func.count()).where(finished, started)).scalar_one())
    return count


def _still_open(session: Session, opening: str, closing: tuple[str, ...], moment: datetime) -> list[Any]:
    """``opening`` events before ``moment`` not followed, for the car, by a ``closing`` one by then."""
    opened = session.execute(
        select(
            col(StationEvent.id),
            col(StationEvent.vehicle_id),
            col(StationEvent.station_id),
            col(StationEvent.at),
            col(StationEvent.note),
            col(StationEvent.operator_id),
        ).where(
            col(StationEvent.kind) == opening,
            col(StationEvent.at) >= moment - LOOKBACK,
            col(StationEvent.at) < moment,
        )
    ).all()
    latest: dict[int, Any] = {}
    for row in opened:
        if row.vehicle_id not in latest or row.id > latest[row.vehicle_id].id:
            latest[row.vehicle_id] = row
    if not latest:
        return []
    # ``kind || ''``: by each car's events (ix_station_event_vehicle), not by every event of a kind.
    closed = dict(
        session.execute(
            select(col(StationEvent.vehicle_id), func.max(col(StationEvent.id)))
            .where(
                col(StationEvent.vehicle_id).in_(list(latest)),
                col(StationEvent.kind).concat("").in_(closing),
                col(StationEvent.at) < moment,
            )
            .group_by(col(StationEvent.vehicle_id))
        ).all()
    )
    return sorted((row for car, row in latest.items() if closed.get(car, 0) < row.id), key=lambda r: r.at)


def _cars(session: Session, ids: list[int]) -> dict[int, Any]:
    rows = session.execute(
        select(
            col(Vehicle.id),
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(Vehicle.model_id),
            col(Vehicle.color_id),
            col(Vehicle.state_since),
        ).where(col(Vehicle.id).in_(ids))
    ).all()
    return {row.id: row for row in rows}


def held_at(session: Session, moment: datetime) -> tuple[HeldCar, ...]:
    catalog = plant_catalog(session)
    holds = _still_open(session, EventKind.HOLD.value, (EventKind.RELEASE.value,), moment)[:LIST_LIMIT]
    cars = _cars(session, [h.vehicle_id for h in holds])
    return tuple(
        HeldCar(
            vin=cars[h.vehicle_id].vin,
            build_seq=cars[h.vehicle_id].build_seq,
            station=catalog.station_code(h.station_id),
            reason=h.note or "",
            held_since=h.at,
            at_station_since=_arrived_before(session, h.vehicle_id, h.id),
        )
        for h in holds
    )


# The events that put a car where it stands: a start puts it in a station, a completion in the
# next one's queue, a return from repair or an override back on the line.
_ARRIVALS = (
    EventKind.START.value,
    EventKind.COMPLETE.value,
    EventKind.FROM_REPAIR.value,
    EventKind.OVERRIDE.value,
)


def _arrived_before(session: Session, car_id: int, event_id: int) -> datetime | None:
    """When the car reached the place it was held at: its last move before the hold."""
    found: datetime | None = session.execute(
        select(func.max(col(StationEvent.at))).where(
            col(StationEvent.vehicle_id) == car_id,
            col(StationEvent.id) < event_id,
            col(StationEvent.kind).concat("").in_(_ARRIVALS),
        )
    ).scalar_one()
    return found


def in_repair_at(session: Session, moment: datetime) -> tuple[CarInRepair, ...]:
    catalog = plant_catalog(session)
    sent = _still_open(session, EventKind.TO_REPAIR.value, (EventKind.FROM_REPAIR.value,), moment)
    sent = sent[:LIST_LIMIT]
    if not sent:
        return ()
    ids = [s.vehicle_id for s in sent]
    cars = _cars(session, ids)
    phases = {
        car: (kind, at)
        for car, kind, at, _ in session.execute(
            select(
                col(StationEvent.vehicle_id),
                col(StationEvent.kind),
                col(StationEvent.at),
                col(StationEvent.id),
            )
            .where(
                col(StationEvent.vehicle_id).in_(ids),
                col(StationEvent.kind).concat("").in_(list(_PHASE_OF)),
                col(StationEvent.at) < moment,
            )
            .order_by(col(StationEvent.id))
        ).all()
    }
    senders = dict(
        session.execute(
            select(col(Operator.id), col(Operator.name)).where(
                col(Operator.id).in_([s.operator_id for s in sent if s.operator_id is not None])
            )
        ).all()
    )
    open_defects = dict(
        session.execute(
            select(col(Defect.vehicle_id), func.count())
            .where(
                col(Defect.vehicle_id).in_(ids),
                col(Defect.found_at) < moment,
                or_(col(Defect.verified_at).is_(None), col(Defect.verified_at) >= moment),
                col(Defect.status) != DefectStatus.CANCELLED,
            )
            .group_by(col(Defect.vehicle_id))
        ).all()
    )
    result = []
    for s in sent:
        car = cars[s.vehicle_id]
        kind, since = phases.get(s.vehicle_id, (EventKind.TO_REPAIR.value, s.at))
        result.append(
            CarInRepair(
                vin=car.vin,
                build_seq=car.build_seq,
                model=catalog.model(car.model_id).code,
                color=catalog.colors[car.color_id][1],
                left_station=catalog.station_code(s.station_id),
                returns_to=catalog.station_code(s.station_id),
                reason=s.note or "",
                sent_at=s.at,
                sent_by=senders.get(s.operator_id),
                phase=_PHASE_OF.get(kind, PHASE_WAITING),
                phase_since=since,
                seconds=(moment - s.at).total_seconds(),
                open_defects=int(open_defects.get(s.vehicle_id, 0)),
            )
        )
    return tuple(sorted(result, key=lambda c: c.build_seq))


def line_at(session: Session, moment: datetime) -> LineNow:
    """The line as the ledger says it stood at ``moment`` (a past shift's end)."""
    unclosed = (
        col(Defect.severity) == Severity.CRITICAL,
        col(Defect.found_at) >= moment - LOOKBACK,
        col(Defect.found_at) < moment,
        or_(col(Defect.verified_at).is_(None), col(Defect.verified_at) >= moment),
        col(Defect.status) != DefectStatus.CANCELLED,
    )
    critical = defect_records(session, *unclosed, limit=LIST_LIMIT, now=moment)
    count = (
        len(critical)
        if len(critical) < LIST_LIMIT
        else int(session.execute(select(func.count()).select_from(Defect).where(*unclosed)).scalar_one())
    )
    spans = downtime_between(session, moment - timedelta(seconds=1), moment, now=moment)
    return LineNow(
        at=moment,
        wip=wip_at(session, moment),
        held=held_at(session, moment),
        in_repair=in_repair_at(session, moment),
        open_critical_count=count,
        open_critical=tuple(critical),
        open_stops=tuple(s.stop for s in spans if s.end >= moment - timedelta(microseconds=1)),
    )
