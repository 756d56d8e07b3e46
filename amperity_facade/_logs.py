"""Personal values kept out of httpx's and httpcore's own log lines.

With logging at INFO, httpx writes a line per request that ends with the answer's status
line; at DEBUG, httpcore writes the answer's headers. A server that echoes a record (or a
lookup's identity keys) into its reason phrase or a header would put it in the caller's
logs through them. While a request that carries personal values is on the wire, those
values are in a context variable, and a filter on those loggers cuts them from each line.
Nothing is done when the loggers are off: a filter runs only for lines that are written.
"""

from __future__ import annotations

import contextvars
import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._operations import Call


# Filters do not reach child loggers, so each logger that writes is named.
LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy")

# The call on the wire, when it carries personal values (its `cut` is made on first use).
PRIVATE: contextvars.ContextVar[Call[Any] | None] = contextvars.ContextVar(
    "amperity_facade_private", default=None
)


# httpx's line per request: 'HTTP Request: %s %s "%s %d %s"', the last its reason phrase.
_PHRASES = {status.value: status.phrase for status in HTTPStatus}


def _plain(record: logging.LogRecord) -> bool:
    """httpx's line for an answer with its standard reason phrase: nothing of the server's
    own to cut (most lines of a healthy run)."""
    args = record.args
    return (
        record.name == "httpx"
        and isinstance(args, tuple)
        and len(args) == 5
        and _PHRASES.get(args[3]) == args[4]  # type: ignore[call-overload]
    )


class _CutPrivate(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        call = PRIVATE.get()
        if call is not None and not _plain(record):
            text = record.getMessage()
            cut = call.cut(text)
            if cut != text:
                record.msg, record.args = cut, None
        return True


_FILTER = _CutPrivate()


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


__all__ = ["PRIVATE", "install"]
