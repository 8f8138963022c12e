"""The shift dashboard: the shift under way, earlier shifts and days, notes, the handover report.

The plant (Africa/Casablanca, UTC+1; the clock stands at 11:30 on Thursday 2026-11-26,
shift A 06:00-14:30 with breaks 09:30-09:45 and 12:00-12:30, target 12, takt 38m 45s):
- Wednesday 25, shift A: three cars through QG (08:30, 10:10, 13:15); shift B (no target)
  made nothing; Tuesday 24 made nothing at all.
- Thursday 26, shift A so far: six cars through QG (06:40, 07:30, 08:20, 09:05, 10:25,
  11:10) against a plan of 8 (315 production minutes / takt): 2 behind. One of them had
  a paint defect (FPY 5 of 6, DPHU 16.7). TRIM1 is the slowest station.
- Andon: TRIM2 stopped 09:50-10:12 (equipment, 22 min), PAINT stopped since 11:15
  (material, 15 min so far): 37 minutes of line downtime.
- On the line now: a car waiting for QG, one in CHASSIS, one held in TRIM1 with an
  open critical defect, one waiting for PAINT (4 cars of WIP); one more only planned.
- A note from the shift lead at 08:05.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from textual.pilot import Pilot
from textual.widgets import Input, Label

from neofloor.services.plant.config import init_plant, load_plant_config
from neofloor.services.plant.pins import hash_pin
from neofloor.services.quality import add_defect
from neofloor.services.supervision.andon import end_andon, raise_andon
from neofloor.services.supervision.shift_notes import add_shift_note, list_shift_notes
from neofloor.services.tracking.holds import hold_vehicle
from neofloor.services.tracking.planning import add_vehicle
from neofloor.store.engine import Database
from neofloor.store.models import Operator
from neofloor.tui.app import NeofloorApp
from neofloor.tui.dialogs.shift_note import ShiftNoteDialog
from neofloor.tui.dialogs.shift_picker import ShiftPickerDialog
from neofloor.tui.dialogs.shift_report import ShiftReportDialog
from neofloor.tui.screens.dashboard import DashboardScreen
from neofloor.tui.widgets.big_number import BigNumber
from tests.conftest import INSPECTOR, ROUTE, SUPERVISOR, TEST_PIN, fit_parts, make_vin, scan
from tests.tui.conftest import FrozenClock, footer_actions, opened, settle, sign_in

CASABLANCA = ZoneInfo("Africa/Casablanca")
SHIFT_LEAD = "4001"
TRIM1_OPERATOR = "1002"
# Minutes each car spends at each station, a minute's walk between two stations.
CYCLE_MINUTES = {
    "BODY": 10,
    "PAINT": 12,
    "TRIM1": 15,
    "TRIM2": 11,
    "CHASSIS": 10,
    "FINAL": 9,
    "EOL": 8,
    "WATER": 6,
    "QG": 7,
}


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A plant wall-clock time of November 2026, as aware UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=CASABLANCA).astimezone(UTC)


NOW = local(26, 11, 30)
# Cars through QG, and how many minutes longer than usual each spent in TRIM1.
YESTERDAY = ((local(25, 8, 30), 0), (local(25, 10, 10), 2), (local(25, 13, 15), 1))
TODAY = (
    (local(26, 6, 40), 0),
    (local(26, 7, 30), 4),
    (local(26, 8, 20), 1),
    (local(26, 9, 5), 6),
    (local(26, 10, 25), 2),
    (local(26, 11, 10), 3),
)


def _minutes(station: str, trim1_extra: int) -> int:
    return CYCLE_MINUTES[station] + (trim1_extra if station == "TRIM1" else 0)


def through_qg(db: Database, vin: str, passed_at: datetime, trim1_extra: int) -> None:
    """Run a car down the whole route so that it completes QG at ``passed_at``."""
    total = sum(_minutes(s, trim1_extra) for s in ROUTE) + len(ROUTE) - 1
    advance(db, vin, ROUTE, passed_at - timedelta(minutes=total), trim1_extra)


def advance(
    db: Database, vin: str, stations: tuple[str, ...], at: datetime, trim1_extra: int = 0
) -> datetime:
    """Start and complete the car at each station; returns when it could start the next one."""
    for station in stations:
        scan(db, station, vin, at)
        at += timedelta(minutes=_minutes(station, trim1_extra))
        fit_parts(db, vin, station, at)
        scan(db, station, vin, at)
        at += timedelta(minutes=1)
    return at


def build_plant(db: Database) -> dict[int, str]:
    """The plant of the module docstring; returns the VINs by build sequence."""
    vins: dict[int, str] = {}
    with db.write() as session:
        for n in range(1, 15):
            model = "C1E" if n % 4 == 0 else "C1"
            vins[n] = add_vehicle(
                session, make_vin(n, model), model, "WHT", f"ORD-{n:04d}", now=local(24, 7), badge="3001"
            )
    for n, (passed_at, extra) in enumerate((*YESTERDAY, *TODAY), start=1):
        through_qg(db, vins[n], passed_at, extra)
    # The line now: #10 waits for QG, #11 is in CHASSIS, #12 is held in TRIM1, #13 waits for PAINT.
    advance(db, vins[10], ROUTE[:8], local(26, 9, 40))
    scan(db, "CHASSIS", vins[11], advance(db, vins[11], ROUTE[:4], local(26, 10, 0)))
    scan(db, "TRIM1", vins[12], advance(db, vins[12], ROUTE[:2], local(26, 10, 20)))
    advance(db, vins[13], ROUTE[:1], local(26, 11, 0))
    with db.write() as session:
        add_defect(session, vins[5], "PAINT", "PT-DIRT", "roof", INSPECTOR, now=local(26, 6, 30))
        add_defect(session, vins[12], "TRIM1", "AS-SEAT", "interior", INSPECTOR, now=local(26, 11, 5))
        hold_vehicle(
            session, vins[12], "Driver seat not latched", SUPERVISOR, "T-TRIM1", now=local(26, 11, 6)
        )
        raise_andon(session, "TRIM2", "EQP", SUPERVISOR, "Nut runner fault", now=local(26, 9, 50))
        end_andon(session, "TRIM2", SUPERVISOR, now=local(26, 10, 12))
        raise_andon(session, "PAINT", "MAT", SUPERVISOR, "Primer drums late", now=local(26, 11, 15))
        add_shift_note(
            session,
            date(2026, 11, 26),
            "A",
            "Two operators short at TRIM2 until 10:00.",
            SHIFT_LEAD,
            now=local(26, 8, 5),
        )
    return vins


@dataclass(frozen=True)
class Plant:
    db: Database
    path: Path
    vins: dict[int, str]

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


@pytest.fixture(scope="session")
def dashboard_plant_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    """The dashboard's plant, built once: each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("dashboard") / "plant.db"
    database = Database(f"sqlite:///{path}")
    with database.write() as session:
        init_plant(session, load_plant_config())
        session.execute(update(Operator).values(pin_hash=hash_pin(TEST_PIN)))
    vins = build_plant(database)
    database.dispose()
    return path, vins


@pytest.fixture
def plant(dashboard_plant_file: tuple[Path, dict[int, str]], tmp_path: Path) -> Iterator[Plant]:
    template, vins = dashboard_plant_file
    path = tmp_path / "plant.db"
    shutil.copyfile(template, path)
    database = Database(f"sqlite:///{path}")
    yield Plant(database, path, vins)
    database.dispose()


@pytest.fixture
def dashboard_clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def dashboard_app(plant: Plant, dashboard_clock: FrozenClock) -> Callable[..., NeofloorApp]:
    """An app at QG with the shift lead signed in (or whoever is asked for), on the frozen clock."""

    def make(badge: str = SHIFT_LEAD) -> NeofloorApp:
        return NeofloorApp(
            plant.url, station="QG", terminal="T-LEAD", operator_badge=badge, clock=dashboard_clock
        )

    return make


def dashboard(app: NeofloorApp) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen), f"{type(screen).__name__} is shown, not the dashboard"
    return screen


def showing(app: NeofloorApp, label: str) -> Callable[[], bool]:
    """The dashboard shows shift ``label`` ("2026-11-26 A")."""

    def check() -> bool:
        screen = app.screen
        summary = getattr(screen, "summary", None)
        return summary is not None and summary.window.label == label

    return check


async def open_dashboard(pilot: Pilot[None], label: str = "2026-11-26 A") -> DashboardScreen:
    """Open the plant, then the dashboard with F12, and wait for shift ``label``."""
    await opened(pilot)
    await pilot.press("f12")
    await settle(pilot, showing(pilot.app, label))
    assert isinstance(pilot.app, NeofloorApp)
    return dashboard(pilot.app)


def label_text(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Label).content)  # type: ignore[attr-defined]


def figure(screen: DashboardScreen, key: str) -> tuple[str, str]:
    """A big number as the narrow layout words it: (value, line)."""
    shown = screen.query_one(f"#figure-{key}", BigNumber).figure
    assert shown is not None
    return shown.value, shown.narrow


def notes_in(plant: Plant, day: date = date(2026, 11, 26)) -> list[str]:
    with plant.db.read() as session:
        return [note.text for note in list_shift_notes(session, day, "A")]


# --- what people see -------------------------------------------------------------------

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_snapshot(snap_compare, dashboard_app, size):
    """The shift under way at 11:30: 2 behind, FPY 83.3 %, TRIM1 the bottleneck, PAINT stopped."""
    app = dashboard_app()

    async def run_before(pilot):
        await open_dashboard(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_the_same_plant_draws_the_same_picture_twice(dashboard_app):
    """The chart and the figures are deterministic: two runs give the very same SVG."""
    pictures = []
    for _ in range(2):
        app = dashboard_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await open_dashboard(pilot)
            pictures.append(app.export_screenshot())
    assert pictures[0] == pictures[1]
    assert "plan" in pictures[0] and "output" in pictures[0]


async def test_the_shift_under_way_is_shown_with_its_numbers(dashboard_app):
    app = dashboard_app()

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        summary = screen.summary
        assert summary is not None and summary.status == "running"
        assert (summary.output, summary.plan_so_far, summary.cars_behind) == (6, 8, 2)
        assert figure(screen, "output") == ("6 of 8", "2 BEHIND")
        assert figure(screen, "fpy") == ("83.3 %", "5 of 6")
        assert figure(screen, "dphu") == ("16.7", "1 defect")
        assert figure(screen, "wip") == ("4", "1 held")
        assert screen.query_one("#figure-output", BigNumber).has_class("-alert")
        title = label_text(screen, "#dash-title")
        assert title.startswith("Shift A · Thu 26 Nov 2026 06:00–14:30 · UNDER WAY, numbers to 11:30")
        # The bottleneck is marked in words, with the criterion that named it.
        assert label_text(screen, "#bottleneck") == "◀ Bottleneck: TRIM1 (longest median cycle time)."
        stations = screen.query_one("#stations")
        assert str(stations.get_cell("TRIM1", "mark")) == "◀ bottleneck"
        assert str(stations.get_cell("TRIM2", "down")) == "22"
        assert str(stations.get_cell("PAINT", "down")) == "15"
        pareto = screen.query_one("#pareto")
        assert [row.value for row in pareto.rows] == ["EQP", "MAT"]
        assert label_text(screen, "#line-downtime") == "Line stopped 37 min of 315 min production time."
        assert not screen.query_one("#dash-banner").has_class("-shown")


async def test_a_narrow_terminal_scrolls_to_the_chart_with_the_keyboard(dashboard_app):
    app = dashboard_app()

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(pilot)
        body = screen.query_one("#dash-body")
        assert screen.has_class("-narrow")
        assert screen.focused is body
        chart = screen.query_one("#chart-box")
        view = body.region
        assert chart.region.bottom > view.bottom  # the chart is under the tables
        await pilot.press("pagedown")
        await settle(pilot)
        assert body.scroll_y > 0
        for _ in range(view.height):
            if chart.region.y >= view.y and chart.region.bottom <= view.bottom:
                break
            await pilot.press("up" if chart.region.y < view.y else "down")
            await settle(pilot)
        assert view.y <= chart.region.y and chart.region.bottom <= view.bottom
        # The five figures stay in sight while the details scroll.
        assert screen.query_one("#figure-output").region.y < view.y


# --- the report's numbers are the dashboard's ---------------------------------------------


def _md_value(report: str, row: str) -> str:
    """The value cell of a two-column Markdown row: | First-pass yield | 83.3 % (5 of 6) |."""
    match = re.search(rf"^\| {re.escape(row)} \| (.+?) \|", report, re.MULTILINE)
    assert match, f"no row {row!r} in the report"
    return match.group(1)


async def test_the_report_written_by_the_key_says_what_the_dashboard_shows(
    dashboard_app, plant, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = dashboard_app()

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        # Markdown, the default: F4 then Enter.
        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(app.screen, ShiftReportDialog))
        assert app.screen.query_one("#report-path", Input).value == "handover-2026-11-26-A.md"
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is screen and screen.last_report is not None)
        # In the plant's reports folder (beside the database by default), not the current folder.
        folder = Path(plant.url.removeprefix("sqlite:///")).resolve().parent / "reports"
        assert screen.reports == folder
        markdown = folder / "handover-2026-11-26-A.md"
        assert screen.last_report.path == markdown
        assert label_text(screen, "#dash-report") == (
            f"Markdown handover report written to {markdown}. c copies its path, o opens it."
        )
        await pilot.press("c")
        assert app.clipboard == str(markdown)
        report = markdown.read_text(encoding="utf-8")

        output, planned = figure(screen, "output")[0].split(" of ")
        assert _md_value(report, "Output (cars through QG)") == output == "6"
        assert _md_value(report, "Plan so far") == planned == "8"
        assert _md_value(report, "Cars behind plan") == "2 (2 behind)"
        assert figure(screen, "output")[1] == "2 BEHIND"
        fpy, first_pass = figure(screen, "fpy")
        assert _md_value(report, "First-pass yield") == f"{fpy} ({first_pass})"
        assert _md_value(report, "DPHU") == figure(screen, "dphu")[0]
        shown_oee = screen.query_one("#figure-oee", BigNumber).figure
        assert _md_value(report, "OEE") == shown_oee.value == "47.6 %"
        for factor, line in zip(("Availability", "Performance", "Quality"), shown_oee.wide, strict=True):
            assert line == f"{factor.lower()} {_md_value(report, factor)}"
        stations = screen.query_one("#stations")
        for station in ("BODY", "TRIM1", "QG"):
            cycles = report[report.index("## Stations") :]
            row = re.search(rf"^\| {station} \| (\d+) \| (.+?) \| (.+?) \|", cycles, re.MULTILINE)
            assert row, station
            cells = [str(stations.get_cell(station, key)) for key in ("cars", "median", "p90")]
            assert list(row.groups()) == cells
        assert "Bottleneck: **TRIM1** (longest median cycle time)." in report
        assert "Line downtime: 37 min of production time." in report
        assert "Work in progress: 4 car(s)." in report
        assert "Two operators short at TRIM2 until 10:00." in report

        # JSON, every number unrounded: F4, the third format, Enter.
        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(app.screen, ShiftReportDialog))
        await pilot.press("down", "down")
        assert app.screen.query_one("#report-path", Input).value == "handover-2026-11-26-A.json"
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is screen and screen.last_report.fmt == "json")
        data = json.loads((folder / "handover-2026-11-26-A.json").read_text(encoding="utf-8"))
        held = screen.summary
        assert data["shift"]["date"] == "2026-11-26" and data["shift"]["code"] == "A"
        assert data["pace"]["output"] == held.output == 6
        assert data["pace"]["plan_so_far"] == held.plan_so_far
        assert data["pace"]["cars_behind"] == held.cars_behind
        assert data["quality"]["fpy"] == held.fpy
        assert data["quality"]["dphu"] == held.dphu
        assert data["oee"]["oee"] == held.oee.oee
        assert data["oee"]["availability"] == held.oee.availability
        assert data["oee"]["performance"] == held.oee.performance
        assert data["oee"]["quality"] == held.oee.quality
        assert data["downtime"]["line_minutes"] == held.line_downtime_minutes
        assert [(d["reason_code"], d["minutes"]) for d in data["downtime"]["by_reason"]] == [
            (d.reason_code, d.minutes) for d in held.downtime
        ]
        assert [(s["station"], s["cycle"]["median_seconds"], s["bottleneck"]) for s in data["stations"]] == [
            (s.station, s.cycle.median, s.bottleneck) for s in held.stations
        ]
        assert data["bottleneck"]["station"] == held.bottleneck.station
        assert data["line_now"]["wip"] == held.line.wip == int(figure(screen, "wip")[0])
        assert [n["text"] for n in data["notes"]] == [n.text for n in held.notes]


async def test_a_report_that_cannot_be_written_says_why_and_keeps_the_dialog(
    dashboard_app, plant, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = dashboard_app()

    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(app.screen, ShiftReportDialog))
        app.screen.query_one("#report-path", Input).value = "no-such-folder/handover.md"
        await pilot.press("enter")
        await settle(pilot, lambda: bool(label_text(app.screen, "#refusal")))
        assert isinstance(app.screen, ShiftReportDialog)
        assert "the folder" in label_text(app.screen, "#refusal")
        assert "does not exist" in label_text(app.screen, "#refusal")
        assert not list(tmp_path.glob("**/*.md"))


# --- earlier shifts and days ----------------------------------------------------------------


async def test_stepping_back_through_shifts_and_to_a_day_without_production(dashboard_app):
    app = dashboard_app()

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.wanted is None  # following the shift under way

        # ← the shift before: yesterday's afternoon shift, which has no target.
        await pilot.press("left")
        await settle(pilot, showing(app, "2026-11-25 B"))
        assert screen.wanted == (date(2026, 11, 25), "B")
        assert label_text(screen, "#dash-banner") == (
            "No production in this shift: none was planned (no target) and no car passed QG."
        )
        assert screen.query_one("#dash-banner").has_class("-shown")
        assert figure(screen, "output") == ("0", "no plan")
        assert figure(screen, "fpy") == ("–", "no car yet")
        assert figure(screen, "oee") == ("–", "no OEE")
        assert "ENDED" in label_text(screen, "#dash-title")
        assert label_text(screen, "#dash-title").endswith("an earlier shift: Home for now")

        # ← again: yesterday's day shift, three cars, all of it ended.
        await pilot.press("left")
        await settle(pilot, showing(app, "2026-11-25 A"))
        assert screen.summary.output == 3 and screen.summary.status == "ended"
        assert figure(screen, "output") == ("3 of 12", "9 BEHIND")
        # Its line as it stood when it ended, said so and dated.
        issues = screen.query_one("#open-issues")
        assert issues.border_title == "As the shift ended"
        assert " · as of 25 Nov " in str(issues.render())
        assert not screen.query_one("#dash-banner").has_class("-shown")

        # F2: type a day, keep shift A: Tuesday made nothing, and the screen says so.
        await pilot.press("f2")
        await settle(pilot, lambda: isinstance(app.screen, ShiftPickerDialog))
        await pilot.press(*"2026-11-24", "enter")
        await settle(pilot, showing(app, "2026-11-24 A"))
        assert screen.summary.no_production
        assert label_text(screen, "#dash-banner") == (
            "No production in this shift: no car passed QG between 06:00 and 14:30."
        )
        assert figure(screen, "output") == ("0 of 12", "12 BEHIND")
        assert figure(screen, "fpy") == ("–", "no car yet")
        assert figure(screen, "dphu") == ("–", "no car yet")
        oee = screen.query_one("#figure-oee", BigNumber).figure
        assert oee.value == "0.0 %"  # the planned time was there and nothing came out of it
        assert label_text(screen, "#bottleneck").startswith("No bottleneck yet")
        assert label_text(screen, "#lead-time") == "Lead time to QG: no car through QG yet."

        # → twice: Tuesday's B, then Wednesday's A; Home: back to the shift under way.
        await pilot.press("right")
        await settle(pilot, showing(app, "2026-11-24 B"))
        await pilot.press("right")
        await settle(pilot, showing(app, "2026-11-25 A"))
        await pilot.press("home")
        await settle(pilot, showing(app, "2026-11-26 A"))
        assert screen.wanted is None
        # Nothing after the shift under way.
        await pilot.press("right")
        await settle(pilot)
        assert screen.summary.window.label == "2026-11-26 A"


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        pytest.param(
            "2026-11-28",
            "Shift A does not run on sat 2026-11-28; it runs mon, tue, wed, thu, fri.",
            id="day-off",
        ),
        pytest.param(
            "2026-11-27",
            "Shift 2026-11-27 A has not started yet; pick a shift under way or past.",
            id="future",
        ),
        pytest.param(
            "26/11/2026", "Date '26/11/2026' should be YYYY-MM-DD, today or yesterday.", id="bad-date"
        ),
    ],
)
async def test_the_day_picker_refuses_what_it_cannot_show(dashboard_app, typed, sentence):
    app = dashboard_app()

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("f2")
        await settle(pilot, lambda: isinstance(app.screen, ShiftPickerDialog))
        await pilot.press(*typed, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ShiftPickerDialog)
        assert label_text(app.screen, "#picker-refusal") == sentence
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.summary.window.label == "2026-11-26 A"


# --- notes for the handover ------------------------------------------------------------------


async def test_a_note_is_offered_to_the_shift_lead_not_to_an_operator(dashboard_app, plant):
    app = dashboard_app(badge=TRIM1_OPERATOR)

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        # An operator is not offered the note: no key in the footer, and F3 opens nothing to type into.
        assert "add_note" not in footer_actions(app)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen is screen
        assert notes_in(plant) == ["Two operators short at TRIM2 until 10:00."]

        # The shift lead signs in (F8, badge 4001 and PIN) and adds it.
        await sign_in(pilot, SHIFT_LEAD)
        assert app.operator is not None and app.operator.badge == SHIFT_LEAD
        assert "add_note" in footer_actions(app)
        await pilot.press("f3")
        await settle(pilot, lambda: isinstance(app.screen, ShiftNoteDialog))
        await pilot.press(*"Seat supplier late", "enter")
        await settle(pilot, lambda: app.screen is screen and len(screen.summary.notes) == 2)
        assert notes_in(plant) == ["Two operators short at TRIM2 until 10:00.", "Seat supplier late"]
        assert screen.summary.notes[-1].author == "Leila Chraibi"
        assert "Seat supplier late" in str(screen.query_one("#shift-notes").content)


async def test_a_note_needs_someone_signed_in(plant):
    app = NeofloorApp(plant.url, station="QG", clock=FrozenClock(NOW))
    said: list[str] = []

    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("escape")  # nobody signs in
        await pilot.press("f12")
        await settle(pilot, showing(app, "2026-11-26 A"))
        screen = dashboard(app)
        screen.notify = lambda message, **_options: said.append(str(message))  # type: ignore[method-assign]
        assert "add_note" not in footer_actions(app)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen is screen and said == []  # nothing offered, nothing to refuse


# --- live ---------------------------------------------------------------------------------------


async def test_the_dashboard_follows_writes_and_the_clock(dashboard_app, plant, dashboard_clock):
    """Another terminal's QG completion shows at once; the plan so far moves as time passes."""
    app = dashboard_app()

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        assert (screen.summary.output, screen.summary.plan_so_far) == (6, 8)

        # #10 waits for QG: another terminal records it through QG (the clock stands still).
        before = screen.loaded_marker
        scan(plant.db, "QG", plant.vins[10], local(26, 11, 18))
        scan(plant.db, "QG", plant.vins[10], local(26, 11, 27))
        await settle(pilot, lambda: screen.summary.output == 7, timeout=10)
        assert screen.loaded_marker != before
        assert figure(screen, "output") == ("7 of 8", "1 BEHIND")

        # Nobody writes; it is 12:45: 405 minutes less 45 of breaks make 9 cars of plan.
        marker = screen.loaded_marker
        dashboard_clock.advance(minutes=75)
        await settle(pilot, lambda: screen.summary.plan_so_far == 9, timeout=10)
        assert screen.loaded_marker == marker
        assert figure(screen, "output") == ("7 of 9", "2 BEHIND")
        assert label_text(screen, "#dash-title").startswith(
            "Shift A · Thu 26 Nov 2026 06:00–14:30 · UNDER WAY, numbers to 12:45"
        )


async def test_an_earlier_shift_is_not_read_again_while_nothing_changes(dashboard_app, dashboard_clock):
    app = dashboard_app()

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("left", "left")
        await settle(pilot, showing(app, "2026-11-25 A"))
        assert screen.due_at is None
        shown = screen.summary
        dashboard_clock.advance(minutes=30)
        await pilot.pause(1.5)
        await settle(pilot)
        assert screen.summary is shown


async def test_a_plant_with_no_cars_shows_no_production_without_failing(db):
    """An empty plant: every ratio has nothing to divide by, and the screen says so."""
    app = NeofloorApp(db.url, station="QG", operator_badge=SHIFT_LEAD, clock=FrozenClock(NOW))

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.summary.no_production
        assert label_text(screen, "#dash-banner") == (
            "No production in this shift: no car passed QG between 06:00 and 11:30."
        )
        assert figure(screen, "output") == ("0 of 8", "8 BEHIND")
        assert figure(screen, "fpy") == ("–", "no car yet")
        assert figure(screen, "wip") == ("0", "0 held")
        assert label_text(screen, "#line-downtime") == "No stop in production time."
        assert not screen.query_one("#pareto").display


async def test_following_the_clock_moves_to_the_next_shift_when_it_starts(dashboard_app, dashboard_clock):
    """Before 06:00 the last production shift is yesterday's A (B has no target, so it is never the
    current shift); at 06:00 today's A takes its place."""
    dashboard_clock.at = local(26, 5, 59)
    app = dashboard_app()

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot, "2026-11-25 A")
        assert screen.wanted is None and screen.due_at == local(26, 6, 0)
        dashboard_clock.advance(minutes=1)
        await settle(pilot, showing(app, "2026-11-26 A"), timeout=10)
        assert screen.summary.status == "running"
        assert figure(screen, "output") == ("0 of 0", "on plan")


async def test_a_plant_without_shifts_says_there_is_no_shift_to_show(db):
    from sqlalchemy import delete

    from neofloor.store.models import Shift

    with db.write() as session:
        session.execute(delete(Shift))
    app = NeofloorApp(db.url, station="QG", operator_badge=SHIFT_LEAD, clock=FrozenClock(NOW))

    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("f12")
        await settle(pilot, lambda: app.screen.has_class("-nothing"))
        screen = dashboard(app)
        assert screen.summary is None
        assert label_text(screen, "#dash-banner") == (
            "No shift has run in the last two weeks: press F2 to pick a day."
        )
        assert not screen.query_one("#dash-body").display
        await pilot.press("f2")
        await settle(pilot, lambda: isinstance(app.screen, ShiftPickerDialog))
        await pilot.press("enter")
        await settle(pilot)
        assert label_text(app.screen, "#picker-refusal") == "The plant has no shifts in its config."
