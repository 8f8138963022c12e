"""The quality gate across screens: a serious defect logged at QG stops the car there until it is
repaired and verified by another inspector, all with the keyboard at one terminal."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input

from neofloor.services.scan import record_scan
from neofloor.tui.screens.defects import DefectEntryScreen
from neofloor.tui.screens.station import StationScreen
from neofloor.tui.screens.vehicle import VehicleScreen
from tests.conftest import INSPECTOR, T0
from tests.tui.conftest import BADGE_AT, Bell, Line, car_state, drive, plant_state, settle
from tests.tui.test_defect_entry import result, rows
from tests.tui.test_station import last_result
from tests.tui.test_vehicle import OTHER_INSPECTOR, answer, defect_result, sign_in


def to_quality_gate(line: Line) -> str:
    """Car #2 goes on from CHASSIS and starts at QG (10:48); returns its VIN."""
    vin = line.vins[2]
    at = T0 + timedelta(minutes=74)
    with line.db.write() as session:
        record_scan(session, "CHASSIS", vin, BADGE_AT["CHASSIS"], "T-CHASSIS", now=at)
    for station in ("FINAL", "EOL", "WATER", "QG"):
        at += timedelta(minutes=1)
        with line.db.write() as session:
            record_scan(session, station, vin, BADGE_AT[station], f"T-{station}", now=at)
        if station != "QG":
            at += timedelta(minutes=10)
            with line.db.write() as session:
                record_scan(session, station, vin, BADGE_AT[station], f"T-{station}", now=at)
    return vin


async def test_the_gate_refuses_a_car_with_an_open_serious_defect_until_it_is_repaired_and_verified(
    make_app, line
):
    vin = to_quality_gate(line)
    app = make_app(station="QG", badge=INSPECTOR, terminal="T-QG")
    bell = Bell(app)

    async with drive(app) as pilot:
        await pilot.press("f10")
        await settle(pilot, lambda: isinstance(app.screen, DefectEntryScreen) and bool(app.screen.entries))
        await pilot.press(*vin, "enter")
        await settle(pilot, lambda: app.screen.car is not None)
        await pilot.press("w", "l", "enter", "l", "enter", "enter")
        await settle(pilot, lambda: len(rows(app)) == 1)
        assert result(app)[0] == "done"
        number = app.screen.defects[0].id

        # At the station terminal the gate refuses the car, and says what it still needs.
        await pilot.press("f5")
        await settle(pilot, lambda: isinstance(app.screen, StationScreen))
        before = plant_state(line.db)
        await pilot.press(*vin, "enter")
        await settle(pilot)
        assert last_result(app) == (
            "refused",
            f"{vin} cannot pass QG: open serious defects WL-DOOR #{number} (major, open: repair and verify).",
        )
        assert bell.rings == 1
        assert plant_state(line.db) == before
        assert car_state(line.db, vin)[:2] == ("in_station", "QG")

        # The car's history: repaired by this inspector, verified by another.
        await pilot.press("f7", *vin, "enter")
        await settle(pilot, lambda: isinstance(app.screen, VehicleScreen) and app.screen.history is not None)
        assert app.screen.selected_defect().code == "WL-DOOR"
        await pilot.press("r")
        await settle(pilot)
        await answer(pilot, *"Door seal refitted")
        assert defect_result(app)[0] == "done"
        await sign_in(pilot, OTHER_INSPECTOR)
        await settle(pilot, lambda: app.screen.selected_defect().status == "repaired")
        await pilot.press("v")
        await settle(pilot)
        await answer(pilot)
        assert defect_result(app) == ("done", f"Defect #{number} WL-DOOR on {vin} verified: closed.")

        # Back at the terminal, the same scan lets the car through.
        await pilot.press("f5")
        await settle(pilot, lambda: isinstance(app.screen, StationScreen))
        assert app.screen.focused is app.screen.query_one("#scan", Input)
        await pilot.press(*vin, "enter")
        await settle(pilot)
        kind, sentence = last_result(app)
        assert kind == "done"
        assert sentence.startswith(f"{vin} completed QG")
        assert car_state(line.db, vin)[0] == "finished"
