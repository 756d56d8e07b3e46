"""Written once for asyncio; `scripts/unasync.py` writes the synchronous twin in `_sync/`."""
