"""The one launcher behind `amperity fake-server` and `python -m amperity_facade.testing`.

Both entry points take their options from `add_arguments` and run `serve`, so they cannot
drift apart. Credentials go to files in a private folder (0700, files 0600, removed on
exit) rather than to the screen: even a fake token printed teaches copying tokens into
terminals and scrollback, and the files plug straight into `--token-file` or `.`.

This module stays light to import (the fake itself loads only when serving), because the
`amperity` parser is built from it on every run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import shlex
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._output import CliError
from ._signals import handling_signals

__all__ = ["add_arguments", "cli_serve", "main", "serve"]

DATA_END = dt.date(2026, 11, 1)  # where the fake's generated history ends
DESCRIPTION = "Serve a fake Amperity tenant on this machine until Ctrl-C, SIGTERM or SIGHUP."
MAX_STEP_SECONDS = 86400.0  # the fake's own ceiling: a workflow state lasting over a day
# A closed terminal (SIGHUP) stops it like Ctrl-C: the credentials folder goes with it.
STOPPING = (signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0 to 65535, got {text}")
    return value


def _positive(kind: type[Any], what: str, most: float = math.inf) -> Any:
    """A parser for a finite number above 0 (and at most `most`): what the fake accepts."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not 0 < value < math.inf:
            raise argparse.ArgumentTypeError(f"must be a positive, finite {what}, got {text}")
        if value > most:
            raise argparse.ArgumentTypeError(f"must be at most {most:g}, got {text}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser, *, tenant_from_parent: bool = False) -> None:
    """The launcher's options. `tenant_from_parent`: `amperity --tenant X fake-server`
    already has a --tenant before the subcommand, which must not be reset here."""
    group = parser.add_argument_group("fake tenant")
    group.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    group.add_argument("--port", type=_port, default=8080, help="0 picks a free port (8080)")
    group.add_argument(
        "--tenant",
        default=argparse.SUPPRESS if tenant_from_parent else "acme",
        help="tenant id the fake answers to (acme)",
    )
    group.add_argument("--seed", type=int, default=7, help="seed of the generated data (7)")
    group.add_argument(
        "--rate-limit",
        type=_positive(int, "number of requests"),
        metavar="N",
        help="answer 429 beyond N requests in any one second (default: no limit)",
    )
    group.add_argument(
        "--step-seconds",
        type=_positive(float, "number of seconds", MAX_STEP_SECONDS),
        default=1.0,
        metavar="SECONDS",
        help="how long a workflow stays in each state (1)",
    )


def main(argv: Sequence[str] | None = None, prog: str = "python -m amperity_facade.testing") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
    add_arguments(parser)
    args = parser.parse_args(argv)
    with handling_signals(STOPPING, owns_process=argv is None):
        return serve(args)


def cli_serve(args: argparse.Namespace) -> int:
    """`amperity fake-server`: connection options given before it would silently do nothing.

    `main` already handles SIGINT and SIGTERM; SIGHUP is added here, for this command only
    (an export whose terminal closed is better left to the shell's default)."""
    for option in ("base_url", "api_version", "token_file", "verbose"):
        if getattr(args, option, None) is not None:
            name = "--" + option.replace("_", "-")
            raise CliError(f"{name} does nothing with fake-server; leave it out", 2)
    with handling_signals(STOPPING):
        return serve(args)


def serve(args: argparse.Namespace) -> int:
    """Serve in the foreground; Ctrl-C or SIGTERM stops it and removes the credentials."""
    from ..testing import FakeAmperity

    try:
        fake = FakeAmperity(
            tenant=getattr(args, "tenant", None) or "acme",
            seed=args.seed,
            port=args.port,
            host=args.host,
            rate_limit=args.rate_limit,
            lifecycle="time",
            step_seconds=args.step_seconds,
        )
    except ValueError as exc:  # a setting the fake refuses, in its own words
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        fake.start()
    except OSError as exc:
        reason = exc.strerror or exc
        print(f"error: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="amperity-fake-") as folder:
            try:  # a signal even as the banner is printed stops it the same way
                token_file, oauth_file = _write_credentials(Path(folder), fake)
                _banner(fake, args, token_file, oauth_file)
                threading.Event().wait()
            except KeyboardInterrupt:
                print("\nStopped.", flush=True)
    finally:
        fake.stop()
    return 0


def _write_credentials(folder: Path, fake: Any) -> tuple[Path, Path]:
    token_file = _private_file(folder / "token", fake.token + "\n")
    settings = {
        "AMPERITY_TENANT": fake.tenant,
        "AMPERITY_BASE_URL": fake.base_url,
        "AMPERITY_CLIENT_ID": fake.client_id,
        "AMPERITY_CLIENT_SECRET": fake.client_secret,
    }
    lines = [f"export {name}={shlex.quote(value)}" for name, value in settings.items()]
    lines.append("unset AMPERITY_TOKEN  # a token and client credentials together are refused")
    oauth_file = _private_file(folder / "oauth.env", "\n".join(lines) + "\n")
    return token_file, oauth_file


def _private_file(path: Path, text: str) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _banner(fake: Any, args: argparse.Namespace, token_file: Path, oauth_file: Path) -> None:
    limit = f"{args.rate_limit} requests per second" if args.rate_limit else "no rate limit"
    print(
        f"Fake Amperity API at {fake.base_url}\n"
        f"  tenant {fake.tenant}, seed {args.seed}, data up to {DATA_END}, {limit}\n"
        "  workflow configs cg-/og-/cc-... (cg-fail fails)\n"
        "  credentials, readable only by you and removed on exit:\n"
        f"    static token in {token_file}\n"
        f"    OAuth client id and secret in {oauth_file}\n\n"
        "Point the CLI at it from another shell:\n"
        f"  export AMPERITY_TENANT={shlex.quote(fake.tenant)} AMPERITY_BASE_URL={fake.base_url}\n"
        f"  amperity --token-file {token_file} segments list --max-items 5\n"
        f"  (or with OAuth client credentials: . {oauth_file})\n\n"
        "Serving; press Ctrl-C to stop.",
        flush=True,
    )
