"""The demo plant shows the second half of a car's life: every state of it, consistent with the rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from neofloor.demo.generator import DemoSpec, generate_demo_plant
from neofloor.services.delivery.components import car_components, find_serial
from neofloor.services.delivery.handover import deliveries_of, financing_partners
from neofloor.services.delivery.pdi import pdi_status
from neofloor.services.delivery.yard import yard_list
from neofloor.services.plant.parts import plant_parts
from neofloor.store.engine import Database


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    generate_demo_plant(path, DemoSpec(seed=2023))
    return Database(f"sqlite:///{path}")


def scalar(db: Database, sql: str) -> object:
    with db.read() as session:
        return session.execute(text(sql)).scalar_one()


def test_every_car_past_a_station_has_that_stations_required_serials(demo: Database) -> None:
    """A completion at a station that captures serials came after its serials, for every car."""
    missing = scalar(
        demo,
        """
        SELECT count(*) FROM station_visit sv
        JOIN vehicle v ON v.id = sv.vehicle_id
        JOIN vehicle_model m ON m.id = v.model_id
        JOIN component_part p ON p.station_id = sv.station_id AND p.required
             AND (p.models = '' OR ',' || p.models || ',' LIKE '%,' || m.code || ',%')
        WHERE sv.completed_at IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM fitted_component f WHERE f.vehicle_id = v.id AND f.part_id = p.id
              AND f.fitted_at <= sv.completed_at)
        """,
    )
    assert missing == 0
    assert scalar(demo, "SELECT count(DISTINCT vehicle_id) FROM fitted_component") >= scalar(
        demo, "SELECT count(*) FROM vehicle WHERE state IN ('finished', 'delivered')"
    )
    assert scalar(demo, "SELECT count(*) FROM fitted_component WHERE lot IS NOT NULL") > 0
    # Some parts were replaced in repair: the old row stays, marked removed, beside its successor.
    assert scalar(demo, "SELECT count(*) FROM fitted_component WHERE removed_at IS NOT NULL") > 0
    assert scalar(
        demo,
        "SELECT count(*) FROM fitted_component old WHERE old.removed_at IS NOT NULL AND NOT EXISTS ("
        "SELECT 1 FROM fitted_component new WHERE new.vehicle_id = old.vehicle_id "
        "AND new.part_id = old.part_id AND new.removed_at IS NULL)",
    ) == 0
    with demo.read() as session:
        parts = plant_parts(session)
        for spec_part in parts.parts:
            serials = session.execute(
                text("SELECT serial FROM fitted_component WHERE part_id = :p"), {"p": spec_part.id}
            ).scalars()
            assert all(spec_part.pattern.fullmatch(s) for s in serials), spec_part.code
        serial = session.execute(text("SELECT serial FROM fitted_component LIMIT 1")).scalar_one()
        (found,) = find_serial(session, serial)
        assert found.fitted_by
        assert car_components(session, found.vin)


def test_the_yard_holds_cars_of_several_ages_with_spots_and_every_pdi_state(demo: Database) -> None:
    with demo.read() as session:
        cars = yard_list(session, limit=1000).cars
    assert len(cars) > 20
    days = {int(c.seconds_in_yard // 86400) for c in cars}
    assert len(days) > 5
    assert sum(c.spot is not None for c in cars) > len(cars) // 2
    assert len({c.spot for c in cars if c.spot}) == sum(c.spot is not None for c in cars)
    assert {c.pdi for c in cars} == {"not started", "in progress", "failed", "passed"}
    assert {c.sold for c in cars} == {True, False}


def test_a_failed_pdi_in_the_yard_stands_with_its_defect(demo: Database) -> None:
    with demo.read() as session:
        failed = [c for c in yard_list(session, limit=1000).cars if c.pdi == "failed"]
        status = pdi_status(session, failed[0].vin)
    item = next(i for i in status.items if i.passed is False)
    assert item.defect_id is not None and item.defect_code


def test_deliveries_go_through_every_partner_and_for_cash_directly_and_through_dealers(
    demo: Database,
) -> None:
    with demo.read() as session:
        ids = list(session.execute(text("SELECT vehicle_id FROM delivery")).scalars())
        records = deliveries_of(session, ids).values()
        partners = {p.code for p in financing_partners(session)}
    assert partners == {"CAM", "SOFAC", "MAGHREBAIL", "MLEASING"}
    assert {r.financing_code for r in records} == partners | {None}
    assert {r.channel == "direct" for r in records} == {True, False}
    assert all(r.customer and r.customer_reference and r.pdi_passed_at for r in records)
    assert all(r.pdi_passed_at <= r.delivered_at for r in records if r.delivered_at and r.pdi_passed_at)
    # Every delivered car passed every item of its checklist before its handover.
    unchecked = scalar(
        demo,
        """
        SELECT count(*) FROM delivery d JOIN vehicle v ON v.id = d.vehicle_id
        JOIN vehicle_model m ON m.id = v.model_id
        JOIN pdi_item i ON (i.models = '' OR ',' || i.models || ',' LIKE '%,' || m.code || ',%')
        WHERE NOT EXISTS (SELECT 1 FROM pdi_check c WHERE c.vehicle_id = v.id AND c.item_id = i.id
                          AND c.passed AND c.at <= d.delivered_at)
        """,
    )
    assert unchecked == 0


def test_parking_and_handovers_are_in_the_ledger(demo: Database) -> None:
    assert scalar(demo, "SELECT count(*) FROM station_event WHERE kind = 'deliver'") == scalar(
        demo, "SELECT count(*) FROM delivery"
    )
    assert scalar(demo, "SELECT count(*) FROM station_event WHERE kind = 'park'") >= scalar(
        demo, "SELECT count(*) FROM yard_place"
    )
    assert (
        scalar(
            demo,
            "SELECT count(*) FROM yard_place y JOIN vehicle v ON v.id = y.vehicle_id "
            "WHERE v.state = 'delivered'",
        )
        == 0
    )


def test_the_committed_example_is_at_the_head_revision_with_this_half(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "neofloor.db.example"
    database = Database(f"sqlite:///{example}", upgrade=False)
    with database.read() as session:
        assert session.execute(text("SELECT count(*) FROM fitted_component")).scalar_one() > 0
    database.dispose()
