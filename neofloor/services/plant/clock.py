"""Plant time: the database holds UTC, people read plant local time."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from neofloor.i18n import _


@lru_cache(maxsize=8)
def plant_zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_local(moment: datetime, zone: str) -> datetime:
    """An aware UTC time as plant local time."""
    return moment.astimezone(plant_zone(zone))


def format_duration(seconds: float | None) -> str:
    """1h 05m, 12m 30s, 45s: how long, the way the floor says it."""
    if seconds is None:
        return "-"
    seconds = max(0, round(seconds))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        # Days are "d" in English and "j" (jours) in French; hours, minutes, seconds are SI units.
        return _("{days}d {hours:02d}h").format(days=days, hours=hours)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"
