"""The delivery writes under the people services' rules: the one role × action table decides who
may park, inspect, hand over and fit a serial (refused before anything is written, in one
sentence), and every such write leaves its audit row, chained, in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from neofloor.services.delivery.components import capture_component, car_components, replace_component
from neofloor.services.delivery.handover import deliver_car
from neofloor.services.delivery.pdi import check_pdi_item
from neofloor.services.delivery.yard import park_car
from neofloor.services.people.certifications import certify
from neofloor.services.people.permissions import Action, may
from neofloor.services.people.verify import check_chains
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import PermissionDenied
from neofloor.services.plant.operators import operator_by_badge
from neofloor.store.engine import Database
from neofloor.store.models import Role
from tests.conftest import T0, plan_cars, run_through, scan, serial_for
from tests.delivery.helpers import (
    INSPECTOR_YARD,
    SUPERVISOR,
    TRIM_OPERATOR,
    YARD_AGENT,
    cars_in_yard,
    pass_pdi,
    read,
    refused,
    write,
)

BODY_OPERATOR = "1001"  # certified for BODY and PAINT, not the yard
REPAIR_OPERATOR = "1005"  # certified for REPAIR only
INSPECTOR_LINE = "2001"  # an inspector certified for EOL, WATER, QG: not the yard
ADMIN = "9001"


def audit_rows(db: Database, action: str) -> list[dict[str, Any]]:
    with db.read() as session:
        rows = session.execute(
            text(
                "SELECT badge, role, terminal, action, subject, before, after, at FROM audit "
                "WHERE action = :action ORDER BY id"
            ),
            {"action": action},
        ).all()
    return [
        {
            "badge": r[0],
            "role": r[1],
            "terminal": r[2],
            "subject": r[4],
            "before": json.loads(r[5]) if r[5] else None,
            "after": json.loads(r[6]) if r[6] else None,
            "at": r[7],
        }
        for r in rows
    ]


# --- refusals: one sentence, from the table, before anything is written --------------------


def test_an_uncertified_operator_is_refused_each_delivery_write_with_its_sentence(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1)
    parked = refused(db, PermissionDenied, lambda s: park_car(s, vin, "A-01", TRIM_OPERATOR, now=at))
    assert parked == (
        "Fatima Zahra Benali is not certified for YARD; "
        "only someone certified there or a line leader may park or move cars in the yard."
    )
    checked = refused(
        db, PermissionDenied, lambda s: check_pdi_item(s, vin, "PAINT", TRIM_OPERATOR, passed=True, now=at)
    )
    assert checked == (
        "Fatima Zahra Benali is not certified for YARD; "
        "only someone certified there or a line leader may sign a pre-delivery inspection."
    )
    pass_pdi(db, vin, at)
    handed = refused(
        db,
        PermissionDenied,
        lambda s: deliver_car(s, vin, "Omar Tazi", TRIM_OPERATOR, financing="cash", now=at),
    )
    assert handed == (
        "Fatima Zahra Benali is not certified for DELIVERY; "
        "only someone certified there or a line leader may hand a car over to its customer."
    )
    replaced = refused(
        db,
        PermissionDenied,
        lambda s: replace_component(s, vin, "AIRBAG-D", serial_for("AIRBAG-D", 999), TRIM_OPERATOR, "torn"),
    )
    assert replaced == (
        "Fatima Zahra Benali is not certified for REPAIR; "
        "an inspector, supervisor, shift lead or admin can replace a fitted component there."
    )


def test_a_serial_is_captured_only_by_whoever_may_work_at_the_parts_station(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    sentence = refused(
        db,
        PermissionDenied,
        lambda s: capture_component(s, vin, "AIRBAG-D", serial_for("AIRBAG-D", 1), BODY_OPERATOR),
    )
    assert sentence == (
        "Youssef El Amrani is not certified for TRIM2; "
        "an inspector, supervisor, shift lead or admin can record a fitted component there."
    )
    # The end-of-line rig's account fits nothing outside its own station.
    refused(
        db,
        PermissionDenied,
        lambda s: capture_component(s, vin, "AIRBAG-D", serial_for("AIRBAG-D", 1), "EOL-RIG"),
        "not certified for TRIM2",
    )


def test_an_inspector_needs_the_yards_certification_for_the_pdi(db: Database) -> None:
    """PDI is the yard crew's work: an inspector of the line is not certified there."""
    (vin,), at = cars_in_yard(db, 1)
    refused(
        db,
        PermissionDenied,
        lambda s: check_pdi_item(s, vin, "PAINT", INSPECTOR_LINE, passed=True, now=at),
        "^Nadia Berrada is not certified for YARD;",
    )
    write(db, lambda s: check_pdi_item(s, vin, "PAINT", INSPECTOR_YARD, passed=True, now=at))


def test_an_expired_yard_certification_refuses_with_its_date(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1)
    write(
        db,
        lambda s: certify(
            s,
            operator_by_badge(s, ADMIN, now=at),
            TRIM_OPERATOR,
            "YARD",
            certified_on=date(2024, 1, 1),
            expires_on=date(2025, 1, 1),
            programme="OFPPT logistique",
        ),
    )
    sentence = refused(db, PermissionDenied, lambda s: park_car(s, vin, "A-01", TRIM_OPERATOR, now=at))
    assert sentence == (
        "Fatima Zahra Benali's certification for YARD expired on 1 Jan 2025; "
        "only someone certified there or a line leader may park or move cars in the yard."
    )


# Each delivery write, with the station the table judges it at, given a car in the yard whose PDI
# passed (the handover) and a fresh serial.
Write = Callable[[Session, str, str, datetime], Any]
DELIVERY_WRITES: dict[Action, tuple[str, Write]] = {
    Action.YARD_PARK: ("YARD", lambda s, b, vin, at: park_car(s, vin, "A-01", b, now=at)),
    Action.PDI_CHECK: ("YARD", lambda s, b, vin, at: check_pdi_item(s, vin, "PAINT", b, passed=True, now=at)),
    Action.DELIVER: (
        "DELIVERY",
        lambda s, b, vin, at: deliver_car(s, vin, "Omar Tazi", b, financing="cash", now=at),
    ),
    Action.COMPONENT_REPLACE: (
        "REPAIR",
        lambda s, b, vin, at: replace_component(
            s, vin, "AIRBAG-D", serial_for("AIRBAG-D", 777), b, "torn cover", now=at
        ),
    ),
}
ROLES = {
    Role.OPERATOR: YARD_AGENT,
    Role.INSPECTOR: INSPECTOR_LINE,
    Role.SUPERVISOR: SUPERVISOR,
    Role.SHIFT_LEAD: "4001",
    Role.ADMIN: ADMIN,
    Role.STATION: "EOL-RIG",
}


@pytest.mark.parametrize("badge", [*ROLES.values(), TRIM_OPERATOR, INSPECTOR_YARD, REPAIR_OPERATOR])
@pytest.mark.parametrize("action", list(DELIVERY_WRITES), ids=str)
def test_the_table_decides_each_delivery_write(db: Database, action: Action, badge: str) -> None:
    """Refused (nothing written) exactly when ``may`` says no; else written with its audit row."""
    (vin,), at = cars_in_yard(db, 1)
    pass_pdi(db, vin, at)
    station, call = DELIVERY_WRITES[action]
    allowed = read(
        db, lambda s: may(operator_by_badge(s, badge, now=at), action, plant_catalog(s).station(station))
    )
    if not allowed:
        refused(db, PermissionDenied, lambda s: call(s, badge, vin, at), f"{station}|may not")
        return
    rows = len(audit_rows(db, action.value))  # the PDI passed already wrote its own
    write(db, lambda s: call(s, badge, vin, at))
    *_, row = audit_rows(db, action.value)
    assert len(audit_rows(db, action.value)) == rows + 1
    assert (row["badge"], row["subject"]) == (badge, vin)


def test_who_may_act_in_the_yard_and_at_the_handover() -> None:
    """The table as the floor knows it: the certified crew and the line's leaders, nobody else."""
    from neofloor.services.people.permissions import roles_for

    for action in (Action.YARD_PARK, Action.PDI_CHECK, Action.DELIVER):
        assert roles_for(action) == {
            Role.OPERATOR: "certified station",
            Role.INSPECTOR: "certified station",
            Role.SUPERVISOR: "yes",
            Role.SHIFT_LEAD: "yes",
            Role.ADMIN: "yes",
            Role.STATION: "no",
        }


# --- the audit rows ---------------------------------------------------------------------------


def test_parking_and_moving_write_who_where_and_the_spot_before_and_after(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1)
    write(db, lambda s: park_car(s, vin, "A-01", YARD_AGENT, "yard-1", now=at))
    write(db, lambda s: park_car(s, vin, "B-07", YARD_AGENT, "yard-1", now=at + timedelta(minutes=1)))
    parked, moved = audit_rows(db, "yard_park")
    assert {k: parked[k] for k in ("badge", "role", "terminal", "subject", "before", "after")} == {
        "badge": YARD_AGENT,
        "role": "operator",
        "terminal": "yard-1",
        "subject": vin,
        "before": None,
        "after": {"spot": "A-01"},
    }
    assert (moved["before"], moved["after"]) == ({"spot": "A-01"}, {"spot": "B-07"})
    assert str(moved["at"]).startswith((at + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M"))


def test_each_pdi_item_writes_its_row_a_failed_one_with_its_defect(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1)
    failed = write(
        db,
        lambda s: check_pdi_item(
            s, vin, "LIGHTS", INSPECTOR_YARD, passed=False, defect_code="EL-LAMP", terminal="pdi-2", now=at
        ),
    )
    write(
        db, lambda s: check_pdi_item(s, vin, "PAINT", INSPECTOR_YARD, passed=True, terminal="pdi-2", now=at)
    )
    lights, paint = audit_rows(db, "pdi_check")
    assert (lights["badge"], lights["role"], lights["terminal"]) == (INSPECTOR_YARD, "inspector", "pdi-2")
    assert lights["after"] == {"item": "LIGHTS", "passed": False, "pdi": "failed", "defect": failed.defect_id}
    assert paint["after"] == {"item": "PAINT", "passed": True, "pdi": "failed"}
    # The defect the failure logged has its own row, as every defect logged does.
    assert [r["subject"] for r in audit_rows(db, "defect_log")] == [vin]


def test_a_handover_writes_the_cars_state_before_and_after(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1)
    write(db, lambda s: park_car(s, vin, "C-03", YARD_AGENT, now=at))
    pass_pdi(db, vin, at)
    write(
        db,
        lambda s: deliver_car(
            s, vin, "Omar Tazi", YARD_AGENT, financing="SOFAC", dealer="Auto Nord", terminal="desk", now=at
        ),
    )
    (row,) = audit_rows(db, "deliver")
    assert (row["badge"], row["role"], row["terminal"], row["subject"]) == (
        YARD_AGENT,
        "operator",
        "desk",
        vin,
    )
    assert row["before"] == {"state": "finished", "station": "YARD", "spot": "C-03"}
    assert row["after"] == {
        "state": "delivered",
        "station": "DELIVERY",
        "customer": "Omar Tazi",
        "financing": "SOFAC",
        "dealer": "Auto Nord",
    }


def test_a_capture_and_a_replacement_write_the_serials(db: Database) -> None:
    (vin,) = plan_cars(db, 1, start=5)
    at = run_through(db, vin, ("BODY", "PAINT", "TRIM1"), T0)
    scan(db, "TRIM2", vin, at)
    serial = serial_for("AIRBAG-D", 4242)
    write(
        db,
        lambda s: capture_component(
            s, vin, "AIRBAG-D", serial, TRIM_OPERATOR, lot="L2611", terminal="trim2-a", now=at
        ),
    )
    captured = [r for r in audit_rows(db, "component_add") if r["terminal"] == "trim2-a"]
    assert [(r["badge"], r["role"], r["subject"], r["before"], r["after"]) for r in captured] == [
        (
            TRIM_OPERATOR,
            "operator",
            vin,
            None,
            {"part": "AIRBAG-D", "serial": serial, "lot": "L2611", "station": "TRIM2"},
        )
    ]

    (yard_vin,), later = cars_in_yard(db, 1, start=2)
    fitted = read(db, lambda s: next(c.serial for c in car_components(s, yard_vin) if c.part == "AIRBAG-D"))
    new = serial_for("AIRBAG-D", 4343)
    write(
        db,
        lambda s: replace_component(
            s, yard_vin, "AIRBAG-D", new, REPAIR_OPERATOR, "torn cover", terminal="bay", now=later
        ),
    )
    (row,) = audit_rows(db, "component_replace")
    assert (row["badge"], row["role"], row["terminal"], row["subject"]) == (
        REPAIR_OPERATOR,
        "operator",
        "bay",
        yard_vin,
    )
    assert row["before"] == {"part": "AIRBAG-D", "serial": fitted}
    assert row["after"] == {"part": "AIRBAG-D", "serial": new, "reason": "torn cover"}


def test_the_audit_row_is_written_in_the_writes_transaction(db: Database) -> None:
    """A write whose transaction is rolled back leaves neither its change nor its audit row."""
    (vin,), at = cars_in_yard(db, 1)
    with pytest.raises(RuntimeError), db.write() as session:
        park_car(session, vin, "A-01", YARD_AGENT, now=at)
        raise RuntimeError("the terminal lost its power")
    assert audit_rows(db, "yard_park") == []
    write(db, lambda s: park_car(s, vin, "A-01", YARD_AGENT, now=at))
    assert len(audit_rows(db, "yard_park")) == 1


def test_the_chains_hold_after_every_delivery_write(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1)
    write(db, lambda s: park_car(s, vin, "A-01", YARD_AGENT, now=at))
    pass_pdi(db, vin, at)
    write(db, lambda s: deliver_car(s, vin, "Omar Tazi", YARD_AGENT, financing="cash", now=at))
    run = read(db, check_chains)
    assert run.ok, run
