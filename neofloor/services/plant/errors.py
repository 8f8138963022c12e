"""Refusals: every rule the services enforce fails with one of these, and writes nothing.

Each carries one clear sentence for the floor (``str(error)``); the CLI prints it
and exits non-zero, the screens show it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime


class NeofloorError(Exception):
    """A request the plant's rules refuse."""

    exit_code = 1


class InvalidInput(NeofloorError):
    """The request itself is malformed (a bad VIN, an empty reason...)."""

    exit_code = 2


class InvalidVin(InvalidInput):
    pass


class NotFound(NeofloorError):
    """An unknown VIN, station, operator, code."""

    exit_code = 3


class RuleViolation(NeofloorError):
    """The request is well formed but the plant's rules forbid it now."""

    exit_code = 4


class OutOfSequence(RuleViolation):
    pass


class VehicleHeld(RuleViolation):
    pass


class GateBlocked(RuleViolation):
    pass


class ComponentsMissing(RuleViolation):
    """A car may not complete a station before the serials of the station's required parts are captured."""


class StationStopped(RuleViolation):
    """An andon stop is open at the station: it starts and completes no car until the stop ends."""


class PermissionDenied(NeofloorError):
    exit_code = 5


class DoubleScan(NeofloorError):
    """The same car scanned again at the same station within seconds: ignored.

    ``counts_from`` is the moment (aware UTC) from which a scan of the car there counts again.
    """

    exit_code = 6

    def __init__(self, message: str, *, counts_from: datetime | None = None) -> None:
        super().__init__(message)
        self.counts_from = counts_from


class ConfigError(InvalidInput):
    """A plant config file or production plan that cannot be loaded."""


class PlantInconsistent(NeofloorError):
    """``neofloor check`` found something wrong: the sentence lists what."""

    exit_code = 11


class ToolMissing(NeofloorError):
    """An operation needs a program that is not installed (pg_dump, pg_restore)."""

    exit_code = 12


class BackupFailed(NeofloorError):
    """pg_dump, pg_restore or SQLite's backup could not finish; the sentence carries their reason."""

    exit_code = 13
