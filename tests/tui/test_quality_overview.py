"""The quality overview (F11): open defects filtered and paged, the Pareto, FPY and DPHU per day and shift."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Label, Static

from neofloor.services.quality import add_defect, cancel_defect, repair_defect, verify_defect
from neofloor.services.scan import record_scan
from neofloor.tui.dialogs.choice import ChoiceDialog
from neofloor.tui.dialogs.period import PeriodDialog
from neofloor.tui.screens.quality import PAGE, QualityScreen
from neofloor.tui.screens.vehicle import VehicleScreen
from tests.conftest import INSPECTOR, T0
from tests.tui.conftest import BADGE_AT, Line, drive, settle

OTHER_INSPECTOR = "2002"


def quality_day(line: Line) -> None:
    """A day of quality work on the seeded line, by the services (all before NOW, 11:30).

    Car #2 goes on from CHASSIS; a door leak found at WATER is repaired and verified,
    then it passes QG (car #1 passed it clean): FPY 1 of 2, DPHU 50. Open defects on
    cars #4, #5 and #6 at PAINT; one logged on car #7 in error, cancelled.
    """
    minutes = timedelta(minutes=1)
    vin = line.vins[2]
    at = T0 + 74 * minutes
    with line.db.write() as session:
        record_scan(session, "CHASSIS", vin, BADGE_AT["CHASSIS"], "T-CHASSIS", now=at)
    for station in ("FINAL", "EOL", "WATER", "QG"):
        at += minutes
        with line.db.write() as session:
            record_scan(session, station, vin, BADGE_AT[station], f"T-{station}", now=at)
        if station == "WATER":
            with line.db.write() as session:
                found = add_defect(session, vin, "WATER", "WL-DOOR", "left", INSPECTOR, now=at + 3 * minutes)
                number = found.defect.id
                repair_defect(session, number, INSPECTOR, "Door seal refitted", now=at + 6 * minutes)
                verify_defect(session, number, OTHER_INSPECTOR, now=at + 8 * minutes)
        at += 10 * minutes
        with line.db.write() as session:
            record_scan(session, station, vin, BADGE_AT[station], f"T-{station}", now=at)
    with line.db.write() as session:
        add_defect(session, line.vins[4], "PAINT", "BD-DENT", "front", "1001", now=T0 + 70 * minutes)
        add_defect(
            session,
            line.vins[5],
            "PAINT",
            "PT-RUN",
            "front",
            INSPECTOR,
            severity="major",
            now=T0 + 105 * minutes,
        )
        add_defect(session, line.vins[6], "PAINT", "PT-DIRT", "roof", "1001", now=T0 + 108 * minutes)
        slip = add_defect(session, line.vins[7], "PAINT", "BD-GAP", "rear", "1001", now=T0 + 125 * minutes)
        cancel_defect(session, slip.defect.id, "1001", "Wrong car", now=T0 + 126 * minutes)


def quality(app) -> QualityScreen:
    screen = app.screen
    assert isinstance(screen, QualityScreen)
    return screen


def cells(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def text_of(app, widget_id: str) -> str:
    widget = app.screen.query_one(f"#{widget_id}")
    return str(widget.render()) if isinstance(widget, Static) else widget.render().plain


async def open_overview(pilot) -> QualityScreen:
    app = pilot.app
    await pilot.press("f11")
    await settle(pilot, lambda: isinstance(app.screen, QualityScreen) and app.screen.counts is not None)
    return app.screen


async def choose(pilot, value: str) -> None:
    """Pick the option with this value in the choice dialog."""
    dialog = pilot.app.screen
    assert isinstance(dialog, ChoiceDialog)
    values = [v for v, _label in dialog.choices]
    current = values.index(dialog.current) if dialog.current in values else 0
    target = values.index(value)
    step = "down" if target > current else "up"
    await pilot.press(*[step] * abs(target - current), "enter")
    await settle(pilot, lambda: not isinstance(pilot.app.screen, ChoiceDialog))


async def test_open_defects_by_station_zone_severity_and_age_filtered_by_keys(make_app, line):
    quality_day(line)
    app = make_app(badge=INSPECTOR)

    async with drive(app, size=(120, 40)) as pilot:
        screen = await open_overview(pilot)
        counts = text_of(app, "open-counts").splitlines()
        assert counts[0] == "5 not closed · critical 0 · major 2 · minor 3 · 0 repaired, to verify"
        assert counts[1] == "Station  PAINT 4 · TRIM1 1"
        assert counts[2] == "Zone     front 2 · roof 2 · electrical 1"
        assert counts[3] == "Age      under 1 h 3 · 1-4 h 2 · 4-24 h 0 · 1-3 days 0 · over 3 days 0"
        # Oldest first: car #3's paint run, found at 09:55.
        assert [row[2] for row in cells(app, "open-list")] == [
            "PT-RUN",
            "BD-DENT",
            "PT-RUN",
            "PT-DIRT",
            "EL-CONN",
        ]
        assert text_of(app, "open-title").startswith("5 match · 1-5, oldest first")

        await pilot.press("s")
        await settle(pilot)
        await choose(pilot, "PAINT")
        await settle(pilot, lambda: screen.filters.station == "PAINT" and len(screen.page) == 4)
        await pilot.press("e")
        await settle(pilot)
        await choose(pilot, "minor")
        await settle(pilot, lambda: len(screen.page) == 3)
        assert [row[2] for row in cells(app, "open-list")] == ["PT-RUN", "BD-DENT", "PT-DIRT"]
        assert "s station PAINT · z zone all · e severity minor" in text_of(app, "open-filters")
        await pilot.press("a")
        await settle(pilot)
        await choose(pilot, "1h")
        await settle(pilot, lambda: len(screen.page) == 2)
        assert [row[2] for row in cells(app, "open-list")] == ["PT-RUN", "BD-DENT"]
        assert text_of(app, "open-title").startswith("2 match")
        await pilot.press("x")
        await settle(pilot, lambda: len(screen.page) == 5)

        # Enter on a defect opens its car, where it is repaired and verified.
        await pilot.press("down", "enter")
        await settle(pilot, lambda: isinstance(app.screen, VehicleScreen) and app.screen.history is not None)
        assert app.screen.vin == line.vins[4]


async def test_the_list_is_read_a_page_at_a_time(make_app, line):
    with line.db.write() as session:
        from neofloor.services.quality import catalog_entries

        codes = [e.code for e in catalog_entries(session)]
        logged = 0
        for code in codes:
            for zone in ("front", "rear", "left"):
                if logged == PAGE + 5:
                    break
                add_defect(
                    session, line.vins[3], "TRIM1", code, zone, INSPECTOR, now=T0 + timedelta(minutes=131)
                )
                logged += 1
    app = make_app(badge=INSPECTOR)

    async with drive(app) as pilot:
        screen = await open_overview(pilot)
        assert len(screen.page) == PAGE and screen.more
        assert screen.check_action("page", (-1,)) is False  # no earlier page: its key is not shown
        await pilot.press("right_square_bracket")
        await settle(pilot, lambda: screen.page_offset == PAGE and len(screen.page) == 7)
        assert not screen.more
        assert text_of(app, "open-title").startswith(f"{PAGE + 7} match · {PAGE + 1}-{PAGE + 7}")
        await pilot.press("left_square_bracket")
        await settle(pilot, lambda: screen.page_offset == 0 and len(screen.page) == PAGE)


async def test_the_pareto_of_codes_for_today_the_week_and_days_typed(make_app, line):
    quality_day(line)
    app = make_app(badge=INSPECTOR)

    async with drive(app) as pilot:
        screen = await open_overview(pilot)
        await pilot.press("f3")
        await settle(pilot, lambda: screen.pareto is not None)
        rows = cells(app, "pareto")
        assert rows[0][:6] == ["1", "PT-RUN", "Paint run or sag", "2", "33.3 %", "33.3 %"]
        assert [row[1] for row in rows] == ["PT-RUN", "BD-DENT", "EL-CONN", "PT-DIRT", "WL-DOOR"]
        assert rows[-1][3:6] == ["1", "16.7 %", "100.0 %"]
        assert text_of(app, "pareto-title") == "6 defects found · 5 codes · cancelled ones left out"
        assert "Thu 26 Nov" in text_of(app, "pareto-period")

        await pilot.press("w")
        await settle(pilot, lambda: screen.days is not None and screen.days[0].day == 23)
        assert "Mon 23 – Thu 26 Nov" in text_of(app, "pareto-period")

        # Days typed: a period with no defect, then one that ends before it starts.
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, PeriodDialog)
        await pilot.press(
            *["backspace"] * 10, *"2026-11-20", "enter", *["backspace"] * 10, *"2026-11-25", "enter"
        )
        await settle(pilot, lambda: screen.days is not None and screen.days[0].day == 20)
        assert cells(app, "pareto") == []
        assert text_of(app, "pareto-title") == "0 defects found · cancelled ones left out"
        await pilot.press("d")
        await settle(pilot)
        await pilot.press(
            *["backspace"] * 10, *"2026-11-25", "enter", *["backspace"] * 10, *"2026-11-20", "enter"
        )
        await settle(pilot)
        assert isinstance(app.screen, PeriodDialog)
        error = app.screen.query_one("#period-error", Label).render().plain
        assert error == "The period ends (2026-11-20) before it starts (2026-11-25)."


async def test_fpy_and_dphu_per_day_and_per_shift(make_app, line):
    quality_day(line)
    app = make_app(badge=INSPECTOR)

    async with drive(app) as pilot:
        screen = await open_overview(pilot)
        await pilot.press("f4")
        await settle(pilot, lambda: screen.trend is not None)
        total = text_of(app, "yield-total").splitlines()[0]
        assert total == "2 cars through QG · first pass 1 · FPY 50.0 % · defects on them 1 · DPHU 50.0"
        assert cells(app, "yield-days")[0][:6] == ["Thu 26 Nov", "2", "1", "50.0 %", "1", "50.0"]
        assert cells(app, "yield-shifts") == [["Thu 26 Nov A", "2", "1", "50.0 %", "1", "50.0"]]

        await pilot.press("w")
        await settle(pilot, lambda: len(cells(app, "yield-days")) == 4)
        assert [row[0] for row in cells(app, "yield-days")] == [
            "Thu 26 Nov",
            "Wed 25 Nov",
            "Tue 24 Nov",
            "Mon 23 Nov",
        ]
        assert cells(app, "yield-days")[1][1:6] == ["–", "–", "–", "–", "–"]
        assert len(cells(app, "yield-shifts")) == 4  # shift A each day; B has no target and made no car


async def test_the_overview_follows_what_other_terminals_write(make_app, line, clock):
    app = make_app(badge=INSPECTOR)

    async with drive(app) as pilot:
        screen = await open_overview(pilot)
        assert text_of(app, "open-counts").startswith("2 not closed")
        await pilot.press("f3")
        await settle(pilot, lambda: screen.pareto is not None)
        assert screen.pareto.total == 2

        clock.advance(minutes=1)
        with line.db.write() as session:
            add_defect(session, line.vins[4], "PAINT", "PT-SCR", "left", "1001", now=clock())
        await settle(pilot, lambda: screen.pareto is not None and screen.pareto.total == 3, timeout=10)
        assert "PT-SCR" in [row[1] for row in cells(app, "pareto")]
        await settle(pilot, lambda: text_of(app, "open-counts").startswith("3 not closed"))
