"""FPY and DPHU by station, counted where the defects were found."""

from __future__ import annotations

from datetime import timedelta

import pytest

from neofloor.services.metrics.station_quality import quality_by_station
from neofloor.services.quality.defects import add_defect
from neofloor.store.engine import Database
from tests.conftest import INSPECTOR, ROUTE, T0, plan_cars, run_through


def test_fpy_and_dphu_by_station(db: Database) -> None:
    vins = plan_cars(db, 3)
    at = T0
    for vin in vins:
        at = run_through(db, vin, ROUTE[:2], at)
    with db.write() as session:
        add_defect(session, vins[1], "PAINT", "PT-RUN", "roof", INSPECTOR, now=at)
        add_defect(session, vins[1], "PAINT", "PT-DIRT", "left", INSPECTOR, now=at)
    with db.read() as session:
        rows = {q.station: q for q in quality_by_station(session, T0, at + timedelta(hours=1))}
        before = {q.station: q for q in quality_by_station(session, T0, at - timedelta(minutes=1))}
    body, paint, trim1 = rows["BODY"], rows["PAINT"], rows["TRIM1"]
    assert (body.cars, body.first_pass, body.defects, body.fpy, body.dphu) == (3, 3, 0, 1.0, 0.0)
    assert (paint.cars, paint.first_pass, paint.defects) == (3, 2, 2)
    assert paint.fpy == pytest.approx(2 / 3) and paint.dphu == pytest.approx(200 / 3)
    assert (trim1.cars, trim1.fpy, trim1.dphu) == (0, None, None)
    # Before the third car completed PAINT and before the defects were logged: they are not counted
    # in that period, but the second car is still not first-pass (a defect was found on it there).
    assert (before["PAINT"].cars, before["PAINT"].first_pass, before["PAINT"].defects) == (2, 1, 0)
    assert [q.station for q in quality_by_station_route(db)] == list(ROUTE)


def quality_by_station_route(db: Database):
    with db.read() as session:
        return quality_by_station(session, T0, T0)
