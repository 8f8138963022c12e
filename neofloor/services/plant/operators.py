"""Who is signed in, and what their role allows."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlmodel import Session, col

from neofloor.services.plant.errors import NotFound, PermissionDenied
from neofloor.services.plant.records import ROLE_LABELS
from neofloor.services.plant.records import OperatorInfo as OperatorInfo
from neofloor.store.models import Operator, OperatorStation, Role


@cache
def _badge_statements() -> tuple[Select[Any], Select[Any]]:
    operator, certified = Operator.__table__.c, OperatorStation.__table__.c  # type: ignore[attr-defined]
    return (
        select(operator.id, operator.badge, operator.name, operator.role, operator.active).where(
            operator.badge == bindparam("badge")
        ),
        select(certified.station_id).where(certified.operator_id == bindparam("operator")),
    )


def prepare_badge_lookup(session: Session) -> None:
    """Compile the badge look-up ahead of the first scan (see ``tracking.prepare_scans``)."""
    by_badge, stations_of = _badge_statements()
    conn = session.connection()
    conn.execute(by_badge, {"badge": ""}).all()
    conn.execute(stations_of, {"operator": 0}).all()


def operator_by_badge(session: Session, badge: str) -> OperatorInfo:
    """The active operator with this badge, or :class:`NotFound`.

    Every scan asks this first, so it reads two index look-ups with statements built once.
    """
    by_badge, stations_of = _badge_statements()
    conn = session.connection()
    row = conn.execute(by_badge, {"badge": badge.strip()}).one_or_none()
    if row is None or not row.active:
        raise NotFound(f"Unknown badge {badge!r}: nobody with that badge may work here.")
    stations = conn.execute(stations_of, {"operator": row.id}).scalars()
    return OperatorInfo(
        id=row.id,
        badge=row.badge,
        name=row.name,
        role=row.role,
        station_ids=frozenset(stations),
    )


def list_operators(session: Session) -> list[OperatorInfo]:
    """Active operators, by name (for the sign-in picker)."""
    certified: dict[int, set[int]] = {}
    for operator_id, station_id in session.execute(
        select(col(OperatorStation.operator_id), col(OperatorStation.station_id))
    ):
        certified.setdefault(operator_id, set()).add(station_id)
    rows = session.execute(
        select(Operator).where(col(Operator.active).is_(True)).order_by(col(Operator.name))
    ).scalars()
    return [
        OperatorInfo(
            id=r.id,
            badge=r.badge,
            name=r.name,
            role=r.role,
            station_ids=frozenset(certified.get(r.id, set())),
        )
        for r in rows
    ]


def require_role(operator: OperatorInfo, allowed: frozenset[str], action: str) -> None:
    """Refuse ``action`` unless the operator's role is one of ``allowed``."""
    if operator.role not in allowed:
        names = sorted(ROLE_LABELS[Role(r)] for r in allowed)
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        article = "an" if listed[0] in "aeiou" else "a"
        raise PermissionDenied(f"{operator.name} may not {action}; that takes {article} {listed}.")
