"""A PostgreSQL server stopped and started again under a command-line loop and under a running terminal.

While the server is away a scan is refused with the store's sentence, never lost silently; once it
is back the same scan is recorded once. The server is the test's own (it is stopped mid-test).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text, update
from textual.widgets import Input

from neofloor.cli import main
from neofloor.services.plant.config import init_plant, load_plant_config
from neofloor.services.plant.pins import hash_pin
from neofloor.store.engine import Database
from neofloor.store.models import Operator
from neofloor.tui.app import NeofloorApp
from neofloor.tui.widgets.last_result import LastResult
from tests import stores
from tests.conftest import TEST_PIN, plan_cars
from tests.tui.conftest import drive, settle

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def server_plant() -> Iterator[tuple[stores.OwnServer, str, list[str]]]:
    """A plant with three planned cars on a server of its own: (server, plant URL, VINs)."""
    with stores.own_server() as server:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=server.port, user="floor", dbname="postgres") as admin:
            admin.autocommit = True
            admin.execute("CREATE DATABASE plant")
        url = f"postgresql+psycopg://floor@127.0.0.1:{server.port}/plant"
        database = Database(url)
        with database.write() as session:
            init_plant(session, load_plant_config())
            session.execute(update(Operator).values(pin_hash=hash_pin(TEST_PIN)))
        vins = plan_cars(database, 3)
        database.dispose()
        yield server, url, vins


def starts_of(url: str, vin: str) -> int:
    database = Database(url)
    try:
        with database.read() as session:
            return int(
                session.execute(
                    text(
                        "SELECT count(*) FROM station_event JOIN vehicle ON vehicle.id = vehicle_id "
                        "WHERE vin = :vin AND kind = 'start'"
                    ),
                    {"vin": vin},
                ).scalar_one()
            )
    finally:
        database.dispose()


def test_a_command_line_loop_through_a_server_restart(server_plant, capsys) -> None:
    server, url, vins = server_plant

    def scan(vin: str) -> tuple[int, str, str]:
        code = main(["--db", url, "scan", vin, "--station", "BODY", "--operator", "3001"])
        out, err = capsys.readouterr()
        return code, out, err

    assert scan(vins[0])[:2] == (0, f"{vins[0]} started at BODY.\n")
    server.stop()
    code, out, err = scan(vins[1])
    assert (code, out) == (9, "")
    assert err.startswith(f"neofloor: The database server 127.0.0.1:{server.port} does not answer")
    assert "Nothing was written; try again once it is back." in err and "Traceback" not in err
    server.start()
    assert scan(vins[1])[:2] == (0, f"{vins[1]} started at BODY.\n")
    assert starts_of(url, vins[1]) == 1


def last_result(app: NeofloorApp) -> tuple[str, str]:
    outcome = app.screen.query_one("#last-result", LastResult).outcome
    return outcome.kind, outcome.sentence


async def test_a_running_terminal_refuses_a_scan_while_the_server_is_away_and_records_it_once_back(
    server_plant,
) -> None:
    server, url, vins = server_plant
    app = NeofloorApp(url, station="BODY", terminal="T-BODY", operator_badge="1001")
    async with drive(app) as pilot:
        await pilot.press(*vins[0], "enter")
        await settle(pilot, lambda: last_result(app)[0] == "done", timeout=30)
        kind, said = last_result(app)
        assert kind == "done" and said.startswith(f"{vins[0]} started at BODY. A scan from ")

        server.stop()
        await pilot.press(*vins[1], "enter")
        await settle(pilot, lambda: last_result(app)[0] == "refused", timeout=30)
        sentence = last_result(app)[1]
        assert sentence.startswith(f"Not recorded: The database server 127.0.0.1:{server.port} does not")
        assert app.screen.query_one("#scan", Input).value == ""

        server.start()
        await pilot.press(*vins[1], "enter")
        await settle(pilot, lambda: last_result(app)[0] == "done", timeout=30)
        kind, said = last_result(app)
        assert kind == "done" and said.startswith(f"{vins[1]} started at BODY. A scan from ")
    assert starts_of(url, vins[1]) == 1
