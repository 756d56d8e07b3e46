"""FakeAmperity: the public face of the fake, a real HTTP server (or an in-process httpx
transport) for client tests."""

from __future__ import annotations

import functools
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from . import _data, _profile_data, _profiles
from ._auth import TokenBook
from ._errors import FakeUsageError
from ._exchange import Exchange
from ._faults import Fault, FaultBook, check
from ._hostile import prepare
from ._log import RecordedRequest, RequestLog
from ._names import OperationName, check_operation
from ._operations import Backend
from ._profile_data import SeededCollection, SeededIndex, copy_item
from ._routes import API_PREFIX, REALTIME_PREFIX, STREAM_PREFIX
from ._server import FakeHTTPServer
from ._settings import check_settings, family_limiters
from ._times import DEFAULT_ANCHOR, to_ms
from ._transport import AsyncFakeTransport, FakeTransport
from ._workflows import WorkflowBook
from ._writes import DEFAULT_MAX_STREAM_BYTES, SeededEventStream, Writes

LIFECYCLES = ("polls", "time")


class FakeAmperity:
    """A local, deterministic stand-in for the Amperity API, served over real HTTP.

    Clients are tested against real sockets (keep-alive, timeouts, dropped connections),
    so what passes here exercises the same code paths as production; where sockets are not
    the point, transport() and async_transport() serve the same fake in process. Data is generated once from `seed` and anchored at `anchor` (where the
    clock stays, if `frozen_clock`); faults,
    deprecation headers, token expiry and rate limiting are switched on by the test.

    Three API families share the host, with the same tenant, tokens, faults and request log:
    the control plane and the Profile API (api-version 2025-07-31: indexes and their
    profiles) under `base_url` (/api), the Real-Time API (api-version 2026-09-03 or none:
    keychain lookups, profiles, real-time segments) under `realtime_base_url` (/prof).
    Their data: `indexes` Profile API indexes of `profiles_per_index` profiles each;
    `collections` real-time collections of `profiles_per_collection` profiles each, and
    `realtime_segments` real-time segments dealt over the collections in turn. It is built
    on the first request to either family (or the first use of the helpers below).

    What tests can rely on (all seeded, the same for the same `seed`):
    `profile_indexes` (SeededIndex: id, name, attributes, profile_ids), `profiles(index_id)`
    (the profiles as served); `collections` (SeededCollection: id, key_priority,
    identity_keys, enriched_attributes, profile_ids, segments of SeededSegment), and
    `realtime_profiles(collection_id, enrich=False)` (the profiles as served, identity keys
    among their attributes: customer_id "CUST-0001", email "customer-0001@example.com",
    device_id, and loyalty_id "LOY-0001" on about 60% of them).
    Semantics: pages default to 25 items in both families; filter[<attribute>]=<value>
    matches exactly against the value's JSON text (strings as they are, 42, 3.5, true), and
    an attribute the index lacks is a 400; a lookup searches the collection's key_priority
    in order, then any other key given (device_id), answering the first match with a
    Location header; Real-Time pages always carry `total`. Errors under /prof are
    ``{"error": "<snake_case reason>", "message": ...}``, under /api the control plane's
    envelope. The request log keeps Real-Time bodies redacted (see RecordedRequest).

    Writes: Streaming Ingest under `stream_base_url` (/stream/v0: POST /data/{stream-id},
    X-Amperity-Tenant, no api-version) keeps every record it accepts (202) with its request
    id, `stream_records(stream_id)`, bodies up to `max_stream_bytes`; Real-Time events
    (POST /prof/events/{stream-id}) go to the fixed `event_streams`, and `events(stream_id)`
    holds what an accepting one kept. A "drop-after-accept" fault stores, then hangs up.

    Rate limits: `rate_limit` is the control plane's (10/s live), `rate_limits` the others',
    by family name, e.g. ``{"profile": 2000, "realtime": 2000, "streaming": 1000}`` (the live
    limits); each family has its own one-second window, None (the default) leaves it
    unlimited.
    """

    def __init__(
        self,
        tenant: str = "acme",
        seed: int = 7,
        *,
        segments: int = 250,
        campaigns: int = 40,
        campaign_drafts: int = 12,
        audit_events: int = 2000,
        ingest_jobs: int = 60,
        workflows: int = 80,
        default_page_size: int = 100,
        max_page_size: int = 1000,
        rate_limit: int | None = None,
        rate_limits: Mapping[str, int | None] | None = None,
        indexes: int = 3,
        profiles_per_index: int = 120,
        collections: int = 2,
        profiles_per_collection: int = 200,
        realtime_segments: int = 6,
        token_ttl: float = 3600,
        lifecycle: str = "polls",
        step_seconds: float = 0.05,
        failing_configs: Iterable[str] = ("cg-fail",),
        port: int = 0,
        host: str = "127.0.0.1",
        anchor: datetime = DEFAULT_ANCHOR,
        token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        frozen_clock: bool = False,
        max_stream_bytes: int = DEFAULT_MAX_STREAM_BYTES,
    ) -> None:
        if lifecycle not in LIFECYCLES:
            raise ValueError(f"lifecycle must be one of {LIFECYCLES}, got {lifecycle!r}")
        counts = {
            "indexes": indexes,
            "profiles_per_index": profiles_per_index,
            "collections": collections,
            "profiles_per_collection": profiles_per_collection,
            "realtime_segments": realtime_segments,
        }
        check_settings(
            {
                **counts,
                "segments": segments,
                "campaigns": campaigns,
                "campaign_drafts": campaign_drafts,
                "audit_events": audit_events,
                "ingest_jobs": ingest_jobs,
                "workflows": workflows,
            },
            rate_limit=rate_limit,
            token_ttl=token_ttl,
            step_seconds=step_seconds,
        )
        if not 1 <= default_page_size <= max_page_size:
            raise ValueError("need 1 <= default_page_size <= max_page_size")
        self.tenant = tenant
        self.seed = seed
        self.host = host
        self.token = token or "fake-static-" + secrets.token_urlsafe(24)
        self.client_id = client_id or f"{tenant}-fake-client"
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self._port = port
        self._anchor_ms = to_ms(anchor)
        self._origin = time.monotonic()
        self._frozen = frozen_clock
        data = _data.build(
            seed=seed,
            tenant=tenant,
            anchor_ms=self._anchor_ms,
            segments=segments,
            campaigns=campaigns,
            campaign_drafts=campaign_drafts,
            audit_events=audit_events,
            ingest_jobs=ingest_jobs,
            workflows=workflows,
        )
        if realtime_segments and not collections:
            raise ValueError("realtime_segments need at least one collection")
        self._profiles = _profiles.LazyProfiles(
            functools.partial(_profile_data.build, seed=seed, anchor_ms=self._anchor_ms, **counts)
        )
        self._tokens = TokenBook(self.token, self.client_id, self.client_secret, token_ttl)
        self._limiters = family_limiters(rate_limit, rate_limits)
        self._writes = Writes(max_stream_bytes)
        self._backend = Backend(
            tenant=tenant,
            data=data,
            workflows=WorkflowBook(
                data.workflows,
                seed=seed,
                tenant=tenant,
                lifecycle=lifecycle,
                step_seconds=step_seconds,
                failing_configs=failing_configs,
                now_ms=self.now_ms,
            ),
            tokens=self._tokens,
            limiters=self._limiters,
            profiles=self._profiles,
            default_page_size=default_page_size,
            max_page_size=max_page_size,
            writes=self._writes,
        )
        self._log = RequestLog()
        self._faults = FaultBook()
        self._exchange = Exchange(self._backend, self._log, self._faults)
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def now_ms(self) -> int:
        """The fake's clock: the anchor plus real time elapsed since construction.

        With `frozen_clock=True` it stays at the anchor, so recordings are reproducible.
        """
        if self._frozen:
            return self._anchor_ms
        return self._anchor_ms + int((time.monotonic() - self._origin) * 1000)

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeAmperity is not running; call start() or use `with`")
        return self._server.server_port

    @property
    def base_url(self) -> str:
        """The control plane and the Profile API: http://HOST:PORT/api."""
        return self.origin + API_PREFIX

    @property
    def realtime_base_url(self) -> str:
        """The Real-Time API, on the same host: http://HOST:PORT/prof."""
        return self.origin + REALTIME_PREFIX

    @property
    def stream_base_url(self) -> str:
        """Streaming Ingest, on the same host: http://HOST:PORT/stream/v0."""
        return self.origin + STREAM_PREFIX

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host  # IPv6 goes in brackets
        return f"http://{host}:{self.port}"

    @property
    def profile_indexes(self) -> tuple[SeededIndex, ...]:
        """The Profile API's indexes, in the order list-indexes serves them."""
        return tuple(index.info for index in self._profiles.get().indexes)

    def profiles(self, index_id: str) -> list[dict[str, Any]]:
        """The profiles of one index as GET .../profiles/{id} serves them (copies), in the
        order list-profiles serves them."""
        index = self._profiles.get().index_by_id.get(index_id)
        if index is None:
            known = ", ".join(i.info.id for i in self._profiles.get().indexes)
            raise FakeUsageError(f"no index {index_id!r}; the fake has: {known}")
        return [copy_item(p) for p in index.profiles]

    @property
    def collections(self) -> tuple[SeededCollection, ...]:
        """The Real-Time API's collections, each with its key priority and segments."""
        return tuple(c.info for c in self._profiles.get().collections)

    def realtime_profiles(self, collection_id: str, enrich: bool = False) -> list[dict[str, Any]]:
        """The profiles of one collection as GET /prof/profiles/{collection}/{id} serves them
        (copies; with `enrich`, as ?enrich=true serves them), in seeding order."""
        collection = self._profiles.get().collection_by_id.get(collection_id)
        if collection is None:
            known = ", ".join(c.info.id for c in self._profiles.get().collections)
            raise FakeUsageError(f"no collection {collection_id!r}; the fake has: {known}")
        book = collection.enriched if enrich else collection.plain
        return [copy_item(p) for p in book.values()]

    def stream_records(self, stream_id: str) -> list[tuple[str, Any]]:
        """What POST /stream/v0/data/{stream_id} accepted (202) since start or reset, in order
        of acceptance: (request id, record), the record a parsed JSON object or an XML
        document as text (bytes when not UTF-8). The request id is the caller's X-Request-Id,
        or the one the fake made up and answered. A record appears once each time it was
        stored: a retry after a "drop-after-accept" fault (or after a client gave up on a
        "slow" one) stores it again under the same id. Any well-formed id will do (an
        unknown stream has no records); a malformed one raises FakeUsageError, since no
        record can ever be stored under it."""
        return self._writes.stream_records(stream_id)

    @property
    def event_streams(self) -> tuple[SeededEventStream, ...]:
        """The Real-Time event streams (fixed ids): two "accepting" (202, the event kept),
        one "dropping" (204, nothing kept), one "not-accepting" (409); any other id is a 404."""
        return tuple(self._writes.streams.values())

    def events(self, stream_id: str) -> list[dict[str, Any]]:
        """The events POST /prof/events/{stream_id} accepted (202) since start or reset, in
        order (copies); empty for a stream that drops or refuses events."""
        return self._writes.stream_events(stream_id)

    def start(self) -> Self:
        if self._server is not None:
            return self
        server = FakeHTTPServer((self.host, self._port), self._exchange)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"fake-amperity-{server.server_port}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def transport(self) -> FakeTransport:
        """An httpx transport that serves this fake in process, without a socket.

        Same routes, auth, rate limit, faults, request log and workflows as the server, and
        no need to start() it: pass it as ``Amperity(..., transport=fake.transport())`` or
        ``httpx.Client(base_url="http://fake/api", transport=fake.transport())``; any host
        will do, the path must start with /api (or /prof, /stream/v0 for the others). A "drop"
        fault raises
        httpx.RemoteProtocolError and a "slow" one sleeps (raising httpx.ReadTimeout when
        the request's read timeout is shorter), as over a socket.
        """
        return FakeTransport(self._exchange)

    def async_transport(self) -> AsyncFakeTransport:
        """The same as transport(), for httpx.AsyncClient and AsyncAmperity."""
        return AsyncFakeTransport(self._exchange)

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def inject(self, fault: Fault) -> None:
        """Checked again here, because a frozen dataclass can still be altered by force, and a
        fault that never fires would let the test pass without testing anything."""
        if not isinstance(fault, Fault):
            raise TypeError(f"inject() takes a Fault, got {type(fault).__name__}")
        check(fault)
        prepare(fault)
        self._faults.add(fault)

    def set_deprecation(
        self,
        deprecation: str | None = None,
        sunset: str | None = None,
        operation: OperationName | None = None,
    ) -> None:
        """Mark one operation (or, with operation=None, every one) deprecated; None clears."""
        check_operation(operation)
        backend = self._backend
        with backend.deprecation_lock:
            if deprecation is None and sunset is None:
                backend.deprecations.pop(operation, None)
            else:
                backend.deprecations[operation] = (deprecation, sunset)

    def expire_tokens(self) -> None:
        """Every OAuth token issued so far goes stale at once; the static token stays valid."""
        self._tokens.expire_all()

    @property
    def requests(self) -> list[RecordedRequest]:
        return self._log.snapshot()

    def reset(self) -> None:
        """Forget requests, pending faults, the request counter, the rate windows, stream
        records and events; keep data."""
        self._log.clear()
        self._writes.clear()
        self._faults.clear()
        for limiter in self._limiters.values():
            limiter.clear()

    def count(self, operation: OperationName | None = None, status: int | None = None) -> int:
        """Requests logged since start or reset; status 0 counts dropped connections.

        A misspelt operation or a status no answer can have would count 0 forever, and an
        assertion of 0 would pass without testing anything, so both are refused.
        """
        check_operation(operation)
        if status is not None and (
            isinstance(status, bool)
            or not isinstance(status, int)
            or not (status == 0 or 100 <= status <= 599)
        ):
            raise FakeUsageError(f"status must be 0 (dropped) or 100-599, got {status!r}")
        return sum(
            1
            for r in self._log.snapshot()
            if (operation is None or r.operation == operation)
            and (status is None or r.status == status)
        )
