"""Recall containment, as the benchmark measures it: the service's two questions.

``bench/measure.py`` times ``cars_through_station(session, model_code,
station_code, start, end)`` and ``cars_with_defect(session, defect_code, start,
end)``; they are the services of ``neofloor.services.traceability.recall``, so the figure is
what a quality engineer waits for.
"""

from __future__ import annotations

from neofloor.services.traceability.recall import cars_through_station, cars_with_defect

__all__ = ["cars_through_station", "cars_with_defect"]
