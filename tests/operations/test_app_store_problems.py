"""The app says what is wrong with its store on screen, and keeps trying a server that did not answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from neofloor.services.plant.config import init_plant, load_plant_config
from neofloor.services.plant.pins import hash_pin
from neofloor.store.engine import Database
from neofloor.store.models import Operator
from neofloor.tui import app as app_module
from neofloor.tui.app import NeofloorApp
from neofloor.tui.dialogs.sign_in import SignInDialog
from tests import stores
from tests.conftest import TEST_PIN
from tests.tui.conftest import settle, type_pin


async def test_an_empty_file_is_named_on_screen_and_left_empty(tmp_path: Path) -> None:
    empty = tmp_path / "plant.db"
    empty.touch()
    app = NeofloorApp(f"sqlite:///{empty}", station="TRIM1", operator_badge="1002")
    async with app.run_test() as pilot:
        await settle(pilot, lambda: bool(app.problem))
        assert app.problem == f"{empty} is empty: not a neofloor database: run neofloor init."
        assert app.database is None
    assert empty.stat().st_size == 0


@pytest.mark.postgres
@pytest.mark.slow
async def test_a_terminal_started_while_the_server_is_down_opens_once_it_is_back(monkeypatch) -> None:
    monkeypatch.setattr(app_module, "RECONNECT_SECONDS", 0.5)
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
        database.dispose()
        server.stop()

        app = NeofloorApp(url, station="TRIM1", operator_badge="1002")
        async with app.run_test() as pilot:
            await settle(pilot, lambda: bool(app.problem), timeout=30)
            assert app.problem.startswith(f"The database server 127.0.0.1:{server.port} does not answer")
            assert app.database is None
            server.start()
            await settle(pilot, lambda: app.database is not None, timeout=30)
            assert app.problem == ""
            # The badge given at start is asked its PIN once the plant is open, as on any start.
            await settle(pilot, lambda: isinstance(app.screen, SignInDialog), timeout=10)
            await type_pin(pilot, app.screen)
            assert app.station == "TRIM1" and app.operator is not None
