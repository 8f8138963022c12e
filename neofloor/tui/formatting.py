"""How the floor reads times, VINs and states on screen (presentation only, no Textual)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

# Positions 12-17 of a VIN are the plant's serial number: what people quote on the floor.
VIN_TAIL = 6

STATE_WORDS = {
    "planned": "planned",
    "queued": "waiting",
    "in_station": "in station",
    "held": "HELD",
    "in_repair": "in repair",
    "finished": "finished",
    "delivered": "delivered",
}


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def plant_time(moment: datetime, zone: str) -> datetime:
    """An aware time as the plant's wall clock shows it."""
    return moment.astimezone(_zone(zone))


def clock_text(moment: datetime, zone: str) -> str:
    """The header clock: Thu 26 Nov 09:40."""
    return plant_time(moment, zone).strftime("%a %d %b %H:%M")


def stamp_text(moment: datetime | None, zone: str) -> str:
    """A moment in a table: 26 Nov 09:40:12."""
    if moment is None:
        return "-"
    return plant_time(moment, zone).strftime("%d %b %H:%M:%S")


def day_text(moment: datetime | None, zone: str) -> str:
    """A moment to the minute: 26 Nov 09:40."""
    if moment is None:
        return "-"
    return plant_time(moment, zone).strftime("%d %b %H:%M")


def hour_text(moment: datetime | None, zone: str) -> str:
    """A moment today, to the minute: 09:40."""
    if moment is None:
        return "-"
    return plant_time(moment, zone).strftime("%H:%M")


def vin_tail(vin: str) -> str:
    """The serial end of a VIN, as people say it on the floor."""
    return vin[-VIN_TAIL:]


def state_words(state: str) -> str:
    """A car's state in the floor's words."""
    return STATE_WORDS.get(state, state.replace("_", " "))


def looks_like_vin_fragment(text: str) -> bool:
    """Worth asking the database: 4 or more letters and digits, nothing else."""
    cleaned = text.strip()
    return len(cleaned) >= 4 and cleaned.isalnum() and cleaned.isascii()
