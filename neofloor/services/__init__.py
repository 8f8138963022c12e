"""The plant's rules and queries: plain functions over a SQLModel ``Session``.

Never imports Textual; callers (the app, the CLI) own the transaction.
"""
