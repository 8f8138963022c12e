"""The recall's containment on a generated plant, held against a brute-force scan of the raw tables.

The demo plant (four weeks, every car with its serials and lots) is copied, a few parts are
replaced in the yard so that removed serials exist, and a few hundred recall questions drawn
from a fixed seed (model, station and period, defect code, part with a serial range, lot, and
their combinations) are asked of the service. The same questions are answered by reading every
row of the ledger (``station_event``: a car completed a station when a ``complete`` event says
so), the defects and the fitted components with plain sqlite3 and filtering in Python: no index,
no shared code. Both must name the same cars in the same order, with the same matched parts.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from neofloor.services.delivery.components import replace_component
from neofloor.services.plant.catalog import forget_catalog
from neofloor.services.plant.parts import forget_parts
from neofloor.services.traceability.containment import RecallQuery, containment
from neofloor.store.engine import Database
from tests.conftest import SUPERVISOR

DEMO_PLANT = Path(__file__).resolve().parents[2] / "neofloor.db.example"
QUESTIONS = 300


def _at(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Raw:
    """Every row the questions need, read whole with sqlite3."""

    cars: dict[int, tuple[str, int, str, str]]  # id -> (vin, build_seq, model code, state)
    completions: list[tuple[int, int, datetime]]  # (car, station id, at) of every complete event
    stations: dict[str, int]
    defects: list[tuple[int, str, str, datetime]]  # (car, code, status, found)
    fitted: list[
        tuple[int, str, str, str | None, datetime, datetime | None]
    ]  # car, part, serial, lot, in, out


def read_raw(path: Path) -> Raw:
    conn = sqlite3.connect(path)
    models = dict(conn.execute("SELECT id, code FROM vehicle_model"))
    parts = dict(conn.execute("SELECT id, code FROM component_part"))
    catalog = dict(conn.execute("SELECT id, code FROM defect_catalog"))
    raw = Raw(
        cars={
            i: (vin, seq, models[model], state)
            for i, vin, seq, model, state in conn.execute(
                "SELECT id, vin, build_seq, model_id, state FROM vehicle"
            )
        },
        completions=[
            (car, station, _at(at))  # type: ignore[misc]
            for car, station, kind, at in conn.execute(
                "SELECT vehicle_id, station_id, kind, at FROM station_event"
            )
            if kind == "complete"
        ],
        stations=dict(conn.execute("SELECT code, id FROM station")),
        defects=[
            (car, catalog[code], status, _at(found))  # type: ignore[misc]
            for car, code, status, found in conn.execute(
                "SELECT vehicle_id, catalog_id, status, found_at FROM defect"
            )
        ],
        fitted=[
            (car, parts[part], serial, lot, _at(fitted), _at(removed))  # type: ignore[misc]
            for car, part, serial, lot, fitted, removed in conn.execute(
                "SELECT vehicle_id, part_id, serial, lot, fitted_at, removed_at FROM fitted_component"
            )
        ],
    )
    conn.close()
    return raw


def brute(raw: Raw, q: RecallQuery) -> list[tuple[str, tuple[tuple[str, str, str | None], ...]]]:
    """The cars (VIN, matched parts) every filter agrees on, by scanning every row."""
    period = q.start is not None and q.end is not None

    def in_period(at: datetime) -> bool:
        return not period or (q.start <= at < q.end)  # type: ignore[operator]

    cars = set(raw.cars)
    if q.model:
        cars = {c for c in cars if raw.cars[c][2] == q.model}
    if q.station:
        station = raw.stations[q.station]
        cars &= {c for c, s, at in raw.completions if s == station and in_period(at)}
    if q.defect:
        cars &= {
            c
            for c, code, status, at in raw.defects
            if code == q.defect and status != "cancelled" and in_period(at)
        }
    parts: dict[int, list[tuple[str, str, str | None]]] = {}
    if q.part or q.lot:
        for car, part, serial, lot, fitted, removed in sorted(raw.fitted, key=lambda f: f[4]):
            if removed is not None or not in_period(fitted):
                continue
            if q.part and part != q.part:
                continue
            if q.serial_from and serial < q.serial_from:
                continue
            if q.serial_to and serial > q.serial_to:
                continue
            if q.lot and lot != q.lot:
                continue
            parts.setdefault(car, []).append((part, serial, lot))
        cars &= set(parts)
    ordered = sorted(cars, key=lambda c: raw.cars[c][1])
    return [(raw.cars[c][0], tuple(sorted(parts.get(c, ())))) for c in ordered]


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Raw]]:
    path = tmp_path_factory.mktemp("demo") / "plant.db"
    shutil.copyfile(DEMO_PLANT, path)
    database = Database(f"sqlite:///{path}")
    with database.read() as session:
        forget_catalog(session)
        forget_parts(session)
    conn = sqlite3.connect(path)
    yard = conn.execute(
        "SELECT v.vin, p.code FROM vehicle v JOIN fitted_component f ON f.vehicle_id = v.id "
        "JOIN component_part p ON p.id = f.part_id WHERE v.state = 'finished' AND p.code = 'AIRBAG-D' "
        "ORDER BY v.build_seq LIMIT 3"
    ).fetchall()
    conn.close()
    assert len(yard) == 3, "the demo plant has cars in the yard with their airbags"
    with database.write() as session:
        for n, (vin, part) in enumerate(yard):
            replace_component(
                session, vin, part, f"ABD39999999{n}", SUPERVISOR, "airbag recall", lot="ABD-FIX",
                now=datetime(2026, 11, 25, 12, tzinfo=UTC),
            )  # fmt: skip
    yield database, read_raw(path)
    with database.read() as session:
        forget_catalog(session)
        forget_parts(session)
    database.dispose()


def questions(raw: Raw, count: int) -> list[RecallQuery]:
    rng = random.Random(2026)
    models = sorted({car[2] for car in raw.cars.values()})
    stations = sorted(raw.stations)
    codes = sorted({code for _c, code, _s, _a in raw.defects})
    fitted = sorted(raw.fitted, key=lambda f: (f[1], f[2]))
    lots = sorted({f[3] for f in fitted if f[3]})
    days = sorted({at.date() for _c, _s, at in raw.completions})
    asked: list[RecallQuery] = []
    while len(asked) < count:
        first = rng.choice(days)
        start = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(hours=1)
        end = start + timedelta(days=rng.choice((1, 3, 10, 40)))
        kind = rng.choice(("station", "defect", "part", "lot", "mixed"))
        model = rng.choice([None, *models])
        q = RecallQuery(model=model)
        if kind in ("station", "mixed"):
            q = RecallQuery(model=model, station=rng.choice(stations), start=start, end=end)
        if kind in ("defect", "mixed") and codes:
            period = rng.random() < 0.5 or q.station is not None
            q = RecallQuery(
                model=q.model, station=q.station, defect=rng.choice(codes),
                start=start if period else None, end=end if period else None,
            )  # fmt: skip
        if kind in ("part", "mixed"):
            part = rng.choice(fitted)[1]
            same = [f for f in fitted if f[1] == part]
            a, b = sorted(rng.sample(range(len(same)), 2)) if len(same) > 1 else (0, 0)
            q = RecallQuery(
                model=q.model, station=q.station, defect=q.defect, start=q.start, end=q.end, part=part,
                serial_from=same[a][2] if rng.random() < 0.9 else None, serial_to=same[b][2],
            )  # fmt: skip
        if kind == "lot" or (kind == "mixed" and rng.random() < 0.3):
            q = RecallQuery(
                model=q.model, station=q.station, defect=q.defect, start=q.start, end=q.end,
                part=q.part, serial_from=q.serial_from, serial_to=q.serial_to,
                lot=rng.choice([*lots, "ABD-FIX"]),
            )  # fmt: skip
        if q.anchored:
            asked.append(q)
    return asked


def test_containment_names_the_cars_a_scan_of_every_row_names(plant: tuple[Database, Raw]) -> None:
    database, raw = plant
    found_some = 0
    with database.read() as session:
        for q in questions(raw, QUESTIONS):
            result = containment(session, q)
            got = [(car.vin, tuple(sorted(car.parts))) for car in result.rows]
            assert got == brute(raw, q), q
            found_some += bool(got)
            by_vin = {vin: raw.cars[c] for c, vin in ((c, v[0]) for c, v in raw.cars.items())}
            assert all(car.state == by_vin[car.vin][3] for car in result.rows)
    assert found_some > QUESTIONS // 4  # the questions are not all empty


def test_a_removed_serial_recalls_no_car_and_its_replacement_does(plant: tuple[Database, Raw]) -> None:
    database, raw = plant
    removed = [f for f in raw.fitted if f[5] is not None]
    replacements = [f for f in raw.fitted if f[3] == "ABD-FIX"]
    assert len(removed) >= 3 and len(replacements) == 3
    with database.read() as session:
        for _car, part, serial, _lot, _in, _out in removed:
            found = containment(session, RecallQuery(part=part, serial_from=serial, serial_to=serial))
            # A serial removed from a car recalls it no more (unless refitted elsewhere since).
            now_on = {raw.cars[f[0]][0] for f in raw.fitted if f[2] == serial and f[5] is None}
            assert {car.vin for car in found.rows} == now_on
        fix = containment(session, RecallQuery(lot="ABD-FIX"))
    assert sorted(c.vin for c in fix.rows) == sorted(raw.cars[f[0]][0] for f in replacements)
