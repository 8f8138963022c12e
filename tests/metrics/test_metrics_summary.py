"""shift_summary and trend on a hand-computed shift (see conftest.py for where each number comes from)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, insert, text, update

from neofloor.services.metrics.formulas import BY_CYCLE
from neofloor.services.metrics.queries import output_between, qg_passes
from neofloor.services.metrics.summary import ENDED, RUNNING, UPCOMING, ShiftSummary, shift_summary
from neofloor.services.metrics.trend import quality_between, trend
from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import InvalidInput, NotFound
from neofloor.services.supervision.shift_notes import add_shift_note
from neofloor.store.engine import Database
from neofloor.store.models import Shift, StationVisit, Vehicle
from tests.conftest import ROUTE, plan_cars
from tests.metrics.builders import add_defect, local, through_qg, vehicle_id
from tests.metrics.conftest import SHIFT_LEAD, ShiftDay

THURSDAY = date(2026, 11, 26)
AFTER_SHIFT = local(26, 14, 35)


def summary_of(
    db: Database, day: date = THURSDAY, code: str = "A", now: datetime = AFTER_SHIFT
) -> ShiftSummary:
    with db.read() as session:
        return shift_summary(session, day, code, now=now)


def test_output_plan_and_pace(shift_day: ShiftDay) -> None:
    s = summary_of(shift_day.db)
    assert s.status == ENDED and s.as_of == local(26, 14, 30)
    assert (s.output, s.target_cars, s.plan_so_far, s.cars_behind) == (5, 12, 12, 7)
    assert s.takt_seconds == 2325
    assert (s.planned_minutes, s.elapsed_planned_minutes) == (465, 465)
    assert not s.no_production


def test_output_by_hour_against_plan(shift_day: ShiftDay) -> None:
    hours = summary_of(shift_day.db).hourly
    assert [h.label for h in hours] == [
        "06:00",
        "07:00",
        "08:00",
        "09:00",
        "10:00",
        "11:00",
        "12:00",
        "13:00",
        "14:00",
    ]
    # Production minutes per hour (breaks 09:30-09:45 and 12:00-12:30; the last hour is half).
    assert [h.planned_seconds / 60 for h in hours] == [60, 60, 60, 45, 60, 60, 30, 60, 30]
    assert [h.output for h in hours] == [0, 1, 1, 0, 2, 0, 0, 1, 0]  # car 7 at 14:30 is shift B's
    assert [h.cumulative_output for h in hours] == [0, 1, 2, 2, 4, 4, 4, 5, 5]
    # Cumulative production time / 2325 s, rounded down: 3600 -> 1, 7200 -> 3, ... 27900 -> 12.
    assert [h.cumulative_plan for h in hours] == [1, 3, 4, 5, 7, 8, 9, 11, 12]
    assert hours[3].plan == pytest.approx(2700 / 2325)
    assert {h.status for h in hours} == {ENDED}
    assert (hours[0].start, hours[-1].end) == (local(26, 6), local(26, 14, 30))


def test_quality_first_pass_yield_and_dphu(shift_day: ShiftDay) -> None:
    s = summary_of(shift_day.db)
    # First pass: cars 1 and 5. Car 2 has a defect, car 3 two, car 4 a repair visit (its only
    # defect was cancelled, logged in error, and does not count).
    assert (s.first_pass, s.fpy) == (2, pytest.approx(0.4))
    assert (s.defects, s.dphu) == (3, pytest.approx(60.0))


def test_quality_between_any_period(shift_day: ShiftDay) -> None:
    with shift_day.db.read() as session:
        shift = quality_between(session, local(26, 6), local(26, 14, 30))
        day = quality_between(session, local(25, 6), local(27, 6))
        nothing = quality_between(session, local(27, 6), local(27, 14, 30))
        with pytest.raises(InvalidInput):
            quality_between(session, local(27, 6), local(26, 6))
    assert (shift.passed, shift.first_pass, shift.defects, shift.fpy, shift.dphu) == (5, 2, 3, 0.4, 60.0)
    assert (day.passed, day.first_pass, day.defects) == (7, 4, 3)
    assert (nothing.passed, nothing.fpy, nothing.dphu) == (0, None, None)


def test_cycle_times_lead_time_and_bottleneck(shift_day: ShiftDay) -> None:
    s = summary_of(shift_day.db)
    stations = {st.station: st for st in s.stations}
    assert list(stations) == list(ROUTE)
    qg = stations["QG"]
    # QG cycles in the shift: 10, 20, 30, 40, 25 minutes (car 7's ends at 14:30, outside).
    assert (qg.cycle.count, qg.cycle.median, qg.cycle.p90) == (5, 1500, pytest.approx(2160))
    assert qg.ideal_cycle_seconds == 1500
    # BODY visits completed in the shift: cars 2, 3, 4, 5, 7, 8 and 9 (car 1's ended at 05:42).
    assert (stations["BODY"].cycle.count, stations["BODY"].cycle.median) == (7, 600)
    assert s.bottleneck is not None
    assert (s.bottleneck.station, s.bottleneck.criterion) == ("QG", BY_CYCLE)
    assert [st.station for st in s.stations if st.bottleneck] == ["QG"]
    # Lead times 98, 108, 118, 128, 113 minutes.
    assert (s.lead_time.count, s.lead_time.median, s.lead_time.p90) == (5, 113 * 60, pytest.approx(124 * 60))


def test_downtime_by_reason_and_station(shift_day: ShiftDay) -> None:
    s = summary_of(shift_day.db)
    assert s.line_downtime_minutes == pytest.approx(115)
    assert [(d.reason_code, round(d.minutes, 6), d.stops, d.stations) for d in s.downtime] == [
        ("EQP", 55, 2, ("PAINT", "TRIM1")),  # 09:00-10:10 less the break, counted once
        ("IT", 30, 1, ("REPAIR",)),
        ("STAFF", 30, 1, ("FINAL",)),
        ("MAT", 20, 1, ("QG",)),
        ("SAFE", 10, 1, ("BODY",)),
    ]
    by_station = {st.station: round(st.downtime_minutes, 6) for st in s.stations}
    assert by_station == {
        "BODY": 10,
        "PAINT": 45,
        "TRIM1": 20,
        "TRIM2": 0,
        "CHASSIS": 0,
        "FINAL": 30,
        "EOL": 0,
        "WATER": 0,
        "QG": 20,
    }


def test_oee_of_the_line_for_the_shift(shift_day: ShiftDay) -> None:
    s = summary_of(shift_day.db)
    assert s.line_ideal_cycle_seconds == 1800  # the slowest ideal cycle on the route
    assert s.oee is not None and s.oee_note == ""
    assert (s.oee.planned_minutes, s.oee.downtime_minutes, s.oee.run_minutes) == (465, 115, 350)
    assert (s.oee.total_count, s.oee.good_count) == (5, 2)
    assert s.oee.availability == pytest.approx(350 / 465)
    assert s.oee.performance == pytest.approx(1800 * 5 / (350 * 60))
    assert s.oee.quality == pytest.approx(0.4)
    assert s.oee.oee == pytest.approx(4 / 31)


def test_the_line_now_overrides_and_notes(shift_day: ShiftDay) -> None:
    with shift_day.db.write() as session:
        add_shift_note(
            session,
            THURSDAY,
            "A",
            "PAINT oven fault at 09:00, maintenance called.",
            SHIFT_LEAD,
            now=AFTER_SHIFT,
        )
    s = summary_of(shift_day.db)
    line = s.line
    # The shift has ended: its handover shows the line as it stood at 14:30, not as it is now: the
    # held car, the car in repair, and car 7, which passed QG at 14:30 sharp, in shift B.
    assert line.at == local(26, 14, 30) and line.wip == 3
    assert [(c.vin, c.station, c.reason, c.held_since) for c in line.held] == [
        (shift_day.held_vin, "TRIM2", "Missing harness clip", local(26, 9, 40))
    ]
    # Two moments, two names: the hold's own, and when the car reached TRIM2 (the hold does not move it).
    assert line.held[0].at_station_since is not None and line.held[0].at_station_since < local(26, 9, 40)
    assert [
        (c.vin, c.left_station, c.returns_to, c.sent_at, c.reason, c.open_defects) for c in line.in_repair
    ] == [(shift_day.repair_vin, "TRIM1", "TRIM1", local(26, 11), "Paint touch-up on roof", 1)]
    # Open or repaired-not-verified critical defects; the cancelled one is not open.
    assert line.open_critical_count == 2
    assert [(d.vin, d.code, d.status) for d in line.open_critical] == [
        (shift_day.held_vin, "AS-SEAT", "open"),
        (shift_day.repair_vin, "BD-WELD", "repaired"),
    ]
    assert [(o.station, o.reason_code, o.started_at) for o in line.open_stops] == [
        ("FINAL", "STAFF", local(26, 14))
    ]
    assert [(o.vin, o.to_station, o.by, o.note) for o in s.overrides] == [
        (shift_day.vins[3], "QG", "Rachid Alaoui", "Released with supervisor approval")
    ]
    assert [(n.author, n.text) for n in s.notes] == [
        ("Leila Chraibi", "PAINT oven fault at 09:00, maintenance called.")
    ]


def test_a_shift_under_way_counts_up_to_now(shift_day: ShiftDay) -> None:
    s = summary_of(shift_day.db, now=local(26, 10, 30))
    assert s.status == RUNNING and s.as_of == local(26, 10, 30)
    # 06:00-10:30 less the 15-minute break: 255 min; 15,300 s / 2,325 s = 6 cars planned.
    assert s.elapsed_planned_minutes == 255
    assert (s.output, s.plan_so_far, s.cars_behind) == (3, 6, 3)
    assert [h.status for h in s.hourly] == [ENDED] * 4 + [RUNNING] + [UPCOMING] * 4
    assert [h.output for h in s.hourly][:5] == [0, 1, 1, 0, 1]
    # Down so far: BODY 10 + PAINT 45 + TRIM1's 10 beyond PAINT's stop = 65 min.
    assert s.line_downtime_minutes == pytest.approx(65)
    assert s.oee is not None
    assert (s.oee.planned_minutes, s.oee.total_count, s.oee.good_count) == (255, 3, 1)
    assert s.oee.oee == pytest.approx(1800 * 3 / (255 * 60) / 3)
    assert [o.at for o in s.overrides] == [local(26, 10, 20)]


def test_no_production_gives_empty_results_not_errors(db: Database) -> None:
    s = summary_of(db, date(2026, 11, 27), "A", now=local(27, 16))
    assert s.no_production and s.status == ENDED
    assert (s.output, s.plan_so_far, s.cars_behind) == (0, 12, 12)
    assert (s.fpy, s.dphu, s.lead_time.median, s.bottleneck) == (None, None, None, None)
    assert [h.output for h in s.hourly] == [0] * 9
    assert all(st.cycle.count == 0 and st.cycle.median is None for st in s.stations)
    # The line was planned and made nothing: OEE 0, with availability 100 % and no quality figure.
    assert s.oee is not None and s.oee.no_production
    assert (s.oee.oee, s.oee.availability, s.oee.performance, s.oee.quality) == (0.0, 1.0, 0.0, None)


def test_a_shift_not_started_and_a_shift_without_target(shift_day: ShiftDay) -> None:
    early = summary_of(shift_day.db, now=local(26, 5, 0))
    assert early.status == UPCOMING and early.as_of == local(26, 6)
    assert (early.output, early.plan_so_far, early.elapsed_planned_minutes) == (0, 0, 0)
    assert early.oee is None and early.oee_note == "the shift has not started"
    assert {h.status for h in early.hourly} == {UPCOMING}
    # Shift B has no target (the afternoon shift starts in 2027): car 7 counts, nothing was planned.
    b = summary_of(shift_day.db, code="B", now=local(26, 23, 30))
    assert (b.output, b.target_cars, b.takt_seconds, b.plan_so_far, b.cars_behind) == (1, 0, None, 0, -1)
    assert b.oee is None and b.oee_note == "no production was planned (no target)"
    # No planned production time either: nothing to count a stop against, so no "line stopped".
    assert (b.planned_minutes, b.elapsed_planned_minutes, b.line_downtime_minutes) == (0, 0, 0)
    assert [(o.vin, o.note) for o in b.overrides] == [(shift_day.vins[6], "In shift B, not A")]


def test_a_car_counts_once_in_the_period_it_first_passed_qg(shift_day: ShiftDay) -> None:
    # Car 6 passed QG on Wednesday; a second QG visit on Thursday (after rework) is not new output.
    car = vehicle_id(shift_day.db, shift_day.vins[5])
    with shift_day.db.write() as session:
        session.execute(
            insert(StationVisit).values(
                vehicle_id=car,
                station_id=plant_catalog(session).station("QG").id,
                started_at=local(26, 11),
                completed_at=local(26, 11, 20),
                cycle_seconds=1200,
            )
        )
    with shift_day.db.read() as session:
        assert output_between(session, local(26, 6), local(26, 14, 30)) == 5
        assert output_between(session, local(25, 6), local(27, 6)) == 7
        assert [p.vin for p in qg_passes(session, local(25, 6), local(25, 14, 30))] == [shift_day.vins[5]]


def test_night_shift_summary_across_the_clock_going_back(db: Database) -> None:
    """A night shift 23:00-06:00 on Saturday 2026-02-14: 8 real hours, 450 planned minutes. A car
    through QG at the second 02:30 (after the clock went back) is the night shift's."""
    with db.write() as session:
        session.execute(
            insert(Shift).values(
                code="N",
                name="Night",
                start="23:00",
                end="06:00",
                breaks="02:00-02:30",
                days="sat",
                target_cars=9,
            )
        )
    vins = plan_cars(db, 2)
    through_qg(db, vins[0], datetime(2026, 2, 15, 0, 30, tzinfo=UTC), 20)  # 01:30 local, UTC+1
    through_qg(db, vins[1], datetime(2026, 2, 15, 2, 30, tzinfo=UTC), 20)  # the second 02:30, UTC+0
    add_defect(db, vins[1], "PT-RUN", "PAINT", datetime(2026, 2, 14, 23, tzinfo=UTC), "open", "minor")
    with db.read() as session:
        s = shift_summary(session, date(2026, 2, 14), "N", now=datetime(2026, 2, 15, 12, tzinfo=UTC))
    assert s.window.length_seconds == 8 * 3600 and s.planned_minutes == 450
    assert s.takt_seconds == 3000  # 450 min / 9 cars
    assert (s.output, s.plan_so_far, s.first_pass, s.fpy, s.dphu) == (2, 9, 1, 0.5, 50.0)
    # Hour buckets are real hours: 02:00 comes twice, once at UTC+1 and once at UTC+0.
    assert [h.label for h in s.hourly] == [
        "23:00",
        "00:00",
        "01:00",
        "02:00",
        "02:00",
        "03:00",
        "04:00",
        "05:00",
    ]
    assert [h.output for h in s.hourly] == [0, 0, 1, 0, 1, 0, 0, 0]
    assert [h.planned_seconds / 60 for h in s.hourly] == [60, 60, 60, 30, 60, 60, 60, 60]


def test_trend_per_day_matches_the_shift(shift_day: ShiftDay) -> None:
    with shift_day.db.read() as session:
        shift = shift_summary(session, THURSDAY, "A", now=AFTER_SHIFT)
        report = trend(session, date(2026, 11, 24), date(2026, 11, 30), now=AFTER_SHIFT)
    # Cut at today; Tuesday 24th and Wednesday 25th are before.
    assert (report.from_date, report.to_date) == (date(2026, 11, 24), THURSDAY)
    days = {d.local_date: d for d in report.days}
    assert list(days) == [date(2026, 11, 24), date(2026, 11, 25), THURSDAY]
    thursday = days[THURSDAY]
    assert thursday.status == RUNNING  # the production day runs to 06:00 on Friday
    # The day counts car 7 (shift B, 14:30) too: 6 cars, 3 first pass (cars 1, 5, 7).
    assert (thursday.output, thursday.plan, thursday.cars_behind) == (6, 12, 6)
    assert (thursday.first_pass, thursday.fpy, thursday.defects, thursday.dphu) == (3, 0.5, 3, 50.0)
    # OEE over the shifts with a target (A only) is the shift's OEE.
    assert thursday.oee == shift.oee
    assert thursday.line_downtime_minutes == pytest.approx(shift.line_downtime_minutes)
    assert days[date(2026, 11, 25)].output == 1  # car 6
    assert days[date(2026, 11, 24)].no_production and days[date(2026, 11, 24)].oee is not None
    # The PAINT stop on the 24th (09:00-09:20) is that day's downtime.
    assert days[date(2026, 11, 24)].line_downtime_minutes == pytest.approx(20)
    total = report.total
    assert (total.output, total.plan, total.first_pass, total.target_cars) == (7, 36, 4, 36)
    assert total.fpy == pytest.approx(4 / 7)
    assert total.line_downtime_minutes == pytest.approx(135)
    assert total.oee is not None and total.oee.total_count == 6  # cars in shifts with a target


def test_trend_refuses_nonsense(shift_day: ShiftDay) -> None:
    with shift_day.db.read() as session:
        with pytest.raises(InvalidInput, match=r"ends .* before it starts"):
            trend(session, date(2026, 11, 26), date(2026, 11, 20), now=AFTER_SHIFT)
        with pytest.raises(InvalidInput, match="nothing to show yet"):
            trend(session, date(2026, 12, 1), date(2026, 12, 5), now=AFTER_SHIFT)
        with pytest.raises(InvalidInput, match="at most 366 days"):
            trend(session, date(2020, 1, 1), date(2026, 11, 26), now=AFTER_SHIFT)
        with pytest.raises(NotFound):
            shift_summary(session, date(2026, 11, 28), "A", now=AFTER_SHIFT)


BIG_TABLES = ("vehicle", "station_event", "station_visit", "defect", "defect_event", "downtime", "delivery")
# sqlite_stat1 of a generated ten-year plant (157,000 cars, 3.2 M events): with these statistics
# SQLite plans as it would on a big plant that has been analyzed (a state or a status looks
# unselective on average, which tempts it to walk other indexes in order).
TEN_YEAR_STATS = (
    ("defect", "ix_defect_catalog_found", "44592 1088 1"),
    ("defect", "ix_defect_found_at", "44592 1"),
    ("defect", "ix_defect_status_severity", "44592 22296 11148"),
    ("defect", "ix_defect_vehicle", "44592 2"),
    ("defect_event", "ix_defect_event_defect", "126040 3 1"),
    ("downtime", "ix_downtime_started", "8582 1"),
    ("downtime", "ix_downtime_station_started", "8582 954 1"),
    ("station_event", "ix_station_event_kind_at", "3179500 353278 1"),
    ("station_event", "ix_station_event_station_at", "3179500 264959 2"),
    ("station_event", "ix_station_event_vehicle", "3179500 21 1"),
    ("station_visit", "ix_station_visit_station_completed", "1408297 156478 1"),
    ("station_visit", "ix_station_visit_vehicle", "1408297 9 1"),
    ("vehicle", "ix_vehicle_finished_at", "156617 1"),
    ("vehicle", "ix_vehicle_order_ref", "156617 1"),
    ("vehicle", "ix_vehicle_state_station", "156617 26103 8243"),
    ("vehicle", "ix_vehicle_vin_reversed", "156617 1"),
    ("vehicle", "ix_vehicle_wip", "156 18 1"),
    ("vehicle", "sqlite_autoindex_vehicle_1", "156617 1"),
    ("vehicle", "sqlite_autoindex_vehicle_2", "156617 1"),
)


def _give_ten_year_statistics(db: Database) -> None:
    with db.write() as session:
        session.execute(text("ANALYZE"))
        session.execute(
            text("DELETE FROM sqlite_stat1 WHERE tbl IN ({})".format(", ".join(f"'{t}'" for t in BIG_TABLES)))
        )
        for table, index, stat in TEN_YEAR_STATS:
            session.execute(
                text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (:t, :i, :s)"),
                {"t": table, "i": index, "s": stat},
            )
    db.dispose()  # statistics are read when a connection opens


@pytest.mark.parametrize("statistics", ["none", "ten-year plant"])
def test_queries_use_indexes_not_table_scans(shift_day: ShiftDay, statistics: str) -> None:
    """Every statement behind a summary and a trend, explained by SQLite: no big table is scanned,
    on a file never analyzed and on one carrying a ten-year plant's statistics.

    (The only scan allowed is of the tiny partial index of open stops.)
    """
    if statistics != "none":
        _give_ten_year_statistics(shift_day.db)
    statements: list[tuple[str, object]] = []

    def remember(conn: object, cursor: object, statement: str, parameters: object, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    engine = shift_day.db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        with shift_day.db.read() as session:
            shift_summary(session, THURSDAY, "A", now=AFTER_SHIFT)
            trend(session, date(2026, 11, 20), THURSDAY, now=AFTER_SHIFT)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert len(statements) > 10
    with shift_day.db.read() as session:
        conn = session.connection()
        if statistics != "none":
            stats = conn.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_vehicle_state_station'"
            )
            assert stats.scalar_one() == "156617 26103 8243"
        for statement, parameters in statements:
            plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]  # type: ignore[arg-type]
            scans = [
                step
                for step in plan
                if step.startswith("SCAN")
                and step.split()[1] in BIG_TABLES
                and "ux_downtime_open_station" not in step
            ]
            assert not scans, f"{statement}\n{plan}"


def test_metrics_modules_do_not_import_textual() -> None:
    code = (
        "import sys, neofloor.services.metrics.summary, neofloor.reports, neofloor.cli.reports; "
        "sys.exit(1 if 'textual' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_repair_visits_and_late_defects_lower_the_first_pass_yield(shift_day: ShiftDay) -> None:
    # A defect found at the yard on Friday on car 1 (through QG Thursday): not right first time.
    add_defect(shift_day.db, shift_day.vins[0], "EL-HORN", "QG", local(27, 9), "open", "minor")
    with shift_day.db.write() as session:
        session.execute(update(Vehicle).where(Vehicle.vin == shift_day.vins[4]).values(repair_visits=2))
    s = summary_of(shift_day.db, now=local(27, 10))
    assert (s.first_pass, s.defects) == (0, 4)
    assert s.oee is not None and s.oee.good_count == 0 and s.oee.oee == 0.0
    assert s.line.at == local(26, 14, 30) and s.as_of == local(26, 14, 30)
    assert s.planned_minutes == 465 and s.output == 5
    assert s.now - s.as_of == timedelta(hours=19, minutes=30)
