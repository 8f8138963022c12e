"""The demo plant on a database server: generated into a SQLite file, then moved whole with COPY.

The generator's speed comes from writing SQLite in-process; a server plant gets the same rows
(same seed, same plant) streamed in one transaction, so a failed load leaves nothing behind.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from neofloor.demo.generator import generate_demo_plant
from neofloor.demo.spec import DemoSpec
from neofloor.i18n import _
from neofloor.services.plant.errors import InvalidInput
from neofloor.store.bulk import copy_sqlite_plant, drop_every_table
from neofloor.store.engine import Database
from neofloor.store.errors import where


def generate_demo_plant_at(url: str, spec: DemoSpec, *, force: bool = False) -> str:
    """Write the demo plant into the (PostgreSQL) database at ``url``; returns a one-line summary."""
    began = time.perf_counter()
    database = Database(url, upgrade=False)
    with database.translated(), database.engine.begin() as conn:
        has_tables = bool(conn.exec_driver_sql("SELECT to_regclass('public.vehicle') IS NOT NULL").scalar())
        if has_tables and not force:
            raise InvalidInput(
                _("The {where} already holds a plant; pass --force to overwrite it.").format(where=where(url))
            )
        if has_tables:
            drop_every_table(conn)
    database.dispose()
    with tempfile.TemporaryDirectory(prefix="neofloor-demo-") as folder:
        staged = Path(folder) / "demo.db"
        summary = generate_demo_plant(staged, spec)
        database = Database(url)  # the schema, by the migrations
        with database.translated(), database.engine.begin() as conn:
            copied = copy_sqlite_plant(staged, conn)
            conn.exec_driver_sql("ANALYZE")
        database.dispose()
    seconds = time.perf_counter() - began
    detail = summary.split(": ", 1)[1] if ": " in summary else summary
    return _("Demo plant written to the {where} in {seconds:.1f} s ({sum} rows by COPY): {detail}").format(
        where=where(url), seconds=seconds, sum=sum(copied.values()), detail=detail
    )
