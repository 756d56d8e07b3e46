"""Serve the fake from a shell, for trying a client or a notebook against it by hand."""

from __future__ import annotations

import argparse
import threading

from ._fake import FakeAmperity


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m amperity_facade.testing", description="Serve a fake Amperity API."
    )
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tenant", default="acme")
    parser.add_argument("--rate-limit", type=int, default=None, help="requests per second")
    args = parser.parse_args(argv)
    fake = FakeAmperity(
        tenant=args.tenant,
        seed=args.seed,
        port=args.port,
        host=args.host,
        rate_limit=args.rate_limit,
    )
    with fake:
        print(f"base_url:      {fake.base_url}")
        print(f"tenant:        {fake.tenant}")
        print(f"token:         {fake.token}")
        print(f"client_id:     {fake.client_id}")
        print(f"client_secret: {fake.client_secret}")
        print("Serving; press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("\nStopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
