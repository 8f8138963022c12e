"""``neofloor serve``: the app in a web browser, through textual-serve.

Each visitor gets an app process of their own, started with the same options as a
terminal: the database, the station and, with ``--view``, a read-only wall screen
(tui/wall.py) that shows the board or the dashboard and asks nobody to sign in.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from neofloor.i18n import _

# The views a wall screen shows (kept here too, so the parser does not import Textual).
WALL_VIEWS = ("board", "dashboard")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(commands: Any) -> None:
    """Add ``neofloor serve`` to the neofloor parser."""
    serve = commands.add_parser(
        "serve",
        help=_("serve the app to web browsers (one app per visitor; --view for a read-only wall screen)"),
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=_("address to listen on (default: {host})").format(host=DEFAULT_HOST),
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=_("port (default: {port})").format(port=DEFAULT_PORT)
    )
    serve.add_argument(
        "--view",
        dest="serve_view",
        choices=WALL_VIEWS,
        help=_("serve a read-only wall screen showing this view: no sign-in, nothing written"),
    )
    serve.add_argument(
        "--station",
        dest="serve_station",
        metavar="CODE",
        help=_("bind every visitor's terminal to this station (default: the top-level --station)"),
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help=_("the address browsers use, when it differs from http://HOST:PORT (a reverse proxy)"),
    )
    serve.set_defaults(handler=serve_command)


def app_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs for each visitor: this Python, this database."""
    from neofloor.store.engine import database_url

    words = [sys.executable, "-m", "neofloor", "--db", database_url(args.db), "--terminal", args.terminal]
    station = args.serve_station or args.station
    if args.serve_view:
        words += ["--view", args.serve_view]
    elif station:
        words += ["--station", station]
    return shlex.join(words)


def serve_command(args: argparse.Namespace) -> int:
    from neofloor.services.plant.errors import InvalidInput
    from neofloor.services.tracking.first_look import sqlite_file
    from neofloor.store.engine import database_url

    if not 0 < args.port < 65536:
        raise InvalidInput(_("Port {port} is not a port number (1 to 65535).").format(port=args.port))
    missing = sqlite_file(database_url(args.db))
    if missing is not None and not missing.exists():
        raise InvalidInput(
            _("No database at {path}: create one with 'neofloor init' or 'neofloor demo'.").format(
                path=missing
            )
        )
    from textual_serve.server import Server

    title = f"neofloor {args.serve_view}" if args.serve_view else "neofloor"
    server = Server(
        app_command(args), host=args.host, port=args.port, title=title, public_url=args.public_url
    )
    print(
        _("Serving neofloor on {address} (Ctrl+C stops).").format(address=f"http://{args.host}:{args.port}"),
        flush=True,
    )
    server.serve()
    return 0
