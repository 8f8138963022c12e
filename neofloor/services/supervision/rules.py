"""The line supervisor's rules: who may do what, and the checks the supervision services share.

The services themselves live beside this module, one room per concern:
``repair`` (the repair bay loop) and ``repair_time`` (time in repair),
``andon`` (stops and downtime), ``overrides`` (out-of-sequence moves and
sequence breaks), ``takt`` (takt and production time, from the shift
calendar of ``shifts``) and ``line_status`` (the takt-paced line board).

Who may do what is the one table of ``neofloor.services.people.permissions``
(docs/security.md).
"""

from __future__ import annotations

from datetime import datetime

from neofloor.i18n import _
from neofloor.services.plant import text
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.errors import InvalidInput

# Ledger notes hold at most 500 characters; a reason leaves room for "FROM -> TO: ".
REASON_MAX = text.REASON_MAX


def clean_reason(value: str, *, what: str, required: bool = True) -> str:
    """A reason or note by the plant's one text rule; refused when missing (if required)."""
    cleaned = text.clean_text(value, what=_("The text"), max_length=REASON_MAX)
    if required and not cleaned:
        raise InvalidInput(_("{what} needs a reason.").format(what=what))
    return cleaned


def local_hhmm(moment: datetime, zone: str) -> str:
    """A time of day as the floor reads it (plant local time)."""
    return to_local(moment, zone).strftime("%H:%M")
