"""The resources of the API families beside the control plane: the Profile API, the
Real-Time API (lookups, profiles, segments, events) and Streaming Ingest.

Each call is built by its family's operations module (`_profiles`, `_realtime`, `_streams`)
and sent by the client's one retry loop, which adds the family's version, base URL and
rate limiter (see `_families`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _operations, _profiles, _realtime, _sending, _streams
from .pagination import AsyncPaginator
from .resource import Resource

if TYPE_CHECKING:
    from collections.abc import Mapping

    from amperity_api.models import (
        Index,
        Profile,
        ProfileResponse,
        ProfileSegment,
        SegmentMember,
    )

    from .._profiles import FilterValue
    from .client import AsyncAmperity


class ProfileIndexes(Resource):
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


class Profiles(Resource):
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


class Realtime(Resource):
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


class Streams(Resource):
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
        records: _streams.AsyncRecords,
        *,
        concurrency: int = 8,
        on_error: _sending.OnError = "raise",
    ) -> _sending.SendReport:
        """Send every record of `records` (any iterable, or async iterable with the async
        client: a generator is read as it goes, in constant memory), at most `concurrency`
        at a time, within the stream's rate limit.

        on_error="raise" stops at the first record rejected (refused by the API, or without
        an answer after every retry): records in flight finish, then SendError carries the
        report. "collect" sends everything and lists each rejection (index, request id,
        status, message) in the report. Interrupted (Ctrl-C, a signal turned into an
        exception, cancellation), the exception carries `.report`: every record below
        `report.settled_through` is accepted unless listed as rejected, and
        `report.accepted(index)` tells a rerun which to skip. A second Ctrl-C stops waiting
        for the records in flight (a cancellation does not wait): they are then left
        unsettled, listed in `report.in_flight` with the request id each went out under.
        Refused credentials (401, 403) stop the run whatever `on_error` says.

        The sync client reads `records` from its sending threads, one record at a time: an
        iterator tied to the thread that made it (a sqlite3 cursor) needs to allow that.
        """
        stream_id = _streams.check_stream_id(stream_id)
        concurrency = _sending.check_concurrency(concurrency)
        on_error = _sending.check_on_error(on_error)
        limit = self._client._options.max_stream_bytes

        def prepare(index: int, record: object) -> _sending.Job:
            request_id = _streams.check_request_id(None)
            call = _streams.send_checked(stream_id, request_id, record, limit, _operations.Tally())
            return _sending.Job(index, call, request_id)

        async def send(job: _sending.Job) -> object:
            return await self._client._execute(job.call)

        return await _sending.send_all_async(records, prepare, send, concurrency, on_error)
