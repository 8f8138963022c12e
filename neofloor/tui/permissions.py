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
    # The yard's handover key and the handover form; the PDI's pass and fail keys.
    "handover": "deliver",
    "hand_over": "deliver",
    "check": "pdi_check",
    "fail": "pdi_check",
    # Views only some roles open: the table's view actions.
    "show_skills": "view_skills",
    "show_audit": "view_audit",
}
# Actions judged at a station of the plant's, whatever the terminal's: the PDI at the yard,
# the handover at the delivery station (a yard terminal offers both).
STATION_OF_KIND: dict[str, str] = {"pdi_check": "yard", "deliver": "delivery"}


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
    if catalog is not None and what in STATION_OF_KIND:
        station = next((s for s in catalog.stations if s.kind == STATION_OF_KIND[what]), None)
    elif at_station and catalog is not None and floor.station is not None:
        station = next((s for s in catalog.stations if s.code == floor.station), None)
    return may(operator, Action(what), station)


def offered(
    floor: Floor, action: str, parameters: tuple[object, ...] = (), *, at_station: bool = True
) -> bool:
    """Whether a view offers ``action`` to whoever is signed in (True when it needs no permission)."""
    what = plant_action(action, parameters)
    return what is None or may_do(floor, what, at_station=at_station)
