"""Shift notes: what a shift lead hands over to the next shift, beside the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.people.audit import record
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.errors import InvalidInput, RuleViolation
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.plant.shifts import shift_window
from neofloor.services.plant.text import LONG_TEXT_MAX, clean_text
from neofloor.services.tracking.ledger import inserted_id
from neofloor.store.models import Operator, ShiftNote
from neofloor.store.types import utcnow

NOTE_LIMIT = LONG_TEXT_MAX


@dataclass(frozen=True)
class ShiftNoteLine:
    """A note typed for a shift's handover."""

    id: int
    shift_date: date
    shift_code: str
    written_at: datetime
    author: str | None
    text: str


def add_shift_note(
    session: Session,
    local_date: date,
    shift_code: str,
    text: str,
    badge: str,
    *,
    now: datetime | None = None,
    terminal: str = "",
) -> ShiftNoteLine:
    """Add a note to a shift's handover (shift lead, supervisor or admin).

    Refuses an empty or over-long note, an unknown shift, a date the shift does
    not run on, and a shift that has not started yet (most likely a mistyped date).
    """
    now = now or utcnow()
    body = clean_text(text, what=_("A shift note"), max_length=NOTE_LIMIT, multiline=True)
    if not body:
        raise InvalidInput(_("A shift note needs some text."))
    operator = operator_by_badge(session, badge, now=now)
    require(operator, Action.SHIFT_NOTE)
    window = shift_window(session, local_date, shift_code)
    if now < window.start:
        raise RuleViolation(
            _("Shift {label} has not started yet; notes are for a shift under way or past.").format(
                label=window.label
            )
        )
    note_id = inserted_id(
        session.execute(
            insert(ShiftNote).values(
                shift_date=window.local_date.isoformat(),
                shift_code=window.code,
                text=body,
                written_at=now,
                author_id=operator.id,
            )
        )
    )
    record(
        session,
        Action.SHIFT_NOTE,
        now,
        operator=operator,
        terminal=terminal,
        subject=f"{window.local_date.isoformat()} {window.code}",
        after={"note": note_id},
    )
    return ShiftNoteLine(
        id=note_id,
        shift_date=window.local_date,
        shift_code=window.code,
        written_at=now,
        author=operator.name,
        text=body,
    )


def list_shift_notes(session: Session, local_date: date, shift_code: str) -> list[ShiftNoteLine]:
    """The notes of one shift, oldest first."""
    rows = session.execute(
        select(
            col(ShiftNote.id),
            col(ShiftNote.written_at),
            col(Operator.name),
            col(ShiftNote.text),
            col(ShiftNote.shift_code),
        )
        .outerjoin(Operator, col(Operator.id) == col(ShiftNote.author_id))
        .where(
            col(ShiftNote.shift_date) == local_date.isoformat(),
            func.upper(col(ShiftNote.shift_code)) == shift_code.strip().upper(),
        )
        .order_by(col(ShiftNote.written_at), col(ShiftNote.id))
    ).all()
    return [
        ShiftNoteLine(
            id=note_id, shift_date=local_date, shift_code=code, written_at=at, author=name, text=body
        )
        for note_id, at, name, body, code in rows
    ]
