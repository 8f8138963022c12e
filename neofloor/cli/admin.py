"""Admin commands: create a plant, upgrade its schema, generate the demo plant."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from neofloor.services.plant.errors import InvalidInput


def register(commands: Any) -> None:
    init = commands.add_parser("init", help="create a plant database from a plant config (TOML)")
    init.add_argument("--plant", metavar="FILE", help="plant config file (default: the demo plant's)")
    init.set_defaults(handler=init_command)

    upgrade = commands.add_parser("upgrade", help="bring the database schema up to date (Alembic)")
    upgrade.set_defaults(handler=upgrade_command)

    demo = commands.add_parser("demo", help="generate the demo plant with realistic history")
    demo.add_argument(
        "--out", metavar="FILE_OR_URL", required=True, help="database file to write, or a PostgreSQL URL"
    )
    demo.add_argument("--seed", type=int, default=2023, help="random seed (default 2023)")
    demo.add_argument("--days", type=int, default=None, help="days of history (default 28)")
    demo.add_argument("--years", type=float, default=None, help="years of history (instead of --days)")
    demo.add_argument("--cars-per-year", type=int, default=3000, help="plant volume (default 3000)")
    demo.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    demo.set_defaults(handler=demo_command)


def init_command(args: argparse.Namespace) -> int:
    from neofloor.services.plant.catalog import forget_catalog
    from neofloor.services.plant.config import init_plant, load_plant_config
    from neofloor.store.engine import Database, database_url

    config = load_plant_config(args.plant)
    database = Database(database_url(args.db))
    with database.write() as session:
        init_plant(session, config)
        forget_catalog(session)
    print(f"Plant '{config.name}' written to {database.url}: {len(config.stations)} stations.")
    return 0


def upgrade_command(args: argparse.Namespace) -> int:
    from neofloor.store.engine import Database, database_url, refresh_planner_statistics
    from neofloor.store.migrate import current_revision, upgrade

    database = Database(database_url(args.db), upgrade=False, create=False)
    before = current_revision(database.engine)
    upgrade(database.engine)
    if database.is_sqlite:
        refresh_planner_statistics(database.engine, force=True)
    after = current_revision(database.engine)
    print(f"Schema at revision {after}" + ("" if before == after else f" (was {before or 'empty'})") + ".")
    return 0


def demo_command(args: argparse.Namespace) -> int:
    from neofloor.demo.generator import DemoSpec, generate_demo_plant
    from neofloor.store.engine import database_url, sqlite_path

    url = database_url(args.out)
    file = sqlite_path(url)
    out = Path(file) if file is not None else None
    if out is not None and out.exists() and not args.force:
        raise InvalidInput(f"{out} exists; pass --force to overwrite it.")
    if args.days is not None and args.years is not None:
        raise InvalidInput("Give --days or --years, not both.")
    days = args.days if args.days is not None else (round(args.years * 365) if args.years else 28)
    if days < 1:
        raise InvalidInput("The demo needs at least one day of history.")
    if args.cars_per_year < 250:
        raise InvalidInput("--cars-per-year must be at least 250 (one car a working day).")
    spec = DemoSpec(seed=args.seed, days=days, cars_per_year=args.cars_per_year)
    if out is not None:
        summary = generate_demo_plant(out, spec)
    else:
        from neofloor.demo.server import generate_demo_plant_at

        summary = generate_demo_plant_at(url, spec, force=args.force)
    print(summary)
    return 0
