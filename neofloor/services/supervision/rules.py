"""The line supervisor's rules: who may do what, and the checks the supervision services share.

The services themselves live beside this module, one room per concern:
``repair`` (the repair bay loop) and ``repair_time`` (time in repair),
``andon`` (stops and downtime), ``overrides`` (out-of-sequence moves and
sequence breaks), ``takt`` (takt and production time, from the shift
calendar of ``shifts``) and ``line_status`` (the takt-paced line board).

Who may do what:

- send a car to repair: supervisor, shift lead, admin, inspector (inspectors find
  the defects that send cars there); never an operator.
- scan a car in and out at the repair bay, and send a repaired car back to the
  station it left: whoever may scan at the repair bay, by the scanning rule
  (an operator certified for the bay; an inspector or a line leader).
- send a repaired car to another station than the one it left, override the
  build sequence: supervisor, shift lead, admin only.
- raise or end an andon stop (at a line station or the repair bay), by the
  same rule as scanning: an operator at a station they are certified for;
  inspectors (a quality stop), supervisors, shift leads and admins at any
  station, so an open stop left by a closed terminal can be ended from anywhere.
"""

from __future__ import annotations

from datetime import datetime

from neofloor.services.plant import text
from neofloor.services.plant.catalog import StationInfo
from neofloor.services.plant.clock import to_local
from neofloor.services.plant.errors import InvalidInput, PermissionDenied
from neofloor.services.plant.operators import OperatorInfo
from neofloor.services.plant.records import LINE_LEADERS
from neofloor.store.models import Role

# Who may send a car to the repair bay.
REPAIR_SENDERS = LINE_LEADERS | {Role.INSPECTOR}
# Who may decide a car's route: override the sequence, redirect a repaired car.
ROUTE_DECIDERS = LINE_LEADERS
# Roles that act only at stations they are certified for (as when scanning).
STATION_CREW = frozenset({Role.OPERATOR})
# Ledger notes hold at most 500 characters; a reason leaves room for "FROM -> TO: ".
REASON_MAX = text.REASON_MAX


def clean_reason(value: str, *, what: str, required: bool = True) -> str:
    """A reason or note by the plant's one text rule; refused when missing (if required)."""
    cleaned = text.clean_text(value, what="The text", max_length=REASON_MAX)
    if required and not cleaned:
        raise InvalidInput(f"{what} needs a reason.")
    return cleaned


def require_line_leader(operator: OperatorInfo, action: str) -> None:
    """Refuse ``action`` unless a supervisor, shift lead or admin asks for it."""
    if operator.role not in ROUTE_DECIDERS:
        raise PermissionDenied(
            f"{operator.name} may not {action}; only a supervisor, shift lead or admin may."
        )


def require_repair_sender(operator: OperatorInfo) -> None:
    if operator.role not in REPAIR_SENDERS:
        raise PermissionDenied(
            f"{operator.name} may not send a car to repair; "
            "only a supervisor, shift lead, admin or inspector may."
        )


def require_station_crew(operator: OperatorInfo, station: StationInfo, action: str) -> None:
    """Operators act only at stations they are certified for; inspectors and leaders anywhere."""
    if operator.role in STATION_CREW and station.id not in operator.station_ids:
        raise PermissionDenied(
            f"{operator.name} is not certified for {station.code}; "
            f"an inspector, supervisor, shift lead or admin can {action} there."
        )


def local_hhmm(moment: datetime, zone: str) -> str:
    """A time of day as the floor reads it (plant local time)."""
    return to_local(moment, zone).strftime("%H:%M")
