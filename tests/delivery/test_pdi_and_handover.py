"""The pre-delivery inspection and the handover: every refusal writes nothing; a handover delivers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from neofloor.services.delivery.handover import deliver_car, delivery_record, handover_check
from neofloor.services.delivery.pdi import check_pdi_item, pdi_status
from neofloor.services.delivery.yard import park_car, yard_list
from neofloor.services.plant.errors import (
    GateBlocked,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
    VehicleHeld,
)
from neofloor.services.quality import repair_defect, verify_defect
from neofloor.services.scan import record_scan
from neofloor.services.tracking.holds import hold_vehicle
from neofloor.store.engine import Database
from tests.conftest import INSPECTOR, plan_cars
from tests.delivery.helpers import (
    INSPECTOR_YARD,
    PETROL_CHECKLIST,
    SUPERVISOR,
    TRIM_OPERATOR,
    YARD_AGENT,
    cars_in_yard,
    pass_pdi,
    read,
    refused,
    state_of,
    write,
)


def test_pdi_refusals_write_nothing(db: Database) -> None:
    (vin,), _at = cars_in_yard(db, 1)
    (planned,) = plan_cars(db, 1, start=50)
    refused(
        db,
        RuleViolation,
        lambda s: check_pdi_item(s, planned, "LIGHTS", INSPECTOR_YARD, passed=True),
        "is not in the yard",
    )
    refused(
        db,
        NotFound,
        lambda s: check_pdi_item(s, vin, "HV-CHARGE", INSPECTOR_YARD, passed=True),
        "Unknown PDI item 'HV-CHARGE' for C1",
    )
    refused(
        db,
        InvalidInput,
        lambda s: check_pdi_item(s, vin, "PAINT", INSPECTOR_YARD, passed=False),
        "needs a defect code",
    )
    refused(
        db,
        InvalidInput,
        lambda s: check_pdi_item(s, vin, "PAINT", INSPECTOR_YARD, passed=True, defect_code="PT-SCR"),
        "takes no defect code",
    )
    refused(
        db,
        NotFound,
        lambda s: check_pdi_item(s, vin, "PAINT", INSPECTOR_YARD, passed=False, defect_code="XX-NOPE"),
    )
    refused(
        db,
        PermissionDenied,
        lambda s: check_pdi_item(s, vin, "PAINT", TRIM_OPERATOR, passed=True),
        "not certified for YARD",
    )


def test_a_failed_item_logs_its_defect_and_a_later_pass_counts(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1)
    failed = write(
        db,
        lambda s: check_pdi_item(
            s, vin, "LIGHTS", INSPECTOR_YARD, passed=False, defect_code="el-lamp", now=at
        ),
    )
    assert failed.defect_id is not None
    assert failed.message == f"PDI lights failed on {vin}: defect #{failed.defect_id} EL-LAMP logged."
    status = read(db, lambda s: pdi_status(s, vin))
    assert status.status == "failed"
    assert status.items[0].defect_code == "EL-LAMP"
    assert status.blocking == (f"EL-LAMP #{failed.defect_id} (major, open: repair and verify)",)
    # The same failure again points at the open defect rather than logging a twin.
    again = write(
        db,
        lambda s: check_pdi_item(
            s, vin, "LIGHTS", INSPECTOR_YARD, passed=False, defect_code="EL-LAMP", now=at
        ),
    )
    assert again.defect_id == failed.defect_id
    pass_pdi(db, vin, at + timedelta(minutes=5))
    assert read(db, lambda s: pdi_status(s, vin)).status == "failed"  # the major defect is still open
    write(db, lambda s: repair_defect(s, failed.defect_id, SUPERVISOR, "bulb replaced", now=at))
    write(db, lambda s: verify_defect(s, failed.defect_id, INSPECTOR, now=at + timedelta(hours=1)))
    status = read(db, lambda s: pdi_status(s, vin))
    assert (status.status, status.passed, status.to_check) == ("passed", True, ())


def deliver(vin: str, **kw: str):  # type: ignore[no-untyped-def]
    values = {"financing": "CAM", "badge": YARD_AGENT, "customer": "Amina El Fassi"} | kw
    return lambda s: deliver_car(
        s,
        vin,
        values["customer"],
        values["badge"],
        financing=values["financing"],
        reference=values.get("reference", ""),
        dealer=values.get("dealer", ""),
    )


def test_handover_refusals_each_write_nothing(db: Database) -> None:
    (no_pdi, major, held, done), at = cars_in_yard(db, 4)
    (planned,) = plan_cars(db, 1, start=50)
    for vin in (major, held, done):
        pass_pdi(db, vin, at)
    found = write(
        db,
        lambda s: check_pdi_item(
            s, major, "PAINT", INSPECTOR_YARD, passed=False, defect_code="PT-THIN", now=at
        ),
    )
    write(db, lambda s: hold_vehicle(s, held, "Recall R-07", SUPERVISOR, now=at))
    write(db, deliver(done))

    refused(db, RuleViolation, deliver(no_pdi), f"{no_pdi} has not passed PDI: LIGHTS, PAINT")
    refused(db, GateBlocked, deliver(major), f"open serious defects PT-THIN #{found.defect_id}")
    refused(db, VehicleHeld, deliver(held), r"is on hold \(Recall R-07\)")
    refused(db, RuleViolation, deliver(done), "was already delivered")
    refused(db, RuleViolation, deliver(planned), "is not in the yard")
    refused(
        db, NotFound, deliver(no_pdi, financing="Wafa"), "Unknown financing partner 'Wafa'; partners are CAM"
    )
    refused(db, InvalidInput, deliver(no_pdi, customer="  "), "needs the customer's name")
    refused(db, InvalidInput, deliver(no_pdi, customer="Amina\x1b[2J"), "control character")
    refused(db, PermissionDenied, deliver(no_pdi, badge=TRIM_OPERATOR), "not certified for DELIVERY")
    check = read(db, lambda s: handover_check(s, held))
    assert not check.ready and check.reasons == (
        f"{held} is on hold (Recall R-07); a supervisor must release it.",
    )


@pytest.mark.parametrize(
    ("financing", "dealer", "paid"), [("cash", "", "cash"), ("sofac", "Rabat Motors", "Sofac")]
)
def test_a_handover_delivers_the_car_and_frees_its_spot(
    db: Database, financing: str, dealer: str, paid: str
) -> None:
    (vin,), at = cars_in_yard(db, 1)
    write(db, lambda s: park_car(s, vin, "B-07", YARD_AGENT, now=at))
    pass_pdi(db, vin, at)
    assert read(db, lambda s: handover_check(s, vin)).ready
    scanned = write(db, lambda s: record_scan(s, "DELIVERY", vin, YARD_AGENT, "t", now=at).message)
    assert scanned == f"{vin} is ready for handover: enter the customer and the financing."
    later = at + timedelta(hours=1)
    result = write(
        db,
        lambda s: deliver_car(
            s,
            vin,
            "Youssef Tazi",
            INSPECTOR_YARD,
            financing=financing,
            reference="CT-42",
            dealer=dealer,
            now=later,
        ),
    )
    assert result.message == f"{vin} handed over to Youssef Tazi ({paid})."
    record = read(db, lambda s: delivery_record(s, vin))
    assert record is not None
    assert (record.customer, record.customer_reference, record.dealer, record.financing_name) == (
        "Youssef Tazi",
        "CT-42",
        dealer,
        paid,
    )
    assert record.channel == (f"dealer {dealer}" if dealer else "direct")
    assert state_of(db, vin) == ("delivered", "DELIVERY")
    assert read(db, lambda s: yard_list(s).total) == 0
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM yard_place")).scalar_one() == 0
        kinds = session.execute(
            text("SELECT kind FROM station_event WHERE vehicle_id = (SELECT id FROM vehicle WHERE vin = :v)"),
            {"v": vin},
        ).scalars()
        assert list(kinds)[-2:] == ["park", "deliver"]
    # A delivered car is not in the yard any more: no PDI, no spot, no second handover.
    refused(db, RuleViolation, lambda s: park_car(s, vin, "B-08", YARD_AGENT), "was delivered")
    refused(
        db,
        RuleViolation,
        lambda s: check_pdi_item(s, vin, "DOCS", INSPECTOR_YARD, passed=True),
        "not in the yard",
    )


def test_an_electric_car_checks_its_hv_charge_too(db: Database) -> None:
    (vin,), at = cars_in_yard(db, 1, model="C1E")
    pass_pdi(db, vin, at)
    status = read(db, lambda s: pdi_status(s, vin))
    assert status.to_check == ("HV-CHARGE",)
    pass_pdi(db, vin, at, ("HV-CHARGE",))
    assert read(db, lambda s: pdi_status(s, vin)).passed
    assert len(PETROL_CHECKLIST) + 1 == len(status.items)
