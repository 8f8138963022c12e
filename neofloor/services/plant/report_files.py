"""Where reports go: the plant's reports folder, and the full path of a report in it.

The folder is ``[plant] reports_folder`` of the plant config, stored as a plant setting;
relative to the database file's folder unless absolute, ``reports`` beside the database
when the config names none (the current folder's ``reports`` for a server database,
which has no folder of its own). People are always shown the full path.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.plant.errors import InvalidInput
from neofloor.store.models import PlantSetting

REPORTS_FOLDER_SETTING = "reports_folder"
DEFAULT_REPORTS_FOLDER = "reports"


def database_folder(session: Session) -> Path:
    """The folder of the SQLite file behind ``session``; the current folder for a server database."""
    bind = session.get_bind()
    url = bind.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(str(url.database)).expanduser().resolve().parent
    return Path.cwd()


def reports_folder(session: Session) -> Path:
    """The plant's reports folder, as a full path (it may not exist yet: writing creates it)."""
    configured = session.execute(
        select(col(PlantSetting.value)).where(col(PlantSetting.key) == REPORTS_FOLDER_SETTING)
    ).scalar_one_or_none()
    folder = Path(configured or DEFAULT_REPORTS_FOLDER).expanduser()
    if not folder.is_absolute():
        folder = database_folder(session) / folder
    return folder.resolve()


def report_path(session: Session, file_name: str) -> Path:
    """The full path of the report ``file_name`` in the plant's reports folder."""
    name = file_name.strip()
    if not name or Path(name).name != name or name in (".", ".."):
        raise InvalidInput(
            _("{file_name!r} is not a file name; give a name without a folder.").format(file_name=file_name)
        )
    return reports_folder(session) / name
