# Generated from amperity_facade/_async/client.py by scripts/unasync.py; edit that file, then run make generate.
"""`Amperity` and its resources, one class per group of operations.

Every request is built and parsed by the generated package's public functions (through
`_operations`) and sent over an `httpx.Client` whose auth flow adds the token and whose
transport wrapper adds rate limiting and a bounded body read; one retry loop per call sits
above it. The tenant and api-version headers are the client's defaults.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TypeVar

import httpx

from .. import _config, _control_plane, _streams, _workflows
from .._base import BaseClient, Retry, Shared
from .._body import release
from .._config import Options
from .._dates import Moment
from .._logs import PRIVATE
from .._operations import Call, PageSource
from .._redis import RedisRateLimiter
from .._retry import RetryPolicy
from ..errors import WorkflowTimeoutError
from .families import Profiles, Realtime, Streams
from .pagination import Paginator
from .resource import Resource
from .transport import LimitedTransport

if TYPE_CHECKING:
    from amperity_api.models import (
        AuditEvent,
        Campaign,
        CampaignDraft,
        IngestJobDetails,
        Segment,
        Workflow,
    )


T = TypeVar("T")


class Amperity(BaseClient[httpx.BaseTransport]):
    """The Amperity client. Use with `with`, or call `close()`.

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
    `httpx.BaseTransport`, e.g. `httpx.MockTransport` in tests); retries and rate
    limiting still wrap it. `rate_limiter=RedisRateLimiter(url)` (or
    AMPERITY_RATE_LIMIT_URL) keeps every family's budget in Redis, shared by all the
    processes that use it, instead of in this process.
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
        transport: httpx.BaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int = _config.DEFAULT_MAX_RESPONSE_BYTES,
        profile_api_version: str | None = None,
        realtime_api_version: str | None = None,
        profile_rate_limit: float | None = _config.DEFAULT_PROFILE_RATE_LIMIT,
        realtime_rate_limit: float | None = _config.DEFAULT_REALTIME_RATE_LIMIT,
        streaming_rate_limit: float | None = _config.DEFAULT_STREAMING_RATE_LIMIT,
        max_stream_bytes: int = _streams.DEFAULT_MAX_STREAM_BYTES,
        rate_limiter: RedisRateLimiter | None = None,
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
            rate_limiter=rate_limiter,
        )
        self._start(settings, transport, httpx.BaseTransport, httpx.HTTPTransport)

    def _setup(self, options: Options, shared: Shared[httpx.BaseTransport], *, owner: bool) -> None:
        self._options, self._shared, self._owner = options, shared, owner
        self._http = httpx.Client(
            base_url=options.base_url,
            headers=_config.request_headers(options),
            auth=shared.auth,
            transport=LimitedTransport(
                shared.pool, shared.limiters, options.max_response_bytes, owns_inner=owner
            ),
            timeout=options.timeout,
            follow_redirects=False,  # never carry Authorization anywhere we did not aim it
            # Proxy mounts from the environment would bypass the retry/rate-limit transport;
            # behind a proxy, pass transport=httpx.HTTPTransport(proxy=...) instead.
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

    def _execute(self, call: Call[T]) -> T:
        """Send `call` until it succeeds, or its failures exhaust the one retry budget."""
        attempt = 0
        while True:
            self._check_open()
            outcome: T | Retry
            record = self._attempt(attempt)
            failure: Exception | None = None
            private = PRIVATE.set(call if call.private else None)  # cut from httpx's logs
            try:
                response = self._http.request(**self._request(call, record))
            except Exception as exc:
                failure = exc
            finally:
                PRIVATE.reset(private)
            # Settled outside the handler: an error raised there would keep `failure` (and
            # what it holds, a token answer's body) as its __context__.
            if failure is not None:
                outcome = self.settle_error(call, failure, attempt + record.replays)
            else:
                release(response)
                outcome = self.settle_response(call, response, attempt + record.replays)
            if not isinstance(outcome, Retry):
                return outcome
            time.sleep(outcome.delay)
            attempt += outcome.spent + record.replays

    def _paginate(
        self, sources: list[PageSource[T]], next_token: str | None, max_items: int | None
    ) -> Paginator[T]:
        return Paginator(self._execute, sources, next_token=next_token, max_items=max_items)

    def close(self) -> None:
        """Close the connections; this client and those derived from it stop working."""
        if self._owner:
            self._shared.closed = True
            self._http.close()
            self._shared.limiters.close()

    def __enter__(self) -> Amperity:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Segments(Resource):
    def list(
        self,
        *,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> Paginator[Segment]:
        """Segments, page by page (`limit` is the page size)."""
        source = _control_plane.segments(limit=limit, with_total=with_total)
        return self._client._paginate([source], next_token, max_items)


class Campaigns(Resource):
    def list(
        self,
        *,
        destination_data_template_id: str | None = None,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> Paginator[Campaign]:
        """Campaigns; all of them unless a destination data template id is given."""
        source = _control_plane.campaigns(
            limit=limit,
            with_total=with_total,
            destination_data_template_id=destination_data_template_id,
        )
        return self._client._paginate([source], next_token, max_items)


class CampaignDrafts(Resource):
    def list(
        self,
        *,
        destination_data_template_id: str | None = None,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> Paginator[CampaignDraft]:
        """Campaign drafts. Early access: always sent with api-version `unstable`,
        whatever the client's version, because the endpoint exists nowhere else."""
        source = _control_plane.campaign_drafts(
            limit=limit,
            with_total=with_total,
            destination_data_template_id=destination_data_template_id,
        )
        return self._client._paginate([source], next_token, max_items)


class AuditEvents(Resource):
    def list(
        self,
        *,
        happened_from: Moment | None = None,
        happened_to: Moment | None = None,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> Paginator[AuditEvent]:
        """Audit events, optionally in [happened_from, happened_to); naive times and dates are UTC."""
        source = _control_plane.audit_events(
            limit=limit, with_total=with_total, happened_from=happened_from, happened_to=happened_to
        )
        return self._client._paginate([source], next_token, max_items)


class IngestJobs(Resource):
    def list(
        self,
        *,
        created_from: Moment,
        created_to: Moment,
        limit: int | None = None,
        next_token: str | None = None,
        with_total: bool = False,
        max_items: int | None = None,
    ) -> Paginator[IngestJobDetails]:
        """Ingest jobs started in [created_from, created_to); naive times and dates are UTC.

        The API accepts windows of at most seven days; longer ranges are split into
        consecutive windows, read in order as one listing. Its cursors (`Page.next_token`)
        are the library's own: `af1.` then URL-safe base64 of the window and the server's
        cursor in it, so `next_token=` resumes exactly after the page it came from, in
        whichever window; None means the listing is finished. A cursor that is malformed,
        or whose window lies outside [created_from, created_to), raises ConfigurationError
        before any request.
        """
        sources = _control_plane.ingest_jobs(
            created_from=created_from, created_to=created_to, limit=limit, with_total=with_total
        )
        return self._client._paginate(sources, next_token, max_items)

    def get(self, job_id: str) -> IngestJobDetails:
        return self._client._execute(_control_plane.get_ingest(job_id))


class Workflows(Resource):
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
    ) -> Paginator[Workflow]:
        """Workflow runs, optionally filtered; created_*/ended_* bound [from, to) ranges.

        Naive times and bare dates are UTC.
        """
        source = _control_plane.workflows(
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

    def run(
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
        return self._client._execute(
            _control_plane.start_run(
                config_id, range_from=range_from, range_to=range_to, run_mode=run_mode
            )
        )

    def get(self, workflow_id: str, *, view: str | None = None) -> Workflow:
        """One workflow; view="verbose" adds its task instances."""
        return self._client._execute(_control_plane.get_run(workflow_id, view))

    def stop(self, workflow_id: str) -> Workflow:
        return self._client._execute(_control_plane.stop_run(workflow_id))

    def wait(
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
            workflow = known if known is not None else self.get(workflow_id)
            known = None
            _workflows.after_state(watch(workflow))
            if _workflows.outcome(workflow) is not None:
                return workflow
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkflowTimeoutError(workflow, timeout)
            time.sleep(min(next(delays), remaining))


__all__ = ["Amperity"]
