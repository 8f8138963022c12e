"""The plant's fixed facts (stations, route, models, colors, settings), read once per database.

A plant config is written once by ``init_plant`` and not changed while terminals
run, so the hot paths (a scan, the board) look stations up in memory instead of
asking the database each time.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.services.errors import NotFound
from neofloor.store.models import Color, PlantSetting, Station, StationKind, VehicleModel


@dataclass(frozen=True)
class StationInfo:
    id: int
    code: str
    name: str
    kind: str
    position: int | None
    ideal_cycle_seconds: int | None
    description: str

    @property
    def is_production(self) -> bool:
        """Stations where cars are scanned in and out (not the bay, yard or delivery)."""
        return self.kind in (StationKind.WORK, StationKind.TEST, StationKind.QUALITY_GATE)


@dataclass(frozen=True)
class ModelInfo:
    id: int
    code: str
    name: str
    powertrain: str
    vin_prefix: str


@dataclass(frozen=True)
class PlantCatalog:
    name: str
    timezone: str
    vin_check_digit: bool
    wmi: str
    stations: tuple[StationInfo, ...]
    models: tuple[ModelInfo, ...]
    colors: dict[int, tuple[str, str]]  # id -> (code, name)

    def station(self, code: str) -> StationInfo:
        """The station with this code, or :class:`NotFound`."""
        wanted = code.strip().upper()
        for station in self.stations:
            if station.code == wanted:
                return station
        known = ", ".join(s.code for s in self.stations)
        raise NotFound(f"Unknown station {code!r}; stations are {known}.")

    @cached_property
    def _stations_by_id(self) -> dict[int | None, StationInfo]:
        # The floor's lists turn a station id into a code for every car they show.
        return {s.id: s for s in self.stations}

    @cached_property
    def _models_by_id(self) -> dict[int, ModelInfo]:
        return {m.id: m for m in self.models}

    def station_by_id(self, station_id: int | None) -> StationInfo | None:
        return self._stations_by_id.get(station_id)

    def station_code(self, station_id: int | None) -> str | None:
        """The code of the station with this id; None for no station (or one no longer known)."""
        station = self.station_by_id(station_id)
        return station.code if station else None

    @cached_property
    def route(self) -> tuple[StationInfo, ...]:
        """Stations in route order, off-line ones left out."""
        return tuple(sorted((s for s in self.stations if s.position is not None), key=_position))

    @cached_property
    def production_route(self) -> tuple[StationInfo, ...]:
        return tuple(s for s in self.route if s.is_production)

    @property
    def terminal_stations(self) -> tuple[StationInfo, ...]:
        """Stations a terminal can be bound to: the production route, then the repair bay."""
        bay = self.repair_bay
        return self.production_route + ((bay,) if bay else ())

    @property
    def repair_bay(self) -> StationInfo | None:
        return next((s for s in self.stations if s.kind == StationKind.REPAIR), None)

    @property
    def yard(self) -> StationInfo | None:
        return next((s for s in self.stations if s.kind == StationKind.YARD), None)

    @property
    def last_production_station(self) -> StationInfo:
        return self.production_route[-1]

    def next_station(self, station: StationInfo) -> StationInfo | None:
        route = self.route
        index = route.index(station)
        return route[index + 1] if index + 1 < len(route) else None

    def model(self, model_id: int) -> ModelInfo:
        return self._models_by_id[model_id]

    def model_by_code(self, code: str) -> ModelInfo:
        for model in self.models:
            if model.code == code.strip().upper():
                return model
        known = ", ".join(m.code for m in self.models)
        raise NotFound(f"Unknown model {code!r}; models are {known}.")

    def color_by_code(self, code: str) -> int:
        for color_id, (color_code, _name) in self.colors.items():
            if color_code == code.strip().upper():
                return color_id
        known = ", ".join(c for c, _ in self.colors.values())
        raise NotFound(f"Unknown color {code!r}; colors are {known}.")


def _position(station: StationInfo) -> int:
    return station.position or 0


_CACHE: weakref.WeakKeyDictionary[Any, PlantCatalog] = weakref.WeakKeyDictionary()


def plant_catalog(session: Session) -> PlantCatalog:
    """The plant's catalog for this session's database (read once, then kept)."""
    pool = session.get_bind().engine.pool
    cached = _CACHE.get(pool)
    if cached is None:
        cached = _load_catalog(session)
        if cached.stations:
            _CACHE[pool] = cached
    return cached


def forget_catalog(session: Session) -> None:
    """Drop the cached catalog (after a plant config was written)."""
    _CACHE.pop(session.get_bind().engine.pool, None)


def _load_catalog(session: Session) -> PlantCatalog:
    settings = dict(session.execute(select(col(PlantSetting.key), col(PlantSetting.value))).all())
    stations = tuple(
        StationInfo(
            id=s.id,
            code=s.code,
            name=s.name,
            kind=s.kind,
            position=s.position,
            ideal_cycle_seconds=s.ideal_cycle_seconds,
            description=s.description,
        )
        for s in session.execute(select(Station).order_by(col(Station.id))).scalars()
    )
    models = tuple(
        ModelInfo(id=m.id, code=m.code, name=m.name, powertrain=m.powertrain, vin_prefix=m.vin_prefix)
        for m in session.execute(select(VehicleModel).order_by(col(VehicleModel.id))).scalars()
    )
    colors = {c.id: (c.code, c.name) for c in session.execute(select(Color)).scalars()}
    return PlantCatalog(
        name=settings.get("name", "neofloor"),
        timezone=settings.get("timezone", "UTC"),
        vin_check_digit=settings.get("vin_check_digit", "false") == "true",
        wmi=settings.get("wmi", ""),
        stations=stations,
        models=models,
        colors=colors,
    )
