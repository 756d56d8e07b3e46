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

from ._redaction import cutter

# Filters do not reach child loggers, so each logger that writes is named.
LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy")

PRIVATE: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "amperity_facade_private", default=()
)


class _CutPrivate(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        values = PRIVATE.get()
        if values:
            text = record.getMessage()
            cut = cutter(values)(text)
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
