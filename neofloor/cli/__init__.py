"""The ``neofloor`` command: the app by default, and subcommands for scripts and admins.

Each subcommand module registers its parsers; a refusal from the services is
printed as one sentence on stderr with a non-zero exit code, and writes nothing.
"""

from __future__ import annotations

import argparse
import importlib
import socket
import sys
from collections.abc import Callable, Sequence

from neofloor import __version__
from neofloor.i18n import (
    LANGUAGES,
    UnknownLanguage,
    _,
    language_from_environment,
    normalise_language,
    set_language,
    set_language_chosen,
)

Handler = Callable[[argparse.Namespace], int]


# Each module registers its subcommands with ``register(commands)``.
COMMAND_MODULES = (
    "admin",
    "floor",
    "supervision",
    "quality",
    "reports",
    "recall",
    "delivery",
    "people",
    "simulate",
    "serve",
    "operations",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neofloor",
        description=_(
            "Shop-floor system: follow every car, by VIN, through the plant. "
            "With no command, opens the terminal app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"neofloor {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help=_("database file or URL (default: $NEOFLOOR_DATABASE_URL, else ./neofloor.db)"),
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=_("the language to speak (default: $NEOFLOOR_LANG, else the plant's, else en)"),
    )
    parser.add_argument(
        "--station", metavar="CODE", help=_("bind this terminal to a station (e.g. TRIM1)")
    )
    parser.add_argument(
        "--terminal",
        metavar="NAME",
        default=socket.gethostname(),
        help=_("this terminal's name in the ledger (default: the host name)"),
    )
    from neofloor.cli.serve import WALL_VIEWS

    parser.add_argument(
        "--view",
        choices=WALL_VIEWS,
        help=_("a read-only wall screen: only this view, no sign-in, nothing written"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"neofloor.cli.{name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    problem = choose_language(argv)
    if problem:
        print(_("neofloor: {problem}").format(problem=problem), file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        return run_app(args)
    from neofloor.cli.common import PrintableOutput
    from neofloor.services.plant.errors import NeofloorError
    from neofloor.store.errors import StoreProblem

    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableOutput(stdout), PrintableOutput(stderr)  # type: ignore[assignment]
    try:
        return handler(args)
    except (NeofloorError, StoreProblem) as exc:
        print(_("neofloor: {problem}").format(problem=exc), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        stderr.close()
        return 0
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def choose_language(argv: Sequence[str] | None) -> str:
    """Speak ``--lang``, else ``$NEOFLOOR_LANG``, before anything is said (the help included).

    Answers the sentence to print when the language asked for is not one neofloor speaks. With
    neither, the plant's language is applied once the database is open.
    """
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    known, _rest = early.parse_known_args(sys.argv[1:] if argv is None else list(argv))
    try:
        chosen = normalise_language(known.lang) if known.lang else language_from_environment()
    except UnknownLanguage as exc:
        return str(exc)
    set_language(chosen)
    set_language_chosen(chosen is not None)
    return ""


def run_app(args: argparse.Namespace) -> int:
    from neofloor.store.engine import database_url
    from neofloor.store.errors import StoreProblem
    from neofloor.tui.app import NeofloorApp
    from neofloor.tui.theme import settings_path

    try:
        url = database_url(args.db)
    except StoreProblem as exc:
        print(_("neofloor: {problem}").format(problem=exc), file=sys.stderr)
        return exc.exit_code
    app = NeofloorApp(
        url,
        station=args.station,
        terminal=args.terminal,
        view=args.view,
        settings=settings_path(),
    )
    app.run()
    return app.return_code or 0
