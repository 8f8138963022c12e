"""The plant's yard and delivery stations, which the delivery services act at.

Who may act there is not decided here: every delivery write asks the people services' one
role × action table (``people.permissions.require``), judged at the station named here.
"""

from __future__ import annotations

from neofloor.i18n import _
from neofloor.services.plant.catalog import PlantCatalog, StationInfo
from neofloor.services.plant.errors import RuleViolation
from neofloor.store.models import StationKind


def station_of_kind(catalog: PlantCatalog, kind: StationKind, what: str) -> StationInfo:
    """The plant's station of this kind (the yard, the delivery), or a refusal naming what is missing."""
    station = next((s for s in catalog.stations if s.kind == kind), None)
    if station is None:
        raise RuleViolation(_("This plant has no {what} station in its config.").format(what=what))
    return station
