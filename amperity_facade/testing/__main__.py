"""Serve the fake from a shell: the same launcher, options and output as `amperity fake-server`."""

from __future__ import annotations

from .._cli._fake_server import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
