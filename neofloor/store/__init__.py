"""Tables, the engine and migrations. Knows nothing of rules or screens.

Import the modules themselves (``neofloor.store.engine``, ``.models``): this package
loads nothing, so that ``kinds`` and ``revision`` come without SQLAlchemy.
"""
