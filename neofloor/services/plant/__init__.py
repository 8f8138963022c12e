"""The plant's own knowledge, below every concern: its config and catalog, people, shifts, VIN rules.

Also the refusals (``errors``) and plant time (``clock``) that every other package speaks in.
"""
