"""The browser tests run on the app tests' small plant (a fresh copy per test)."""

from tests.tui.conftest import line, seeded_plant  # noqa: F401  (fixtures)
