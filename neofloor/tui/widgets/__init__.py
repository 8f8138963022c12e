"""Widgets the floor's screens share: the header, the last result, a car's card."""
