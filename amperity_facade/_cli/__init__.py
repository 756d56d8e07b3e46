"""The `amperity` command: `main(argv)` parses, runs one command and maps failures to exit codes.

Failures end as one `error: ...` line on stderr, never a traceback: people and scripts
both need the cause (status, server message, request id to quote to support) and an exit
code that separates "the API said no" (1) from "you asked wrongly" (2). Every line is
scrubbed of the credentials in play, as a second guard behind the library's own care.
Notes attached to an exception on its way out (what an export wrote and how to resume
it, a workflow left running) end the same line.

Ctrl-C and SIGTERM both interrupt cleanly (`_signals`): exit 130 and 143, as a shell
reports a process killed by either.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import warnings
from argparse import Namespace
from collections.abc import Iterator, Sequence
from urllib.parse import quote, quote_plus

from ..errors import (
    AmperityDeprecationWarning,
    AmperityError,
    ConfigurationError,
    WorkflowFailedError,
    WorkflowTimeoutError,
)
from . import _commands
from ._output import CliError, printable
from ._parser import build_parser, refused_secret
from ._signals import exit_code, handling_signals, settle

__all__ = ["main"]

OK, FAILED, USAGE = 0, 1, 2
LEVELS = (logging.WARNING, logging.INFO, logging.DEBUG)  # by the number of -v


def main(argv: Sequence[str] | None = None) -> int:
    """Run `amperity` with `argv` (default: sys.argv[1:]); return the exit code."""
    _commands.SECRETS.clear()
    parser = build_parser()
    argv_given = argv
    argv = list(sys.argv[1:] if argv is None else argv)
    refused = refused_secret(argv, parser)
    if refused is not None:
        print(f"{parser.prog}: error: {refused}", file=sys.stderr)
        return USAGE
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, or a usage error argparse already printed
        return exit.code if isinstance(exit.code, int) else USAGE
    # The executable's own process (no argv given) keeps its signals handled to the end:
    # see `handling_signals`. The error report runs inside, so a second signal cannot
    # cut it short.
    with handling_signals(owns_process=argv_given is None):
        return _run(args)


def _run(args: Namespace) -> int:
    try:
        try:
            with _diagnostics(getattr(args, "verbose", None) or 0):
                code: int = args.handler(args)
        finally:
            settle()  # whatever happens next is the report, which a signal must not cut
        return code
    except CliError as exc:
        return _fail(str(exc), exc.code, exc)
    except ConfigurationError as exc:
        return _fail(in_cli_terms(str(exc), args), USAGE, exc)
    except WorkflowFailedError as exc:
        kind = exc.error_type or "unknown error"
        detail = f"{kind}: {exc.error_message}" if exc.error_message else kind
        return _fail(f"workflow {exc.workflow.id} {exc.state}: {detail}", FAILED, exc)
    except WorkflowTimeoutError as exc:
        return _fail(
            f"workflow {exc.workflow.id} still {exc.workflow.state} after {exc.timeout:g}s "
            f"(it keeps running; stop it with: amperity workflows stop {exc.workflow.id})",
            FAILED,
            exc,
        )
    except AmperityError as exc:
        return _fail(str(exc), FAILED, exc)
    except KeyboardInterrupt as exc:
        return _fail(str(exc) if exc.args else "interrupted", exit_code(exc), exc)
    except BrokenPipeError:
        # The reader (head, less) has gone: stop quietly and keep Python from complaining
        # about the unflushable stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return OK
    except OSError as exc:  # writing an output file failed midway (disk full, ...)
        where = f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
        return _fail(where, FAILED, exc)
    except Exception as exc:  # a bug, or an answer nobody foresaw: still one line, no trace
        return _fail(f"unexpected {type(exc).__name__}: {exc}", FAILED, exc)


_QUOTED = re.compile(r"('[^']*')")
_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def in_cli_terms(message: str, args: Namespace) -> str:
    """A library message about its arguments, reworded in what the user typed.

    The client names its keyword arguments (`created_from`, `base_url`, `client_id`);
    the user gave options, positional arguments or environment variables. Snake-case names
    are swapped anywhere outside quoted values; a plain word (`tenant`, `limit`, `token`)
    only where it starts the message, as the subject of the complaint.
    """
    names = _cli_names(args)
    parts = _QUOTED.split(message)
    for i in range(0, len(parts), 2):  # the odd ones are quoted values, left alone
        parts[i] = _IDENTIFIER.sub(lambda found: names.get(found[0], found[0]), parts[i])
    message = "".join(parts)
    first, space, rest = message.partition(" ")
    return names.get(first, first) + space + rest


def _cli_names(args: Namespace) -> dict[str, str]:
    def given(attribute: str, option: str, variable: str) -> str:
        return option if getattr(args, attribute, None) is not None else variable

    window = hasattr(args, "from_")  # audit events and ingest jobs: --from and --to
    return {
        "tenant": given("tenant", "--tenant", "AMPERITY_TENANT"),
        "base_url": given("base_url", "--base-url", "AMPERITY_BASE_URL"),
        "api_version": given("api_version", "--api-version", "AMPERITY_API_VERSION"),
        "token": "the token in --token-file"
        if getattr(args, "token_file", None)
        else "AMPERITY_TOKEN",
        "client_id": "AMPERITY_CLIENT_ID",
        "client_secret": "AMPERITY_CLIENT_SECRET",
        "next_token": "--next-token",
        "limit": "--limit",
        "max_items": "--max-items",
        "happened_from": "--from",
        "happened_to": "--to",
        "created_from": "--from" if window else "--created-from",
        "created_to": "--to" if window else "--created-to",
        "ended_from": "--ended-from",
        "ended_to": "--ended-to",
        "range_from": "--range-from",
        "range_to": "--range-to",
        "run_mode": "--run-mode",
        "workflow_id": "ID",
        "job_id": "ID",
        "profile_id": "ID",
        "config_id": "CONFIG_ID",
        "index_id": "INDEX",
        "collection_id": "COLLECTION",
        "segment_id": "SEGMENT",
    }


class _Lines(logging.Formatter):
    """`level: message`, scrubbed, on one line: no tracebacks from a record's exc_info."""

    def format(self, record: logging.LogRecord) -> str:
        message = " ".join(record.getMessage().split("\n"))
        return printable(_scrub(f"{record.levelname.lower()}: {message}"))


@contextlib.contextmanager
def _diagnostics(verbosity: int) -> Iterator[None]:
    """Show the library's log on stderr: warnings (retries, deprecations) always, info with
    -v, and each request with -vv (the library logs those at DEBUG).

    Without a handler Python would print warnings bare through logging's last resort, and
    deprecations a second time as a warning with a source line; one line each is enough.
    """
    level = LEVELS[min(verbosity, len(LEVELS) - 1)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Lines())
    handler.setLevel(level)
    logger = logging.getLogger("amperity_facade")
    previous = logger.level
    if verbosity:
        logger.setLevel(level)
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AmperityDeprecationWarning)
            yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


SHORT_SECRET = 8  # below this many characters, a secret is hidden only where it stands alone


def _encodings(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}


def _scrub(text: str) -> str:
    """Hide every credential of this run. A real token is long; a short one (a test's "t")
    replaced inside words would turn every message into asterisks, so it is hidden only
    where it is not part of a longer word."""
    # Servers and proxies echo a credential percent-encoded too (a form field, a query).
    forms = {form for secret in _commands.SECRETS for form in _encodings(secret)}
    for secret in sorted(forms, key=len, reverse=True):
        if len(secret) >= SHORT_SECRET:
            text = text.replace(secret, "***")
        else:
            alone = rf"(?<![A-Za-z0-9_-]){re.escape(secret)}(?![A-Za-z0-9_-])"
            text = re.sub(alone, "***", text)
    return text


def _fail(message: str, code: int, exc: BaseException | None = None) -> int:
    notes = getattr(exc, "__notes__", None) or []
    # The notes are our own resume hints (counts, the cursor to continue from): scrubbing
    # them could mangle a cursor that happens to contain a short credential's characters.
    line = "; ".join([_scrub(message), *(str(note) for note in notes)])
    # Server text (an error page, a workflow's message) may carry terminal escapes or
    # bidi overrides: shown escaped, never obeyed by the terminal.
    print(f"error: {printable(' '.join(line.splitlines()))}", file=sys.stderr, flush=True)
    return code
