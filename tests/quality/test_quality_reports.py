"""Open defects, their counts, and the Pareto of codes, on a small hand-computed data set."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from neofloor.services.plant.errors import InvalidInput, NotFound
from neofloor.services.quality.defects import add_defect, cancel_defect, repair_defect, verify_defect
from neofloor.services.quality.reports import (
    AGE_BANDS,
    defect_pareto,
    open_defect_counts,
    open_defects,
    parse_day,
    plant_days,
)
from neofloor.store.engine import Database
from neofloor.store.models import Vehicle, VehicleState
from tests.conftest import INSPECTOR, ROUTE, SUPERVISOR, T0, plan_cars, run_through

# The period the Pareto looks at: one day, [START, END).
START = T0 + timedelta(days=1)
END = START + timedelta(days=1)
# When the open-defect queries are asked: an hour after the period.
NOW = END + timedelta(hours=1)

# (car, code, zone, station, found at): numbered 1..11 in the comments below.
DEFECTS = (
    (0, "PT-RUN", "front", "PAINT", START),  # 1  in the period
    (1, "PT-RUN", "front", "PAINT", START + timedelta(hours=1)),  # 2
    (2, "PT-RUN", "rear", "PAINT", START + timedelta(hours=2)),  # 3  repaired, not verified
    (1, "PT-RUN", "rear", "PAINT", START + timedelta(hours=3)),  # 4
    (0, "BD-DENT", "left", "BODY", START + timedelta(hours=4)),  # 5
    (1, "BD-DENT", "left", "BODY", START + timedelta(hours=5)),  # 6  verified: still counts in the Pareto
    (0, "AS-TRQ", "interior", "TRIM1", START + timedelta(hours=6)),  # 7  major
    (0, "PT-THIN", "roof", "PAINT", START + timedelta(hours=7)),  # 8  major
    (0, "PT-RUN", "rear", "PAINT", START + timedelta(hours=8)),  # 9  cancelled: never counts
    (1, "PT-THIN", "left", "PAINT", START - timedelta(seconds=1)),  # 10 just before the period
    (2, "PT-THIN", "left", "PAINT", END),  # 11 at the end: outside [START, END)
)


@pytest.fixture
def plant(db: Database) -> tuple[list[str], list[int]]:
    """Three cars waiting for TRIM1 and the eleven defects above; returns VINs and defect ids."""
    vins = plan_cars(db, 3)
    for vin in vins:
        run_through(db, vin, ROUTE[:2], T0)
    ids = []
    with db.write() as session:
        for car, code, zone, station, at in DEFECTS:
            ids.append(add_defect(session, vins[car], station, code, zone, INSPECTOR, now=at).defect.id)
        repair_defect(session, ids[2], SUPERVISOR, "polished", now=NOW)
        repair_defect(session, ids[5], SUPERVISOR, "panel beaten out", now=NOW)
        verify_defect(session, ids[5], INSPECTOR, now=NOW)
        cancel_defect(session, ids[8], INSPECTOR, "same run as defect 4", now=NOW)
    return vins, ids


def numbers(records: list, ids: list[int]) -> list[int]:
    """Records as the 1-based numbers of DEFECTS."""
    return [ids.index(r.id) + 1 for r in records]


# --- Pareto ------------------------------------------------------------------------------


def test_pareto_counts_and_shares(db: Database, plant) -> None:
    with db.read() as session:
        pareto = defect_pareto(session, START, END)
    assert pareto.total == 8  # 1-8: 9 is cancelled, 10 and 11 fall outside
    assert [(line.code, line.count) for line in pareto.lines] == [
        ("PT-RUN", 4),
        ("BD-DENT", 2),
        ("AS-TRQ", 1),  # a tie with PT-THIN: by code
        ("PT-THIN", 1),
    ]
    assert [line.share for line in pareto.lines] == [0.5, 0.25, 0.125, 0.125]
    assert [line.cumulative_share for line in pareto.lines] == [0.5, 0.75, 0.875, 1.0]
    assert pareto.lines[0].description == "Paint run or sag"
    assert pareto.lines[0].category == "paint"
    assert pareto.other_count == 0


def test_pareto_limit_leaves_the_rest_as_other(db: Database, plant) -> None:
    with db.read() as session:
        pareto = defect_pareto(session, START, END, limit=2)
    assert [line.code for line in pareto.lines] == ["PT-RUN", "BD-DENT"]
    assert pareto.other_count == 2
    assert pareto.lines[-1].cumulative_share == 0.75


def test_pareto_of_one_station(db: Database, plant) -> None:
    with db.read() as session:
        pareto = defect_pareto(session, START, END, station="body")
    assert [(line.code, line.count, line.share) for line in pareto.lines] == [("BD-DENT", 2, 1.0)]


def test_pareto_of_an_empty_period(db: Database, plant) -> None:
    with db.read() as session:
        pareto = defect_pareto(session, END + timedelta(days=1), END + timedelta(days=2))
    assert (pareto.total, pareto.lines, pareto.other_count) == (0, [], 0)


def test_pareto_refusals(db: Database) -> None:
    with db.read() as session:
        with pytest.raises(InvalidInput, match="must end after it starts"):
            defect_pareto(session, END, START)
        with pytest.raises(InvalidInput, match="time zone"):
            defect_pareto(session, datetime(2026, 11, 1), datetime(2026, 11, 2))
        with pytest.raises(InvalidInput):
            defect_pareto(session, START, END, limit=0)


def test_plant_days_are_local_midnights(db: Database) -> None:
    with db.read() as session:
        start, end = plant_days(session, date(2026, 11, 26), date(2026, 11, 27))
        assert start == datetime(2026, 11, 25, 23, 0, tzinfo=UTC)  # Casablanca is UTC+1 in November
        assert end == datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
        with pytest.raises(InvalidInput, match="ends"):
            plant_days(session, date(2026, 11, 27), date(2026, 11, 26))
    assert parse_day(" 2026-11-26 ") == date(2026, 11, 26)
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_day("26/11/2026")


# --- open defects ------------------------------------------------------------------------


def test_open_defects_oldest_first(db: Database, plant) -> None:
    _, ids = plant
    with db.read() as session:
        found = open_defects(session, now=NOW)
    assert numbers(found, ids) == [10, 1, 2, 3, 4, 5, 7, 8, 11]
    assert found[0].age_seconds == (NOW - DEFECTS[9][4]).total_seconds()
    assert found[3].status == "repaired"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"station": "BODY"}, [5]),
        ({"severity": "major"}, [10, 7, 8, 11]),
        ({"zone": "Front"}, [1, 2]),
        ({"older_than": timedelta(hours=25)}, [10]),  # found before NOW - 25 h = START
        ({"limit": 2, "offset": 1}, [1, 2]),
        ({"oldest_first": False, "limit": 2}, [11, 8]),
        ({"status": None}, [10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11]),
        ({"status": "verified"}, [6]),
        ({"status": ("cancelled",)}, [9]),
        ({"status": ("repaired",), "severity": "minor"}, [3]),
    ],
)
def test_open_defects_filters(db: Database, plant, filters, expected) -> None:
    _, ids = plant
    with db.read() as session:
        assert numbers(open_defects(session, now=NOW, **filters), ids) == expected


def test_open_defects_of_one_car(db: Database, plant) -> None:
    vins, ids = plant
    with db.read() as session:
        assert numbers(open_defects(session, vin=vins[2], now=NOW), ids) == [3, 11]


def test_delivered_cars_leave_the_worklist(db: Database, plant) -> None:
    vins, ids = plant
    with db.write() as session:  # delivery is another part of the plant: put the car there directly
        session.execute(update(Vehicle).where(Vehicle.vin == vins[2]).values(state=VehicleState.DELIVERED))
    with db.read() as session:
        assert numbers(open_defects(session, now=NOW), ids) == [10, 1, 2, 4, 5, 7, 8]
        assert numbers(open_defects(session, include_delivered=True, now=NOW), ids) == [
            10,
            1,
            2,
            3,
            4,
            5,
            7,
            8,
            11,
        ]
        assert open_defect_counts(session, now=NOW).total == 7


def test_open_defects_refusals(db: Database, plant) -> None:
    with db.read() as session:
        with pytest.raises(InvalidInput, match="Unknown defect status 'fixed'"):
            open_defects(session, status="fixed")
        with pytest.raises(InvalidInput, match="severity"):
            open_defects(session, severity="cosmetic")
        with pytest.raises(NotFound, match="Unknown station"):
            open_defects(session, station="MOON")
        with pytest.raises(InvalidInput, match="Unknown zone"):
            open_defects(session, zone="bonnet")


def test_open_defect_counts(db: Database, plant) -> None:
    with db.read() as session:
        counts = open_defect_counts(session, now=NOW)
    assert counts.total == 9
    assert counts.by_station == {"PAINT": 7, "BODY": 1, "TRIM1": 1}
    assert counts.by_zone == {"left": 3, "front": 2, "rear": 2, "interior": 1, "roof": 1}
    assert counts.by_severity == {"major": 4, "minor": 5}
    assert counts.serious == 4
    assert counts.by_status == {"open": 8, "repaired": 1}
    # Ages at NOW: 11 is 1 h old (not under 1 h), 3-8 are 18-23 h, 10, 1 and 2 are 24-25 h.
    assert counts.by_age == {"under 1 h": 0, "1-4 h": 1, "4-24 h": 5, "1-3 days": 3, "over 3 days": 0}
    assert list(counts.by_age) == [label for label, _ in AGE_BANDS]
    assert sum(c.count for c in counts.cells) == 9
    paint_majors = sum(c.count for c in counts.cells if c.station == "PAINT" and c.severity == "major")
    assert paint_majors == 3  # 8, 10, 11


def test_counts_on_an_empty_plant(db: Database) -> None:
    with db.read() as session:
        counts = open_defect_counts(session)
    assert counts.total == 0 and counts.cells == [] and counts.by_station == {}
    assert set(counts.by_age.values()) == {0}
