"""A plant on a PostgreSQL server made by the commands alone: ``init --db URL``, ``demo --out URL``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from neofloor.cli import main
from neofloor.store.engine import Database
from tests import stores
from tests.conftest import SUPERVISOR, give_test_pins

pytestmark = pytest.mark.postgres


@pytest.fixture
def empty_server_database() -> Iterator[str]:
    with stores.scratch_database("nf_cli") as url:
        yield url


def test_init_writes_a_plant_into_an_empty_server_database(empty_server_database: str, capsys) -> None:
    url = empty_server_database.replace("postgresql+psycopg://", "postgresql://")  # the short form works
    assert main(["--db", url, "init"]) == 0
    assert "Plant 'Aïn Aouda" in capsys.readouterr().out
    give_test_pins(url)
    plan = ["plan", "add", "ENFC1P0X8T0000001", "--model", "C1", "--color", "WHT", "--operator", SUPERVISOR]
    assert main(["--db", url, *plan]) == 0
    assert main(["--db", url, "scan", "ENFC1P0X8T0000001", "--station", "BODY", "--operator", "1001"]) == 0
    assert main(["--db", url, "check"]) == 0
    out = capsys.readouterr().out
    assert "started at BODY" in out and "Plant consistent (PostgreSQL): 1 cars, 2 events" in out


def test_demo_fills_a_server_database_with_the_same_plant_as_a_file(
    empty_server_database: str, tmp_path, capsys
) -> None:
    url = empty_server_database
    assert main(["demo", "--out", url, "--days", "3", "--seed", "7"]) == 0
    on_server = capsys.readouterr().out
    assert main(["demo", "--out", str(tmp_path / "demo.db"), "--days", "3", "--seed", "7"]) == 0
    in_file = capsys.readouterr().out
    # The same plant: the generator's counts, after where and how long.
    assert on_server.split(" by COPY): ", 1)[1] == in_file.split(" s: ", 1)[1]
    assert main(["--db", url, "check"]) == 0
    assert "Plant consistent (PostgreSQL)" in capsys.readouterr().out
    for command in (["history", "--json"], ["queue", "TRIM1", "--json"]):
        args = command if command[0] == "queue" else [*command, first_vin(tmp_path / "demo.db")]
        assert main(["--db", url, *args]) == 0
        server_answer = capsys.readouterr().out
        assert main(["--db", str(tmp_path / "demo.db"), *args]) == 0
        assert server_answer == capsys.readouterr().out

    code = main(["demo", "--out", url, "--days", "3"])
    assert code == 2 and "already holds a plant; pass --force" in capsys.readouterr().err
    # The hash chains came along with the rows: verify walks them on the server.
    assert main(["--db", url, "verify"]) == 0
    assert "Ledger and audit trail intact" in capsys.readouterr().out


def test_demo_force_replaces_a_server_plant_and_its_append_only_triggers(
    empty_server_database: str, capsys
) -> None:
    url = empty_server_database
    assert main(["demo", "--out", url, "--days", "2", "--seed", "3"]) == 0
    assert main(["demo", "--out", url, "--days", "2", "--seed", "4", "--force"]) == 0
    assert main(["--db", url, "verify"]) == 0
    capsys.readouterr()
    database = Database(url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), database.write() as session:
            session.execute(text("UPDATE station_event SET note = 'forged' WHERE id = 1"))
    finally:
        database.dispose()


def first_vin(path) -> str:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT vin FROM vehicle ORDER BY id LIMIT 1").fetchone()[0])
