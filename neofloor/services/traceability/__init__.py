"""Everything about a car after the fact: recall containment across the ledger, defects and
deliveries. Reads every concern, writes nothing of its own.
"""
