"""The exceptions amperity-facade raises: one class per failure a caller may want to handle.

Modelled on openai-python: everything derives from `AmperityError`; answers with an error
status raise an `APIStatusError` subclass chosen by status code, carrying the code, the
server's message, its `request_id` / `trace_id` (quote them to Amperity support) and the
raw `httpx.Response`. No exception text ever contains a token or a client secret.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

import httpx

from ._redaction import Cut, cut_response, keep, redact, redacted_request

if TYPE_CHECKING:
    from amperity_api.models.workflow import Workflow

    from ._sending import Rejection, SendReport

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AmperityDeprecationWarning",
    "AmperityError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "MethodNotAllowedError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimiterUnavailableError",
    "SendError",
    "ServiceUnavailableError",
    "WorkflowFailedError",
    "WorkflowTimeoutError",
]


class AmperityError(Exception):
    """Base class of every error raised by amperity-facade.

    Pickles and unpickles whole (keyword-only constructors would otherwise break
    `pickle.loads`), so errors can cross process boundaries (multiprocessing, Celery).
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[AmperityError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ClientClosedError(AmperityError, RuntimeError):
    """The client (or the client it was derived from) was closed before this call."""


class ConfigurationError(AmperityError, ValueError):
    """Bad settings or arguments, detected before any request is sent."""


class APIConnectionError(AmperityError):
    """The request did not get an HTTP answer (refused, reset, dropped, DNS...)."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = None if request is None else redacted_request(request)


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, write, read or waiting for a pooled connection)."""


class RateLimiterUnavailableError(APIConnectionError):
    """The shared rate limiter (a `RedisRateLimiter`) could not be reached, so the request was
    not sent: sending it unlimited could break the tenant's budget for every worker. The
    message names the limiter's URL without its password; `RedisRateLimiter(...,
    on_unavailable="local")` falls back to the in-process limiter instead."""


class APIResponseValidationError(AmperityError):
    """A successful answer whose body could not be parsed as the documented JSON.

    `unreadable` is True when the body is not JSON at all (cut short, an HTML page): reads
    are retried on that, since a proxy glitch is transient; a body that is JSON but not the
    documented shape is not retried, because asking again gives the same answer.
    """

    def __init__(self, message: str, *, response: httpx.Response, unreadable: bool = False) -> None:
        super().__init__(message)
        self.response = redact(response)
        self.status_code = response.status_code
        self.unreadable = unreadable


class APIStatusError(AmperityError):
    """The API answered with an error status.

    `retry_after` is the server's Retry-After in seconds when it sent a valid one: a 429
    asking for longer than the retry policy's `max_retry_after` is raised at once with it,
    so the caller can reschedule instead of hammering.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        request_id: str | None = None,
        trace_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status_code = response.status_code
        self.message = message
        self.request_id = request_id
        self.trace_id = trace_id
        self.retry_after = retry_after
        self.response = redact(response)
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.status_code} {self.message}"
        if self.request_id:
            text += f" (request_id={self.request_id})"
        return text


class BadRequestError(APIStatusError):
    """400: a parameter is missing or invalid, or the api-version is not supported."""


class AuthenticationError(APIStatusError):
    """401: missing, wrong or expired token; also any failure of the OAuth token endpoint."""


class PermissionDeniedError(APIStatusError):
    """403: the token is valid but its API key's policy does not allow this."""


class NotFoundError(APIStatusError):
    """404: no such resource (or an endpoint not available under this api-version)."""


class MethodNotAllowedError(APIStatusError):
    """405."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state (stopping a finished workflow)."""


class RateLimitError(APIStatusError):
    """429 that persisted after every retry, or whose Retry-After exceeds the policy's cap."""


class InternalServerError(APIStatusError):
    """500, or any other 5xx except 503, after every retry."""


class ServiceUnavailableError(APIStatusError):
    """503 after every retry."""


class PaginationError(AmperityError):
    """The server handed back a cursor it had already given: following it would never end."""


class SendError(AmperityError):
    """`streams.send_many` stopped at a rejected record (`rejection`): any, with
    on_error="raise"; refused credentials (401, 403), whatever on_error says. `report` (a
    `types.SendReport`) says what was accepted and rejected before it stopped."""

    def __init__(self, message: str, report: SendReport, rejection: Rejection) -> None:
        super().__init__(message)
        self.report = report
        self.rejection = rejection


class WorkflowFailedError(AmperityError):
    """A waited-for workflow ended in failure (or was canceled/stopped)."""

    def __init__(self, workflow: Workflow, error_type: str | None, error_message: str | None):
        self.workflow = workflow
        self.state = str(workflow.state)
        self.error_type = error_type
        self.error_message = error_message
        detail = f": {error_type}: {error_message}" if error_type or error_message else ""
        super().__init__(f"workflow {workflow.id} ended {self.state}{detail}")


class WorkflowTimeoutError(AmperityError):
    """A waited-for workflow was still not finished when the timeout ran out."""

    def __init__(self, workflow: Workflow, timeout: float):
        self.workflow = workflow
        self.timeout = timeout
        super().__init__(
            f"workflow {workflow.id} still {workflow.state} after waiting {timeout:g} seconds"
        )


class AmperityDeprecationWarning(DeprecationWarning):
    """The API announced (Deprecation / Sunset headers) that what we called will go away."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    429: RateLimitError,
    500: InternalServerError,
    503: ServiceUnavailableError,
}

# Bodies are cut to this many characters before any regex runs over them: error pages can
# be megabytes, and a pattern over all of it (even a linear one) is wasted work.
SCAN_LIMIT = 4096
_TITLE = re.compile(r"<title[^>]{0,100}>([^<]{1,200})</title>", re.IGNORECASE)
# What a browser never shows: comments, and the text of scripts and style sheets (a
# `<title>` inside them is not the page's). An unclosed one hides the rest of the head.
_UNSHOWN = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style)\b[^>]{0,1000}>.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_TAGS = re.compile(r"<[^<>]{0,1000}>")
_SPACE = re.compile(r"\s+")
_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,128}")


def _excerpt(text: str, limit: int = 200) -> str:
    """A short, single-line excerpt of a non-JSON body (an HTML page from a proxy).

    An HTML page says what it is in its title (`502 Bad Gateway`); the rest of a proxy page
    repeats it, so the title alone is the message when there is one. Entities are decoded
    (`Caf&eacute;` is `Café`), as the page's reader would see them.
    """
    head = _UNSHOWN.sub(" ", text[:SCAN_LIMIT])
    title = _TITLE.search(head)
    if title is not None:
        head = title.group(1)
    plain = _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", head))).strip()
    return plain if len(plain) <= limit else plain[: limit - 3] + "..."


def _json_body(response: httpx.Response) -> Any:
    """The parsed body, or None when it is not JSON (or nested too deep to parse)."""
    try:
        return response.json()
    except (ValueError, RecursionError):
        return None


def error_details(response: httpx.Response, cut: Cut = keep) -> tuple[str, str | None, str | None]:
    """(message, request_id, trace_id) of an error answer whose body has been read; `cut`
    takes personal values out of the text before it is shortened or reflowed, which would
    leave part of a value, or a form of it, that no longer matches."""
    message = request_id = trace_id = None
    body = _json_body(response)
    if isinstance(body, dict):
        fields = [body.get(k) for k in ("message", "request_id", "trace_id")]
        message, request_id, trace_id = (
            cut(v)[:1000] if isinstance(v, str) else None for v in fields
        )
    if message is None:
        try:
            text = response.text
        except (ValueError, LookupError):  # an unknown or lying charset
            text = ""
        # Before a page is reduced to its text, a mark that does not look like a tag.
        message = cut(_excerpt(cut(text, "[redacted]")))
        code = str(response.status_code)
        if message.startswith(code):  # "502 Bad Gateway": the status is printed anyway
            message = message[len(code) :].strip()
        message = message or response.reason_phrase or "error"
    header = response.headers.get("x-request-id") or ""
    # A server's echo is shown only when it looks like an id: short, visible ASCII (a hostile
    # or broken one may echo the request body into it).
    echoed = header if _REQUEST_ID.fullmatch(header) else None
    return message, request_id or echoed, trace_id


def status_error(
    response: httpx.Response, retry_after: float | None = None, cut: Cut = keep
) -> APIStatusError:
    """Build the right `APIStatusError` subclass for an error answer (body already read),
    the request's personal values taken out of its message by `cut`."""
    code = response.status_code
    cls = _STATUS_CLASSES.get(code)
    if cls is None:
        cls = InternalServerError if code >= 500 else APIStatusError
    message, request_id, trace_id = error_details(response, cut)
    return cls(
        message,
        response=response,
        request_id=request_id,
        trace_id=trace_id,
        retry_after=retry_after,
    )


def scrub(error: AmperityError, cut: Cut) -> None:
    """Take the personal values a request carried out of an error with `cut`, in place: its
    message, and the answer it keeps, where a server may have echoed them."""

    if isinstance(error, APIStatusError):
        error.message = cut(error.message)
        if error.request_id is not None:  # a server may echo what it got into its id
            error.request_id = cut(error.request_id)
        error.args = (str(error),)
    else:
        error.args = tuple(cut(a) if isinstance(a, str) else a for a in error.args)
    response = getattr(error, "response", None)
    if isinstance(response, httpx.Response):
        cut_response(response, cut)
