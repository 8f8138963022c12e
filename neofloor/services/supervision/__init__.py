"""The line supervisor's concern: the repair bay, overrides of the route, andon stops and downtime,
and the shift notes; built on the ledger, never on another concern.
"""
