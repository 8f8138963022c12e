"""Operations on a whole plant: checking its integrity and consistency, backing it up, restoring it.

Owns ``check`` (the store's own checks, every car against the replay of its ledger, the visits against
their events) and ``backup``/``restore`` (SQLite's online backup API; pg_dump and pg_restore on PostgreSQL).
"""
