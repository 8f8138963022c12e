"""The languages people read: the plant's default and each operator's own.

A terminal speaks the language given on its command line (``--lang``, ``NEOFLOOR_LANG``), else
the plant's (``[plant] language`` of the config); an operator who carries a language reads it
from the moment they sign in until they sign out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.i18n import LANGUAGE_NAMES, UnknownLanguage, _, normalise_language
from neofloor.services.people.audit import SessionEvent, record
from neofloor.services.people.auth import _operator_row
from neofloor.services.people.permissions import Action, require
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.records import OperatorInfo
from neofloor.store.models import PlantSetting
from neofloor.store.types import utcnow

LANGUAGE_SETTING = "language"
# What a person types to go back to the terminal's language.
TERMINAL_DEFAULT = "default"


def checked_language(value: str) -> str:
    """``fr``, ``FR``, ``fr_MA`` -> ``fr``; a language neofloor does not speak is refused."""
    try:
        return normalise_language(value)
    except UnknownLanguage:
        raise InvalidInput(
            _("Language {language!r} is not one neofloor speaks: use {languages}.").format(
                language=value.strip(), languages=", ".join(LANGUAGE_NAMES)
            )
        ) from None


def plant_language(session: Session) -> str | None:
    """The plant's default language (``[plant] language``), None when the config names none."""
    value = session.execute(
        select(col(PlantSetting.value)).where(col(PlantSetting.key) == LANGUAGE_SETTING)
    ).scalar_one_or_none()
    if not value:
        return None
    try:
        return normalise_language(value)
    except UnknownLanguage:
        return None


def set_operator_language(
    session: Session,
    actor: OperatorInfo,
    badge: str,
    language: str,
    terminal: str = "",
    now: datetime | None = None,
) -> str:
    """Set the language a person reads (an admin for anyone; everyone for their own badge).

    ``default`` clears it: the person then reads the terminal's language.
    """
    now = now or utcnow()
    row = _operator_row(session, badge)
    if actor.badge != row.badge:
        require(actor, Action.OPERATOR_ADMIN)
    code = None if language.strip().lower() == TERMINAL_DEFAULT else checked_language(language)
    before = row.language
    row.language = code
    session.add(row)
    session.flush()
    record(
        session,
        SessionEvent.SET_LANGUAGE,
        now,
        operator=actor,
        terminal=terminal,
        subject=row.badge,
        before={"language": before},
        after={"language": code},
    )
    if code is None:
        message = _("Badge {badge} ({name}) reads the terminal's language.")
        return message.format(badge=row.badge, name=row.name)
    return _("Badge {badge} ({name}) reads {language}.").format(
        badge=row.badge, name=row.name, language=LANGUAGE_NAMES[code]
    )
