"""The shift calendar: production windows in UTC, and working seconds mapped to instants."""

from __future__ import annotations

import bisect
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from neofloor.demo.rows import US, to_micros
from neofloor.services.plant.config import DAY_NAMES, PlantConfig


class WorkCalendar:
    """Maps working seconds (production time since the first window) to UTC instants and back.

    Windows and instants are integer microseconds since the epoch.
    """

    def __init__(self, windows: list[tuple[int, int]]) -> None:
        self.windows = windows
        self.window_starts = [start for start, _end in windows]
        self.ends = [end for _start, end in windows]
        self.starts: list[float] = []
        total = 0.0
        for start, end in windows:
            self.starts.append(total)
            total += (end - start) / US
        self.total = total

    def to_micros(self, work_seconds: float) -> int:
        """The instant ``work_seconds`` of production after the first window opened."""
        index = bisect.bisect_right(self.starts, work_seconds) - 1
        if index < 0:
            index = 0
        offset = work_seconds - self.starts[index]
        # Rounded as timedelta(seconds=offset) rounds: whole seconds, then microseconds.
        whole = int(offset)
        return self.window_starts[index] + whole * US + round((offset - whole) * 1e6)

    def to_work(self, micros: int) -> float:
        """Working seconds elapsed at an instant (one outside the windows maps to the next)."""
        index = bisect.bisect_right(self.ends, micros)
        if index >= len(self.windows):
            return self.total
        return self.starts[index] + max(0.0, (micros - self.window_starts[index]) / US)


def _hhmm(value: str) -> tuple[int, int]:
    hour, minute = value.split(":")
    return int(hour), int(minute)


def build_calendar(
    config: PlantConfig, first_day: date, last_day: date, shift_codes: list[str]
) -> WorkCalendar:
    """Production windows (shifts minus breaks) of working days, in UTC."""
    zone = ZoneInfo(config.timezone)
    shifts = [s for s in config.shifts if s["code"] in shift_codes]
    windows: list[tuple[int, int]] = []
    day = first_day
    while day <= last_day:
        weekday = DAY_NAMES[day.weekday()]
        for shift in shifts:
            if weekday not in shift.get("days", DAY_NAMES[:5]):
                continue
            start_local = datetime.combine(day, datetime.min.time()).replace(
                hour=_hhmm(shift["start"])[0], minute=_hhmm(shift["start"])[1]
            )
            end_local = start_local.replace(hour=_hhmm(shift["end"])[0], minute=_hhmm(shift["end"])[1])
            if end_local <= start_local:
                end_local += timedelta(days=1)
            cuts = [start_local]
            for brk in shift.get("breaks", []):
                b_start, b_end = (s.strip() for s in brk.split("-"))
                b0 = start_local.replace(hour=_hhmm(b_start)[0], minute=_hhmm(b_start)[1])
                b1 = start_local.replace(hour=_hhmm(b_end)[0], minute=_hhmm(b_end)[1])
                if b0 < start_local:
                    b0, b1 = b0 + timedelta(days=1), b1 + timedelta(days=1)
                cuts += [b0, b1]
            cuts.append(end_local)
            for a, b in zip(cuts[::2], cuts[1::2], strict=True):
                if b > a:
                    windows.append((to_micros(a.replace(tzinfo=zone)), to_micros(b.replace(tzinfo=zone))))
        day += timedelta(days=1)
    windows.sort()
    return WorkCalendar(windows)


def working_days(config: PlantConfig, first: date, last: date) -> int:
    days_used = {d for s in config.shifts for d in s.get("days", DAY_NAMES[:5])}
    count, day = 0, first
    while day <= last:
        count += DAY_NAMES[day.weekday()] in days_used
        day += timedelta(days=1)
    return count
