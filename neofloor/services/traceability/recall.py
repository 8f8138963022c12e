"""Recall containment: which cars a supplier batch or a process drift touches, and where each one is now.

A quality engineer asks two questions when a bad batch or a drift is found:

- which cars of a model completed a station in a period (``cars_through_station``),
  read through ``ix_station_visit_station_completed``: one index range of that
  station's visits, whatever the plant's age;
- on which cars a defect code was found in a period (``cars_with_defect``), read
  through ``ix_defect_catalog_found``: one range of that code's defects.

Each car comes with its state now and, when it has left with a customer, who has
it, since when, and the financing partner that paid for it: the people to call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session, col

from neofloor.i18n import _, ngettext
from neofloor.services.plant.catalog import PlantCatalog, plant_catalog
from neofloor.services.plant.errors import InvalidInput
from neofloor.services.plant.words import state_word
from neofloor.services.quality.catalog import catalog_entry
from neofloor.store.models import (
    Defect,
    DefectStatus,
    Delivery,
    FinancingPartner,
    StationVisit,
    Vehicle,
    VehicleState,
)


@dataclass(frozen=True)
class RecallCar:
    """A car a recall touches: what it is, where it is now, and who has it if it left."""

    vin: str
    build_seq: int
    model: str  # model code
    state: str
    station: str | None  # the station it is at or waits for (YARD, DELIVERY once it left)
    delivered_at: datetime | None
    customer: str | None
    financing_partner: str | None  # the bank or leasing company, when the customer used one

    @property
    def delivered(self) -> bool:
        return self.state == VehicleState.DELIVERED

    @property
    def where(self) -> str:
        """Where the car is now, in the floor's words."""
        station = self.station or "?"
        match self.state:
            case VehicleState.PLANNED:
                return _("planned, not built yet")
            case VehicleState.QUEUED:
                return _("waiting for {station}").format(station=station)
            case VehicleState.IN_STATION:
                return _("in {station}").format(station=station)
            case VehicleState.HELD:
                return _("held at {station}").format(station=station)
            case VehicleState.IN_REPAIR:
                return _("in repair at {station}").format(station=station)
            case VehicleState.FINISHED:
                return _("finished, in {station}").format(station=station)
            case VehicleState.DELIVERED:
                return _("delivered")
        return _("{state} at {station}").format(state=state_word(self.state), station=station)


@dataclass(frozen=True)
class StationRecallCar(RecallCar):
    completed_at: datetime  # when it completed the station (the first time in the period)


@dataclass(frozen=True)
class DefectRecallCar(RecallCar):
    """One defect of the code found on a car; a car found with it twice is listed twice."""

    defect_id: int
    defect_status: str
    found_at: datetime
    zone: str
    severity: str


@dataclass(frozen=True)
class Tally:
    rows: tuple[RecallCar, ...]

    @property
    def car_count(self) -> int:
        return len({car.vin for car in self.rows})

    @property
    def delivered_count(self) -> int:
        """Cars already with customers: a recall has to call them back."""
        return len({car.vin for car in self.rows if car.delivered})

    @property
    def at_plant_count(self) -> int:
        """Cars not delivered yet (the yard included): they can be held where they are."""
        return self.car_count - self.delivered_count

    @property
    def summary(self) -> str:
        """One sentence: how many cars, how many delivered, how many still at the plant."""
        cars = self.car_count
        if cars == 0:
            return _("No car.")
        return ngettext(
            "{n} car: {delivered} delivered, {at_plant} still at the plant.",
            "{n} cars: {delivered} delivered, {at_plant} still at the plant.",
            cars,
        ).format(n=cars, delivered=self.delivered_count, at_plant=self.at_plant_count)


@dataclass(frozen=True)
class StationRecall(Tally):
    """The cars of a model that completed a station in ``[start, end)``, in build order."""

    rows: tuple[StationRecallCar, ...]
    model: str
    model_name: str
    station: str
    station_name: str
    start: datetime
    end: datetime
    timezone: str  # the plant's, to show times as the floor reads them


@dataclass(frozen=True)
class DefectRecall(Tally):
    """The defects of a code found in ``[start, end)`` (cancelled ones left out), in build order."""

    rows: tuple[DefectRecallCar, ...]
    code: str
    description: str
    start: datetime
    end: datetime
    timezone: str

    @property
    def summary(self) -> str:
        found = len(self.rows)
        if found == 0:
            return _("No car.")
        if found == 1:
            return _("{code} found once; {summary}").format(code=self.code, summary=super().summary)
        return _("{code} found {n} times; {summary}").format(code=self.code, n=found, summary=super().summary)


def check_period(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput(_("A recall period needs times with a time zone."))
    if end <= start:
        raise InvalidInput(_("A recall period must end after it starts."))


def with_car(*columns: Any, vehicle_id: Any) -> Select[Any]:
    """``columns``, the car they belong to as it is now, and its delivery and financing partner if any.

    The car is reached by its primary key and the delivery by its unique car id:
    one index look-up each per row of the range the caller walks.
    """
    return (
        select(
            *columns,
            col(Vehicle.vin),
            col(Vehicle.build_seq),
            col(Vehicle.model_id),
            col(Vehicle.state),
            col(Vehicle.station_id),
            col(Delivery.delivered_at),
            col(Delivery.customer_name),
            col(FinancingPartner.name).label("financing_partner"),
        )
        .join(Vehicle, col(Vehicle.id) == vehicle_id)
        .outerjoin(Delivery, col(Delivery.vehicle_id) == col(Vehicle.id))
        .outerjoin(FinancingPartner, col(FinancingPartner.id) == col(Delivery.financing_partner_id))
    )


# The fields of a RecallCar, in order: built positionally, as a few thousand cars are read per question.
_CarFields = tuple[str, int, str, str, str | None, datetime | None, str | None, str | None]


class CarNames:
    """Model and station codes by id, looked up once per question rather than once per car."""

    def __init__(self, catalog: PlantCatalog) -> None:
        self.models = {m.id: m.code for m in catalog.models}
        self.stations = {s.id: s.code for s in catalog.stations}

    def car(self, row: Any) -> _CarFields:
        """The :class:`RecallCar` fields of a row made by :func:`with_car`, in order."""
        return (
            row.vin,
            row.build_seq,
            self.models.get(row.model_id, "?"),
            row.state,
            self.stations.get(row.station_id),
            row.delivered_at,
            row.customer_name,
            row.financing_partner,
        )


def cars_through_station(
    session: Session, model_code: str, station_code: str, start: datetime, end: datetime
) -> StationRecall:
    """Cars of ``model_code`` that completed ``station_code`` in ``[start, end)``, by build sequence.

    A car that completed the station twice in the period (back from the repair
    bay) is listed once, with its first completion. Refuses an unknown model or
    station, and a period that is empty or ends before it starts.
    """
    if not model_code.strip():
        raise InvalidInput(_("Which model? Give a model code."))
    check_period(start, end)
    catalog = plant_catalog(session)
    model = catalog.model_by_code(model_code)
    station = catalog.station(station_code)
    rows = session.execute(
        with_car(col(StationVisit.completed_at), vehicle_id=col(StationVisit.vehicle_id))
        .where(
            col(StationVisit.station_id) == station.id,
            col(StationVisit.completed_at) >= start,
            col(StationVisit.completed_at) < end,
            col(Vehicle.model_id) == model.id,
        )
        .order_by(col(Vehicle.build_seq), col(StationVisit.completed_at))
    ).all()
    names = CarNames(catalog)
    cars: list[StationRecallCar] = []
    for row in rows:
        if cars and cars[-1].vin == row.vin:
            continue
        cars.append(StationRecallCar(*names.car(row), row.completed_at))
    return StationRecall(
        rows=tuple(cars),
        model=model.code,
        model_name=model.name,
        station=station.code,
        station_name=station.name,
        start=start,
        end=end,
        timezone=catalog.timezone,
    )


def cars_with_defect(session: Session, defect_code: str, start: datetime, end: datetime) -> DefectRecall:
    """Cars on which ``defect_code`` was found in ``[start, end)``: one row per defect, by build sequence.

    Defects cancelled as logged in error are left out. Refuses an unknown code
    and a period that is empty or ends before it starts.
    """
    check_period(start, end)
    entry = catalog_entry(session, defect_code)
    catalog = plant_catalog(session)
    rows = session.execute(
        with_car(
            col(Defect.id).label("defect_id"),
            col(Defect.status),
            col(Defect.found_at),
            col(Defect.zone),
            col(Defect.severity),
            vehicle_id=col(Defect.vehicle_id),
        )
        .where(
            col(Defect.catalog_id) == entry.id,
            col(Defect.found_at) >= start,
            col(Defect.found_at) < end,
            col(Defect.status) != DefectStatus.CANCELLED,
        )
        .order_by(col(Vehicle.build_seq), col(Defect.found_at), col(Defect.id))
    ).all()
    names = CarNames(catalog)
    found = tuple(
        DefectRecallCar(*names.car(row), row.defect_id, row.status, row.found_at, row.zone, row.severity)
        for row in rows
    )
    return DefectRecall(
        rows=found,
        code=entry.code,
        description=entry.description,
        start=start,
        end=end,
        timezone=catalog.timezone,
    )
