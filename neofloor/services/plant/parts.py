"""The parts whose serials are captured, the pre-delivery checklist and the yard's layout.

Like the catalog, these come from the plant config, are written once and read once per
database: a scan at a station asks "which parts must this car have here?" without a query,
and only stations that capture parts pay for one indexed look-up of what the car has.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select
from sqlmodel import Session, col

from neofloor.i18n import _
from neofloor.services.plant.catalog import PlantCatalog, plant_catalog
from neofloor.store.models import ComponentPart, FittedComponent, PdiItem, PlantSetting


@dataclass(frozen=True)
class PartSpec:
    """A part captured at a station: its code, name, serial format and the models it is on."""

    id: int
    code: str
    name: str
    station_id: int
    station: str
    model_ids: frozenset[int]  # empty: every model
    serial_format: str
    required: bool

    @property
    def spoken_name(self) -> str:
        """The name inside a sentence: "driver airbag", "main ECU", "HV battery pack"."""
        name = self.name
        return name if name[:2].isupper() else name[:1].lower() + name[1:]

    def fits(self, model_id: int) -> bool:
        return not self.model_ids or model_id in self.model_ids

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.serial_format)


@dataclass(frozen=True)
class PdiItemSpec:
    """One item of the pre-delivery checklist and the models it applies to."""

    id: int
    code: str
    name: str
    model_ids: frozenset[int]
    zone: str
    position: int

    def applies_to(self, model_id: int) -> bool:
        return not self.model_ids or model_id in self.model_ids


@dataclass(frozen=True)
class PlantParts:
    """The parts, the checklist and the yard of one plant."""

    parts: tuple[PartSpec, ...]
    pdi_items: tuple[PdiItemSpec, ...]
    yard_rows: tuple[str, ...]
    yard_places: int

    def at_station(self, station_id: int, model_id: int) -> tuple[PartSpec, ...]:
        """The parts captured at a station for a model, in config order."""
        return tuple(p for p in self.parts if p.station_id == station_id and p.fits(model_id))

    def required_at(self, station_id: int, model_id: int) -> tuple[PartSpec, ...]:
        """The parts a car of this model must have captured before it completes the station."""
        key = (station_id, model_id)
        cached = self._required_cache.get(key)
        if cached is None:
            cached = tuple(p for p in self.at_station(station_id, model_id) if p.required)
            self._required_cache[key] = cached
        return cached

    @cached_property
    def _required_cache(self) -> dict[tuple[int, int], tuple[PartSpec, ...]]:
        return {}

    @cached_property
    def capturing_station_ids(self) -> frozenset[int]:
        """Stations where some serial is captured: only these cost the scan a query."""
        return frozenset(p.station_id for p in self.parts)

    def part(self, code: str) -> PartSpec | None:
        wanted = code.strip().upper()
        return next((p for p in self.parts if p.code == wanted), None)

    def checklist(self, model_id: int) -> tuple[PdiItemSpec, ...]:
        """The model's PDI items in order (kept per model: the yard list asks for every car)."""
        cached = self._checklists.get(model_id)
        if cached is None:
            cached = self._checklists[model_id] = tuple(i for i in self.pdi_items if i.applies_to(model_id))
        return cached

    def checklist_ids(self, model_id: int) -> tuple[int, ...]:
        return tuple(i.id for i in self.checklist(model_id))

    @cached_property
    def _checklists(self) -> dict[int, tuple[PdiItemSpec, ...]]:
        return {}


# Kept beside the catalog they were read with: when the catalog is forgotten (a plant config
# was just written), the parts are read again with it.
_CACHE: weakref.WeakKeyDictionary[Any, tuple[PlantCatalog, PlantParts]] = weakref.WeakKeyDictionary()


def plant_parts(session: Session) -> PlantParts:
    """The plant's parts, checklist and yard for this session's database (read once, then kept)."""
    pool = session.get_bind().engine.pool
    catalog = plant_catalog(session)
    cached = _CACHE.get(pool)
    if cached is not None and cached[0] is catalog:
        return cached[1]
    parts = _load(session)
    if catalog.stations:
        _CACHE[pool] = (catalog, parts)
    return parts


def forget_parts(session: Session) -> None:
    """Drop the cached parts (after a plant config was written)."""
    _CACHE.pop(session.get_bind().engine.pool, None)


def _model_ids(session: Session, codes: str) -> frozenset[int]:
    catalog = plant_catalog(session)
    return frozenset(catalog.model_by_code(code).id for code in codes.split(",") if code)


def _load(session: Session) -> PlantParts:
    catalog = plant_catalog(session)
    parts = tuple(
        PartSpec(
            id=p.id,
            code=p.code,
            name=p.name,
            station_id=p.station_id,
            station=catalog.station_code(p.station_id) or "?",
            model_ids=_model_ids(session, p.models),
            serial_format=p.serial_format,
            required=p.required,
        )
        for p in session.execute(select(ComponentPart).order_by(col(ComponentPart.id))).scalars()
        if p.id is not None
    )
    items = tuple(
        PdiItemSpec(
            id=i.id,
            code=i.code,
            name=i.name,
            model_ids=_model_ids(session, i.models),
            zone=i.zone,
            position=i.position,
        )
        for i in session.execute(select(PdiItem).order_by(col(PdiItem.position), col(PdiItem.id))).scalars()
        if i.id is not None
    )
    settings = dict(
        session.execute(
            select(col(PlantSetting.key), col(PlantSetting.value)).where(
                col(PlantSetting.key).in_(("yard_rows", "yard_places"))
            )
        ).all()
    )
    rows = tuple(r for r in settings.get("yard_rows", "").split(",") if r)
    places = int(settings.get("yard_places", "0") or 0)
    return PlantParts(parts=parts, pdi_items=items, yard_rows=rows, yard_places=places)


@cache
def _fitted_statement() -> Select[Any]:
    fitted = FittedComponent.__table__.c  # type: ignore[attr-defined]
    return select(fitted.part_id).where(
        fitted.vehicle_id == bindparam("car"),
        fitted.part_id.in_(bindparam("parts", expanding=True)),
        fitted.removed_at.is_(None),
    )


def missing_parts(conn: Connection, car_id: int, required: tuple[PartSpec, ...]) -> tuple[PartSpec, ...]:
    """Of ``required``, the parts not fitted on the car: one look-up on ix_fitted_component_vehicle."""
    if not required:
        return ()
    fitted = set(
        conn.execute(_fitted_statement(), {"car": car_id, "parts": [p.id for p in required]}).scalars()
    )
    return tuple(p for p in required if p.id not in fitted)


def prepare_parts_lookup(conn: Connection) -> None:
    """Compile the completion check's look-up ahead of the first scan (see ``tracking.prepare_scans``)."""
    conn.execute(_fitted_statement(), {"car": 0, "parts": [0]}).all()


def missing_sentence(station: str, vin: str, missing: tuple[PartSpec, ...]) -> str:
    """ "TRIM2 needs the driver airbag serial before VIN can complete." for one or more parts."""
    names = [p.spoken_name for p in missing]
    if len(names) == 1:
        return _("{station} needs the {part} serial before {vin} can complete.").format(
            station=station, part=names[0], vin=vin
        )
    return _("{station} needs the {parts} and {last} serials before {vin} can complete.").format(
        station=station, parts=", ".join(names[:-1]), last=names[-1], vin=vin
    )
