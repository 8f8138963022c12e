"""The audit trail: who did what, on which terminal, to what, when, and what changed.

Every write service records one row through ``record`` in its own transaction, and so do
sign-ins, failed sign-ins, lockouts and sign-outs. Rows are appended only (triggers refuse
UPDATE and DELETE on SQLite and PostgreSQL) and chained like the station-event ledger
(``chain.py``), so ``neofloor verify`` shows a row changed behind the app's back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import Connection, Insert, Select, bindparam, insert, select
from sqlmodel import Session

from neofloor.services.people.chain import AUDIT_FIELDS, lock_and_head, row_hash
from neofloor.services.plant.records import OperatorInfo
from neofloor.store.models import AuditEntry

# A page of the audit screen or of `neofloor audit`.
PAGE_SIZE = 100
MAX_PAGE = 5_000


class SessionEvent(StrEnum):
    """What the audit trail records besides the writes (``permissions.Action``)."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKOUT = "lockout"
    SIGN_OUT = "sign_out"
    UNLOCK = "unlock"
    SET_PIN = "set_pin"
    SET_LANGUAGE = "set_language"


@dataclass(frozen=True)
class AuditLine:
    """One row of the audit trail, as the screen and the CLI show it."""

    id: int
    at: datetime
    badge: str
    role: str
    terminal: str
    action: str
    subject: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditPage:
    """Rows newest first; ``next_before`` asks for the next (older) page, None at the end."""

    lines: list[AuditLine]
    next_before: int | None


@cache
def _insert() -> Insert:
    return insert(AuditEntry).values({name: bindparam(name) for name in (*AUDIT_FIELDS, "chain_hash")})


def _json(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def audit_values(
    action: str,
    at: datetime,
    *,
    operator: OperatorInfo | None = None,
    badge: str = "",
    terminal: str = "",
    subject: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An audit row's columns (``AUDIT_FIELDS``) as ``record`` writes them; bulk loads chain and COPY them."""
    return {
        "at": at,
        "operator_id": operator.id if operator else None,
        "badge": operator.badge if operator else badge[:32],
        "role": operator.role if operator else "",
        "terminal": terminal[:64],
        "action": str(action),
        "subject": subject[:64],
        "before": _json(before),
        "after": _json(after),
    }


def record(
    session: Session | Connection,
    action: str,
    at: datetime,
    *,
    operator: OperatorInfo | None = None,
    badge: str = "",
    terminal: str = "",
    subject: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    """Append one audit row in the caller's transaction, chained to the last one; answer its id."""
    if isinstance(session, Session):
        if session.new or session.dirty or session.deleted:
            session.flush()
        conn = session.connection()
    else:
        conn = session
    values = audit_values(
        action,
        at,
        operator=operator,
        badge=badge,
        terminal=terminal,
        subject=subject,
        before=before,
        after=after,
    )
    previous = lock_and_head(conn, "audit")
    values["chain_hash"] = row_hash(previous, tuple(values[name] for name in AUDIT_FIELDS))
    result = conn.execute(_insert(), values)
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _query(
    badge: str | None,
    subject: str | None,
    action: str | None,
    since: datetime | None,
    until: datetime | None,
    before_id: int | None,
) -> Select[Any]:
    audit = AuditEntry.__table__.c  # type: ignore[attr-defined]
    query = select(
        audit.id,
        audit.at,
        audit.badge,
        audit.role,
        audit.terminal,
        audit.action,
        audit.subject,
        audit.before,
        audit.after,
    )
    if badge:
        query = query.where(audit.badge == badge.strip())
    if subject:
        query = query.where(audit.subject == subject.strip().upper())
    if action:
        query = query.where(audit.action == action.strip())
    if since is not None:
        query = query.where(audit.at >= since)
    if until is not None:
        query = query.where(audit.at < until)
    if before_id is not None:
        query = query.where(audit.id < before_id)
    return query.order_by(audit.id.desc())


def audit_page(
    session: Session,
    *,
    badge: str | None = None,
    subject: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> AuditPage:
    """A page of the audit trail, newest first, filtered by person, car (or badge), action, period.

    Keyset pagination on the id: each page is an index range, however long the trail.
    """
    limit = max(1, min(limit, MAX_PAGE))
    rows = (
        session.connection()
        .execute(_query(badge, subject, action, since, until, before_id).limit(limit + 1))
        .all()
    )
    lines = [
        AuditLine(
            id=r.id,
            at=r.at,
            badge=r.badge,
            role=r.role,
            terminal=r.terminal,
            action=r.action,
            subject=r.subject,
            before=json.loads(r.before) if r.before else None,
            after=json.loads(r.after) if r.after else None,
        )
        for r in rows[:limit]
    ]
    more = len(rows) > limit
    return AuditPage(lines, lines[-1].id if more and lines else None)
