"""The shift lead's formulas, as pure functions: no database, no clock, numbers in, numbers out.

Each formula is written out in docs/metrics.md. Nonsense input (negative minutes,
more good cars than cars, no planned time) is refused with :class:`InvalidInput`
and one sentence saying what is wrong; a period that simply made no car gives
"no production" results (``None`` where a ratio has nothing to divide by), never
a division by zero. Ratios are fractions (0.9 means 90 %).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from neofloor.i18n import N_, _
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.shifts import Interval

K = TypeVar("K", bound=Hashable)

# Performance above this is reported as suspicious: the ideal cycle time is probably wrong.
PERFORMANCE_WARNING = 1.0


def _number(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(_("{name} should be a number, not {value!r}.").format(name=name, value=value))
    if not math.isfinite(value):
        raise InvalidInput(
            _("{name} should be a finite number, not {value!r}.").format(name=name, value=value)
        )
    return float(value)


def _count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            _("{name} should be a whole number of cars, not {value!r}.").format(name=name, value=value)
        )
    if value < 0:
        raise InvalidInput(_("{name} cannot be negative ({value}).").format(name=name, value=value))
    return value


def _non_negative(value: float, name: str) -> float:
    number = _number(value, name)
    if number < 0:
        raise InvalidInput(_("{name} cannot be negative ({value}).").format(name=name, value=value))
    return number


# --- OEE -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OeeResult:
    """OEE and its three factors, with the inputs they came from.

    ``performance`` is None when the line never ran (no run time to divide by),
    ``quality`` is None when no car was made; OEE itself is then 0.
    """

    planned_minutes: float
    downtime_minutes: float
    run_minutes: float
    ideal_cycle_seconds: float
    total_count: int
    good_count: int
    availability: float
    performance: float | None
    quality: float | None
    oee: float

    @property
    def no_production(self) -> bool:
        return self.total_count == 0

    @property
    def warnings(self) -> tuple[str, ...]:
        if self.performance is not None and self.performance > PERFORMANCE_WARNING:
            return (
                _(
                    "Performance is above 100 %: the ideal cycle time is probably set too "
                    "long, or downtime was recorded that did not stop the line."
                ),
            )
        return ()


def oee(
    planned_minutes: float,
    downtime_minutes: float,
    ideal_cycle_seconds: float,
    total_count: int,
    good_count: int,
) -> OeeResult:
    """OEE = availability × performance × quality.

    availability = run / planned, with run = planned − downtime;
    performance = ideal cycle × total count / run; quality = good / total.
    """
    planned = _non_negative(planned_minutes, _("Planned time"))
    downtime = _non_negative(downtime_minutes, _("Downtime"))
    ideal = _non_negative(ideal_cycle_seconds, _("The ideal cycle time"))
    total = _count(total_count, _("The total count"))
    good = _count(good_count, _("The good count"))
    if planned == 0:
        raise InvalidInput(_("OEE needs planned production time; this period has none."))
    if downtime > planned:
        raise InvalidInput(
            _("Downtime ({downtime:g} min) cannot exceed the planned time ({planned:g} min).").format(
                downtime=downtime, planned=planned
            )
        )
    if ideal == 0:
        raise InvalidInput(_("The ideal cycle time must be more than zero seconds."))
    if good > total:
        raise InvalidInput(
            _("The good count ({good}) cannot exceed the total count ({total}).").format(
                good=good, total=total
            )
        )
    run = planned - downtime
    if run == 0 and total > 0:
        raise InvalidInput(
            _("{total} car(s) counted while the line never ran (downtime = planned time).").format(
                total=total
            )
        )
    availability = run / planned
    performance = (ideal * total) / (run * 60) if run > 0 else None
    quality = good / total if total > 0 else None
    value = availability * (performance or 0.0) * (quality if quality is not None else 0.0)
    return OeeResult(
        planned_minutes=planned,
        downtime_minutes=downtime,
        run_minutes=run,
        ideal_cycle_seconds=ideal,
        total_count=total,
        good_count=good,
        availability=availability,
        performance=performance,
        quality=quality,
        oee=value,
    )


# --- pace: takt, plan, cars behind --------------------------------------------------


def takt_time(available_seconds: float, cars_demanded: int) -> float | None:
    """Takt = available production time / cars demanded (seconds per car); None with no demand."""
    available = _non_negative(available_seconds, _("Available time"))
    demand = _count(cars_demanded, _("Cars demanded"))
    if demand == 0:
        return None
    if available == 0:
        raise InvalidInput(
            _("{demand} car(s) demanded with no production time to make them in.").format(demand=demand)
        )
    return available / demand


def _takt(takt_seconds: float | None) -> float | None:
    """A takt to plan by: None (no demand) or more than zero seconds."""
    if takt_seconds is None:
        return None
    takt = _non_negative(takt_seconds, _("Takt time"))
    if takt == 0:
        raise InvalidInput(_("Takt time must be more than zero seconds."))
    return takt


def plan_so_far(elapsed_planned_seconds: float, takt_seconds: float | None) -> int:
    """Whole cars the plan expects by now: elapsed production time / takt, rounded down."""
    elapsed = _non_negative(elapsed_planned_seconds, _("Elapsed production time"))
    takt = _takt(takt_seconds)
    if takt is None:
        return 0
    # A hair of tolerance, so 12 takts of float seconds make 12 cars, not 11.
    return math.floor(elapsed / takt + 1e-9)


def plan_cars(planned_seconds: float, takt_seconds: float | None) -> float:
    """Cars the plan expects in a stretch of production time (fractional, for an hour's bar)."""
    seconds = _non_negative(planned_seconds, _("Planned time"))
    takt = _takt(takt_seconds)
    return 0.0 if takt is None else seconds / takt


def cars_behind(planned: int, actual: int) -> int:
    """Plan so far − output: positive when behind, negative when ahead."""
    return _count(planned, _("The plan")) - _count(actual, _("The output"))


# --- quality ------------------------------------------------------------------------


def first_pass_yield(first_pass: int, passed: int) -> float | None:
    """FPY = cars that passed QG with no defect and no repair visit / cars that passed QG."""
    good = _count(first_pass, _("First-pass cars"))
    total = _count(passed, _("Cars that passed QG"))
    if good > total:
        raise InvalidInput(
            _("First-pass cars ({good}) cannot exceed the cars that passed QG ({total}).").format(
                good=good, total=total
            )
        )
    return good / total if total else None


def dphu(defects: int, cars_inspected: int) -> float | None:
    """DPHU = defects recorded × 100 / cars inspected; None when no car was inspected."""
    found = _count(defects, _("Defects"))
    cars = _count(cars_inspected, _("Cars inspected"))
    if cars == 0:
        if found:
            raise InvalidInput(_("{found} defect(s) counted on no inspected car.").format(found=found))
        return None
    return found * 100 / cars


# --- distributions ------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float | None:
    """The ``pct`` percentile (0-100) by linear interpolation between closest ranks.

    Rank = (n − 1) × pct / 100 over the sorted values (the "inclusive" method,
    numpy's default); None for no values.
    """
    share = _number(pct, _("The percentile"))
    if not 0 <= share <= 100:
        raise InvalidInput(_("A percentile is between 0 and 100, not {pct}.").format(pct=pct))
    ordered = sorted(_number(v, _("A duration")) for v in values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * share / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class DurationStats:
    """How long something took over many cars, in seconds."""

    count: int
    median: float | None
    p90: float | None
    mean: float | None
    longest: float | None


def duration_stats(seconds: Iterable[float]) -> DurationStats:
    values = [_non_negative(s, _("A duration")) for s in seconds]
    if not values:
        return DurationStats(0, None, None, None, None)
    return DurationStats(
        count=len(values),
        median=statistics.median(values),
        p90=percentile(values, 90),
        mean=statistics.fmean(values),
        longest=max(values),
    )


# --- time intervals -----------------------------------------------------------------


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined: the union, in time order."""
    merged: list[Interval] = []
    for piece in sorted((i for i in intervals if i.start < i.end), key=lambda i: i.start):
        if merged and piece.start <= merged[-1].end:
            if piece.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, piece.end)
        else:
            merged.append(piece)
    return merged


def overlap_seconds(interval: Interval, within: Sequence[Interval]) -> float:
    """How much of ``interval`` falls inside the (disjoint) ``within`` intervals."""
    total = 0.0
    for piece in within:
        part = interval.clip(piece.start, piece.end)
        if part is not None:
            total += part.seconds
    return total


def union_seconds(intervals: Iterable[Interval], within: Sequence[Interval]) -> float:
    """Time covered by at least one interval, counted only inside ``within``."""
    return sum(overlap_seconds(piece, within) for piece in merge_intervals(intervals))


def open_until(start: datetime, end: datetime | None, now: datetime) -> Interval:
    """A stop as an interval; one still open runs until ``now``."""
    return Interval(start, end if end is not None else max(start, now))


def seconds_by(stops: Iterable[tuple[K, Interval]], within: Sequence[Interval]) -> dict[K, float]:
    """Seconds per key (a reason, a station) inside ``within``; overlaps under one key counted once."""
    grouped: dict[K, list[Interval]] = {}
    for key, piece in stops:
        grouped.setdefault(key, []).append(piece)
    return {key: union_seconds(pieces, within) for key, pieces in grouped.items()}


# --- the bottleneck -----------------------------------------------------------------

BY_CYCLE = N_("longest median cycle time")
BY_DOWNTIME = N_("most downtime")


@dataclass(frozen=True)
class Bottleneck:
    """The station holding the line back, and which criterion named it."""

    station: str
    criterion: str  # BY_CYCLE or BY_DOWNTIME
    median_cycle_seconds: float | None
    downtime_minutes: float


def find_bottleneck(
    stations: Sequence[str],
    median_cycle_seconds: Mapping[str, float | None],
    downtime_minutes: Mapping[str, float],
) -> Bottleneck | None:
    """The station with the longest median cycle time; without cycle times, the most downtime.

    Ties go to more downtime, then to the earlier station on the route (it
    starves every station after it). None when there is neither.
    """
    order = {code: i for i, code in enumerate(stations)}
    timed = [c for c in stations if median_cycle_seconds.get(c) is not None]
    if timed:
        best = max(
            timed,
            key=lambda c: (median_cycle_seconds[c], downtime_minutes.get(c, 0.0), -order[c]),
        )
        return Bottleneck(best, BY_CYCLE, median_cycle_seconds[best], downtime_minutes.get(best, 0.0))
    stopped = [c for c in stations if downtime_minutes.get(c, 0.0) > 0]
    if stopped:
        best = max(stopped, key=lambda c: (downtime_minutes[c], -order[c]))
        return Bottleneck(best, BY_DOWNTIME, None, downtime_minutes[best])
    return None
