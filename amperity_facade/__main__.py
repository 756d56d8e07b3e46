"""`python -m amperity_facade` runs the `amperity` command line."""

from ._cli import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
