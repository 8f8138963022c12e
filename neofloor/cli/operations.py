"""Operations commands for admins: check a plant, back it up while terminals write, restore a backup."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from neofloor.cli.common import printed_json
from neofloor.i18n import _


def register(commands: Any) -> None:
    """Add ``neofloor check``, ``neofloor backup`` and ``neofloor restore`` to the neofloor parser."""
    check = commands.add_parser(
        "check", help=_("check the store, every car against its ledger, the visits against their events")
    )
    check.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    check.set_defaults(handler=check_command)

    backup = commands.add_parser("backup", help=_("a consistent copy of the plant, while terminals write"))
    backup.add_argument("dest", type=Path, metavar="DEST", help=_("backup file to write"))
    backup.add_argument("--force", action="store_true", help=_("overwrite DEST if it exists"))
    backup.set_defaults(handler=backup_command)

    restore = commands.add_parser("restore", help=_("put a backup in place as the plant (terminals stopped)"))
    restore.add_argument(
        "source", type=Path, metavar="BACKUP", help=_("backup file written by 'neofloor backup'")
    )
    restore.add_argument("--force", action="store_true", help=_("replace the plant already there"))
    restore.set_defaults(handler=restore_command)


def check_command(args: argparse.Namespace) -> int:
    from neofloor.services.operations.consistency import check_plant
    from neofloor.services.plant.errors import NotFound, PlantInconsistent
    from neofloor.store.engine import Database, database_url, sqlite_path

    url = database_url(args.db)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise NotFound(_("No database at {path}.").format(path=path))
    # Reads only: an old schema is reported, not upgraded.
    database = Database(url, upgrade=False, create=False)
    with database.read() as session:
        report = check_plant(session)
    database.dispose()
    if printed_json(args, report):
        return 0 if report.ok else PlantInconsistent.exit_code
    if report.ok:
        print(report.message)
        return 0
    print(report.message, file=sys.stderr)
    return PlantInconsistent.exit_code


def backup_command(args: argparse.Namespace) -> int:
    from neofloor.services.operations.backup import backup_plant
    from neofloor.store.engine import database_url

    print(backup_plant(database_url(args.db), args.dest, force=args.force).message)
    return 0


def restore_command(args: argparse.Namespace) -> int:
    from neofloor.services.operations.backup import restore_plant
    from neofloor.store.engine import database_url

    print(restore_plant(database_url(args.db), args.source, force=args.force).message)
    return 0
