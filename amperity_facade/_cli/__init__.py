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
from ._output import CliError
from ._parser import build_parser, refused_secret
from ._signals import exit_code, handling_signals

__all__ = ["main"]

OK, FAILED, USAGE = 0, 1, 2
LEVELS = (logging.WARNING, logging.INFO, logging.DEBUG)  # by the number of -v


def main(argv: Sequence[str] | None = None) -> int:
    """Run `amperity` with `argv` (default: sys.argv[1:]); return the exit code."""
    _commands.SECRETS.clear()
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    refused = refused_secret(argv, parser)
    if refused is not None:
        print(f"{parser.prog}: error: {refused}", file=sys.stderr)
        return USAGE
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, or a usage error argparse already printed
        return exit.code if isinstance(exit.code, int) else USAGE
    try:
        with handling_signals(), _diagnostics(getattr(args, "verbose", None) or 0):
            code: int = args.handler(args)
        return code
    except CliError as exc:
        return _fail(str(exc), exc.code, exc)
    except ConfigurationError as exc:
        return _fail(str(exc), USAGE, exc)
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


class _Lines(logging.Formatter):
    """`level: message`, scrubbed, on one line: no tracebacks from a record's exc_info."""

    def format(self, record: logging.LogRecord) -> str:
        message = " ".join(record.getMessage().split("\n"))
        return _scrub(f"{record.levelname.lower()}: {message}")


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
    print(f"error: {' '.join(line.splitlines())}", file=sys.stderr, flush=True)
    return code
