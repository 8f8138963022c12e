"""The demo plant and the benchmark's plants: deterministic, takt-paced history from a seed.

Not a service: it writes the store in bulk to build a plant, the way no terminal would.
"""
