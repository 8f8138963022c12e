"""Regenerate docs/station-terminal.svg, the README's picture of the station terminal.

Run from the repository root: ``.venv/bin/python -m tests.tui.readme_screenshot``.
It builds the tests' seeded line in a temporary file, starts a car at TRIM1 and
selects the electric car with its sunroof notes, at 100x30 with a frozen clock.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from textual.widgets import Input

from neofloor.services.plant.config import init_plant, load_plant_config
from neofloor.store.engine import Database
from neofloor.tui.app import NeofloorApp
from tests.tui.conftest import NOW, FrozenClock, _seed, opened, settle

OUT = Path(__file__).resolve().parents[2] / "docs" / "station-terminal.svg"


async def take(app: NeofloorApp, next_car: str) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot)
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.press(*next_car, "enter")
        await settle(pilot)
        await pilot.press("down")
        app.save_screenshot(str(OUT))


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plant.db"
        database = Database(f"sqlite:///{path}")
        with database.write() as session:
            init_plant(session, load_plant_config())
        vins = _seed(database)
        database.dispose()
        app = NeofloorApp(
            f"sqlite:///{path}",
            station="TRIM1",
            terminal="T-TRIM1",
            operator_badge="1002",
            clock=FrozenClock(NOW),
        )
        await take(app, vins[4])
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
