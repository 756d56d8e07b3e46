"""What every API operation is made of, independent of sync or async: the `Call`, its
answer's parsers, the listing helper and the argument checks. The operations themselves
live by family (`_control_plane`, `_profiles`, `_realtime`, `_streams`).

Every call is built by the generated operation module's request builder (`build_request`)
and read by its parser (`parse_response`), the two public functions the facade's template
(scripts/templates/) gives each module; the facade adds what the generator cannot know:
argument checks, turning list answers into pages, and checking each answer against the
model's declared types first: the generated `from_dict` assigns whatever arrives, so a
number where a string is declared would otherwise surface later, in the caller's code, far
from its cause.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

import httpx

if TYPE_CHECKING:  # the generated package is imported on first use: it is most of import time
    from amperity_api.types import Unset

from . import _json
from ._families import CONTROL_PLANE, Family
from ._pagination import Page, text_problem
from ._redaction import Cut, cutter, keep
from ._shapes import Invalid, shape_of
from .errors import APIResponseValidationError, ConfigurationError

T = TypeVar("T")
M = TypeVar("M")


class Tally:
    """How many times a call was retried (send_many reports it)."""

    __slots__ = ("retries",)

    def __init__(self) -> None:
        self.retries = 0


@dataclass(frozen=True)
class Call(Generic[T]):
    """One HTTP exchange: the generated request kwargs and how to read the answer."""

    operation: str
    kwargs: dict[str, Any] = field(repr=False)  # a lookup's body holds identity keys
    parse: Callable[[httpx.Response], T]
    # False when repeating the request could repeat a side effect (start a workflow twice):
    # the retry loop then retries only failures the server surely did not act on.
    idempotent: bool = True
    # The API family: its version, base URL and rate limiter (see `_families`).
    family: Family = CONTROL_PLANE
    # Personal values the request carries (a lookup's identity keys): kept off exceptions.
    private: tuple[str, ...] = ()
    # Error statuses that mean "nothing there" for this call: answered None, not raised.
    absent: frozenset[int] = frozenset()
    # The body is personal data as a whole (a streamed record): kept off exceptions.
    private_body: bool = False
    # Counts this call's retries, when someone asks (send_many).
    tally: Tally | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # httpx re-parses the URL for any `params`, even empty ones: drop them once, here.
        if not self.kwargs.get("params"):
            self.kwargs.pop("params", None)

    @functools.cached_property
    def cut(self) -> Cut:
        """What takes this call's personal values out of an error or a log line: made the
        first time one needs it (most calls never fail), then kept for its retries."""
        return cutter(self.private) if self.private else keep

    def reading(self, parse: Callable[[httpx.Response], M]) -> Call[M]:
        """The same exchange, its answer read by `parse`."""
        return cast("Call[M]", replace(self, parse=cast("Any", parse)))


class _ListModel(Protocol[T]):  # the generated *List models all look like this
    data: list[T]
    next_token: str | Unset
    total: int | Unset


PageSource = Callable[[str | None], Call[Page[T]]]


class _Decoded:
    """What the generated `parse_response` reads of an answer, with the body decoded once
    (it calls `.json()` itself; decoding twice would cost a listing a second pass)."""

    __slots__ = ("_body", "content", "status_code")

    def __init__(self, response: httpx.Response, body: Any) -> None:
        self.status_code = response.status_code
        self.content = response.content
        self._body = body

    def json(self) -> Any:
        return self._body


def _refusal(
    response: httpx.Response, detail: str | BaseException, *, unreadable: bool = False
) -> APIResponseValidationError:
    if isinstance(detail, BaseException):
        detail = f"{type(detail).__name__}: {str(detail)[:120]}"
    return APIResponseValidationError(
        f"{response.request.method} {response.request.url.path}: the {response.status_code} "
        f"answer is not the documented JSON ({detail})",
        response=response,
        unreadable=unreadable,
    )


def _described(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:120]}"


# Refusals are raised after the handler that caught the cause, never in it: the decoder's
# error keeps the whole body (`JSONDecodeError.doc`), which for a lookup is a person's
# profile, and would otherwise ride along as the refusal's __context__.


def _decode(response: httpx.Response) -> Any:
    try:
        return _json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:  # cut short, HTML, binary
        detail, unreadable = _described(exc), True
    except (ValueError, RecursionError) as exc:  # JSON, but nested or numbered past limits
        detail, unreadable = _described(exc), False
    raise _refusal(response, detail, unreadable=unreadable)


def _parser(module: Any, model: type[M]) -> Callable[[httpx.Response], M]:
    def parse(response: httpx.Response) -> M:
        body = _decode(response)
        detail: str | None = None
        try:
            shape_of(model).check(body)
            parsed = module.parse_response(_Decoded(response, body))
        except Invalid as exc:
            detail = str(exc) or "not the documented shape"
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            detail = _described(exc)
        if detail is not None:
            raise _refusal(response, detail)
        if not isinstance(parsed, model):
            where = f"{response.request.method} {response.request.url.path}"
            raise APIResponseValidationError(
                f"{where}: unexpected {response.status_code} answer", response=response
            )
        return parsed

    return parse


def _page_parser(module: Any, model: type[Any]) -> Callable[[httpx.Response], Page[Any]]:
    parse_model = _parser(module, model)

    def parse(response: httpx.Response) -> Page[Any]:
        listing: _ListModel[Any] = parse_model(response)
        token = listing.next_token if isinstance(listing.next_token, str) else None
        if token and (problem := text_problem(token)) is not None:
            raise _refusal(response, f"its next_token {problem}")
        total = getattr(listing, "total", None)  # not every listing declares one
        total = total if isinstance(total, int) else None
        return Page(list(listing.data), token or None, total, raw=listing)

    return parse


def raw_page(response: httpx.Response) -> Page[dict[str, Any]]:
    """A listing page as the API sent it: the envelope is checked (a list of objects, a
    string or null cursor, an integer or null total), the items are not: they are the
    caller's to read, unknown fields and all."""
    body = _decode(response)
    if not isinstance(body, dict):
        raise _refusal(response, f"a listing is an object, not {type(body).__name__}")
    data, token, total = body.get("data"), body.get("next_token"), body.get("total")
    problem = _envelope_problem(data, token, total)
    if problem is not None:
        raise _refusal(response, problem)
    return Page(cast("list[dict[str, Any]]", data), token or None, total, raw=body)


def _envelope_problem(data: object, token: object, total: object) -> str | None:
    if not isinstance(data, list):
        return "its data is not a list"
    if not all(type(item) is dict for item in data):
        return "an item of its data is not an object"
    if not isinstance(token, str | None):
        return "its next_token is not a string"
    if token and (problem := text_problem(token)) is not None:
        return f"its next_token {problem}"
    if not isinstance(total, int | None) or isinstance(total, bool):
        return "its total is not an integer"
    return None


def _unset(value: T | None) -> T | Unset:
    from amperity_api.types import UNSET

    return UNSET if value is None else value


def check_limit(limit: object) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigurationError(f"limit must be an integer >= 1, got {limit!r}")
    return limit


def check_id(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}")
    if value in (".", ".."):  # a dot segment would be resolved away by URL normalisation
        raise ConfigurationError(f"{name} {value!r} is not a valid id")
    problem = text_problem(value)
    if problem is not None:
        raise ConfigurationError(f"{name} {problem}")
    return value


def check_flag(value: object, name: str) -> bool:
    """A True/False argument: a truthy string or number is a mistake, not a yes."""
    if not isinstance(value, bool):
        raise ConfigurationError(f"{name} must be True or False, got {value!r}")
    return value


def _listing(
    operation: str,
    module: Any,
    model: type[Any],
    *,
    limit: int | None,
    with_total: bool | None,
    headers: dict[str, str] | None = None,
    family: Family = CONTROL_PLANE,
    parse: Callable[[httpx.Response], Page[Any]] | None = None,
    extra_params: list[tuple[str, str]] | None = None,
    args: tuple[Any, ...] = (),
    **filters: Any,
) -> PageSource[Any]:
    """Pages of one listing. `with_total=None` for listings that take no with_total;
    `extra_params` are query pairs the generated builder cannot encode (filter[k]=v);
    `args` are its path arguments."""
    limit = check_limit(limit)
    if with_total is not None:
        filters["with_total"] = check_flag(with_total, "with_total")
    read = parse or _page_parser(module, model)

    def source(token: str | None) -> Call[Page[Any]]:
        kwargs = module.build_request(
            *args, limit=_unset(limit), next_token=_unset(token), **filters
        )
        if headers:
            kwargs["headers"] = {**kwargs.get("headers", {}), **headers}
        if extra_params:
            kwargs["params"] = [*kwargs.get("params", {}).items(), *extra_params]
        return Call(operation, kwargs, read, family=family)

    return source


# Every operation of openapi.yaml and the facade method that reaches it. The contract tests
# fail when the spec gains an operation this table does not name (and a cassette covers).
FACADE_METHODS: dict[str, str] = {
    "list-events": "audit_events.list",
    "list-campaign": "campaigns.list",
    "list-campaign-draft": "campaign_drafts.list",
    "list-segment": "segments.list",
    "list-ingest-jobs": "ingest_jobs.list",
    "get-ingest-job": "ingest_jobs.get",
    "list-workflows": "workflows.list",
    "run-workflow": "workflows.run",
    "get-workflow": "workflows.get",
    "stop-workflow": "workflows.stop",
    "create-token": "auth",  # reached by every call of a client given client_id/client_secret
    "list-indexes": "profiles.indexes.list",
    "get-index": "profiles.indexes.get",
    "list-profiles": "profiles.list",
    "get-profile": "profiles.get",
    "post-lookup-keychain": "realtime.lookup",
    "get-realtime-profile": "realtime.get_profile",
    "list-profile-segments": "realtime.profile_segments",
    "list-segment-profiles": "realtime.segment_members",
    "post-event": "realtime.send_event",
    "post-stream-data": "streams.send",
}
