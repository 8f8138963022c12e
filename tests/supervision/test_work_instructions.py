"""Work instructions: station-wide, per model, per option, or both; the station shows the car's ones."""

from __future__ import annotations

import pytest

from neofloor.services.plant.catalog import plant_catalog
from neofloor.services.plant.errors import NotFound
from neofloor.services.tracking.floor import cars_in_station
from neofloor.services.tracking.history import work_instructions
from neofloor.services.tracking.planning import add_vehicle
from neofloor.store.engine import Database
from neofloor.store.models import WorkInstruction
from tests.conftest import ROUTE, T0, make_vin, run_through, scan
from tests.supervision.helpers import read

HV = "HV battery: lift with the HV fixture, torque sequence B (12 bolts, 85 Nm), insulation test."
ENGINE = "Engine and gearbox marriage: torque sequence A, exhaust hangers."
SUNROOF = "Sunroof harness: route drain hoses before the headliner."
COOLANT = "Coolant: fill the battery loop, not only the cabin loop."
ALLOY = "17-inch alloy wheels: torque 110 Nm, star pattern."
# Every station's own instruction, for every car (after the model's and the options', config order).
HARNESS = (
    "Main harness: clip every connector until it clicks, then route the harness along the marked channels."
)
FLUIDS = "Fluids: brake, coolant and washer to the marks; bumpers fitted with the gap gauge."
FRAMING = "Framing jig: check the body number matches the VIN plate before the first weld."
EOL_TICKET = "Alignment, headlamp aim and brake rollers: print the EOL ticket and put it in the glovebox."


@pytest.mark.parametrize(
    ("station", "model", "options", "expected"),
    [
        ("CHASSIS", "C1E", "", [HV]),
        ("CHASSIS", "C1", "", [ENGINE]),
        ("TRIM1", "C1", "SUNROOF", [SUNROOF, HARNESS]),
        ("TRIM1", "C1E", "ALLOY17,SUNROOF", [SUNROOF, HARNESS]),
        ("TRIM1", "C1", "", [HARNESS]),
        ("FINAL", "C1E", "ALLOY17", [COOLANT, ALLOY, FLUIDS]),
        ("FINAL", "C1", "ALLOY17", [ALLOY, FLUIDS]),
        ("FINAL", "C1", "ALLOY16", [FLUIDS]),
        ("BODY", "C1E", "SUNROOF", [FRAMING]),
    ],
)
def test_the_demo_plant_instructions_follow_model_and_option(
    db: Database, station: str, model: str, options: str, expected: list[str]
) -> None:
    assert read(db, lambda s: work_instructions(s, station, model, options)) == expected


def test_station_wide_and_model_plus_option_instructions(db: Database) -> None:
    with db.write() as session:
        catalog = plant_catalog(session)
        eol = catalog.station("EOL").id
        ev = catalog.model_by_code("C1E").id
        session.add_all(
            [
                WorkInstruction(station_id=eol, text="Check the VIN plate against the order."),
                WorkInstruction(
                    station_id=eol, model_id=ev, option="TOWBAR", text="EV towbar: trailer module."
                ),
            ]
        )
    every_car = "Check the VIN plate against the order."
    assert read(db, lambda s: work_instructions(s, "EOL", "C1", "TOWBAR")) == [EOL_TICKET, every_car]
    assert read(db, lambda s: work_instructions(s, "EOL", "C1E", "")) == [EOL_TICKET, every_car]
    assert read(db, lambda s: work_instructions(s, "EOL", "C1E", "TOWBAR")) == [
        EOL_TICKET,
        every_car,
        "EV towbar: trailer module.",
    ]


def test_the_car_in_the_station_gets_its_own_instructions(db: Database) -> None:
    with db.write() as session:
        vin = add_vehicle(
            session,
            make_vin(1, "C1E"),
            "C1E",
            "BLU",
            "ORD-1",
            options="alloy17, sunroof",
            now=T0,
            badge="3001",
        )
    at = run_through(db, vin, ROUTE[:5], T0)
    scan(db, "FINAL", vin, at)
    (car,) = read(db, lambda s: cars_in_station(s, "FINAL"))
    assert car.options == "ALLOY17,SUNROOF"
    assert read(db, lambda s: work_instructions(s, "FINAL", car.model, car.options)) == [
        COOLANT,
        ALLOY,
        FLUIDS,
    ]


def test_unknown_station_or_model_is_refused(db: Database) -> None:
    with pytest.raises(NotFound, match="Unknown station"), db.read() as session:
        work_instructions(session, "MOON", "C1", "")
    with pytest.raises(NotFound, match="Unknown model"), db.read() as session:
        work_instructions(session, "FINAL", "X9", "")
