"""Who may do what: THE role × action table, and the one check every write runs.

Every write service calls ``require(operator, action, station)`` before it writes; the screens
call ``may`` to offer only what the signed-in person may do. docs/security.md prints the same
table (a test holds the two together).

A rule names the roles that may act anywhere, and the roles that may act only at a station they
hold a valid certification for (operators at their stations; an automated station's account at
its own). A certification that has expired counts as none, and the refusal says when it expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from babel.dates import format_date

from neofloor.i18n import N_, SOURCE_LANGUAGE, _, language
from neofloor.services.plant.errors import PermissionDenied
from neofloor.services.plant.records import OperatorInfo
from neofloor.store.models import Role


class Action(StrEnum):
    """Every write in the plant, by the name the audit trail records it under, and the views
    only some roles open (``view_*``: reads, checked by the screens that offer them)."""

    SCAN = "scan"
    HOLD = "hold"
    RELEASE = "release"
    SEND_TO_REPAIR = "send_to_repair"
    REPAIR_SCAN = "repair_scan"
    BACK_TO_LINE = "back_to_line"
    REDIRECT = "redirect"
    OVERRIDE = "override"
    ANDON_RAISE = "andon_raise"
    ANDON_END = "andon_end"
    DEFECT_LOG = "defect_log"
    DEFECT_SEVERITY = "defect_severity"
    DEFECT_REPAIR = "defect_repair"
    DEFECT_VERIFY = "defect_verify"
    DEFECT_REJECT = "defect_reject"
    DEFECT_CANCEL = "defect_cancel"
    SHIFT_NOTE = "shift_note"
    PDI_CHECK = "pdi_check"
    YARD_PARK = "yard_park"
    DELIVER = "deliver"
    RECALL_HOLD = "recall_hold"
    COMPONENT_ADD = "component_add"
    COMPONENT_REPLACE = "component_replace"
    PLAN_IMPORT = "plan_import"
    OPERATOR_ADMIN = "operator_admin"
    OPERATOR_UNLOCK = "operator_unlock"
    VIEW_SKILLS = "view_skills"
    VIEW_AUDIT = "view_audit"


class StationLike(Protocol):
    """What a rule reads of a station: its id and its code (``StationInfo`` has both)."""

    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...


# Line leaders act anywhere on the line; quality adds the inspectors.
LEADERS = frozenset({Role.SUPERVISOR, Role.SHIFT_LEAD, Role.ADMIN})
QUALITY = LEADERS | {Role.INSPECTOR}
CREW = frozenset({Role.OPERATOR})
# The yard and delivery crews: operators and inspectors certified for the yard or the delivery station.
HANDLERS = frozenset({Role.OPERATOR, Role.INSPECTOR})


@dataclass(frozen=True)
class Rule:
    """Who may do one action, and the sentences that refuse everyone else."""

    what: str  # "release a hold": read after "may not"
    anywhere: frozenset[Role]
    certified: frozenset[Role] = frozenset()
    # After "<name> may not <what>; ": who may instead.
    others: str = ""
    # After "<name> is not certified for <STATION>": who may there instead ("" ends the sentence).
    elsewhere: str = ""
    description: str = ""
    # The whole refusal for someone not certified there, when the plain one reads badly.
    uncertified: str = ""


_ONLY_CERTIFIED = N_("{name} may {what} only at a station they are certified for, not {code}.")
_ANYONE_AT_STATION = N_("; an inspector, supervisor, shift lead or admin can {what} there.")
_CERTIFIED_OR_LEADER = N_("; only someone certified there or a line leader may {what}.")

RULES: dict[Action, Rule] = {
    Action.SCAN: Rule(N_("scan cars"), QUALITY, CREW | {Role.STATION}, "", "", N_("start or complete a car")),
    # The station's certification, or a role that acts anywhere on the line (inspectors included).
    Action.HOLD: Rule(
        N_("hold a car"),
        QUALITY,
        CREW,
        "",
        N_("; an inspector, supervisor, shift lead or admin can hold it."),
        N_("stop a car where it is, with a reason"),
    ),
    Action.RELEASE: Rule(
        N_("release a hold"), QUALITY, others=N_("that takes an admin, inspector, shift lead or supervisor.")
    ),
    Action.SEND_TO_REPAIR: Rule(
        N_("send a car to repair"),
        QUALITY,
        others=N_("only a supervisor, shift lead, admin or inspector may.")
    ),
    Action.REPAIR_SCAN: Rule(N_("scan cars"), QUALITY, CREW, elsewhere=_ANYONE_AT_STATION),
    Action.BACK_TO_LINE: Rule(N_("send cars back to the line"), QUALITY, CREW, elsewhere=_ANYONE_AT_STATION),
    Action.REDIRECT: Rule(
        N_("send a repaired car to another station than the one it left"),
        LEADERS,
        others=N_("only a supervisor, shift lead or admin may."),
    ),
    Action.OVERRIDE: Rule(
        N_("override the build sequence"), LEADERS, others=N_("only a supervisor, shift lead or admin may.")
    ),
    Action.ANDON_RAISE: Rule(N_("raise a stop"), QUALITY, CREW, elsewhere=_ANYONE_AT_STATION),
    Action.ANDON_END: Rule(N_("end a stop"), QUALITY, CREW, elsewhere=_ANYONE_AT_STATION),
    Action.DEFECT_LOG: Rule(
        N_("log defects"),
        QUALITY,
        CREW,
        elsewhere=N_("; an inspector or a line leader can {what} there."),
        uncertified=_ONLY_CERTIFIED,
    ),
    Action.DEFECT_SEVERITY: Rule(
        N_("log a defect above its catalog severity"),
        QUALITY,
        others=N_("that takes an inspector or a line leader.")
    ),
    Action.DEFECT_REPAIR: Rule(
        N_("record repairs"),
        QUALITY,
        CREW,
        elsewhere=N_("; an inspector or a line leader can {what} there."),
        uncertified=_ONLY_CERTIFIED,
    ),
    Action.DEFECT_VERIFY: Rule(
        N_("verify repairs"), frozenset({Role.INSPECTOR}), others=N_("that takes an inspector.")
    ),
    Action.DEFECT_REJECT: Rule(
        N_("reject repairs"), frozenset({Role.INSPECTOR}), others=N_("that takes an inspector.")
    ),
    Action.DEFECT_CANCEL: Rule(
        N_("cancel a defect"), QUALITY, others=N_("that takes an inspector or a line leader.")
    ),
    Action.SHIFT_NOTE: Rule(
        N_("write a shift note"), LEADERS, others=N_("that takes an admin, shift lead or supervisor.")
    ),
    # The yard, the PDI and the handover: whoever holds the yard's (the delivery station's)
    # certification, operator or inspector, or a line leader anywhere.
    Action.PDI_CHECK: Rule(
        N_("sign a pre-delivery inspection"), LEADERS, HANDLERS, elsewhere=_CERTIFIED_OR_LEADER
    ),
    Action.YARD_PARK: Rule(
        N_("park or move cars in the yard"), LEADERS, HANDLERS, elsewhere=_CERTIFIED_OR_LEADER
    ),
    Action.DELIVER: Rule(
        N_("hand a car over to its customer"), LEADERS, HANDLERS, elsewhere=_CERTIFIED_OR_LEADER
    ),
    Action.RECALL_HOLD: Rule(
        N_("hold the cars of a recall"), LEADERS, others=N_("only a supervisor, shift lead or admin may.")
    ),
    # A serial is captured by whoever may scan at the part's station, replaced by the repair bay's crew.
    Action.COMPONENT_ADD: Rule(
        N_("record a fitted component"), QUALITY, CREW | {Role.STATION}, elsewhere=_ANYONE_AT_STATION
    ),
    Action.COMPONENT_REPLACE: Rule(
        N_("replace a fitted component"), QUALITY, CREW, elsewhere=_ANYONE_AT_STATION
    ),
    Action.PLAN_IMPORT: Rule(
        N_("add cars to the production plan"),
        LEADERS,
        others=N_("only a supervisor, shift lead or admin may.")
    ),
    Action.OPERATOR_ADMIN: Rule(
        N_("manage operators and certifications"), frozenset({Role.ADMIN}), others=N_("that takes an admin.")
    ),
    Action.OPERATOR_UNLOCK: Rule(
        N_("unlock a badge"), LEADERS, others=N_("only a supervisor, shift lead or admin may.")
    ),
    Action.VIEW_SKILLS: Rule(
        N_("open the skills matrix"), LEADERS, others=N_("only a supervisor, shift lead or admin may.")
    ),
    Action.VIEW_AUDIT: Rule(
        N_("open the audit trail"), LEADERS, others=N_("only a supervisor, shift lead or admin may.")
    ),
}


def rule(action: Action) -> Rule:
    return RULES[action]


def may(operator: OperatorInfo, action: Action, station: StationLike | None = None) -> bool:
    """May ``operator`` do ``action`` (at ``station``)? Without a station: at some station at least.

    The screens ask this to show only allowed keys and commands; ``require`` is the same check.
    """
    entry = RULES[action]
    if operator.role in entry.anywhere:
        return True
    if operator.role not in entry.certified:
        return False
    if station is None:
        return bool(operator.station_ids)
    return station.id in operator.station_ids


def require(operator: OperatorInfo, action: Action, station: StationLike | None = None) -> None:
    """Refuse ``action`` with one sentence unless ``may`` allows it."""
    if may(operator, action, station):
        return
    entry = RULES[action]
    what = _(entry.what)
    if operator.role in entry.certified:
        where = station.code if station is not None else _("any station")
        expired = expired_on(operator, station)
        tail = _(entry.elsewhere).format(what=what) if entry.elsewhere else "."
        if expired is not None:
            raise PermissionDenied(
                _("{name}'s certification for {where} expired on {day}{tail}").format(
                    name=operator.name, where=where, day=long_date(expired), tail=tail
                )
            )
        if entry.uncertified:
            raise PermissionDenied(_(entry.uncertified).format(name=operator.name, what=what, code=where))
        raise PermissionDenied(
            _("{name} is not certified for {where}{tail}").format(name=operator.name, where=where, tail=tail)
        )
    others = _(entry.others) if entry.others else _("that is not part of their role.")
    raise PermissionDenied(
        _("{name} may not {what}; {others}").format(name=operator.name, what=what, others=others)
    )


def expired_on(operator: OperatorInfo, station: StationLike | None) -> date | None:
    """The day ``operator``'s certification for ``station`` expired, if it did."""
    if station is None:
        return None
    for station_id, day in operator.expired:
        if station_id == station.id:
            return day
    return None


def long_date(day: date) -> str:
    """A date as the floor reads it: 3 Nov 2026 (3 nov. 2026 in French)."""
    if language() == SOURCE_LANGUAGE:
        return f"{day.day} {day.strftime('%b %Y')}"
    return format_date(day, "d MMM y", locale=language())


def roles_for(action: Action) -> dict[Role, str]:
    """Each role's standing for ``action``: "yes", "certified station" or "no" (the documented table)."""
    entry = RULES[action]
    return {
        role: "yes" if role in entry.anywhere else "certified station" if role in entry.certified else "no"
        for role in Role
    }


_SHORT = {"yes": "yes", "certified station": "own station", "no": "—"}


def markdown_table() -> str:
    """The role × action table as docs/security.md prints it (``python -m`` this module prints it)."""
    roles = list(Role)
    head = "| action | what | " + " | ".join(role.value for role in roles) + " |"
    rule_line = "|" + "---|" * (len(roles) + 2)
    lines = [head, rule_line]
    for action in Action:
        standing = roles_for(action)
        cells = " | ".join(_SHORT[standing[role]] for role in roles)
        lines.append(f"| `{action.value}` | {RULES[action].what} | {cells} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
