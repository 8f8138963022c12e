"""Signing in with a badge and a PIN, signing out, lockouts, and setting PINs.

PINs are stored only as argon2id hashes (``plant/pins.py``, cost in docs/security.md). Hashes written by
earlier versions (``pbkdf2_sha256$...``) are still accepted and replaced by argon2id at the
next good sign-in: a hash cannot be upgraded without the PIN it hides.

Five wrong PINs in a row lock the badge for 15 minutes. The count and the lock are stored on
the operator row, so a restart does not unlock it; a supervisor, shift lead or admin can.
A refused sign-in commits its count and audit row before it raises, so the caller's rollback
of the refusal cannot erase the attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.i18n import _, ngettext
from neofloor.services.people.audit import SessionEvent, record
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.errors import InvalidInput, NotFound, PermissionDenied
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.plant.pins import hash_pin, needs_upgrade, pin_matches
from neofloor.services.plant.records import OperatorInfo
from neofloor.store.models import Operator, PlantSetting, Role
from neofloor.store.types import utcnow

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
PIN_MIN, PIN_MAX = 4, 12
SECRET_MIN = 12
IDLE_SETTING = "idle_sign_out_minutes"
IDLE_DEFAULT_MINUTES = 10


class SignInRefused(PermissionDenied):
    """A wrong PIN, a locked badge, a badge without a PIN."""


def check_pin(pin: str, role: str = Role.OPERATOR) -> str:
    """``pin`` if it is a PIN the plant accepts: 4 to 12 digits; a station secret: 12+ characters."""
    if role == Role.STATION:
        if len(pin) < SECRET_MIN or not pin.isprintable():
            raise InvalidInput(
                _("A station secret needs at least {SECRET_MIN} printable characters.").format(
                    SECRET_MIN=SECRET_MIN
                )
            )
        return pin
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise InvalidInput(
            _("A PIN is {PIN_MIN} to {PIN_MAX} digits.").format(PIN_MIN=PIN_MIN, PIN_MAX=PIN_MAX)
        )
    return pin


@dataclass(frozen=True)
class LockState:
    """Whether a badge may try a PIN now, for the sign-in dialog."""

    badge: str
    locked_until: datetime | None
    failures: int
    has_pin: bool


def _operator_row(session: Session, badge: str) -> Operator:
    row: Operator | None = session.execute(
        select(Operator).where(col(Operator.badge) == badge.strip())
    ).scalar_one_or_none()
    if row is None or not row.active:
        raise NotFound(
            _("Unknown badge {badge!r}: nobody with that badge may work here.").format(badge=badge)
        )
    return row


def lock_state(session: Session, badge: str, now: datetime | None = None) -> LockState:
    now = now or utcnow()
    row = _operator_row(session, badge)
    locked = row.locked_until if row.locked_until is not None and row.locked_until > now else None
    return LockState(row.badge, locked, row.failed_pins, row.pin_hash is not None)


def _local_hhmm(session: Session, moment: datetime) -> str:
    return to_local(moment, plant_catalog(session).timezone).strftime("%H:%M")


def sign_in(
    session: Session, badge: str, pin: str, terminal: str = "", now: datetime | None = None
) -> OperatorInfo:
    """The operator with this badge, once the PIN is right; refused with one sentence otherwise.

    Counts wrong PINs; the fifth in a row locks the badge for 15 minutes. Every attempt is in
    the audit trail (never the PIN typed).
    """
    now = now or utcnow()
    badge = badge.strip()
    try:
        row = _operator_row(session, badge)
    except NotFound:
        record(
            session,
            SessionEvent.SIGN_IN_FAILED,
            now,
            badge=badge,
            terminal=terminal,
            subject=badge,
            after={"reason": "unknown badge"},
        )
        session.commit()
        raise
    if row.locked_until is not None and row.locked_until > now:
        record(
            session,
            SessionEvent.SIGN_IN_FAILED,
            now,
            badge=badge,
            terminal=terminal,
            subject=badge,
            after={"reason": "locked"},
        )
        session.commit()
        raise SignInRefused(
            _(
                "Badge {badge} is locked until {until} after {MAX_FAILURES} wrong "
                "PINs; a supervisor can unlock it."
            ).format(badge=badge, until=_local_hhmm(session, row.locked_until), MAX_FAILURES=MAX_FAILURES)
        )
    if row.pin_hash is None:
        raise SignInRefused(
            _("Badge {badge} has no PIN yet; an admin sets one with 'neofloor operator set-pin'.").format(
                badge=badge
            )
        )
    if not pin_matches(row.pin_hash, pin, badge):
        _count_failure(session, row, terminal, now)
        left = MAX_FAILURES - row.failed_pins
        if row.locked_until is not None and row.locked_until > now:
            message = _(
                "Wrong PIN for badge {badge}: it is locked until {until}; a supervisor can unlock it."
            ).format(badge=badge, until=_local_hhmm(session, row.locked_until))
        else:
            message = ngettext(
                "Wrong PIN for badge {badge} ({left} try left before it locks).",
                "Wrong PIN for badge {badge} ({left} tries left before it locks).",
                left,
            ).format(badge=badge, left=left)
        session.commit()
        raise SignInRefused(message)
    if needs_upgrade(row.pin_hash):
        row.pin_hash = hash_pin(pin)
    row.failed_pins = 0
    row.locked_until = None
    session.add(row)
    session.flush()
    operator = operator_by_badge(session, badge, now=now)
    record(session, SessionEvent.SIGN_IN, now, operator=operator, terminal=terminal, subject=badge)
    return operator


def _count_failure(session: Session, row: Operator, terminal: str, now: datetime) -> None:
    row.failed_pins = (row.failed_pins or 0) + 1
    locks = row.failed_pins >= MAX_FAILURES
    if locks:
        row.locked_until = now + LOCKOUT
    session.add(row)
    session.flush()
    record(
        session,
        SessionEvent.SIGN_IN_FAILED,
        now,
        badge=row.badge,
        terminal=terminal,
        subject=row.badge,
        after={"reason": "wrong PIN", "failures": row.failed_pins},
    )
    if locks:
        record(
            session,
            SessionEvent.LOCKOUT,
            now,
            badge=row.badge,
            terminal=terminal,
            subject=row.badge,
            after={"locked_until": row.locked_until},
        )
        row.failed_pins = 0
        session.add(row)
        session.flush()


def sign_out(
    session: Session,
    operator: OperatorInfo,
    terminal: str = "",
    *,
    reason: str = "key",
    now: datetime | None = None,
) -> None:
    """Record a sign-out (``reason``: "key", "idle", "exit")."""
    record(
        session,
        SessionEvent.SIGN_OUT,
        now or utcnow(),
        operator=operator,
        terminal=terminal,
        subject=operator.badge,
        after={"reason": reason},
    )


def unlock(
    session: Session, actor: OperatorInfo, badge: str, terminal: str = "", now: datetime | None = None
) -> str:
    """Lift a badge's lockout (supervisor, shift lead, admin); answers the sentence to show."""
    now = now or utcnow()
    require(actor, Action.OPERATOR_UNLOCK)
    row = _operator_row(session, badge)
    before = {"locked_until": row.locked_until, "failed_pins": row.failed_pins}
    row.locked_until = None
    row.failed_pins = 0
    session.add(row)
    session.flush()
    record(
        session,
        SessionEvent.UNLOCK,
        now,
        operator=actor,
        terminal=terminal,
        subject=row.badge,
        before=before,
        after={"locked_until": None, "failed_pins": 0},
    )
    return _("Badge {badge} ({name}) unlocked.").format(badge=row.badge, name=row.name)


def set_pin(
    session: Session,
    actor: OperatorInfo,
    badge: str,
    pin: str,
    terminal: str = "",
    now: datetime | None = None,
) -> str:
    """Set a badge's PIN (an admin for anyone; everyone for their own badge). Clears a lockout."""
    now = now or utcnow()
    row = _operator_row(session, badge)
    if actor.badge != row.badge:
        require(actor, Action.OPERATOR_ADMIN)
    row.pin_hash = hash_pin(check_pin(pin, row.role))
    row.failed_pins = 0
    row.locked_until = None
    session.add(row)
    session.flush()
    # The audit says a PIN changed, never what it is.
    record(session, SessionEvent.SET_PIN, now, operator=actor, terminal=terminal, subject=row.badge)
    return _("PIN set for badge {badge} ({name}).").format(badge=row.badge, name=row.name)


def idle_sign_out_minutes(session: Session) -> int:
    """Minutes without a key before a terminal signs out (plant config ``idle_sign_out_minutes``)."""
    value = session.execute(
        select(col(PlantSetting.value)).where(col(PlantSetting.key) == IDLE_SETTING)
    ).scalar_one_or_none()
    try:
        minutes = int(value) if value is not None else IDLE_DEFAULT_MINUTES
    except ValueError:
        return IDLE_DEFAULT_MINUTES
    return minutes if minutes > 0 else IDLE_DEFAULT_MINUTES
