"""``neofloor simulate``: simulated operators play the line at takt, so the board and dashboard move."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType
from typing import Any

from neofloor.cli.common import open_database
from neofloor.i18n import _
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.text import printable


def register(commands: Any) -> None:
    simulate = commands.add_parser(
        "simulate",
        help=_(
            "simulated operators play the line at takt from now, up to the handover "
            "(demonstrations, training); Ctrl+C stops"
        ),
    )
    simulate.add_argument(
        "--speed", type=float, default=1.0, help=_("how many times faster than takt (default 1: real pace)")
    )
    simulate.add_argument("--minutes", type=float, default=None, help=_("stop after this many minutes"))
    simulate.add_argument("--seed", type=int, default=None, help=_("random seed, for a repeatable run"))
    simulate.set_defaults(handler=simulate_command)


def simulate_command(args: argparse.Namespace) -> int:
    from neofloor.demo.simulate import LineSimulator

    if args.speed <= 0 or args.speed > 10_000:
        raise InvalidInput(_("--speed must be more than 0 and at most 10000."))
    if args.minutes is not None and args.minutes <= 0:
        raise InvalidInput(_("--minutes must be more than 0."))
    simulator = LineSimulator(open_database(args), speed=args.speed, seed=args.seed)
    asked_to_stop = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        # Ctrl+C ends the run between two steps: the write under way always finishes.
        nonlocal asked_to_stop
        asked_to_stop = True

    previous = signal.signal(signal.SIGINT, stop)
    try:
        speed = f"{args.speed:g}"
        if args.minutes:
            start = _("Simulating the line at {speed}x takt for {minutes} min.").format(
                speed=speed, minutes=f"{args.minutes:g}"
            )
        else:
            start = _("Simulating the line at {speed}x takt until Ctrl+C.").format(speed=speed)
        print(start, file=sys.stderr, flush=True)
        summary = simulator.run(minutes=args.minutes, should_stop=lambda: asked_to_stop)
    finally:
        signal.signal(signal.SIGINT, previous)
    print(summary.message, flush=True)
    for sentence in dict.fromkeys(summary.refusals[:3]):
        # Why writes were refused, in the services' words (the first few; the count is above).
        print(_("Refused: {reason}").format(reason=printable(sentence)), file=sys.stderr, flush=True)
    return 0
