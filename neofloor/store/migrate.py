"""Alembic, run from code: ``neofloor upgrade`` and the automatic upgrade on open.

Opening a database checks its revision with one cheap query and only loads
Alembic when the schema is behind, so a terminal starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from neofloor.i18n import _
from neofloor.store.errors import StoreUnusable
from neofloor.store.revision import HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions(engine: Engine) -> set[str]:
    """Every schema revision this code has a migration for."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(engine))
    return {script.revision for script in scripts.walk_revisions()}


def refuse_newer_schema(engine: Engine, revision: str | None) -> None:
    """A database at a revision this code does not know was made by a newer neofloor: never touch it."""
    if revision is not None and revision != HEAD_REVISION and revision not in known_revisions(engine):
        raise StoreUnusable(
            _(
                "This database was made by a newer neofloor (schema revision "
                "{revision}, this one knows up to {HEAD_REVISION}): upgrade neofloor "
                "to open it."
            ).format(revision=revision, HEAD_REVISION=HEAD_REVISION)
        )


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (creating it on an empty database)."""
    from alembic import command

    refuse_newer_schema(engine, current_revision(engine))
    command.upgrade(alembic_config(engine), revision)


def upgrade_if_needed(engine: Engine) -> bool:
    """Upgrade when the database is behind; True when anything ran."""
    if current_revision(engine) == HEAD_REVISION:
        return False
    upgrade(engine)
    return True
