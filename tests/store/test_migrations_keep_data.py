"""Every migration, from the first revision to head, on SQLite and on PostgreSQL, with a plant's data kept.

Written generically: the data goes in at the first revision (whose schema never changes), then
the database is upgraded one revision at a time, whatever revisions exist, and must come out
whole: same rows, same times, cars consistent with their ledger, and the floor works on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from neofloor.services.operations.consistency import check_plant
from neofloor.services.plant.catalog import forget_catalog
from neofloor.services.scan import record_scan
from neofloor.services.tracking.history import vehicle_history
from neofloor.store.engine import Database
from neofloor.store.migrate import alembic_config, current_revision, upgrade
from neofloor.store.revision import HEAD_REVISION
from tests import stores
from tests.conftest import make_vin

T = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


def revisions_in_order() -> list[str]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(Database("sqlite://", upgrade=False).engine))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


@pytest.fixture
def empty_url(store: str, tmp_path: Path) -> Iterator[str]:
    """An empty database on the test's store."""
    if store == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    with stores.scratch_database("nf_migrate") as url:
        yield url


def _at(database: Database, moment: datetime) -> object:
    """A time as the first revision's column takes it on this store (SQLite: naive UTC text)."""
    if database.is_sqlite:
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return moment


def write_first_revision_plant(database: Database) -> list[str]:
    """A small plant written with the first revision's SQL: three stations, two cars, their ledger."""
    vins = [make_vin(1), make_vin(2)]
    rows = [
        "INSERT INTO plant_setting (key, value) VALUES ('name', 'Old plant'), "
        "('timezone', 'Africa/Casablanca'), ('vin_check_digit', 'true'), ('wmi', 'ENF')",
        "INSERT INTO station (id, code, name, kind, position, ideal_cycle_seconds, description) VALUES "
        "(1, 'BODY', 'Body', 'work', 1, 600, ''), (2, 'QG', 'Quality gate', 'quality_gate', 2, 600, ''), "
        "(3, 'YARD', 'Yard', 'yard', 3, NULL, '')",
        "INSERT INTO vehicle_model (id, code, name, powertrain, vin_prefix) "
        "VALUES (1, 'C1', 'C1', 'petrol', 'C1P')",
        "INSERT INTO color (id, code, name) VALUES (1, 'WHT', 'White')",
        "INSERT INTO operator (id, badge, name, role, pin_hash, active) VALUES "
        "(1, '3001', 'Supervisor', 'supervisor', NULL, true)",
    ]
    with database.engine.begin() as conn:
        for sql in rows:
            conn.execute(text(sql))
        at = _at(database, T)
        for n, vin in enumerate(vins, start=1):
            conn.execute(
                text(
                    "INSERT INTO vehicle (id, vin, model_id, color_id, build_seq, order_ref, options, "
                    "option_notes, planned_at, state, station_id, state_since, out_of_sequence, "
                    "repair_visits, last_event_id) VALUES (:id, :vin, 1, 1, :id, :ref, '', '', :at, "
                    "'planned', 1, :at, false, 0, NULL)"
                ),
                {"id": n, "vin": vin, "ref": f"OLD-{n}", "at": at},
            )
            conn.execute(
                text(
                    "INSERT INTO station_event (vehicle_id, station_id, kind, at, operator_id, terminal, "
                    "note) VALUES (:id, NULL, 'plan', :at, NULL, '', :ref)"
                ),
                {"id": n, "at": at, "ref": f"OLD-{n}"},
            )
        # The first car started and completed BODY before the upgrade.
        started, completed = _at(database, T + timedelta(minutes=5)), _at(database, T + timedelta(minutes=15))
        conn.execute(
            text(
                "INSERT INTO station_event (vehicle_id, station_id, kind, at, operator_id, terminal, note) "
                "VALUES (1, 1, 'start', :s, 1, 'OLD', ''), (1, 1, 'complete', :c, 1, 'OLD', '')"
            ),
            {"s": started, "c": completed},
        )
        conn.execute(
            text(
                "INSERT INTO station_visit (vehicle_id, station_id, started_at, completed_at, cycle_seconds, "
                "operator_id, out_of_sequence) VALUES (1, 1, :s, :c, 600.0, 1, false)"
            ),
            {"s": started, "c": completed},
        )
        conn.execute(
            text(
                "UPDATE vehicle SET state = 'queued', station_id = 2, state_since = :c, "
                "last_scan_station_id = 1, last_scan_at = :c, first_start_at = :s WHERE id = 1"
            ),
            {"s": started, "c": completed},
        )
        if not database.is_sqlite:  # rows given their ids: move the sequences past them, as any load must
            for table in ("station", "vehicle_model", "color", "operator", "vehicle"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, max(id)) FROM {table}"))
        for n in (1, 2):
            conn.execute(
                text(
                    "UPDATE vehicle SET last_event_id = "
                    "(SELECT max(id) FROM station_event WHERE vehicle_id = :n) WHERE id = :n"
                ),
                {"n": n},
            )
    return vins


def test_every_migration_from_the_first_revision_keeps_the_plant(empty_url: str) -> None:
    revisions = revisions_in_order()
    assert revisions[-1] == HEAD_REVISION
    database = Database(empty_url, upgrade=False)
    upgrade(database.engine, revisions[0])
    vins = write_first_revision_plant(database)

    for revision in revisions[1:]:
        upgrade(database.engine, revision)
        assert current_revision(database.engine) == revision
    database.dispose()

    database = Database(empty_url)  # opens without anything left to do
    with database.read() as session:
        forget_catalog(session)
        report = check_plant(session)
        first = vehicle_history(session, vins[0])
        second = vehicle_history(session, vins[1])
    assert report.ok, report.message
    assert (report.cars, report.events) == (2, 4)
    assert [e.kind for e in first.events] == ["plan", "start", "complete"]
    assert first.events[1].at == T + timedelta(minutes=5)
    assert (first.car.state, first.car.station) == ("queued", "QG")
    assert (second.car.state, second.car.station) == ("planned", "BODY")

    # The floor works on the upgraded plant: the last digits find a car, a scan moves it.
    with database.write() as session:
        scanned = record_scan(session, "BODY", vins[1], "3001", "NEW", now=T + timedelta(hours=1))
    assert scanned.action == "started"
    with database.read() as session:
        assert check_plant(session).ok
        suffix = vins[1][::-1][:6] + "%"
        found = session.execute(
            text("SELECT vin FROM vehicle WHERE vin_reversed LIKE :suffix"), {"suffix": suffix}
        ).scalar_one()
    assert found == vins[1]
    database.dispose()
