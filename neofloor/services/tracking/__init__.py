"""Cars along the route: the ledger every concern writes through, scans at production stations,
holds, the production plan, and the floor's reads (queues, board, history, the change marker).
"""
