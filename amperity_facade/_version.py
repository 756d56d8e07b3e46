"""The package version, in one place: pyproject.toml reads it (hatch), the code imports it.

A module of its own so the core and the CLI never import the package's `__init__` for it.
"""

__version__ = "0.1.0"
