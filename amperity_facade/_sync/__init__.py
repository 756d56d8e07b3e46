# Generated from amperity_facade/_async/__init__.py by scripts/unasync.py; edit that file, then run make generate.
"""Written once for asyncio; `scripts/unasync.py` writes the synchronous twin in `_sync/`."""
