"""The schema revision this code reads and writes: the newest in migrations/versions.

A test keeps it in step with Alembic's head. Apart from migrate.py so that a reader
that does not load SQLAlchemy (the terminal's first view) can check a plant's schema.
"""

HEAD_REVISION = "0005"
