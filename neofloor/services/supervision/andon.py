"""Andon stops and downtime: a station stops with a reason from the plant config, then runs again.

A stop is one ``downtime`` row: station, reason, start, end, who raised and who
ended it. It is open while ``ended_at`` is empty. Stops never overlap at one
station: the service refuses a second one, and the unique partial index
``ux_downtime_open_station`` backs that up when two terminals press at once.
That rule also means the stop running at a moment, per station, is the last
one started before it, which keeps :func:`downtime_between` to index seeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.people.audit import record
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import PlantCatalog, StationInfo, plant_catalog
from neofloor.services.plant.clock import format_duration
from neofloor.services.plant.errors import InvalidInput, NotFound, RuleViolation
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.plant.records import Stop as Stop
from neofloor.services.plant.records import stop_from_row
from neofloor.services.supervision.rules import clean_reason, local_hhmm
from neofloor.services.tracking.floor import read_rows
from neofloor.store.models import Downtime, DowntimeReason, Operator, StationKind
from neofloor.store.types import utcnow


@dataclass(frozen=True)
class DowntimeReasonInfo:
    code: str
    description: str


@dataclass(frozen=True)
class AndonResult:
    stop: Stop
    message: str


@dataclass(frozen=True)
class DowntimeSpan:
    """A stop cut to a period: the part of it that falls inside (for availability and OEE)."""

    stop: Stop
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def downtime_reasons(session: Session) -> list[DowntimeReasonInfo]:
    """The plant config's downtime reasons, in the order the config lists them."""
    rows = session.execute(
        select(col(DowntimeReason.code), col(DowntimeReason.description)).order_by(col(DowntimeReason.id))
    ).all()
    return [DowntimeReasonInfo(code, description) for code, description in rows]


def _reason_id(session: Session, code: str) -> int:
    """The id of the downtime reason with this code, or :class:`NotFound` naming the known ones."""
    wanted = code.strip().upper()
    reason_id: int | None = session.execute(
        select(col(DowntimeReason.id)).where(col(DowntimeReason.code) == wanted)
    ).scalar_one_or_none()
    if reason_id is None:
        known = ", ".join(r.code for r in downtime_reasons(session))
        raise NotFound(
            _("Unknown downtime reason {code!r}; reasons are {known}.").format(code=code, known=known)
        )
    return reason_id


def _stoppable(station: StationInfo) -> bool:
    """The line's stations and the repair bay stop; the yard and the delivery area do not."""
    return station.is_production or station.kind == StationKind.REPAIR


def _stop_station(catalog: PlantCatalog, code: str) -> StationInfo:
    station = catalog.station(code)
    if not _stoppable(station):
        raise RuleViolation(
            _("Stops are raised at the line's stations and the repair bay, not at {code}.").format(
                code=station.code
            )
        )
    return station


def _stops(session: Session, catalog: PlantCatalog, rows: list[Downtime], now: datetime) -> list[Stop]:
    """Plain stops from downtime rows, with reason texts and names looked up in two queries."""
    if not rows:
        return []
    reasons = {
        r_id: (code, description)
        for r_id, code, description in session.execute(
            select(col(DowntimeReason.id), col(DowntimeReason.code), col(DowntimeReason.description))
        )
    }
    people_ids = {i for r in rows for i in (r.raised_by_id, r.ended_by_id) if i is not None}
    names: dict[int | None, str] = dict(
        session.execute(
            select(col(Operator.id), col(Operator.name)).where(col(Operator.id).in_(people_ids))
        ).all()
    )
    stops = []
    for row in rows:
        assert row.id is not None  # read from the database, or just flushed to it
        station = catalog.station_by_id(row.station_id)
        code, description = reasons.get(row.reason_id, ("?", "unknown reason"))
        stops.append(
            Stop(
                id=row.id,
                station=station.code if station else "?",
                station_name=station.name if station else "?",
                reason_code=code,
                reason=description,
                started_at=row.started_at,
                ended_at=row.ended_at,
                raised_by=names.get(row.raised_by_id),
                ended_by=names.get(row.ended_by_id),
                note=row.note,
                seconds=max(0.0, ((row.ended_at or now) - row.started_at).total_seconds()),
            )
        )
    return stops


def _open_stop(session: Session, station: StationInfo) -> Downtime | None:
    return session.execute(
        select(Downtime).where(col(Downtime.station_id) == station.id, col(Downtime.ended_at).is_(None))
    ).scalar_one_or_none()


def _stopped_sentence(session: Session, catalog: PlantCatalog, stop: Downtime, now: datetime) -> str:
    shown = _stops(session, catalog, [stop], now)[0]
    who = _(", raised by {raised_by}").format(raised_by=shown.raised_by) if shown.raised_by else ""
    since = local_hhmm(stop.started_at, catalog.timezone)
    return _("{station} is already stopped since {since} ({reason}{who}); end that stop first.").format(
        station=shown.station, since=since, reason=shown.reason, who=who
    )


def raise_andon(
    session: Session,
    station_code: str,
    reason_code: str,
    operator_badge: str,
    note: str = "",
    *,
    now: datetime | None = None,
    terminal: str = "",
) -> AndonResult:
    """Stop a station with a reason from the plant config; refused while it is already stopped."""
    now = now or utcnow()
    note = clean_reason(note, what=_("An andon stop"), required=False)
    catalog = plant_catalog(session)
    station = _stop_station(catalog, station_code)
    reason_id = _reason_id(session, reason_code)
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.ANDON_RAISE, station)
    latest = session.execute(
        select(Downtime)
        .where(col(Downtime.station_id) == station.id)
        .order_by(col(Downtime.started_at).desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is not None and latest.ended_at is None:
        raise RuleViolation(_stopped_sentence(session, catalog, latest, now))
    if latest is not None and latest.ended_at is not None and latest.ended_at > now:
        until = local_hhmm(latest.ended_at, catalog.timezone)
        raise RuleViolation(
            _("{code} was stopped until {until}; a new stop cannot start before the last one ended.").format(
                code=station.code, until=until
            )
        )
    stop = Downtime(
        station_id=station.id,
        reason_id=reason_id,
        started_at=now,
        raised_by_id=operator.id,
        note=note,
    )
    session.add(stop)
    try:
        session.flush()
    except IntegrityError as exc:  # another terminal stopped the station a moment ago
        raise RuleViolation(
            _("{code} is already stopped; end that stop first.").format(code=station.code)
        ) from exc
    shown = _stops(session, catalog, [stop], now)[0]
    record(
        session,
        Action.ANDON_RAISE,
        now,
        operator=operator,
        terminal=terminal,
        subject=station.code,
        after={"reason": shown.reason_code, "note": note},
    )
    return AndonResult(
        shown,
        _("{code} stopped: {reason} ({reason_code}).").format(
            code=station.code, reason=shown.reason, reason_code=shown.reason_code
        ),
    )


def end_andon(
    session: Session,
    station_code: str,
    operator_badge: str,
    note: str = "",
    *,
    now: datetime | None = None,
    terminal: str = "",
) -> AndonResult:
    """End the open stop at a station; who ended it is stored, and a note is added to the stop's."""
    now = now or utcnow()
    note = clean_reason(note, what=_("Ending a stop"), required=False)
    catalog = plant_catalog(session)
    station = _stop_station(catalog, station_code)
    operator = operator_by_badge(session, operator_badge, now=now)
    require(operator, Action.ANDON_END, station)
    stop = _open_stop(session, station)
    if stop is None:
        raise RuleViolation(_("{code} has no open stop to end.").format(code=station.code))
    if now < stop.started_at:
        since = local_hhmm(stop.started_at, catalog.timezone)
        raise InvalidInput(_("A stop cannot end before it started ({since}).").format(since=since))
    stop.ended_at = now
    stop.ended_by_id = operator.id
    if note:
        stop.note = f"{stop.note} | {note}" if stop.note else note
    session.flush()
    shown = _stops(session, catalog, [stop], now)[0]
    record(
        session,
        Action.ANDON_END,
        now,
        operator=operator,
        terminal=terminal,
        subject=station.code,
        before={"stopped_since": stop.started_at},
        after={"ended_at": now, "note": note},
    )
    return AndonResult(
        shown,
        _("{code} running again after {duration} ({reason}).").format(
            code=station.code, duration=format_duration(shown.seconds), reason=shown.reason
        ),
    )


@cache
def _open_stops_stmt() -> Select[*tuple[Any, ...]]:
    """Open stops with their reason and people, through the partial index of open stops.

    No ORDER BY: it would have SQLite walk every stop ever raised in start order; at most
    one stop per station is open, so they are sorted here.
    """
    raised_by, ended_by = aliased(Operator), aliased(Operator)
    return (
        select(
            col(Downtime.station_id),
            col(Downtime.id),
            col(DowntimeReason.code),
            col(DowntimeReason.description),
            col(Downtime.started_at),
            col(Downtime.ended_at),
            col(raised_by.name),
            col(ended_by.name),
            col(Downtime.note),
        )
        .outerjoin(DowntimeReason, col(DowntimeReason.id) == col(Downtime.reason_id))
        .outerjoin(raised_by, col(raised_by.id) == col(Downtime.raised_by_id))
        .outerjoin(ended_by, col(ended_by.id) == col(Downtime.ended_by_id))
        .where(text("downtime.ended_at IS NULL"))
    )


def open_stops(session: Session, *, now: datetime | None = None) -> list[Stop]:
    """Every station stopped now, the longest stop first (whatever terminal raised it)."""
    now = now or utcnow()
    catalog = plant_catalog(session)
    stops = []
    # One statement, the stop's reason and people joined (as _stops shows a stop).
    for station_id, *row in read_rows(session, _open_stops_stmt()):
        stops.append(stop_from_row(catalog.station_by_id(station_id), row, now))
    return sorted(stops, key=lambda s: (s.started_at, s.station))


def downtime_between(
    session: Session,
    start: datetime,
    end: datetime,
    station: str | None = None,
    *,
    now: datetime | None = None,
) -> list[DowntimeSpan]:
    """Stops that overlap [start, end), each cut to the period; an open stop counts until ``now``.

    Every station's stops, the repair bay's included (it is off the line: leave it
    out of the line's availability); or one station's.
    """
    now = now or utcnow()
    catalog = plant_catalog(session)
    stations = [catalog.station(station)] if station else [s for s in catalog.stations if _stoppable(s)]
    ids = [s.id for s in stations]
    started_inside = select(Downtime).where(
        col(Downtime.started_at) >= start,
        col(Downtime.started_at) < end,
        col(Downtime.station_id).in_(ids),
    )
    rows = list(session.execute(started_inside).scalars())
    for station_id in ids:  # the one stop per station that may run across ``start``
        before = session.execute(
            select(Downtime)
            .where(col(Downtime.station_id) == station_id, col(Downtime.started_at) < start)
            .order_by(col(Downtime.started_at).desc())
            .limit(1)
        ).scalar_one_or_none()
        if before is not None and (before.ended_at is None or before.ended_at > start):
            rows.append(before)
    spans = []
    for stop in _stops(session, catalog, rows, now):
        low, high = max(stop.started_at, start), min(stop.ended_at or now, end)
        if high > low:
            spans.append(DowntimeSpan(stop=stop, start=low, end=high))
    return sorted(spans, key=lambda s: (s.start, s.stop.station))
