"""A store that cannot serve: one sentence and an exit code, never a traceback.

Opening a plant can fail for reasons that are nobody's bug: a path that is a folder, a file
that is not a database or is damaged, a read-only file, a server that is down or refuses the
login, a database made by a newer neofloor. ``describe`` turns what the driver raised into one
of these; the command line prints it and exits with its code, the app shows it on screen.
The codes are listed in the README.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from neofloor.i18n import _

# Seconds a terminal waits for the server to answer before it says so.
CONNECT_TIMEOUT_SECONDS = 5


class StoreProblem(Exception):
    """The plant's database cannot do what was asked; the sentence says why and what to do."""

    exit_code = 8


class StoreUnusable(StoreProblem):
    """Not a neofloor database (a folder, another file, damaged, empty, newer), or no way to open it."""

    exit_code = 8


class StoreUnreachable(StoreProblem):
    """The database server does not answer, or refuses the login: try again once it is back."""

    exit_code = 9


class StoreReadOnly(StoreProblem):
    """Reads work, but this user may not write to the plant."""

    exit_code = 10


def where(url: str) -> str:
    """The database named for a sentence: the file's path, or the server and database (no password)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database or "(memory)")
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return _("database {database} on {host}{port}").format(database=parsed.database, host=host, port=port)


def _first_line(error: BaseException) -> str:
    """The driver's reason, first line, without libpq's "connection to server at ... failed:" preamble."""
    text = str(error).strip().splitlines()
    line = text[0].rstrip(".") if text else type(error).__name__
    if " failed: " in line and line.startswith("connection"):
        line = line.rsplit(" failed: ", 1)[1]
    return line.replace("FATAL:  ", "").strip()


def describe(error: BaseException, url: str) -> StoreProblem | None:
    """The sentence for a driver's failure on ``url``; None when it is not the store's condition.

    Integrity errors and SQL mistakes are left alone: they are bugs, and keep their traceback.
    """
    if isinstance(error, StoreProblem):
        return error
    if not isinstance(error, DBAPIError) or isinstance(error, IntegrityError):
        return None
    if make_url(url).get_backend_name() == "sqlite":
        return _describe_sqlite(error, url)
    return _describe_postgres(error, url)


def _describe_sqlite(error: DBAPIError, url: str) -> StoreProblem | None:
    path = where(url)
    reason = _first_line(error.orig or error)
    lowered = reason.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return StoreReadOnly(
            _(
                "{path} is read-only for this user: reads work, but writes are refused "
                "(give write access to the file and its folder)."
            ).format(path=path)
        )
    if "malformed" in lowered or "not a database" in lowered or "disk i/o" in lowered:
        return StoreUnusable(
            _("{path} is damaged ({reason}): restore it from a backup (see docs/deploy.md).").format(
                path=path, reason=reason
            )
        )
    if "database is locked" in lowered or "database is busy" in lowered:
        return StoreUnreachable(
            _(
                "{path} stayed locked by another program past the wait: nothing was "
                "written; try again (and look for a program holding the file open)."
            ).format(path=path)
        )
    if "unable to open" in lowered:
        return StoreUnusable(
            _("{path} cannot be opened ({reason}): check the path and its permissions.").format(
                path=path, reason=reason
            )
        )
    return None


# PostgreSQL's SQLSTATE classes and codes (appendix A of its manual).
_LOGIN_REFUSED = ("28000", "28P01")
_NO_DATABASE = "3D000"
_READ_ONLY = ("25006", "42501")
_SERVER_GONE_CLASSES = ("08", "57")


def _describe_postgres(error: DBAPIError, url: str) -> StoreProblem | None:
    parsed = make_url(url)
    server = f"{parsed.host or 'localhost'}{f':{parsed.port}' if parsed.port else ''}"
    state = getattr(error.orig, "sqlstate", None) or ""
    reason = _first_line(error.orig or error)
    lowered = reason.lower()
    if (
        state in _LOGIN_REFUSED
        or "authentication failed" in lowered
        or "pg_hba.conf" in lowered
        or ('role "' in lowered and "does not exist" in lowered)
        or "password" in lowered
    ):
        return StoreUnreachable(
            _(
                "The database server {server} refused the login of {user} ({reason}): "
                "check the user and password in the URL."
            ).format(server=server, user=parsed.username or _("this user"), reason=reason)
        )
    if state == _NO_DATABASE or ('database "' in lowered and "does not exist" in lowered):
        return StoreUnusable(
            _(
                "The server {server} has no database {database}: create it "
                "(docs/deploy.md), then run 'neofloor init --db URL'."
            ).format(server=server, database=parsed.database)
        )
    if state in _READ_ONLY:
        return StoreReadOnly(
            _(
                "The {where} refuses this write to {user} ({reason}): reads work; ask for write rights."
            ).format(where=where(url), user=parsed.username or _("this user"), reason=reason)
        )
    if (
        state[:2] in _SERVER_GONE_CLASSES
        or error.connection_invalidated
        or (not state and isinstance(error, OperationalError))
    ):
        return StoreUnreachable(
            _(
                "The database server {server} does not answer ({reason}): is it "
                "running? Nothing was written; try again once it is back."
            ).format(server=server, reason=reason)
        )
    return None
