"""What the subcommands share: opening the database, printing tables and JSON."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from neofloor.services.errors import NotFound
from neofloor.store.engine import Database, database_url


def open_database(args: argparse.Namespace, *, must_exist: bool = True) -> Database:
    """The database named by --db / NEOFLOOR_DATABASE_URL, upgraded to the current schema."""
    url = database_url(args.db)
    if must_exist and url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise NotFound(f"No database at {path}: create one with 'neofloor init' or 'neofloor demo'.")
    return Database(url)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    return value


def to_json(value: Any) -> str:
    return json.dumps(_plain(value), indent=2, ensure_ascii=False)
