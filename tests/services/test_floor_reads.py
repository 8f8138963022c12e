"""The floor's reads agree with each other: a board column is its station's lists cut short.

The line board reads every column in one statement and the station terminal reads
one station at a time; these pin that both show the same cars in the same order,
that the marker moves with each kind of write, and that the board's shift calendar
follows an edit of the shifts.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from neofloor.services.metrics.line_status import line_status
from neofloor.services.plant.errors import NotFound
from neofloor.services.supervision.andon import end_andon, raise_andon
from neofloor.services.tracking.floor import cars_in_station, line_board, station_queue, wip_per_station
from neofloor.services.tracking.history import vehicle_history
from neofloor.services.tracking.holds import hold_vehicle
from neofloor.services.tracking.marker import change_marker
from neofloor.store.engine import Database
from neofloor.store.models import Color, Shift, VehicleModel
from tests.conftest import ROUTE, SUPERVISOR, T0, plan_cars, run_through, scan


@pytest.fixture
def busy(db: Database) -> list[str]:
    """Twelve cars planned; three started at BODY a minute apart (the middle one held after),
    two waiting at PAINT (the first held), one in PAINT."""
    vins = plan_cars(db, 12)
    for n, vin in enumerate(vins[:3]):
        scan(db, "BODY", vin, T0 + timedelta(minutes=n))
    for n, vin in enumerate(vins[3:6]):
        run_through(db, vin, ROUTE[:1], T0 + timedelta(minutes=10 + n))
    scan(db, "PAINT", vins[5], T0 + timedelta(minutes=30))
    with db.write() as session:
        hold_vehicle(session, vins[1], "weld spatter", SUPERVISOR, now=T0 + timedelta(minutes=31))
        hold_vehicle(session, vins[3], "sealer missing", SUPERVISOR, now=T0 + timedelta(minutes=32))
    return vins


@pytest.mark.parametrize("cars_per_station", [1, 2, 8])
def test_a_board_column_is_its_station_lists_cut_to_the_board(
    busy: list[str], db: Database, cars_per_station: int
) -> None:
    with db.read() as session:
        board = line_board(session, cars_per_station=cars_per_station)
        counts = wip_per_station(session)
        assert [c.station.code for c in board] == [*ROUTE, "REPAIR"]
        for column in board:
            code = column.station.code
            assert column.in_station == cars_in_station(session, code)[:cars_per_station], code
            assert column.queue == station_queue(session, code, limit=cars_per_station), code
            assert (column.in_station_count, column.queue_count, column.held_count) == counts[code], code


def test_the_board_lists_the_newest_arrival_first_and_the_queue_in_build_order(
    busy: list[str], db: Database
) -> None:
    with db.read() as session:
        columns = {c.station.code: c for c in line_board(session)}
    body, paint = columns["BODY"], columns["PAINT"]
    assert [c.vin for c in body.in_station] == [busy[2], busy[1], busy[0]]
    assert [c.held for c in body.in_station] == [False, True, False]
    assert [c.vin for c in body.queue] == busy[6:12]
    assert (body.in_station_count, body.queue_count, body.held_count) == (3, 6, 1)
    assert [c.vin for c in paint.in_station] == [busy[5]]
    assert [(c.vin, c.held) for c in paint.queue] == [(busy[3], True), (busy[4], False)]
    assert (paint.in_station_count, paint.queue_count, paint.held_count) == (1, 2, 1)


def test_the_board_lists_the_first_planned_cars_however_long_the_backlog(db: Database) -> None:
    vins = plan_cars(db, 30)
    with db.read() as session:
        body = line_board(session)[0]
    assert [c.vin for c in body.queue] == vins[:8]
    assert (body.in_station, body.queue_count) == ([], 30)


def test_the_marker_moves_with_a_stop_raised_and_ended(db: Database) -> None:
    with db.read() as session:
        assert change_marker(session) == (0, 0, 0, 0, 0, 0)
    with db.write() as session:
        raise_andon(session, "TRIM1", "EQP", SUPERVISOR, now=T0)
    with db.read() as session:
        raised = change_marker(session)
    assert raised[3] > 0 and raised[5] == 1
    with db.write() as session:
        end_andon(session, "TRIM1", SUPERVISOR, now=T0 + timedelta(minutes=5))
    with db.read() as session:
        ended = change_marker(session)
    assert ended[:5] == raised[:5] and ended[5] == 0


def test_a_car_history_names_its_model_color_and_stations(db: Database) -> None:
    (vin,) = plan_cars(db, 1)
    run_through(db, vin, ROUTE[:2], T0)
    with db.read() as session:
        history = vehicle_history(session, vin.lower())
        model = session.execute(select(VehicleModel.name).where(VehicleModel.code == "C1")).scalar_one()
        color = session.execute(select(Color.name).where(Color.code == "WHT")).scalar_one()
        with pytest.raises(NotFound) as unknown:
            vehicle_history(session, "enfc1p0x0t9999999")
    assert str(unknown.value) == "Unknown VIN 'ENFC1P0X0T9999999': it is not in the production plan."
    assert (history.model_name, history.color_name) == (model, color)
    assert (history.car.model_name, history.car.color) == (model, color)
    assert [s.station for s in history.stays] == ["BODY", "PAINT"]
    assert [(e.kind, e.station) for e in history.events] == [
        ("plan", None),
        ("start", "BODY"),
        ("complete", "BODY"),
        ("start", "PAINT"),
        ("complete", "PAINT"),
    ]
    assert history.car.station == "TRIM1" and history.car.state == "queued"


def test_the_board_follows_an_edit_of_the_shifts(db: Database) -> None:
    with db.read() as session:
        before = line_status(session, now=T0).takt_seconds
    with db.write() as session:
        session.execute(update(Shift).where(Shift.code == "A").values(target_cars=24))
    with db.read() as session:
        after = line_status(session, now=T0).takt_seconds
    assert before == 2325 and after == 2325 / 2


def test_find_vins_by_last_digits_then_by_beginning(db: Database) -> None:
    """Floor staff quote a car by its last digits; a typed beginning (a WMI) finds cars too."""
    from neofloor.services.tracking.history import find_vins

    vins = plan_cars(db, 12)
    with db.read() as session:
        assert find_vins(session, vins[4][-6:].lower()) == [vins[4]]
        assert find_vins(session, vins[11]) == [vins[11]]
        assert find_vins(session, "ZZZZZZ") == []
        assert find_vins(session, "12") == []  # too short to mean one car
        by_start = find_vins(session, vins[0][:5], limit=5)
    assert by_start == vins[::-1][:5]  # newest build first
