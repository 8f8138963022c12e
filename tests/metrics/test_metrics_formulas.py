"""The pure formulas against hand-computed and textbook numbers, and the nonsense they refuse."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from neofloor.services.metrics.formulas import (
    BY_CYCLE,
    BY_DOWNTIME,
    cars_behind,
    dphu,
    duration_stats,
    find_bottleneck,
    first_pass_yield,
    merge_intervals,
    oee,
    percentile,
    plan_cars,
    plan_so_far,
    seconds_by,
    takt_time,
    union_seconds,
)
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.shifts import Interval

# --- OEE: textbook examples ------------------------------------------------------------


def test_oee_vorne_worksheet_classic_example() -> None:
    """Vorne Industries, "Calculating OEE" worksheet (www.oee.com, 2002-2005), its worked example.

    8-hour shift (480 min), two 15-min breaks and a 30-min meal: 420 min planned;
    47 min down; ideal run rate 60 pieces/min (ideal cycle 1.0 s); 19,271 pieces,
    423 rejects. The worksheet gives availability 88.81 %, performance 86.11 %,
    quality 97.80 %, OEE 74.80 %.
    """
    result = oee(420, 47, 1.0, 19_271, 19_271 - 423)
    assert result.run_minutes == 373
    assert result.availability == pytest.approx(0.8881, abs=5e-5)
    assert result.performance == pytest.approx(0.8611, abs=5e-5)
    assert result.quality == pytest.approx(0.9780, abs=5e-5)
    # The sheet's 74.80 % multiplies its rounded factors; exactly, OEE = good count × ideal
    # cycle / planned time = 18,848 s / 25,200 s = 74.79 %.
    assert result.oee == pytest.approx(0.7480, abs=1e-4)
    assert result.oee == pytest.approx(18_848 / 25_200)
    assert not result.no_production and result.warnings == ()


def test_oee_vorne_worksheet_second_example() -> None:
    """The same worksheet's filled-in sheet: 480 min, breaks 15 + 30 min (435 planned), 30 min down,
    ideal run rate 2 pieces/min (30 s), 700 pieces, 25 rejects: 93.10 %, 86.42 %, 96.43 %, 77.59 %."""
    result = oee(435, 30, 30, 700, 675)
    assert result.availability == pytest.approx(0.9310, abs=5e-5)
    assert result.performance == pytest.approx(0.8642, abs=5e-5)
    assert result.quality == pytest.approx(0.9643, abs=5e-5)
    assert result.oee == pytest.approx(0.7759, abs=5e-5)


def test_oee_willmott_mccarthy_tpm_example() -> None:
    """P. Willmott and D. McCarthy, "TPM: A Route to World-Class Performance" (Butterworth-Heinemann,
    2001), pp. 127-128, the Miller 201 example: 910 min planned, 127 min down, standard cycle 3 min,
    203 cycles of which 152 right first time: availability 86.0 %, performance 77.7 %,
    quality 74.9 %, OEE 50 % (the book truncates; exactly 609/783 = 77.78 %)."""
    result = oee(910, 127, 180, 203, 152)
    assert result.availability == pytest.approx(0.860, abs=5e-4)
    assert result.performance == pytest.approx(609 / 783)
    assert math.floor(result.performance * 1000) / 1000 == 0.777  # type: ignore[operator]
    assert result.quality == pytest.approx(0.749, abs=5e-4)
    assert result.oee == pytest.approx(0.50, abs=5e-3)


def test_oee_of_the_demo_line_by_hand() -> None:
    # A 465-min shift, 115 min down, bottleneck ideal cycle 30 min, 5 cars, 2 right first time:
    # A = 350/465, P = 1800 × 5 / (350 × 60) = 3/7, Q = 2/5, OEE = 9000 / 27900 × 0.4 = 4/31.
    result = oee(465, 115, 1800, 5, 2)
    assert result.availability == pytest.approx(350 / 465)
    assert result.performance == pytest.approx(3 / 7)
    assert result.quality == pytest.approx(0.4)
    assert result.oee == pytest.approx(4 / 31)


def test_oee_warns_when_performance_is_above_100_percent() -> None:
    result = oee(60, 0, 1800, 3, 3)  # three 30-minute cars in one hour is impossible
    assert result.performance == pytest.approx(1.5)
    assert result.warnings and "ideal cycle time" in result.warnings[0]


def test_oee_with_no_production_is_zero_not_an_error() -> None:
    result = oee(465, 0, 1800, 0, 0)
    assert result.no_production
    assert (result.availability, result.performance, result.quality, result.oee) == (1.0, 0.0, None, 0.0)
    stopped = oee(465, 465, 1800, 0, 0)  # down the whole shift: no run time to divide by
    assert (stopped.availability, stopped.performance, stopped.quality, stopped.oee) == (0.0, None, None, 0.0)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((-1, 0, 60, 1, 1), "Planned time cannot be negative"),
        ((0, 0, 60, 0, 0), "needs planned production time"),
        ((480, -5, 60, 1, 1), "Downtime cannot be negative"),
        ((480, 481, 60, 1, 1), "cannot exceed the planned time"),
        ((480, 0, 0, 1, 1), "ideal cycle time must be more than zero"),
        ((480, 0, -60, 1, 1), "ideal cycle time cannot be negative"),
        ((480, 0, 60, 10, 11), "good count (11) cannot exceed the total count (10)"),
        ((480, 0, 60, -1, 0), "total count cannot be negative"),
        ((480, 0, 60, 5, -1), "good count cannot be negative"),
        ((480, 0, 60, 2.5, 1), "whole number of cars"),
        ((480, 0, 60, True, 1), "whole number of cars"),
        ((float("nan"), 0, 60, 1, 1), "finite number"),
        ((480, float("inf"), 60, 1, 1), "finite number"),
        ((480, 480, 60, 3, 3), "while the line never ran"),
        (("480", 0, 60, 1, 1), "should be a number"),
    ],
)
def test_oee_refuses_nonsense(args: tuple[object, ...], words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        oee(*args)  # type: ignore[arg-type]
    assert words in str(refused.value)


# --- takt, plan, cars behind -----------------------------------------------------------


def test_takt_time_plan_and_cars_behind() -> None:
    # The demo's shift A: 465 planned minutes for 12 cars.
    takt = takt_time(465 * 60, 12)
    assert takt == 2325
    assert plan_so_far(465 * 60, takt) == 12  # exact, not 11.999...
    assert plan_so_far(255 * 60, takt) == 6  # 15,300 / 2,325 = 6.58 cars by 10:30
    assert plan_so_far(0, takt) == 0
    assert plan_cars(3600, takt) == pytest.approx(3600 / 2325)
    assert cars_behind(12, 5) == 7 and cars_behind(6, 9) == -3
    assert takt_time(465 * 60, 0) is None  # no demand: no takt
    assert plan_so_far(1000, None) == 0 and plan_cars(1000, None) == 0.0
    # Float seconds that add up to whole takts still make whole cars.
    assert plan_so_far(0.1 * 3 * 10, 3.0) == 1


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: takt_time(-1, 12), "Available time cannot be negative"),
        (lambda: takt_time(0, 12), "no production time"),
        (lambda: takt_time(3600, -2), "Cars demanded cannot be negative"),
        (lambda: plan_so_far(-60, 100), "Elapsed production time cannot be negative"),
        (lambda: plan_so_far(60, 0), "Takt time must be more than zero"),
        (lambda: plan_cars(60, 0), "Takt time must be more than zero"),
        (lambda: cars_behind(-1, 0), "plan cannot be negative"),
        (lambda: cars_behind(1, -1), "output cannot be negative"),
    ],
)
def test_pace_refuses_nonsense(call: object, words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        call()  # type: ignore[operator]
    assert words in str(refused.value)


# --- quality ---------------------------------------------------------------------------


def test_first_pass_yield_and_dphu() -> None:
    assert first_pass_yield(2, 5) == pytest.approx(0.4)
    assert first_pass_yield(5, 5) == 1.0
    assert dphu(3, 5) == pytest.approx(60.0)
    assert dphu(0, 5) == 0.0
    assert dphu(250, 100) == 250.0  # more than one defect a car is possible
    # No car through QG: no ratio, and no error.
    assert first_pass_yield(0, 0) is None
    assert dphu(0, 0) is None


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: first_pass_yield(6, 5), "cannot exceed the cars that passed QG"),
        (lambda: first_pass_yield(-1, 5), "cannot be negative"),
        (lambda: dphu(-1, 5), "Defects cannot be negative"),
        (lambda: dphu(3, 0), "on no inspected car"),
        (lambda: dphu(3, -1), "Cars inspected cannot be negative"),
    ],
)
def test_quality_refuses_nonsense(call: object, words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        call()  # type: ignore[operator]
    assert words in str(refused.value)


# --- distributions ---------------------------------------------------------------------


def test_percentile_interpolates_between_ranks() -> None:
    values = [600.0, 1200.0, 1500.0, 1800.0, 2400.0]  # QG cycles of 10, 20, 25, 30, 40 minutes
    assert percentile(values, 50) == 1500
    # Rank (5 - 1) × 0.9 = 3.6: 1800 + 0.6 × (2400 - 1800) = 2160 s, i.e. 36 minutes.
    assert percentile(values, 90) == pytest.approx(2160)
    assert percentile(values, 0) == 600 and percentile(values, 100) == 2400
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)
    assert percentile([42.0], 90) == 42.0
    assert percentile([], 90) is None
    with pytest.raises(InvalidInput):
        percentile(values, 101)


def test_duration_stats() -> None:
    stats = duration_stats([5880, 6480, 6780, 7080, 7680])  # lead times of 98..128 minutes
    assert (stats.count, stats.median, stats.mean, stats.longest) == (5, 6780, 6780, 7680)
    assert stats.p90 == pytest.approx(7440)
    empty = duration_stats([])
    assert (empty.count, empty.median, empty.p90, empty.mean) == (0, None, None, None)
    assert duration_stats([600, 1200]).median == 900  # even count: the middle two averaged
    with pytest.raises(InvalidInput, match="cannot be negative"):
        duration_stats([60, -1])


# --- intervals -------------------------------------------------------------------------

H = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def span(start_min: int, end_min: int) -> Interval:
    return Interval(H + timedelta(minutes=start_min), H + timedelta(minutes=end_min))


def test_union_of_stops_counts_overlaps_once_and_only_in_production_time() -> None:
    production = [span(0, 30), span(45, 120)]  # a break from minute 30 to 45
    stops = [span(0, 60), span(50, 70), span(100, 130)]
    assert merge_intervals(stops) == [span(0, 70), span(100, 130)]
    # [0, 70) in production: 30 + 25 = 55 min; [100, 130) cut at 120: 20 min.
    assert union_seconds(stops, production) == 75 * 60
    by_reason = seconds_by([("EQP", span(0, 60)), ("EQP", span(50, 70)), ("MAT", span(100, 130))], production)
    assert by_reason == {"EQP": 55 * 60, "MAT": 20 * 60}
    assert union_seconds([], production) == 0
    assert union_seconds([span(30, 45)], production) == 0  # a stop inside the break costs nothing


# --- the bottleneck --------------------------------------------------------------------


def test_bottleneck_is_the_longest_median_cycle_then_the_most_downtime() -> None:
    route = ["BODY", "PAINT", "QG"]
    neck = find_bottleneck(route, {"BODY": 600, "PAINT": 1700, "QG": 1500}, {"BODY": 30.0})
    assert neck is not None and (neck.station, neck.criterion) == ("PAINT", BY_CYCLE)
    assert neck.median_cycle_seconds == 1700
    # A tie on cycle time goes to the station with more downtime, then to the earlier one.
    tie = find_bottleneck(route, {"BODY": 900, "PAINT": 900, "QG": 900}, {"QG": 5.0})
    assert tie is not None and tie.station == "QG"
    first = find_bottleneck(route, {"BODY": 900, "PAINT": 900, "QG": 900}, {})
    assert first is not None and first.station == "BODY"
    # No cycle time at all (nothing completed): the station that was down longest.
    down = find_bottleneck(route, {"BODY": None, "PAINT": None, "QG": None}, {"PAINT": 12.0, "QG": 3.0})
    assert down is not None and (down.station, down.criterion, down.downtime_minutes) == (
        "PAINT",
        BY_DOWNTIME,
        12.0,
    )
    assert find_bottleneck(route, {}, {}) is None
