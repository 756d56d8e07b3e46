"""The `amperity` command: `main(argv)` parses, runs one command and maps failures to exit codes.

Failures end as one `error: ...` line on stderr, never a traceback: people and scripts
both need the cause (status, server message, request id to quote to support) and an exit
code that separates "the API said no" (1) from "you asked wrongly" (2). Every line is
scrubbed of the credentials in play, as a second guard behind the library's own care.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator, Sequence

from ..errors import (
    AmperityDeprecationWarning,
    AmperityError,
    ConfigurationError,
    WorkflowFailedError,
    WorkflowTimeoutError,
)
from . import _commands
from ._output import CliError
from ._parser import build_parser

__all__ = ["main"]

OK, FAILED, USAGE, INTERRUPTED = 0, 1, 2, 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run `amperity` with `argv` (default: sys.argv[1:]); return the exit code."""
    _commands.SECRETS.clear()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, or a usage error argparse already printed
        return exit.code if isinstance(exit.code, int) else USAGE
    try:
        with _diagnostics():
            code: int = args.handler(args)
        return code
    except CliError as exc:
        return _fail(str(exc), exc.code)
    except ConfigurationError as exc:
        return _fail(str(exc), USAGE)
    except WorkflowFailedError as exc:
        kind = exc.error_type or "unknown error"
        detail = f"{kind}: {exc.error_message}" if exc.error_message else kind
        return _fail(f"workflow {exc.workflow.id} {exc.state}: {detail}", FAILED)
    except WorkflowTimeoutError as exc:
        return _fail(
            f"workflow {exc.workflow.id} still {exc.workflow.state} after {exc.timeout:g}s "
            f"(it keeps running; stop it with: amperity workflows stop {exc.workflow.id})",
            FAILED,
        )
    except AmperityError as exc:
        return _fail(str(exc), FAILED)
    except KeyboardInterrupt:
        return _fail("interrupted", INTERRUPTED)
    except BrokenPipeError:
        # The reader (head, less) has gone: stop quietly and keep Python from complaining
        # about the unflushable stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return OK
    except OSError as exc:  # writing an output file failed midway (disk full, ...)
        return _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), FAILED)


@contextlib.contextmanager
def _diagnostics() -> Iterator[None]:
    """Show the library's notices (retries, deprecations) as plain stderr lines.

    Without a handler Python would print them bare through logging's last resort, and
    deprecations a second time as a warning with a source line; one line each is enough.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("warning: %(message)s"))
    logger = logging.getLogger("amperity_facade")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AmperityDeprecationWarning)
            yield
    finally:
        logger.removeHandler(handler)


def _fail(message: str, code: int) -> int:
    for secret in _commands.SECRETS:
        message = message.replace(secret, "***")
    print(f"error: {message}", file=sys.stderr, flush=True)
    return code
