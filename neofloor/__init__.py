"""neofloor: follow every car of an assembly plant, by VIN, from the first station to the customer."""

__version__ = "0.1.0"
