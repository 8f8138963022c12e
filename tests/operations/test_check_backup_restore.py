"""``neofloor check``, ``backup`` and ``restore`` on both stores, the backup taken while terminals write."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from neofloor.cli import main
from neofloor.store.engine import Database
from tests import stores
from tests.conftest import plan_cars
from tests.operations.helpers import checked, ledger_ids, read_answers, start_terminal


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def restore_url(store: str, tmp_path: Path) -> Iterator[str]:
    """Where a backup is restored: a new file, or an empty database on the server."""
    if store == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    with stores.scratch_database("nf_restored") as url:
        yield url


def test_check_passes_on_a_working_line_and_says_what_it_read(cli, floor: Database, db_url: str) -> None:
    code, out, err = cli("--db", db_url, "check")
    assert (code, err) == (0, "")
    assert out.startswith("Plant consistent (")
    assert "8 cars, " in out
    code, out, _ = cli("--db", db_url, "check", "--json")
    report = json.loads(out)
    assert (code, report["problem_count"], report["cars"]) == (0, 0, 8)


def test_check_lists_a_car_out_of_step_with_its_ledger_and_a_lost_visit(
    cli, floor: Database, db_url: str
) -> None:
    with floor.engine.begin() as conn:
        vin = conn.execute(text("SELECT vin FROM vehicle WHERE state = 'in_station'")).scalar_one()
        conn.execute(text("UPDATE vehicle SET state = 'queued' WHERE vin = :vin"), {"vin": vin})
        conn.execute(text("DELETE FROM station_visit WHERE id = (SELECT max(id) FROM station_visit)"))
    code, out, err = cli("--db", db_url, "check")
    assert code == 11 and out == ""
    assert err.startswith("neofloor: ") is False and "Plant NOT consistent" in err
    assert f"{vin} is queued at TRIM1, but its ledger says in_station at TRIM1." in err
    assert "start(s) and" in err and "visit(s)" in err


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_check_finds_an_id_sequence_behind_its_table(cli, db: Database, db_url: str) -> None:
    plan_cars(db, 2)
    with db.engine.begin() as conn:
        conn.execute(text("SELECT setval(pg_get_serial_sequence('vehicle', 'id'), 1)"))
    code, _, err = cli("--db", db_url, "check")
    assert code == 11
    assert "vehicle: its id sequence would hand out 2, but ids go up to 2." in err


def test_a_backup_taken_while_terminals_write_restores_with_every_acknowledged_scan(
    cli, db: Database, db_url: str, restore_url: str, tmp_path: Path
) -> None:
    if not db.is_sqlite and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    vins = plan_cars(db, 6)
    acks = [tmp_path / f"writer-{n}.acks" for n in range(2)]
    writers = [start_terminal(db_url, acks[n], 40 + n, 40, vins) for n in range(2)]
    deadline = time.monotonic() + 120
    while not read_answers(*acks).acknowledged and time.monotonic() < deadline:
        time.sleep(0.05)  # let the writers get going
    began = time.time()
    code, out, err = cli("--db", db_url, "backup", str(tmp_path / "plant.backup"))
    assert (code, err) == (0, ""), err
    assert "Backup of " in out
    for writer in writers:
        _, stderr = writer.communicate(timeout=240)
        assert writer.returncode == 0, stderr

    code, out, err = cli("--db", restore_url, "restore", str(tmp_path / "plant.backup"))
    assert (code, err) == (0, ""), err
    code, out, err = cli("--db", restore_url, "check")
    assert (code, err) == (0, ""), err

    answers = read_answers(*acks)
    assert answers.errors == []
    before_backup = {event for event, at in answers.acknowledged.items() if at < began}
    assert before_backup, "no scan was acknowledged before the backup"
    restored = Database(restore_url)
    in_copy = ledger_ids(restored)
    restored.dispose()
    assert before_backup <= in_copy
    # The copy is the plant at one moment: no event acknowledged after it without those before it.
    assert in_copy <= set(answers.acknowledged)
    assert checked(db_url).ok


def test_backup_and_restore_refuse_to_overwrite_without_force(
    cli, floor: Database, db_url: str, restore_url: str, tmp_path: Path
) -> None:
    if not floor.is_sqlite and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    backup = tmp_path / "plant.backup"
    assert cli("--db", db_url, "backup", str(backup))[0] == 0
    code, _, err = cli("--db", db_url, "backup", str(backup))
    assert code == 2 and "exists; pass --force" in err
    assert cli("--db", db_url, "backup", str(backup), "--force")[0] == 0
    assert cli("--db", restore_url, "restore", str(backup))[0] == 0
    code, _, err = cli("--db", restore_url, "restore", str(backup))
    assert code == 2 and "pass --force" in err
    assert cli("--db", restore_url, "restore", str(backup), "--force")[0] == 0
    assert checked(restore_url).ok


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_without_pg_dump_the_backup_says_how(
    cli, db: Database, db_url: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no PostgreSQL client on it
    code, _, err = cli("--db", db_url, "backup", str(tmp_path / "plant.backup"))
    assert code == 12
    assert err == (
        "neofloor: pg_dump is not installed: install the PostgreSQL client programs (Debian: apt-get install "
        "postgresql-client), or back up with the server's own tools (docs/deploy.md).\n"
    )


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_sqlite_plant_moves_to_a_server_by_backup_and_restore(cli, floor: Database, tmp_path: Path) -> None:
    """A SQLite plant's backup restored to a PostgreSQL URL is the same plant there."""
    backup = tmp_path / "plant.backup"
    assert cli("--db", str(floor.url), "backup", str(backup))[0] == 0
    with stores.scratch_database("nf_moved") as server_url:
        code, out, err = cli("--db", server_url, "restore", str(backup))
        assert (code, err) == (0, ""), err
        code, out, err = cli("--db", server_url, "check")
        assert (code, err) == (0, "") and "8 cars" in out
        code, moved, _ = cli("--db", server_url, "history", "--json", plan_vin(floor))
        code, here, _ = cli("--db", floor.url, "history", "--json", plan_vin(floor))
        assert json.loads(moved) == json.loads(here)


def plan_vin(database: Database) -> str:
    with database.read() as session:
        return str(session.execute(text("SELECT vin FROM vehicle WHERE state = 'in_station'")).scalar_one())
