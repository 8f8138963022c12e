"""An override names the stations it leaves undone."""

from __future__ import annotations

from neofloor.services.supervision.overrides import stations_skipped

ROUTE = ("BODY", "PAINT", "TRIM1", "TRIM2", "CHASSIS")


def test_a_move_ahead_skips_where_the_car_is_and_every_station_between():
    assert stations_skipped(ROUTE, "BODY", "TRIM1") == ["BODY", "PAINT"]
    assert stations_skipped(ROUTE, "TRIM1", "TRIM2") == ["TRIM1"]


def test_a_move_back_skips_nothing_and_a_car_not_on_the_line_skips_all_before():
    assert stations_skipped(ROUTE, "TRIM2", "PAINT") == []
    assert stations_skipped(ROUTE, None, "PAINT") == ["BODY"]
    assert stations_skipped(ROUTE, "TRIM1", "YARD") == []
