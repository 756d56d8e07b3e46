"""`AsyncAmperity` and its resources, one class per group of operations.

Every request is built and parsed by the generated package's public functions (through
`_operations`) and sent over an `httpx.AsyncClient` whose auth flow adds the token and whose
transport wrapper adds rate limiting and a bounded body read; one retry loop per call sits
above it. The tenant and api-version headers are the client's defaults.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from .. import _config, _operations, _profiles, _realtime, _sending, _streams, _workflows
from .._base import BaseClient, Retry, Shared
from .._body import release
from .._config import Options
from .._dates import Moment
from .._operations import Call, PageSource
from .._retry import RetryPolicy
from ..errors import WorkflowTimeoutError
from .pagination import AsyncPaginator
from .transport import AsyncLimitedTransport

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from amperity_api.models import (
        AuditEvent,
        Campaign,
        CampaignDraft,
        Index,
        IngestJobDetails,
        Profile,
        ProfileResponse,
        ProfileSegment,
        Segment,
        SegmentMember,
        Workflow,
    )

    from .._profiles import FilterValue

T = TypeVar("T")


class AsyncAmperity(BaseClient[httpx.AsyncBaseTransport]):
    """The Amperity client. Use with `async with`, or call `await aclose()`.

    Arguments left out fall back to AMPERITY_TENANT, AMPERITY_TOKEN, AMPERITY_CLIENT_ID,
    AMPERITY_CLIENT_SECRET, AMPERITY_BASE_URL, AMPERITY_API_VERSION,
    AMPERITY_PROFILE_API_VERSION and AMPERITY_REALTIME_API_VERSION. The base URL
    defaults to https://{tenant}.amperity.com/api; AWS-hosted tenants pass
    base_url="https://app.amperity.com/api". The Real-Time API is reached at /prof beside
    it. Each API family has its own version (`api_version` is the control plane's) and its
    own rate limit (`rate_limit`, `profile_rate_limit`, `realtime_rate_limit`,
    `streaming_rate_limit`, requests per second; None lifts one). `max_stream_bytes` is the
    largest record a stream is sent (1,000,000 bytes by default, the stricter of the two
    limits Amperity documents). `transport` replaces the connection layer (an
    `httpx.AsyncBaseTransport`, e.g. `httpx.MockTransport` in tests); retries and rate
    limiting still wrap it.
    """

    def __init__(
        self,
        *,
        tenant: str | None = None,
        token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        base_url: str | None = None,
        api_version: str | None = None,
        timeout: float | httpx.Timeout = _config.DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        rate_limit: float | None = _config.DEFAULT_RATE_LIMIT,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int = _config.DEFAULT_MAX_RESPONSE_BYTES,
        profile_api_version: str | None = None,
        realtime_api_version: str | None = None,
        profile_rate_limit: float | None = _config.DEFAULT_PROFILE_RATE_LIMIT,
        realtime_rate_limit: float | None = _config.DEFAULT_REALTIME_RATE_LIMIT,
        streaming_rate_limit: float | None = _config.DEFAULT_STREAMING_RATE_LIMIT,
        max_stream_bytes: int = _streams.DEFAULT_MAX_STREAM_BYTES,
    ) -> None:
        settings = dict(
            tenant=tenant,
            token=token,
            client_id=client_id,
            client_secret=client_secret,
            base_url=base_url,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
            rate_limit=rate_limit,
            retry_policy=retry_policy,
            max_response_bytes=max_response_bytes,
            profile_api_version=profile_api_version,
            realtime_api_version=realtime_api_version,
            profile_rate_limit=profile_rate_limit,
            realtime_rate_limit=realtime_rate_limit,
            streaming_rate_limit=streaming_rate_limit,
            max_stream_bytes=max_stream_bytes,
        )
        self._start(settings, transport, httpx.AsyncBaseTransport, httpx.AsyncHTTPTransport)

    def _setup(
        self, options: Options, shared: Shared[httpx.AsyncBaseTransport], *, owner: bool
    ) -> None:
        self._options, self._shared, self._owner = options, shared, owner
        self._http = httpx.AsyncClient(
            base_url=options.base_url,
            headers=_config.request_headers(options),
            auth=shared.auth,
            transport=AsyncLimitedTransport(
                shared.pool, shared.limiters, options.max_response_bytes, owns_inner=owner
            ),
            timeout=options.timeout,
            follow_redirects=False,  # never carry Authorization anywhere we did not aim it
            # Proxy mounts from the environment would bypass the retry/rate-limit transport;
            # behind a proxy, pass transport=httpx.AsyncHTTPTransport(proxy=...) instead.
            trust_env=False,
        )
        self.segments = Segments(self)
        self.campaigns = Campaigns(self)
        self.campaign_drafts = CampaignDrafts(self)
        self.audit_events = AuditEvents(self)
        self.ingest_jobs = IngestJobs(self)
        self.workflows = Workflows(self)
        self.profiles = Profiles(self)
        self.realtime = Realtime(self)
        self.streams = Streams(self)

    async def _execute(self, call: Call[T]) -> T:
        """Send `call` until it succeeds, or its failures exhaust the one retry budget."""
        attempt = 0
        while True:
            self._check_open()
            outcome: T | Retry
            record = self._attempt(attempt)
            failure: Exception | None = None
            try:
                response = await self._http.request(**self._request(call, record))
            except Exception as exc:
                failure = exc
            # Settled outside the handler: an error raised there would keep `failure` (and
            # what it holds, a token answer's body) as its __context__.
            if failure is not None:
                outcome = self.settle_error(call, failure, attempt + record.replays)
            else:
                release(response)
                outcome = self.settle_response(call, response, attempt + record.replays)
            if not isinstance(outcome, Retry):
                return outcome
            await asyncio.sleep(outcome.delay)
            attempt += outcome.spent + record.replays

    def _paginate(
        self, sources: list[PageSource[T]], next_token: str | None, max_items: int | None
    ) -> AsyncPaginator[T]:
        return AsyncPaginator(self._execute, sources, next_token=next_token, max_items=max_items)

    async def aclose(self) -> None:
        """Close the connections; this client and those derived from it stop working."""
        if self._owner:
            self._shared.closed = True
            await self._http.aclose()

    async def __aenter__(self) -> AsyncAmperity:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class _Resource:
    def __init__(self, client: AsyncAmperity) -> None:
        self._client = client


class Segments(_Resource):
    def list(
        self,
        *,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> AsyncPaginator[Segment]:
        """Segments, page by page (`limit` is the page size)."""
        source = _operations.segments(limit=limit, with_total=with_total)
        return self._client._paginate([source], next_token, max_items)


class Campaigns(_Resource):
    def list(
        self,
        *,
        destination_data_template_id: str | None = None,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> AsyncPaginator[Campaign]:
        """Campaigns; all of them unless a destination data template id is given."""
        source = _operations.campaigns(
            limit=limit,
            with_total=with_total,
            destination_data_template_id=destination_data_template_id,
        )
        return self._client._paginate([source], next_token, max_items)


class CampaignDrafts(_Resource):
    def list(
        self,
        *,
        destination_data_template_id: str | None = None,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> AsyncPaginator[CampaignDraft]:
        """Campaign drafts. Early access: always sent with api-version `unstable`,
        whatever the client's version, because the endpoint exists nowhere else."""
        source = _operations.campaign_drafts(
            limit=limit,
            with_total=with_total,
            destination_data_template_id=destination_data_template_id,
        )
        return self._client._paginate([source], next_token, max_items)


class AuditEvents(_Resource):
    def list(
        self,
        *,
        happened_from: Moment | None = None,
        happened_to: Moment | None = None,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> AsyncPaginator[AuditEvent]:
        """Audit events, optionally in [happened_from, happened_to); naive times and dates are UTC."""
        source = _operations.audit_events(
            limit=limit, with_total=with_total, happened_from=happened_from, happened_to=happened_to
        )
        return self._client._paginate([source], next_token, max_items)


class IngestJobs(_Resource):
    def list(
        self,
        *,
        created_from: Moment,
        created_to: Moment,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> AsyncPaginator[IngestJobDetails]:
        """Ingest jobs started in [created_from, created_to); naive times and dates are UTC.

        The API accepts windows of at most seven days; longer ranges are split into
        consecutive windows, read in order as one listing. Its cursors (`Page.next_token`)
        are the library's own: `af1.` then URL-safe base64 of the window and the server's
        cursor in it, so `next_token=` resumes exactly after the page it came from, in
        whichever window; None means the listing is finished. A cursor that is malformed,
        or whose window lies outside [created_from, created_to), raises ConfigurationError
        before any request.
        """
        sources = _operations.ingest_jobs(
            created_from=created_from, created_to=created_to, limit=limit, with_total=with_total
        )
        return self._client._paginate(sources, next_token, max_items)

    async def get(self, job_id: str) -> IngestJobDetails:
        return await self._client._execute(_operations.get_ingest(job_id))


class Workflows(_Resource):
    def list(
        self,
        *,
        state: str | None = None,
        type: str | None = None,
        created_from: Moment | None = None,
        created_to: Moment | None = None,
        ended_from: Moment | None = None,
        ended_to: Moment | None = None,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> AsyncPaginator[Workflow]:
        """Workflow runs, optionally filtered; created_*/ended_* bound [from, to) ranges.

        Naive times and bare dates are UTC.
        """
        source = _operations.workflows(
            limit=limit,
            with_total=with_total,
            state=state,
            type=type,
            created_from=created_from,
            created_to=created_to,
            ended_from=ended_from,
            ended_to=ended_to,
        )
        return self._client._paginate([source], next_token, max_items)

    async def run(
        self,
        config_id: str,
        *,
        range_from: Moment | None = None,
        range_to: Moment | None = None,
        run_mode: str | None = None,
    ) -> Workflow:
        """Start a workflow. Sends only what is given: no run_mode unless asked.

        Never retried once it may have reached the server (no idempotency key exists).
        range_from / range_to: naive times and bare dates are UTC.
        """
        return await self._client._execute(
            _operations.start_run(
                config_id, range_from=range_from, range_to=range_to, run_mode=run_mode
            )
        )

    async def get(self, workflow_id: str, *, view: str | None = None) -> Workflow:
        """One workflow; view="verbose" adds its task instances."""
        return await self._client._execute(_operations.get_run(workflow_id, view))

    async def stop(self, workflow_id: str) -> Workflow:
        return await self._client._execute(_operations.stop_run(workflow_id))

    async def wait(
        self,
        workflow_id: str | Workflow,
        *,
        timeout: float = 3600,
        poll_interval: float = 10,
        on_state: _workflows.OnState | None = None,
    ) -> Workflow:
        """Poll until the workflow finishes; return it if it succeeded.

        Raises WorkflowFailedError (failed, canceled, stopped) or WorkflowTimeoutError.
        Pauses grow from one second up to `poll_interval`. Given the Workflow `run` returned
        instead of an id, its state is the first read, without a request. `on_state`, if
        given, is called with the first workflow read and with each read whose state changed;
        an awaitable it returns is awaited by the async client and refused by the sync one.
        """
        timeout, poll_interval = _workflows.check_wait(timeout, poll_interval)
        watch = _workflows.StateWatch(on_state)
        workflow_id, known = _workflows.first_read(workflow_id)
        deadline = time.monotonic() + timeout
        delays = _workflows.poll_delays(poll_interval)
        while True:
            workflow = known if known is not None else await self.get(workflow_id)
            known = None
            await _workflows.after_state_async(watch(workflow))
            if _workflows.outcome(workflow) is not None:
                return workflow
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkflowTimeoutError(workflow, timeout)
            await asyncio.sleep(min(next(delays), remaining))


class ProfileIndexes(_Resource):
    """Profile indexes of the Profile API."""

    def list(
        self,
        *,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> AsyncPaginator[Index]:
        """Profile indexes, page by page (`limit` is the page size)."""
        source = _profiles.indexes(limit=limit, with_total=with_total)
        return self._client._paginate([source], next_token, max_items)

    async def get(self, index_id: str) -> Index:
        return await self._client._execute(_profiles.get_index(index_id))


class Profiles(_Resource):
    """The Profile API (its own version, `profile_api_version`, and rate limit)."""

    def __init__(self, client: AsyncAmperity) -> None:
        super().__init__(client)
        self.indexes = ProfileIndexes(client)

    def list(
        self,
        index_id: str,
        *,
        filters: Mapping[str, FilterValue] | None = None,
        limit: int | None = None,
        next_token: str | None = None,
        max_items: int | None = None,
    ) -> AsyncPaginator[ProfileResponse]:
        """Profiles of an index; `filters` ({"loyalty_tier": "gold"}) keeps those whose
        attributes equal every value given (sent as filter[<attribute>]=<value>)."""
        source = _profiles.profiles(index_id, filters=filters, limit=limit)
        return self._client._paginate([source], next_token, max_items)

    async def get(self, index_id: str, profile_id: str) -> ProfileResponse:
        """One profile by its index's primary key."""
        return await self._client._execute(_profiles.get_profile(index_id, profile_id))


class Realtime(_Resource):
    """The Real-Time API under /prof (its own version, `realtime_api_version`, and rate limit)."""

    async def lookup(
        self, collection_id: str, *, keys: Mapping[str, str], enrich: bool = False
    ) -> Profile | None:
        """The profile matching these identity keys (`{"email": ...}`), or None when none does.

        Keys travel in a POST body, never in a URL, and are kept out of logs and exceptions.
        The API answers 404 both when no profile matches and when the collection does not
        exist: both are None here.
        """
        return await self._client._execute(_realtime.lookup(collection_id, keys, enrich))

    async def get_profile(
        self, collection_id: str, profile_id: str, *, enrich: bool = False
    ) -> Profile:
        return await self._client._execute(_realtime.get_profile(collection_id, profile_id, enrich))

    def profile_segments(
        self,
        collection_id: str,
        profile_id: str,
        *,
        limit: int | None = None,
        next_token: str | None = None,
        max_items: int | None = None,
    ) -> AsyncPaginator[ProfileSegment]:
        """The real-time segments a profile belongs to."""
        source = _realtime.profile_segments(collection_id, profile_id, limit=limit)
        return self._client._paginate([source], next_token, max_items)

    def segment_members(
        self,
        segment_id: str,
        *,
        limit: int | None = None,
        next_token: str | None = None,
        max_items: int | None = None,
    ) -> AsyncPaginator[SegmentMember]:
        """The profiles of a real-time segment."""
        source = _realtime.segment_members(segment_id, limit=limit)
        return self._client._paginate([source], next_token, max_items)

    async def send_event(self, stream_id: str, event: Mapping[str, Any]) -> _streams.EventOutcome:
        """Send one behavioural event (a JSON object of at most 64 KiB) to a Real-Time stream:
        "accepted" (202) or "dropped" (204: the stream drops events). A stream not accepting
        events answers 409, raised as ConflictError. Retried on 429 and 5xx."""
        return await self._client._execute(_streams.send_event(stream_id, event))


class Streams(_Resource):
    """Streaming Ingest: records pushed to a stream (`is-...`), 1,000 requests per second."""

    async def send(
        self, stream_id: str, record: _streams.Record, *, request_id: str | None = None
    ) -> _streams.Receipt:
        """Send one record: a JSON object (a dict) or an XML document (text starting '<').

        Checked before sending (an array, a value JSON cannot carry, a body over
        `max_stream_bytes` raise ConfigurationError naming the problem). Retried on 429 and
        5xx and on a lost connection with the same X-Request-Id, `request_id` or one made
        here, so a record that arrived twice is identifiable; 400, 401, 403 and 413 are not
        retried. The receipt's 202 means durably queued, not loaded.
        """
        limit = self._client._options.max_stream_bytes
        return await self._client._execute(_streams.send(stream_id, record, request_id, limit))

    async def send_many(
        self,
        stream_id: str,
        records: Iterable[_streams.Record],
        *,
        concurrency: int = 8,
        on_error: _sending.OnError = "raise",
    ) -> _sending.SendReport:
        """Send every record of `records` (any iterable: a generator is read as it goes, in
        constant memory), at most `concurrency` at a time, within the stream's rate limit.

        on_error="raise" stops at the first record rejected (refused by the API, or without
        an answer after every retry): records in flight finish, then SendError carries the
        report. "collect" sends everything and lists each rejection (index, request id,
        status, message) in the report. Interrupted (Ctrl-C, a signal turned into an
        exception, cancellation), the exception carries `.report`: every record below
        `report.settled_through` is accepted unless listed as rejected, and
        `report.accepted(index)` tells a rerun which to skip.
        """
        stream_id = _streams.check_stream_id(stream_id)
        concurrency = _sending.check_concurrency(concurrency)
        on_error = _sending.check_on_error(on_error)
        limit = self._client._options.max_stream_bytes

        def prepare(index: int, record: object) -> _sending.Job:
            request_id = _streams.check_request_id(None)
            call = _streams.send(stream_id, record, request_id, limit, _operations.Tally())
            return _sending.Job(index, call, request_id)

        async def send(job: _sending.Job) -> object:
            return await self._client._execute(job.call)

        return await _sending.send_all_async(records, prepare, send, concurrency, on_error)


__all__ = ["AsyncAmperity"]
