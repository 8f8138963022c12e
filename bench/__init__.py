"""The speed and memory benchmark (see docs/performance.md); run it with ``make bench``."""
