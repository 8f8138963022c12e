"""Who is signed in, and what their role allows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.errors import NotFound
from neofloor.services.plant.records import OperatorInfo as OperatorInfo
from neofloor.store.models import Operator, OperatorStation, Role
from neofloor.store.types import utcnow


@cache
def _badge_statements() -> tuple[Select[Any], Select[Any]]:
    operator, certified = Operator.__table__.c, OperatorStation.__table__.c  # type: ignore[attr-defined]
    return (
        select(
            operator.id, operator.badge, operator.name, operator.role, operator.active, operator.language
        ).where(operator.badge == bindparam("badge")),
        select(certified.station_id, certified.expires_on).where(
            certified.operator_id == bindparam("operator")
        ),
    )


def prepare_badge_lookup(session: Session) -> None:
    """Compile the badge look-up ahead of the first scan (see ``tracking.prepare_scans``)."""
    by_badge, stations_of = _badge_statements()
    conn = session.connection()
    conn.execute(by_badge, {"badge": ""}).all()
    conn.execute(stations_of, {"operator": 0}).all()


def plant_today(session: Session, now: datetime | None = None) -> date:
    """Today in the plant's time zone: the day certifications are judged by."""
    return to_local(now or utcnow(), plant_catalog(session).timezone).date()


def split_certifications(
    rows: Iterable[tuple[int, date | None]], today: date
) -> tuple[frozenset[int], tuple[tuple[int, date], ...]]:
    """Valid station ids, and (station id, expiry) of those expired: one expires on its expiry day."""
    valid: set[int] = set()
    expired: list[tuple[int, date]] = []
    for station_id, expires_on in rows:
        if expires_on is None or today < expires_on:
            valid.add(station_id)
        else:
            expired.append((station_id, expires_on))
    return frozenset(valid), tuple(sorted(expired))


def operator_by_badge(session: Session, badge: str, *, now: datetime | None = None) -> OperatorInfo:
    """The active operator with this badge, or :class:`NotFound`; certifications judged at ``now``.

    Every scan asks this first, so it reads two index look-ups with statements built once.
    """
    by_badge, stations_of = _badge_statements()
    conn = session.connection()
    row = conn.execute(by_badge, {"badge": badge.strip()}).one_or_none()
    if row is None or not row.active:
        raise NotFound(
            _("Unknown badge {badge!r}: nobody with that badge may work here.").format(badge=badge)
        )
    certifications = [(r[0], r[1]) for r in conn.execute(stations_of, {"operator": row.id})]
    valid, expired = split_certifications(certifications, plant_today(session, now))
    return OperatorInfo(
        id=row.id,
        badge=row.badge,
        name=row.name,
        role=row.role,
        station_ids=valid,
        expired=expired,
        language=row.language,
    )


def list_operators(session: Session) -> list[OperatorInfo]:
    """Active people, by name (for the sign-in picker; automated stations' accounts are not people)."""
    certified: dict[int, list[tuple[int, date | None]]] = {}
    for operator_id, station_id, expires_on in session.execute(
        select(
            col(OperatorStation.operator_id), col(OperatorStation.station_id), col(OperatorStation.expires_on)
        )
    ):
        certified.setdefault(operator_id, []).append((station_id, expires_on))
    today = plant_today(session)
    rows = session.execute(
        select(Operator)
        .where(col(Operator.active).is_(True), col(Operator.role) != Role.STATION)
        .order_by(col(Operator.name))
    ).scalars()
    infos = []
    for r in rows:
        valid, expired = split_certifications(certified.get(r.id, []), today)
        infos.append(
            OperatorInfo(
                id=r.id,
                badge=r.badge,
                name=r.name,
                role=r.role,
                station_ids=valid,
                expired=expired,
                language=r.language,
            )
        )
    return infos
