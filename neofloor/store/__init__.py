"""Tables, the engine and migrations. Knows nothing of rules or screens."""

from neofloor.store.engine import Database, database_url, make_engine
from neofloor.store.types import UTCDateTime, utcnow

__all__ = ["Database", "UTCDateTime", "database_url", "make_engine", "utcnow"]
