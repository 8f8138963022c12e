"""Migration 0003 on a plant made before it: its deliveries keep theirs, the new tables arrive empty."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from neofloor.store.engine import Database
from neofloor.store.migrate import alembic_config, current_revision
from neofloor.store.revision import HEAD_REVISION
from tests.conftest import plan_cars


def test_a_plant_from_before_the_delivery_tables_upgrades_cleanly(db: Database, db_path: Path) -> None:
    from alembic import command

    plan_cars(db, 1)
    command.downgrade(alembic_config(db.engine), "0002")  # type: ignore[arg-type]
    with db.engine.begin() as conn:
        assert "fitted_component" not in inspect(conn).get_table_names()
        conn.execute(
            text(
                "INSERT INTO delivery (vehicle_id, customer_name, pdi_checklist, note) "
                "VALUES (1, 'Amina Alaoui', '{}', '')"
            )
        )
    db.dispose()
    again = Database(f"sqlite:///{db_path}")
    assert current_revision(again.engine) == HEAD_REVISION
    with again.engine.connect() as conn:
        row = conn.execute(text("SELECT customer_name, customer_reference, dealer FROM delivery")).one()
        tables = set(inspect(conn).get_table_names())
        indexes = {i["name"] for i in inspect(conn).get_indexes("fitted_component")}
    assert tuple(row) == ("Amina Alaoui", "", "")
    assert {"component_part", "fitted_component", "pdi_item", "pdi_check", "yard_place"} <= tables
    assert {
        "ix_fitted_component_serial",
        "ux_fitted_component_serial_fitted",
        "ix_fitted_component_lot",
    } <= indexes
    again.dispose()


def test_a_plant_without_a_checklist_has_nothing_to_inspect(db: Database) -> None:
    """An upgraded plant has no checklist in its config: its finished cars may still be handed over."""
    from neofloor.services.delivery.handover import handover_check
    from tests.delivery.helpers import cars_in_yard

    (vin,), _at = cars_in_yard(db, 1)
    with db.write() as session:
        session.execute(text("DELETE FROM pdi_item"))
    with db.read() as session:
        from neofloor.services.plant.catalog import forget_catalog

        forget_catalog(session)  # the checklist is read with the catalog
        check = handover_check(session, vin)
    assert check.ready and check.pdi.status == "passed"
