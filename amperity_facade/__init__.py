"""amperity-facade: a typed client for the Amperity API."""

__version__ = "0.1.0"
