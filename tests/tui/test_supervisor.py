"""The line supervisor by keys: andon stops, the repair bay loop, overrides, work instructions.

Every action goes through the services; a refusal shows their sentence in red
with a bell and writes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from textual.widgets import DataTable, OptionList

from neofloor.services.supervision.andon import open_stops, raise_andon
from neofloor.services.supervision.overrides import overrides_between
from neofloor.services.supervision.repair import repair_scan, send_to_repair
from neofloor.store.models import Downtime
from neofloor.tui.dialogs.andon_reason import AndonReasonDialog
from neofloor.tui.dialogs.move_car import MoveDialog
from neofloor.tui.dialogs.note import NoteDialog
from neofloor.tui.screens.board import LineBoardScreen
from neofloor.tui.screens.station import StationScreen
from neofloor.tui.widgets.andon_banner import AndonBanner
from neofloor.tui.widgets.last_result import LastResult
from neofloor.tui.widgets.work_instructions import WorkInstructions
from tests.conftest import INSPECTOR, SUPERVISOR
from tests.tui.conftest import NOW, Bell, car_state, drive, footer_actions, plant_state, settle, sign_in
from tests.tui.test_board import STATIONS, cell, highlight, open_board


def last_result(app) -> tuple[str, str]:
    outcome = app.screen.query_one("#last-result", LastResult).outcome
    return outcome.kind, outcome.sentence


def board_result(app) -> str:
    return str(app.screen.query_one("#board-result").render())


def stops(db) -> list[tuple[object, ...]]:
    """Every downtime row, to prove a refusal wrote none."""
    with db.read() as session:
        rows = session.execute(select(Downtime).order_by(Downtime.id)).scalars()
        return [(d.station_id, d.reason_id, d.started_at, d.ended_at, d.ended_by_id, d.note) for d in rows]


def open_stop_at(db, station: str):
    with db.read() as session:
        return next((s for s in open_stops(session, now=NOW) if s.station == station), None)


def footer_keys(app) -> set[str]:
    return {k.description for k in app.screen.query("FooterKey")}


# --- andon ------------------------------------------------------------------------


async def test_a_station_terminal_raises_and_ends_an_andon_stop_by_keys(make_app, line, clock):
    app = make_app()

    async with drive(app) as pilot:
        screen = app.screen
        banner = screen.query_one("#andon", AndonBanner)
        assert not banner.display
        assert "Stop" in footer_keys(app) and "End stop" not in footer_keys(app)

        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AndonReasonDialog)
        assert dialog.query_one("#reasons", OptionList).option_count == 6
        await pilot.press(*"eq")  # the first letters of "Equipment fault"
        assert [r.code for r in dialog.shown] == ["EQP"]
        await pilot.press("tab", *"Conveyor chain jammed", "enter")
        await settle(pilot, lambda: screen.stop is not None)

        assert app.screen is screen
        assert last_result(app) == ("done", "TRIM1 stopped: Equipment fault (EQP).")
        stop = open_stop_at(line.db, "TRIM1")
        assert (stop.reason_code, stop.raised_by, stop.started_at, stop.note) == (
            "EQP",
            "Fatima Zahra Benali",
            NOW,
            "Conveyor chain jammed",
        )
        # Shown prominently, with a timer that runs every second from the stop's start.
        assert banner.display
        assert str(banner.render()).startswith("■ ANDON STOP TRIM1  0:00  Equipment fault · since 11:30")
        clock.advance(minutes=3, seconds=7)
        await settle(pilot, lambda: "  3:07  " in str(banner.render()), timeout=3)
        assert "End stop" in footer_keys(app) and "Stop" not in footer_keys(app)
        assert screen.focused is screen.query_one("#scan")

        await pilot.press("ctrl+g")
        await settle(pilot, lambda: screen.stop is None)
        assert last_result(app) == ("done", "TRIM1 running again after 3m 07s (Equipment fault).")
        assert open_stop_at(line.db, "TRIM1") is None
        assert not banner.display


async def test_the_reason_is_picked_with_the_arrows_and_escape_stops_nothing(make_app, line):
    app = make_app()
    bell = Bell(app)

    async with drive(app) as pilot:
        before = (plant_state(line.db), stops(line.db))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"zz", "enter")  # no reason starts so: said, nothing written
        dialog = app.screen
        assert isinstance(dialog, AndonReasonDialog)
        assert str(dialog.query_one("#andon-error").render()) == "No downtime reason starts with 'zz'."
        assert bell.rings == 1
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)
        assert (plant_state(line.db), stops(line.db)) == before

        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # MAT, EQP, QUAL
        await settle(pilot, lambda: app.screen.stop is not None)
        assert open_stop_at(line.db, "TRIM1").reason_code == "QUAL"


async def test_a_stop_left_open_by_another_terminal_shows_and_can_be_ended_here(make_app, line, clock):
    app = make_app()

    async with drive(app) as pilot:
        screen = app.screen
        with line.db.write() as session:  # another terminal at TRIM1, since closed
            raise_andon(session, "TRIM1", "MAT", INSPECTOR, "Clips", now=clock() - timedelta(minutes=12))
        await settle(pilot, lambda: screen.stop is not None, timeout=10)
        banner = str(screen.query_one("#andon", AndonBanner).render())
        assert banner.startswith("■ ANDON STOP TRIM1  12:00  Material shortage · since 11:18")
        await pilot.press("ctrl+g")
        await settle(pilot, lambda: screen.stop is None)
        assert last_result(app) == ("done", "TRIM1 running again after 12m 00s (Material shortage).")


async def test_a_supervisor_closes_a_stop_left_open_from_the_board(make_app, line):
    """PAINT was stopped from a terminal since closed: an operator of another station may not end
    it; the supervisor does, from the board."""
    app = make_app()
    bell = Bell(app)

    async with drive(app) as pilot:
        await open_board(pilot)
        await highlight(pilot, "PAINT")
        assert "End stop" in footer_keys(app)
        before = stops(line.db)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert board_result(app) == (
            "✘ REFUSED Fatima Zahra Benali is not certified for PAINT; an inspector, supervisor,"
            " shift lead or admin can end a stop there."
        )
        assert app.screen.query_one("#board-result").has_class("-refused")
        assert bell.rings == 1
        assert stops(line.db) == before

        await sign_in(pilot, SUPERVISOR)
        await pilot.press("ctrl+g")
        await settle(pilot, lambda: cell(app, "PAINT", "stop") == "")
        assert board_result(app) == "✔ RUNNING AGAIN PAINT running again after 10m 00s (Material shortage)."
        assert open_stop_at(line.db, "PAINT") is None
        assert not app.screen.query_one("#andon", AndonBanner).display
        assert app.screen.selected_code() == "PAINT"
        assert "Stop" in footer_keys(app)

        # The supervisor stops a station from the board too.
        await highlight(pilot, "CHASSIS")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"saf", "enter")
        await settle(pilot, lambda: cell(app, "CHASSIS", "stop") != "")
        assert open_stop_at(line.db, "CHASSIS").reason_code == "SAFE"


# --- the repair bay loop ---------------------------------------------------------------


async def test_a_car_goes_to_repair_from_its_station_and_comes_back_from_the_bay(make_app, line, clock):
    vin = line.vins[3]  # in TRIM1
    station = make_app()
    bell = Bell(station)

    async with drive(station) as pilot:
        assert station.screen.selected_vin() == vin
        # An operator may not send a car to repair: not offered, nothing asked, nothing written.
        before = plant_state(line.db)
        assert "send_to_repair" not in footer_actions(station)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(station.screen, StationScreen) and bell.rings == 0
        assert plant_state(line.db) == before

        await sign_in(pilot, SUPERVISOR)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("enter")  # a reason is required
        assert isinstance(station.screen, NoteDialog)
        await pilot.press(*"Connector clip broken", "enter")
        await settle(pilot, lambda: vin not in [c.vin for c in station.screen.inside])
        assert last_result(station) == ("done", f"{vin} sent to REPAIR from TRIM1: Connector clip broken.")
        assert car_state(line.db, vin) == ("in_repair", "REPAIR", None)

    clock.advance(minutes=2)
    bay = make_app(station="REPAIR", badge=INSPECTOR, terminal="T-REPAIR")

    async with drive(bay) as pilot:
        screen = bay.screen
        assert [c.vin for c in screen.bay] == [vin]
        assert (
            str(screen.query_one("#queue-title").render())
            == "REPAIR: 1 in the bay (1 waiting) · 2m 00s in repair"
        )
        # Keys that do not apply at the bay are not offered.
        assert {"Back to line", "Stop"} <= footer_keys(bay)
        assert not {"Hold", "Release", "To repair", "Override"} & footer_keys(bay)
        await pilot.press(*vin, "enter")
        await settle(pilot)
        assert last_result(bay) == (
            "done",
            f"{vin} repair started at REPAIR. A scan from 11:32:02 completes it.",
        )
        assert screen.bay[0].phase == "repairing"
        # Not repaired yet: Ctrl+B says why before any dialog opens.
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert bay.screen is screen
        assert last_result(bay) == (
            "refused",
            f"{vin} is still being repaired: scan it out at REPAIR first, then Ctrl+B.",
        )

        clock.advance(minutes=25)
        await pilot.press(*vin, "enter")
        await settle(pilot)
        assert last_result(bay) == ("done", f"{vin} repaired at REPAIR; it goes back to TRIM1.")
        assert screen.bay[0].phase == "repaired"
        await pilot.press("ctrl+b")
        await settle(pilot)
        dialog = bay.screen
        assert isinstance(dialog, MoveDialog)
        options = dialog.query_one("#move-stations", OptionList)
        assert options.get_option_at_index(options.highlighted).id == "TRIM1"  # the station it left
        await pilot.press("enter")
        await settle(pilot, lambda: not screen.bay)
        assert last_result(bay) == ("done", f"{vin} back from repair, queued at TRIM1.")
        assert car_state(line.db, vin) == ("queued", "TRIM1", None)


async def test_the_board_sends_a_car_to_repair_and_a_supervisor_returns_it_elsewhere(make_app, line, clock):
    vin = line.vins[4]  # waiting at TRIM1
    app = make_app(badge=SUPERVISOR)

    async with drive(app) as pilot:
        await open_board(pilot)
        await highlight(pilot, "TRIM1")
        await pilot.press("enter", "down")
        assert app.screen.selected_vin() == vin
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press(*"Dent in the rear door", "enter")
        await settle(pilot, lambda: cell(app, "REPAIR", "wait") == "1")
        assert (
            board_result(app) == f"✔ SENT TO REPAIR {vin} sent to REPAIR from TRIM1: Dent in the rear door."
        )
        assert car_state(line.db, vin) == ("in_repair", "REPAIR", None)
        # The reader stays at TRIM1; the car has left its list.
        assert app.screen.selected_code() == "TRIM1"
        assert vin not in [r.value for r in app.screen.query_one("#station-cars", DataTable).rows]

        with line.db.write() as session:  # the bay scans it in and out
            repair_scan(session, vin, INSPECTOR, "T-REPAIR", now=clock() + timedelta(minutes=5))
            repair_scan(session, vin, INSPECTOR, "T-REPAIR", now=clock() + timedelta(minutes=30))
        clock.advance(minutes=31)
        await settle(pilot, lambda: cell(app, "REPAIR", "inside") == "000004(OK)", timeout=10)

        await pilot.press("escape")
        await highlight(pilot, "REPAIR")
        await pilot.press("enter")
        assert app.screen.selected_vin() == vin
        assert "Back to line" in footer_keys(app)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)
        await pilot.press("down", *"Door refitted at the bay", "enter")  # TRIM2, not TRIM1
        await settle(pilot, lambda: cell(app, "REPAIR", "inside") == "-")
        assert (
            board_result(app)
            == f"✔ BACK FROM REPAIR {vin} back from repair, queued at TRIM2 (instead of TRIM1)."
        )
        assert car_state(line.db, vin) == ("queued", "TRIM2", None)
        assert "000004" in cell(app, "TRIM2", "next")


async def test_the_bay_offers_back_to_line_only_to_whom_may_and_elsewhere_only_to_leaders(
    make_app, line, clock
):
    vin = line.vins[4]
    with line.db.write() as session:
        send_to_repair(session, vin, "Dent", SUPERVISOR, "T-BOARD", now=clock() - timedelta(minutes=40))
        repair_scan(session, vin, INSPECTOR, "T-REPAIR", now=clock() - timedelta(minutes=30))
        repair_scan(session, vin, INSPECTOR, "T-REPAIR", now=clock() - timedelta(minutes=10))
    app = make_app(station="REPAIR", badge="1002")  # an operator, not certified for the bay
    bell = Bell(app)

    async with drive(app) as pilot:
        before = plant_state(line.db)
        assert "return_from_repair" not in footer_actions(app)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert not isinstance(app.screen, MoveDialog) and bell.rings == 0
        assert plant_state(line.db) == before

        # An inspector may send it back, to the station it left only: no other is offered.
        await sign_in(pilot, INSPECTOR)
        await pilot.press("ctrl+b")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        assert dialog.query_one("#move-stations", OptionList).option_count == 1


# --- overrides -----------------------------------------------------------------------------


async def test_an_override_is_not_offered_to_an_operator_and_done_by_a_supervisor(make_app, line, clock):
    vin = line.vins[4]  # waiting at TRIM1
    app = make_app()
    bell = Bell(app)

    async with drive(app) as pilot:
        await pilot.press("down")
        assert app.screen.selected_vin() == vin
        before = plant_state(line.db)
        # An operator is not offered the override: Ctrl+O asks nothing, writes nothing.
        assert "override" not in footer_actions(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert not isinstance(app.screen, MoveDialog) and bell.rings == 0
        assert plant_state(line.db) == before

        await sign_in(pilot, SUPERVISOR)
        assert app.screen.selected_vin() == vin
        await pilot.press("ctrl+o")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        options = dialog.query_one("#move-stations", OptionList)
        assert options.get_option_at_index(options.highlighted).id == "TRIM2"  # the next station
        await pilot.press("enter")  # no reason: the dialog says so and stays
        assert isinstance(app.screen, MoveDialog)
        assert str(dialog.query_one("#move-error").render()) == "Reason for the override: type it first."
        await pilot.press("down", *"Seats late, fitted at FINAL", "enter")  # CHASSIS
        assert (
            str(app.screen.query_one("#move-skips").render()) == "Skips TRIM1, TRIM2: they are left undone."
        )
        await pilot.press("enter")
        await settle(pilot, lambda: vin not in [c.vin for c in app.screen.queue])
        assert last_result(app) == (
            "done",
            f"{vin} moved by override from TRIM1 to CHASSIS: Seats late, fitted at FINAL.",
        )
        assert car_state(line.db, vin) == ("queued", "CHASSIS", None)
        with line.db.read() as session:
            (move,) = overrides_between(session, NOW - timedelta(hours=1), NOW + timedelta(hours=1))
        assert (move.vin, move.from_station, move.to_station, move.by) == (
            vin,
            "TRIM1",
            "CHASSIS",
            "Rachid Alaoui",
        )

        # Today's overrides on the board.
        await open_board(pilot)
        await pilot.press("ctrl+t")
        overrides = app.screen.query_one("#overrides", DataTable)
        assert [str(c) for c in overrides.get_row_at(0)][1:5] == [
            vin,
            "4",
            "TRIM1 → CHASSIS",
            "Seats late, fitted at FINAL",
        ]


async def test_an_override_from_the_board_is_not_offered_to_an_operator(make_app, line):
    app = make_app()
    bell = Bell(app)

    async with drive(app) as pilot:
        await open_board(pilot)
        await highlight(pilot, "CHASSIS")
        await pilot.press("enter")
        before = plant_state(line.db)
        assert "override" not in footer_actions(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, LineBoardScreen)  # no dialog to type a reason into
        assert bell.rings == 0
        assert plant_state(line.db) == before


# --- work instructions ------------------------------------------------------------------------


async def test_the_station_shows_the_work_instructions_for_the_car_in_it(make_app, line):
    app = make_app()
    harness = (
        "Main harness: clip every connector until it clicks, then route the harness"
        " along the marked channels."
    )
    sunroof = "Sunroof harness: route drain hoses before the headliner."

    async with drive(app) as pilot:
        panel = app.screen.query_one("#instructions", WorkInstructions)
        # #3 is an electric car with a sunroof: the sunroof's instruction and TRIM1's own (config order).
        assert app.screen.selected_vin() == line.vins[3]
        assert panel.display
        assert panel.lines == (sunroof, harness)
        assert panel.border_title == "Work instructions at TRIM1 (2)"
        assert str(panel.render()) == f"1. {sunroof}\n2. {harness}"
        await pilot.press("down")  # #4, a petrol car without options: TRIM1's own only
        assert panel.lines == (harness,)
        await pilot.press("down", "down")  # #6, sunroof again
        assert panel.lines == (sunroof, harness)


async def test_a_car_without_instructions_here_says_so(make_app, line):
    from sqlalchemy import delete, select

    from neofloor.store.models import Station, WorkInstruction

    with line.db.write() as session:
        trim1 = session.execute(select(Station.id).where(Station.code == "TRIM1")).scalar_one()
        session.execute(delete(WorkInstruction).where(WorkInstruction.station_id == trim1))
    app = make_app()

    async with drive(app) as pilot:
        panel = app.screen.query_one("#instructions", WorkInstructions)
        await pilot.press("down")  # #4
        assert panel.display and panel.lines == ()
        assert str(panel.render()) == "No instruction for this car here (TRIM1)."
        assert panel.border_title == "Work instructions at TRIM1"


async def test_the_instructions_follow_the_model_at_another_station(make_app, line):
    app = make_app(station="CHASSIS", badge="1003")

    async with drive(app):
        panel = app.screen.query_one("#instructions", WorkInstructions)
        assert app.screen.selected_vin() == line.vins[2]
        assert panel.lines == ("Engine and gearbox marriage: torque sequence A, exhaust hangers.",)
        assert panel.border_subtitle == "#2 · C1"


async def test_stations_listed_for_a_move_are_the_line_s(make_app, line):
    """The override dialog offers the production stations only, the car's own marked."""
    app = make_app(badge=SUPERVISOR)

    async with drive(app) as pilot:
        await pilot.press("ctrl+o")
        await settle(pilot)
        options = app.screen.query_one("#move-stations", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == STATIONS[:-1]
        assert str(options.get_option_at_index(2).prompt).endswith("(where it is now)")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StationScreen)
