"""Operators and their certifications: add, disable, certify, and the skills matrix.

A certification (``operator_station``) has the day it was granted, the first day it no longer
holds, and the training programme it came from (the plant trains with the OFPPT, the national
vocational training office). An expired certification counts as none: the scan is refused
with the day it expired (``permissions.require``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.people.audit import record
from neofloor.services.people.auth import check_pin
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import InvalidInput, NotFound, RuleViolation
from neofloor.services.plant.operators import plant_today
from neofloor.services.plant.pins import hash_pin
from neofloor.services.plant.records import OperatorInfo
from neofloor.services.plant.text import SHORT_TEXT_MAX, clean_text
from neofloor.store.models import Operator, OperatorStation, Role, Station
from neofloor.store.types import utcnow

# A certification this close to its expiry is flagged on the skills matrix.
EXPIRING_WITHIN = timedelta(days=30)
BADGE_MAX = 32


class CertStatus(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"  # within 30 days
    EXPIRED = "expired"
    NONE = "none"


@dataclass(frozen=True)
class Certification:
    station: str
    status: CertStatus
    certified_on: date | None
    expires_on: date | None
    programme: str


@dataclass(frozen=True)
class SkillsRow:
    """One operator across every station of the line, for the skills matrix."""

    badge: str
    name: str
    role: str
    active: bool
    cells: tuple[Certification, ...]


@dataclass(frozen=True)
class SkillsMatrix:
    stations: tuple[str, ...]
    rows: tuple[SkillsRow, ...]
    today: date


def status_of(expires_on: date | None, today: date) -> CertStatus:
    if expires_on is None:
        return CertStatus.VALID
    if today >= expires_on:
        return CertStatus.EXPIRED
    if expires_on - today <= EXPIRING_WITHIN:
        return CertStatus.EXPIRING
    return CertStatus.VALID


def skills_matrix(
    session: Session, *, now: datetime | None = None, include_inactive: bool = False
) -> SkillsMatrix:
    """Operators × stations with each certification's status (valid, expiring in 30 days, expired, none)."""
    today = plant_today(session, now)
    stations = session.execute(
        select(col(Station.id), col(Station.code)).order_by(col(Station.position), col(Station.id))
    ).all()
    codes = tuple(code for _unused, code in stations)
    held: dict[tuple[int, int], OperatorStation] = {
        (c.operator_id, c.station_id): c for c in session.execute(select(OperatorStation)).scalars()
    }
    query = select(Operator).order_by(col(Operator.name))
    if not include_inactive:
        query = query.where(col(Operator.active).is_(True))
    rows = []
    for op in session.execute(query).scalars():
        assert op.id is not None
        cells = []
        for station_id, code in stations:
            cert = held.get((op.id, station_id))
            if cert is None:
                cells.append(Certification(code, CertStatus.NONE, None, None, ""))
            else:
                cells.append(
                    Certification(
                        code,
                        status_of(cert.expires_on, today),
                        cert.certified_on,
                        cert.expires_on,
                        cert.programme,
                    )
                )
        rows.append(SkillsRow(op.badge, op.name, op.role, op.active, tuple(cells)))
    return SkillsMatrix(codes, tuple(rows), today)


def _operator(session: Session, badge: str) -> Operator:
    row: Operator | None = session.execute(
        select(Operator).where(col(Operator.badge) == badge.strip())
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(_("Unknown badge {badge!r}.").format(badge=badge))
    return row


def add_operator(
    session: Session,
    actor: OperatorInfo,
    badge: str,
    name: str,
    role: str,
    pin: str,
    *,
    terminal: str = "",
    now: datetime | None = None,
) -> str:
    """A new operator with a PIN (admin); answers the sentence to show."""
    now = now or utcnow()
    require(actor, Action.OPERATOR_ADMIN)
    badge = clean_text(badge, what=_("The badge"), max_length=BADGE_MAX)
    name = clean_text(name, what=_("The name"), max_length=SHORT_TEXT_MAX)
    if not badge or not name:
        raise InvalidInput(_("A new operator needs a badge and a name."))
    if role not in {r.value for r in Role}:
        raise InvalidInput(_("Role should be one of {roles}.").format(roles=", ".join(r.value for r in Role)))
    if session.execute(select(col(Operator.id)).where(col(Operator.badge) == badge)).first() is not None:
        raise RuleViolation(_("Badge {badge} is already taken.").format(badge=badge))
    session.add(Operator(badge=badge, name=name, role=role, pin_hash=hash_pin(check_pin(pin, role))))
    session.flush()
    record(
        session,
        Action.OPERATOR_ADMIN,
        now,
        operator=actor,
        terminal=terminal,
        subject=badge,
        after={"added": name, "role": role},
    )
    return _("Operator {name} ({badge}, {role}) added.").format(name=name, badge=badge, role=role)


def disable_operator(
    session: Session, actor: OperatorInfo, badge: str, *, terminal: str = "", now: datetime | None = None
) -> str:
    """Take a badge out of use (admin); its history stays."""
    now = now or utcnow()
    require(actor, Action.OPERATOR_ADMIN)
    row = _operator(session, badge)
    if not row.active:
        raise RuleViolation(_("Badge {badge} is already disabled.").format(badge=row.badge))
    if row.badge == actor.badge:
        raise RuleViolation(_("An admin may not disable their own badge."))
    row.active = False
    session.add(row)
    session.flush()
    record(
        session,
        Action.OPERATOR_ADMIN,
        now,
        operator=actor,
        terminal=terminal,
        subject=row.badge,
        before={"active": True},
        after={"active": False},
    )
    return _("Badge {badge} ({name}) disabled.").format(badge=row.badge, name=row.name)


def certify(
    session: Session,
    actor: OperatorInfo,
    badge: str,
    station_code: str,
    *,
    certified_on: date,
    expires_on: date | None,
    programme: str,
    terminal: str = "",
    now: datetime | None = None,
) -> str:
    """Certify an operator for a station (admin), or renew the certification they hold there."""
    now = now or utcnow()
    require(actor, Action.OPERATOR_ADMIN)
    programme = clean_text(programme, what=_("The training programme"), max_length=SHORT_TEXT_MAX)
    if expires_on is not None and expires_on <= certified_on:
        raise InvalidInput(_("A certification must expire after the day it was granted."))
    row = _operator(session, badge)
    station = plant_catalog(session).station(station_code)
    assert row.id is not None
    cert = session.get(OperatorStation, (row.id, station.id))
    before = (
        {"certified_on": cert.certified_on, "expires_on": cert.expires_on, "programme": cert.programme}
        if cert is not None
        else None
    )
    if cert is None:
        cert = OperatorStation(operator_id=row.id, station_id=station.id)
    cert.certified_on, cert.expires_on, cert.programme = certified_on, expires_on, programme
    session.add(cert)
    session.flush()
    record(
        session,
        Action.OPERATOR_ADMIN,
        now,
        operator=actor,
        terminal=terminal,
        subject=row.badge,
        before=before,
        after={
            "station": station.code,
            "certified_on": certified_on,
            "expires_on": expires_on,
            "programme": programme,
        },
    )
    until = _(" until {day}").format(day=expires_on.isoformat()) if expires_on else ""
    return _("{name} certified for {code}{until}.").format(name=row.name, code=station.code, until=until)
