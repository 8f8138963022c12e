"""The plant's rules and queries: plain functions over a SQLModel ``Session``, a package per concern.

Never imports Textual; callers (the app, the CLI) own the transaction. docs/architecture.md has the map.
"""
