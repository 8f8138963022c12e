"""The plant's fixed facts (stations, route, models, colors, settings), read once per database.

A plant config is written once by ``init_plant`` and not changed while terminals
run, so the hot paths (a scan, the board) look stations up in memory instead of
asking the database each time.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from neofloor.services.plant.records import ModelInfo, plant_catalog_of
from neofloor.services.plant.records import PlantCatalog as PlantCatalog
from neofloor.services.plant.records import StationInfo as StationInfo
from neofloor.store.models import Color, PlantSetting, Station, VehicleModel

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
    return plant_catalog_of(settings, stations, models, colors)
