"""Who may park, inspect and hand over cars, and the checks the delivery services share.

- park or move a car in the yard, and run the pre-delivery inspection: an operator or
  inspector certified for the yard station, or a line leader (supervisor, shift lead, admin).
- hand a car over to its customer: someone certified for the delivery station, or a line leader.
- capture a component serial at a station: whoever may scan there (an operator certified
  for it, an inspector, a line leader); replace one in repair: whoever may work at the
  repair bay by the same rule.
"""

from __future__ import annotations

from neofloor.services.plant.catalog import PlantCatalog, StationInfo
from neofloor.services.plant.errors import PermissionDenied, RuleViolation
from neofloor.services.plant.operators import OperatorInfo
from neofloor.services.plant.records import LINE_LEADERS
from neofloor.store.models import Role, StationKind


def require_certified(operator: OperatorInfo, station: StationInfo, action: str) -> None:
    """Refuse ``action`` unless the person is certified for ``station`` or a line leader."""
    if operator.role in LINE_LEADERS or station.id in operator.station_ids:
        return
    raise PermissionDenied(
        f"{operator.name} is not certified for {station.code}; "
        f"only someone certified there or a line leader may {action}."
    )


def require_may_scan(operator: OperatorInfo, station: StationInfo) -> None:
    """The scanning rule: operators at their certified stations; inspectors and line leaders anywhere."""
    if operator.role == Role.OPERATOR and station.id not in operator.station_ids:
        raise PermissionDenied(f"{operator.name} is not certified for {station.code}.")


def station_of_kind(catalog: PlantCatalog, kind: StationKind, what: str) -> StationInfo:
    """The plant's station of this kind (the yard, the delivery), or a refusal naming what is missing."""
    station = next((s for s in catalog.stations if s.kind == kind), None)
    if station is None:
        raise RuleViolation(f"This plant has no {what} station in its config.")
    return station
