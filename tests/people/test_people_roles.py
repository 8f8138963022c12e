"""Every role against every write action: the table (``permissions.RULES``), the services and the CLI
agree, and docs/security.md prints the same table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from neofloor.cli import main
from neofloor.services.delivery.components import capture_component, replace_component
from neofloor.services.delivery.handover import deliver_car
from neofloor.services.delivery.pdi import check_pdi_item
from neofloor.services.delivery.yard import park_car
from neofloor.services.people.auth import unlock
from neofloor.services.people.certifications import certify
from neofloor.services.people.permissions import RULES, Action, may
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import NeofloorError, PermissionDenied
from neofloor.services.plant.operators import operator_by_badge
from neofloor.services.quality.defects import add_defect
from neofloor.services.scan import record_scan
from neofloor.services.supervision.andon import raise_andon
from neofloor.services.supervision.overrides import override_move
from neofloor.services.supervision.repair import send_to_repair
from neofloor.services.tracking.holds import hold_vehicle, release_vehicle
from neofloor.services.tracking.planning import add_vehicle
from neofloor.store.engine import Database
from neofloor.store.models import Role
from tests.conftest import SUPERVISOR, T0, make_vin, plan_cars, scan

# One badge of each role in the demo plant (the station account is the end-of-line rig's).
BADGES = {
    Role.OPERATOR: "1001",  # BODY, PAINT
    Role.INSPECTOR: "2001",  # EOL, WATER, QG
    Role.SUPERVISOR: "3001",
    Role.SHIFT_LEAD: "4001",
    Role.ADMIN: "9001",
    Role.STATION: "EOL-RIG",  # EOL only
}
AT = T0
LATER = T0.replace(minute=30)

# Each write: the station it is judged at (None: anywhere), and the call, given a car at BODY.
Call = Callable[[Session, str, str], Any]
WRITES: dict[Action, tuple[str | None, Call]] = {
    Action.SCAN: ("BODY", lambda s, b, vin: record_scan(s, "BODY", vin, b, "t", now=LATER)),
    Action.HOLD: ("BODY", lambda s, b, vin: hold_vehicle(s, vin, "seat check", b, now=LATER)),
    Action.RELEASE: (None, lambda s, b, vin: _held_then_released(s, b, vin)),
    Action.SEND_TO_REPAIR: (None, lambda s, b, vin: send_to_repair(s, vin, "weld", b, now=LATER)),
    Action.OVERRIDE: (None, lambda s, b, vin: override_move(s, vin, "TRIM1", "urgent", b, now=LATER)),
    Action.ANDON_RAISE: ("BODY", lambda s, b, vin: raise_andon(s, "BODY", "MAT", b, now=LATER)),
    Action.DEFECT_LOG: (
        "BODY",
        lambda s, b, vin: add_defect(s, vin, "BODY", "PT-RUN", "front", b, now=LATER),
    ),
    Action.PLAN_IMPORT: (None, lambda s, b, vin: add_vehicle(s, make_vin(50), "C1", "WHT", now=AT, badge=b)),
    Action.OPERATOR_ADMIN: (
        None,
        lambda s, b, vin: certify(
            s,
            operator_by_badge(s, b, now=AT),
            "1002",
            "BODY",
            certified_on=date(2026, 1, 1),
            expires_on=date(2028, 1, 1),
            programme="OFPPT",
        ),
    ),
    Action.OPERATOR_UNLOCK: (None, lambda s, b, vin: unlock(s, operator_by_badge(s, b, now=AT), "1002")),
    # The delivery writes, judged at their stations (a car at BODY: the allowed are refused next by
    # "not in the yard" or "has not reached", after the permission passed).
    Action.YARD_PARK: ("YARD", lambda s, b, vin: park_car(s, vin, "A-01", b, now=LATER)),
    Action.PDI_CHECK: ("YARD", lambda s, b, vin: check_pdi_item(s, vin, "PAINT", b, passed=True, now=LATER)),
    Action.DELIVER: (
        "DELIVERY",
        lambda s, b, vin: deliver_car(s, vin, "Omar Tazi", b, financing="cash", now=LATER),
    ),
    Action.COMPONENT_ADD: (
        "TRIM2",
        lambda s, b, vin: capture_component(s, vin, "AIRBAG-D", "ABD000000001", b, now=LATER),
    ),
    Action.COMPONENT_REPLACE: (
        "REPAIR",
        lambda s, b, vin: replace_component(s, vin, "AIRBAG-D", "ABD000000001", b, "torn", now=LATER),
    ),
}


def _held_then_released(session: Session, badge: str, vin: str) -> Any:
    hold_vehicle(session, vin, "seat check", SUPERVISOR, now=LATER)
    return release_vehicle(session, vin, badge, now=LATER)


def _allowed(session: Session, badge: str, action: Action, station: str | None) -> bool:
    operator = operator_by_badge(session, badge, now=AT)
    return may(operator, action, plant_catalog(session).station(station) if station else None)


@pytest.mark.parametrize("role", list(BADGES), ids=str)
@pytest.mark.parametrize("action", list(WRITES), ids=str)
def test_each_role_against_each_write_in_the_services(db: Database, action: Action, role: Role) -> None:
    """The service refuses with PermissionDenied exactly when the table says no."""
    (vin,) = plan_cars(db, 1)
    scan(db, "BODY", vin, AT)  # in BODY
    badge = BADGES[role]
    station, call = WRITES[action]
    with db.read() as session:
        allowed = _allowed(session, badge, action, station)
    try:
        with db.write() as session:
            call(session, badge, vin)
    except PermissionDenied as exc:
        assert not allowed, f"{role} refused {action}: {exc}"
    except NeofloorError:
        assert allowed  # refused by another rule, after the permission passed
    else:
        assert allowed, f"{role} was let {action}"


def test_the_table_covers_every_action() -> None:
    assert set(RULES) == set(Action)
    assert set(WRITES) <= set(Action)


# The CLI: the same table, through --operator and its PIN.
COMMANDS: dict[Action, tuple[str | None, list[str]]] = {
    Action.SCAN: ("BODY", ["scan", "--station", "BODY", "{vin}"]),
    Action.HOLD: ("BODY", ["hold", "{vin}", "--reason", "seat check"]),
    Action.SEND_TO_REPAIR: (None, ["repair", "send", "{vin}", "--reason", "weld"]),
    Action.OVERRIDE: (None, ["override", "{vin}", "--to", "TRIM1", "--reason", "urgent"]),
    Action.ANDON_RAISE: ("BODY", ["andon", "raise", "--station", "BODY", "--reason", "MAT"]),
    Action.PLAN_IMPORT: (None, ["plan", "add", make_vin(50), "--model", "C1", "--color", "WHT"]),
    Action.OPERATOR_UNLOCK: (None, ["operator", "unlock", "1002"]),
    Action.YARD_PARK: ("YARD", ["yard", "park", "{vin}", "A-01"]),
    Action.PDI_CHECK: ("YARD", ["pdi", "check", "{vin}", "PAINT", "--pass"]),
    Action.DELIVER: ("DELIVERY", ["deliver", "{vin}", "--customer", "Omar Tazi", "--financing", "cash"]),
    Action.COMPONENT_ADD: ("TRIM2", ["component", "add", "{vin}", "AIRBAG-D", "ABD000000001"]),
    Action.COMPONENT_REPLACE: (
        "REPAIR",
        ["component", "replace", "{vin}", "AIRBAG-D", "ABD000000001", "--reason", "torn"],
    ),
}


@pytest.mark.parametrize("role", list(BADGES), ids=str)
@pytest.mark.parametrize("action", list(COMMANDS), ids=str)
def test_each_role_against_each_write_in_the_cli(
    db: Database, db_path: Path, action: Action, role: Role, capsys: pytest.CaptureFixture[str]
) -> None:
    (vin,) = plan_cars(db, 1)
    badge = BADGES[role]
    station, words = COMMANDS[action]
    with db.read() as session:
        # The CLI judges certifications by today's date: the BODY and EOL ones hold until 2027.
        allowed = may(
            operator_by_badge(session, badge),
            action,
            plant_catalog(session).station(station) if station else None,
        )
    argv = ["--db", str(db_path), *(w.format(vin=vin) for w in words), "--operator", badge]
    code = main(argv)
    err = capsys.readouterr().err
    assert (code == PermissionDenied.exit_code) == (not allowed), err


def test_docs_print_the_table_of_the_code() -> None:
    """docs/security.md carries the role × action table as the code has it: the same rows, no more."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text("utf-8")
    assert permissions_table() in doc, "regenerate the table: python -m neofloor.services.people.permissions"
    start = doc.index("| action | what |")
    rows = doc[start:].split("\n\n", 1)[0].splitlines()
    assert rows == permissions_table().splitlines()
    documented = {row.split("`")[1] for row in rows[2:]}
    assert documented == {action.value for action in Action}


def permissions_table() -> str:
    from neofloor.services.people.permissions import markdown_table

    return markdown_table()
