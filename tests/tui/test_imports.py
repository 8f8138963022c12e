"""The layers point one way: store/ and services/ never load Textual; the app loads the store late."""

from __future__ import annotations

import json
import subprocess
import sys

# Plain tables of words below the services' packages, that load nothing else of the services.
WORD_TABLES = {"neofloor.services", "neofloor.services.plant", "neofloor.services.plant.words"}
LOADED = "import json, sys; print(json.dumps(sorted(sys.modules)))"


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{LOADED}"], capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_store_and_services_never_import_textual():
    code = (
        "import pkgutil, importlib, neofloor.store, neofloor.services\n"
        "for package in (neofloor.store, neofloor.services):\n"
        "    for info in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
    )
    loaded = modules_after(code)
    assert "neofloor.services.tracking.scans" in loaded and "neofloor.store.models" in loaded
    assert not {m for m in loaded if m == "textual" or m.startswith(("textual.", "neofloor.tui"))}


def test_the_app_module_leaves_the_store_for_after_the_first_paint():
    """Importing SQLModel takes about half a second: the terminal must appear before that."""
    loaded = modules_after("import neofloor.tui.app, neofloor.tui.screens.station")
    slow = {m for m in loaded if m.split(".")[0] in ("sqlmodel", "sqlalchemy", "alembic")}
    layers = {m for m in loaded if m.startswith(("neofloor.store", "neofloor.services"))}
    assert not slow
    # The one table of stored values' words imports nothing but the catalog: the screens read it.
    assert layers <= WORD_TABLES


def test_the_first_look_reads_without_the_store():
    """The station's first view is read before SQLAlchemy, SQLModel or the tables are imported."""
    loaded = modules_after(
        "import neofloor.tui.app, neofloor.tui.screens.station, neofloor.services.tracking.first_look"
    )
    assert not {m for m in loaded if m.split(".")[0] in ("sqlmodel", "sqlalchemy", "alembic", "pydantic")}
    assert not {m for m in loaded if m in ("neofloor.store.engine", "neofloor.store.models")}


def test_the_warm_up_names_modules_that_exist_and_every_other_view():
    """The warm-up swallows its errors (it must never stop a terminal): a renamed module would go unseen."""
    import importlib

    from neofloor.tui.app import WARM_MODULES
    from neofloor.tui.screens import FLOOR_VIEWS

    for module in WARM_MODULES:
        importlib.import_module(module)
    screens = {view.screen.partition(":")[0] for view in FLOOR_VIEWS[1:]}
    assert screens <= set(WARM_MODULES)
