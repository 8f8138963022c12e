"""Admin commands: create a plant, upgrade its schema, generate the demo plant."""

from __future__ import annotations

import argparse
import os
import sys
from getpass import getpass
from pathlib import Path
from typing import Any

from neofloor.i18n import _, ngettext
from neofloor.services.plant.errors import InvalidInput


def register(commands: Any) -> None:
    init = commands.add_parser("init", help=_("create a plant database from a plant config (TOML)"))
    init.add_argument("--plant", metavar="FILE", help=_("plant config file (default: the demo plant's)"))
    init.set_defaults(handler=init_command)

    upgrade = commands.add_parser("upgrade", help=_("bring the database schema up to date (Alembic)"))
    upgrade.set_defaults(handler=upgrade_command)

    demo = commands.add_parser("demo", help=_("generate the demo plant with realistic history"))
    demo.add_argument(
        "--out", metavar="FILE_OR_URL", required=True, help=_("database file to write, or a PostgreSQL URL")
    )
    demo.add_argument("--seed", type=int, default=2023, help=_("random seed (default 2023)"))
    demo.add_argument("--days", type=int, default=None, help=_("days of history (default 28)"))
    demo.add_argument("--years", type=float, default=None, help=_("years of history (instead of --days)"))
    demo.add_argument("--cars-per-year", type=int, default=3000, help=_("plant volume (default 3000)"))
    demo.add_argument("--force", action="store_true", help=_("overwrite FILE if it exists"))
    demo.add_argument(
        "--from-example",
        metavar="EXAMPLE",
        help=_(
            "copy this demo plant (e.g. neofloor.db.example) instead of generating one, "
            "its times moved by whole working days so that its history ends today"
        ),
    )
    demo.set_defaults(handler=demo_command)


def init_command(args: argparse.Namespace) -> int:
    from neofloor.services.plant.catalog import forget_catalog
    from neofloor.services.plant.config import init_plant, load_plant_config
    from neofloor.store.engine import Database, database_url

    config = load_plant_config(args.plant)
    _first_admin_pin(config)
    database = Database(database_url(args.db))
    with database.write() as session:
        init_plant(session, config)
        forget_catalog(session)
    count = len(config.stations)
    print(
        ngettext(
            "Plant '{name}' written to {url}: {n} station.",
            "Plant '{name}' written to {url}: {n} stations.",
            count,
        ).format(name=config.name, url=database.url, n=count)
    )
    return 0


def _first_admin_pin(config: Any) -> None:
    """The first admin signs in with a PIN: asked for (or NEOFLOOR_PIN) when the config gives none."""
    from neofloor.cli.common import PIN_ENV
    from neofloor.services.people.auth import check_pin

    admins = [op for op in config.operators if op["role"] == "admin"]
    if not admins:
        raise InvalidInput(
            _('The plant config names no admin: add an [[operators]] entry with role = "admin".')
        )
    first = admins[0]
    if first.get("pin") is not None:
        return
    pin = os.environ.get(PIN_ENV)
    if pin is None:
        if not sys.stdin.isatty():
            raise InvalidInput(
                _("Give the first admin's PIN at a terminal or in {variable}.").format(variable=PIN_ENV)
            )
        pin = getpass(
            _("PIN for the first admin, {name} (badge {badge}): ").format(
                name=first["name"], badge=first["badge"]
            )
        )
        if getpass(_("Again: ")) != pin:
            raise InvalidInput(_("The two PINs differ; nothing written."))
    first["pin"] = check_pin(pin)


def upgrade_command(args: argparse.Namespace) -> int:
    from neofloor.store.engine import Database, database_url, refresh_planner_statistics
    from neofloor.store.migrate import current_revision, upgrade

    database = Database(database_url(args.db), upgrade=False, create=False)
    before = current_revision(database.engine)
    upgrade(database.engine)
    if database.is_sqlite:
        refresh_planner_statistics(database.engine, force=True)
    after = current_revision(database.engine)
    if before == after:
        print(_("Schema at revision {after}.").format(after=after))
    else:
        print(
            _("Schema at revision {after} (was {before}).").format(after=after, before=before or _("empty"))
        )
    return 0


def demo_command(args: argparse.Namespace) -> int:
    from neofloor.demo.generator import DemoSpec, generate_demo_plant
    from neofloor.store.engine import database_url, sqlite_path

    url = database_url(args.out)
    file = sqlite_path(url)
    out = Path(file) if file is not None else None
    if out is not None and out.exists() and not args.force:
        raise InvalidInput(_("{path} exists; pass --force to overwrite it.").format(path=out))
    if args.from_example is not None:
        if out is None:
            raise InvalidInput(
                _(
                    "--from-example writes a SQLite file: write it to a file, then move it to the server "
                    "with 'neofloor restore FILE --force' (NEOFLOOR_DATABASE_URL naming the server)."
                )
            )
        return _demo_from_example(Path(args.from_example), out)
    if args.days is not None and args.years is not None:
        raise InvalidInput(_("Give --days or --years, not both."))
    days = args.days if args.days is not None else (round(args.years * 365) if args.years else 28)
    if days < 1:
        raise InvalidInput(_("The demo needs at least one day of history."))
    if args.cars_per_year < 250:
        raise InvalidInput(_("--cars-per-year must be at least 250 (one car a working day)."))
    spec = DemoSpec(seed=args.seed, days=days, cars_per_year=args.cars_per_year)
    if out is not None:
        from neofloor.cli.common import progress

        with progress(
            ngettext(
                "Writing {n} day of history to {path}", "Writing {n} days of history to {path}", days
            ).format(n=days, path=out)
        ):
            summary = generate_demo_plant(out, spec)
    else:
        from neofloor.demo.server import generate_demo_plant_at

        summary = generate_demo_plant_at(url, spec, force=args.force)
    print(summary)
    return 0


def _demo_from_example(example: Path, out: Path) -> int:
    """A copy of the example plant whose history ends today (see neofloor.demo.refresh)."""
    import shutil

    from neofloor.demo.refresh import move_plant_to_now
    from neofloor.services.plant.errors import NotFound
    from neofloor.store.types import utcnow

    if not example.is_file():
        raise NotFound(_("No demo plant at {path}.").format(path=example))
    if example.resolve() == out.resolve():
        raise InvalidInput(_("Give --out another file than the example: the example is kept as it is."))
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    partial = out.with_name(out.name + ".partial")
    shutil.copyfile(example, partial)
    from neofloor.cli.common import progress

    try:
        with progress(_("Moving {name} to today").format(name=example.name)) as advance:
            moved = move_plant_to_now(partial, utcnow(), progress=advance)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    print(f"{out}: {moved.message}")
    return 0
