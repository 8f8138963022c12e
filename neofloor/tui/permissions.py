"""What the screens offer the signed-in person: only what the people services' table allows.

The rule is the services' (``services.people.permissions.may``, the one role × action
table); this module only says which of a view's actions is which of the plant's
actions. A key it does not name needs no permission (reading, moving around). The
services still check every write: this is what is *offered*, not what is enforced.

Nobody signed in: nothing that writes is offered. The services' module is imported only
once someone has signed in (after the store is open), never before the first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from neofloor.tui.floor import Floor

# A view's action (its Textual action name, or name and first parameter) → the plant's
# action, by its value in ``services.people.permissions.Action``.
SCREEN_ACTIONS: dict[str, str] = {
    "hold": "hold",
    "release": "release",
    "send_to_repair": "send_to_repair",
    "override": "override",
    "return_from_repair": "back_to_line",
    "raise_stop": "andon_raise",
    "end_stop": "andon_end",
    "defect:repair": "defect_repair",
    "defect:verify": "defect_verify",
    "defect:reject": "defect_verify",
    "defect:cancel": "defect_cancel",
    "log_defect": "defect_log",
    "add_note": "shift_note",
}
# Views only the line's leaders open (the skills matrix, the audit trail): the plant's rule of
# who leads the line (``OperatorInfo.is_line_leader``), as they are reads, not writes.
LEADERS_VIEWS = frozenset({"show_skills", "show_audit"})


def plant_action(action: str, parameters: tuple[object, ...] = ()) -> str | None:
    """The plant's action behind a view's action, or None when it needs no permission."""
    if parameters and f"{action}:{parameters[0]}" in SCREEN_ACTIONS:
        return SCREEN_ACTIONS[f"{action}:{parameters[0]}"]
    return SCREEN_ACTIONS.get(action)


def may_do(floor: Floor, what: str, *, at_station: bool = True) -> bool:
    """May whoever is signed in do the plant's action ``what``, at this terminal's station?

    ``at_station``: judged at the terminal's station when it has one; else (or when false)
    "at some station at least", as the line board acts on every station.
    """
    operator = floor.operator
    if operator is None:
        return False
    from neofloor.services.people.permissions import Action, may

    station = None
    catalog = floor.catalog
    if at_station and catalog is not None and floor.station is not None:
        station = next((s for s in catalog.stations if s.code == floor.station), None)
    return may(operator, Action(what), station)


def offered(
    floor: Floor, action: str, parameters: tuple[object, ...] = (), *, at_station: bool = True
) -> bool:
    """Whether a view offers ``action`` to whoever is signed in (True when it needs no permission)."""
    if action in LEADERS_VIEWS:
        return floor.operator is not None and floor.operator.is_line_leader
    what = plant_action(action, parameters)
    return what is None or may_do(floor, what, at_station=at_station)
