"""The yard terminal, the pre-delivery inspection and the handover, driven by keys alone.

Car #1 of the seeded line finished the whole route: it stands in the yard without a spot.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Input, Label, OptionList

from neofloor.services.delivery.pdi import check_pdi_item, pdi_status
from neofloor.store.models import Delivery, FinancingPartner, Vehicle
from neofloor.tui.dialogs.station_choice import StationDialog
from neofloor.tui.screens.delivery import DeliveryScreen
from neofloor.tui.screens.pdi import PdiScreen
from neofloor.tui.screens.station import StationScreen
from neofloor.tui.screens.yard import YardScreen
from tests.tui.conftest import NOW, car_state, drive, footer_actions, opened, settle

SUPERVISOR = "3001"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def result(app) -> tuple[str, str]:
    outcome = app.screen.query_one("LastResult").outcome
    return outcome.kind, outcome.sentence


def yard_rows(app) -> list[list[str]]:
    table = app.screen.query_one("#yard-cars", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_scan_a_car_then_its_spot_parks_it_then_moves_it(make_app, line, clock):
    app = make_app(station="YARD", badge=SUPERVISOR, terminal="T-YARD")
    car = line.vins[1]
    async with drive(app) as pilot:
        await settle(
            pilot, lambda: isinstance(app.screen, YardScreen) and app.screen.loaded_marker is not None
        )
        assert [row[0] for row in yard_rows(app)] == [car]
        assert yard_rows(app)[0][3] == "no spot"

        await pilot.press(*car, "enter")
        await settle(pilot, lambda: app.screen.pending_vin == car)
        assert result(app) == ("done", f"{car} is in the yard without a spot: scan or type its spot (B-07).")
        await pilot.press(*"z9", "enter")
        await settle(pilot, lambda: result(app)[0] == "refused")
        assert "'Z9' is not a yard spot" in result(app)[1] or "not a spot of this yard" in result(app)[1]
        await pilot.press(*"b7", "enter")
        await settle(pilot, lambda: result(app)[1] == f"{car} parked at B-07.")
        await settle(pilot, lambda: yard_rows(app)[0][3] == "B-07")
        assert app.screen.pending_vin is None
        await pilot.press("ctrl+t")  # without a spot: none now
        await settle(pilot)
        assert yard_rows(app) == []
        assert "showing 0, without a spot" in str(app.screen.query_one("#yard-title", Label).content)
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t", "ctrl+t", "ctrl+t")  # round to every car
        await settle(pilot)
        assert [row[0] for row in yard_rows(app)] == [car]

        clock.advance(minutes=1)
        await pilot.press(*car, "enter")
        await settle(pilot, lambda: app.screen.pending_vin == car)
        assert "in the yard at B-07" in result(app)[1]
        await pilot.press(*"A-01", "enter")
        await settle(pilot, lambda: result(app)[1] == f"{car} moved from B-07 to A-01.")

        await pilot.press(*line.vins[2], "enter")
        await settle(pilot, lambda: result(app)[0] == "refused")
        assert f"{line.vins[2]} is not in the yard" in result(app)[1]


async def test_the_station_picker_offers_the_yard_and_back(make_app, line):
    app = make_app(badge=SUPERVISOR)
    async with drive(app) as pilot:
        assert isinstance(app.screen, StationScreen)
        await pilot.press("f9")
        await settle(pilot, lambda: isinstance(app.screen, StationDialog))
        options = app.screen.query_one("#stations", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids[-1] == "YARD"
        options.highlighted = len(ids) - 1
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, YardScreen))
        app.bind_station("TRIM1")
        await settle(pilot, lambda: isinstance(app.screen, StationScreen))


async def test_the_pdi_checklist_passes_with_one_key_and_fails_with_a_catalog_defect(make_app, line):
    app = make_app(station="YARD", badge=SUPERVISOR)
    car = line.vins[1]
    async with drive(app) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, YardScreen) and bool(app.screen.cars))
        await pilot.press("f2")
        await settle(pilot, lambda: isinstance(app.screen, PdiScreen) and app.screen.status is not None)
        screen = app.screen
        items = [item.code for item in screen.status.items]
        assert "HV-CHARGE" not in items and "LIGHTS" in items  # a petrol car's checklist
        await pilot.press("p")
        await settle(pilot, lambda: screen.status.items[0].passed is True)
        assert result(app)[0] == "done"

        await pilot.press("f")
        await settle(pilot, lambda: app.screen is not screen)
        await pilot.press(*"wl-door", "enter")
        await settle(pilot, lambda: app.screen is screen and screen.status.items[1].passed is False)
        assert screen.status.items[1].defect_code == "WL-DOOR"
        assert "failed" in str(screen.query_one("#pdi-title", Label).content)

        for _ in items[2:]:
            await pilot.press("p")
            await settle(pilot)
        with line.db.read() as session:
            status = pdi_status(session, car)
        assert [i.passed for i in status.items] == [True, False, *([True] * (len(items) - 2))]


async def test_the_handover_is_refused_in_the_services_words_then_done(make_app, line):
    app = make_app(station="YARD", badge=SUPERVISOR)
    car = line.vins[1]
    async with drive(app) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, YardScreen) and bool(app.screen.cars))
        await pilot.press("f3")
        await settle(pilot, lambda: isinstance(app.screen, DeliveryScreen) and app.screen.check is not None)
        screen = app.screen
        assert "has not passed PDI" in str(screen.query_one("#delivery-reasons", Label).content)
        await pilot.press(*"Salma Idrissi")
        await pilot.press("f2")
        await settle(pilot, lambda: result(app)[0] == "refused")
        assert "has not passed PDI" in result(app)[1]
        assert car_state(line.db, car)[0] == "finished"

        with line.db.write() as session:
            for item in pdi_status(session, car).items:
                check_pdi_item(session, car, item.code, SUPERVISOR, passed=True, now=NOW)
        screen.reload()
        await settle(pilot, lambda: screen.check.ready)
        await pilot.press("tab", *"CTR-1", "tab", "tab")  # reference; no dealer: sold directly
        assert isinstance(app.focused, OptionList)
        await pilot.press("down", "down")  # the second partner by code
        await pilot.press("enter")
        await settle(pilot, lambda: screen.delivered)
        assert result(app)[0] == "done"
        await settle(pilot)
        assert "hand_over" not in footer_actions(app)  # done: no longer offered
        with line.db.read() as session:
            row = session.execute(
                select(
                    Delivery.customer_name,
                    Delivery.customer_reference,
                    Delivery.dealer,
                    FinancingPartner.code,
                )
                .join(Vehicle, Vehicle.id == Delivery.vehicle_id)
                .outerjoin(FinancingPartner, FinancingPartner.id == Delivery.financing_partner_id)
                .where(Vehicle.vin == car)
            ).one()
        assert tuple(row) == ("Salma Idrissi", "CTR-1", "", "MAGHREBAIL")
        assert car_state(line.db, car)[0] == "delivered"


@pytest.mark.parametrize("size", SIZES)
def test_yard_list_snapshot(snap_compare, make_app, line, size):
    app = make_app(station="YARD", badge=SUPERVISOR)

    async def run_before(pilot):
        await opened(pilot)
        await settle(pilot, lambda: isinstance(app.screen, YardScreen) and bool(app.screen.cars))
        app.screen.query_one("#scan", Input).cursor_blink = False

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_the_delivery_station_s_terminal_opens_the_handover_of_a_car_scanned(make_app, line):
    app = make_app(station="DELIVERY", badge=SUPERVISOR)
    car = line.vins[1]
    async with drive(app) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, YardScreen))
        await pilot.press(*car, "enter")
        await settle(pilot, lambda: result(app)[0] == "refused")
        assert "has not passed PDI" in result(app)[1]
        with line.db.write() as session:
            for item in pdi_status(session, car).items:
                check_pdi_item(session, car, item.code, SUPERVISOR, passed=True, now=NOW)
        await pilot.press(*car, "enter")
        await settle(pilot, lambda: isinstance(app.screen, DeliveryScreen) and app.screen.check is not None)
        assert app.screen.check.ready


@pytest.mark.parametrize(
    ("badge", "may_inspect", "may_hand_over"),
    [
        pytest.param("1006", True, True, id="operator-certified-for-yard-and-delivery"),
        pytest.param("1002", False, False, id="operator-of-trim"),
        pytest.param("2001", False, False, id="inspector-of-the-line"),
        pytest.param("2002", True, True, id="inspector-of-the-yard"),
        pytest.param(SUPERVISOR, True, True, id="supervisor"),
    ],
)
async def test_the_yard_offers_the_pdi_and_handover_keys_by_the_table(
    make_app, line, badge, may_inspect, may_hand_over
):
    """The keys follow the people services' table, judged at the yard (PDI) and delivery (handover)."""
    app = make_app(station="YARD", badge=badge)
    async with drive(app) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, YardScreen) and bool(app.screen.cars))
        assert ("handover" in footer_actions(app)) == may_hand_over
        assert "pdi" in footer_actions(app)  # reading the checklist needs no permission
        await pilot.press("f2")
        await settle(pilot, lambda: isinstance(app.screen, PdiScreen) and app.screen.status is not None)
        offered = {action.split("(")[0] for action in footer_actions(app)}  # check(True): check
        assert ({"check", "fail"} <= offered) == may_inspect
        assert not ({"check", "fail"} & offered) or may_inspect
        await pilot.press("p")  # a key not offered does nothing
        await settle(pilot)
        with line.db.read() as session:
            checked = pdi_status(session, line.vins[1]).items[0].passed
        assert (checked is True) == may_inspect


async def test_a_car_refused_at_the_handover_is_the_one_its_keys_open_next(make_app, line):
    """Refused for its PDI, the car scanned is selected: F2 opens its checklist, not the row above."""
    from tests.tui.conftest import ROUTE, T0, _run

    _run(line.db, line.vins[6], ROUTE[2:], T0 + timedelta(hours=5))  # a second car in the yard, after #1
    app = make_app(station="DELIVERY", badge=SUPERVISOR)
    car = line.vins[6]
    async with drive(app) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, YardScreen) and len(yard_rows(app)) == 2)
        assert app.screen.selected_car().vin == line.vins[1]
        await pilot.press(*car, "enter")
        await settle(pilot, lambda: result(app)[0] == "refused")
        assert app.screen.selected_car().vin == car
        await pilot.press("f2")
        await settle(pilot, lambda: isinstance(app.screen, PdiScreen))
        assert app.screen.vin == car
