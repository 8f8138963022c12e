"""What a station, a car, an event, a person or a defect can be: the words the tables store.

Kept apart from the tables so that code which only needs the words (the terminal's
first view, read before the store is imported) does not load SQLModel for them.
"""

from __future__ import annotations

from enum import StrEnum


class StationKind(StrEnum):
    WORK = "work"
    TEST = "test"
    QUALITY_GATE = "quality_gate"
    REPAIR = "repair"
    YARD = "yard"
    DELIVERY = "delivery"


class VehicleState(StrEnum):
    PLANNED = "planned"
    QUEUED = "queued"
    IN_STATION = "in_station"
    HELD = "held"
    IN_REPAIR = "in_repair"
    FINISHED = "finished"
    DELIVERED = "delivered"


class EventKind(StrEnum):
    PLAN = "plan"
    START = "start"
    COMPLETE = "complete"
    HOLD = "hold"
    RELEASE = "release"
    TO_REPAIR = "to_repair"
    REPAIR_START = "repair_start"
    REPAIR_COMPLETE = "repair_complete"
    FROM_REPAIR = "from_repair"
    OVERRIDE = "override"
    DELIVER = "deliver"
    # A finished car given (or moved to) a spot in the yard; the note holds the spot.
    PARK = "park"


class Role(StrEnum):
    OPERATOR = "operator"
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    SHIFT_LEAD = "shift_lead"
    ADMIN = "admin"
    # An automated station's account: scans at its own station, signs in with a secret.
    STATION = "station"


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class DefectStatus(StrEnum):
    OPEN = "open"
    REPAIRED = "repaired"
    VERIFIED = "verified"
    CANCELLED = "cancelled"


# A defect still to be dealt with: open, or repaired and not yet verified.
UNCLOSED = (DefectStatus.OPEN, DefectStatus.REPAIRED)

# A car still in the plant (not finished, not delivered), as literal SQL on the vehicle table.
IN_PLANT_SQL = "state NOT IN ('finished', 'delivered')"
# Waiting for a station: planned or queued there (a held car that was waiting counts too).
WAITING_STATES: tuple[str, ...] = (VehicleState.PLANNED, VehicleState.QUEUED)


def _quoted(states: tuple[str, ...]) -> str:
    return ", ".join(f"'{s}'" for s in states)


def waiting_sql(table: str) -> str:
    """Waiting for the station: planned or queued there, or held while waiting (literal SQL)."""
    waiting = _quoted(WAITING_STATES)
    return (
        f"({table}.state IN ({waiting}) "
        f"OR ({table}.state = '{VehicleState.HELD}' AND {table}.resume_state IN ({waiting})))"
    )


def inside_sql(table: str) -> str:
    """Started in the station and not completed, or held while in it (literal SQL)."""
    inside = f"'{VehicleState.IN_STATION}'"
    return (
        f"({table}.state = {inside} "
        f"OR ({table}.state = '{VehicleState.HELD}' AND {table}.resume_state = {inside}))"
    )
