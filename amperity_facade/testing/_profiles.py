"""The Profile API (indexes and their profiles) and the Real-Time API (collections, keychain
lookups, real-time segments), after the checks every request goes through.

The seeded profiles are built on first use, not when the fake is constructed: most tests
never touch these families, and the fake is built in hundreds of them.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

from ._answer import Answer
from ._errors import ApiError
from ._pagination import Query, page_body, parse_bool, parse_page
from ._profile_data import CollectionData, IndexData, ProfileData

# The Profile API's documented default page size; the Real-Time API documents none, and the
# fake uses the same.
PROFILE_PAGE_SIZE = 25
REALTIME_PAGE_SIZE = 25
MAX_FILTERS = 30
FILTER = re.compile(r"filter\[(.*)\]", re.DOTALL)
LOOKUP_FIELDS = frozenset({"keys", "enrich"})
REDACTED = "<redacted>"


class LazyProfiles:
    """The seeded profile data, built once by whichever thread needs it first."""

    def __init__(self, build: Callable[[], ProfileData]) -> None:
        self.build = build
        self.lock = threading.Lock()
        self.data: ProfileData | None = None

    def get(self) -> ProfileData:
        data = self.data
        if data is None:
            with self.lock:
                if self.data is None:
                    self.data = self.build()
                data = self.data
        return data


class ProfileApi:
    def __init__(self, profiles: LazyProfiles, max_page_size: int) -> None:
        self.profiles = profiles
        self.max_page_size = max_page_size

    def answer(self, operation: str, params: tuple[str, ...], query: Query) -> Answer:
        data = self.profiles.get()
        if operation == "list-indexes":
            request = parse_page(query, operation, (), PROFILE_PAGE_SIZE, self.max_page_size)
            return Answer(200, page_body([i.body for i in data.indexes], request))
        index = find_index(data, params[0])
        if operation == "get-index":
            return Answer(200, index.body)
        if operation == "get-profile":
            profile = index.by_id.get(params[1])
            if profile is None:
                raise ApiError(404, f"profile {params[1]!r} not found in index {index.info.id!r}")
            return Answer(200, profile)
        filters = parse_filters(query, index)
        names = sorted(f"filter[{name}]" for name in filters)
        request = parse_page(
            query, f"{operation}:{index.info.id}", names, PROFILE_PAGE_SIZE, self.max_page_size
        )
        # ListProfilesResponse has no total: with_total is accepted, and answers none.
        request = dataclasses.replace(request, with_total=False)
        return Answer(200, page_body(select(index.profiles, filters), request))


def find_index(data: ProfileData, index_id: str) -> IndexData:
    index = data.index_by_id.get(index_id)
    if index is None:
        raise ApiError(404, f"index {index_id!r} not found")
    return index


def parse_filters(query: Query, index: IndexData) -> dict[str, str]:
    """filter[<attribute>]=<value> pairs; attribute names (never values) go in messages."""
    filters: dict[str, str] = {}
    for name, values in query.items():
        if name == "filter":
            raise ApiError(400, "filters are sent as filter[<attribute>]=<value>")
        if not name.startswith("filter["):
            continue
        match = FILTER.fullmatch(name)
        if match is None or not match.group(1):
            raise ApiError(400, f"malformed filter parameter {name!r}; use filter[<attribute>]")
        attribute = match.group(1)
        if len(values) > 1:
            raise ApiError(400, f"filter[{attribute}] given {len(values)} times; give it once")
        filters[attribute] = values[0]
    if len(filters) > MAX_FILTERS:
        raise ApiError(400, f"at most {MAX_FILTERS} filters per request, got {len(filters)}")
    unknown = sorted(a for a in filters if a not in index.info.attributes)
    if unknown:
        known = ", ".join(index.info.attributes)
        raise ApiError(
            400,
            f"index {index.info.id!r} has no attribute {', '.join(map(repr, unknown))}; "
            f"filterable: {known}",
        )
    return filters


def as_text(value: Any) -> str | None:
    """A value as a filter compares it: the text a query string would carry."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def select(profiles: list[Any], filters: dict[str, str]) -> list[Any]:
    if not filters:
        return profiles
    wanted = list(filters.items())
    return [p for p in profiles if all(as_text(p["attributes"].get(a)) == v for a, v in wanted)]


class RealtimeApi:
    def __init__(self, profiles: LazyProfiles, max_page_size: int) -> None:
        self.profiles = profiles
        self.max_page_size = max_page_size

    def answer(self, operation: str, params: tuple[str, ...], query: Query, body: bytes) -> Answer:
        data = self.profiles.get()
        if operation == "list-segment-profiles":
            members = data.members.get(params[0])
            if members is None:
                raise ApiError(404, f"segment {params[0]!r} not found")
            return Answer(200, self.page(members, query, f"{operation}:{params[0]}"))
        collection = find_collection(data, params[0])
        if operation == "post-lookup-keychain":
            return lookup(collection, body)
        profile_id = params[1]
        if profile_id not in collection.plain:
            raise ApiError(
                404, f"profile {profile_id!r} not found in collection {collection.info.id!r}"
            )
        if operation == "get-realtime-profile":
            book = collection.enriched if parse_bool(query, "enrich") else collection.plain
            return Answer(200, book[profile_id])
        segments = collection.segments_of.get(profile_id, [])
        scope = f"{operation}:{collection.info.id}:{profile_id}"
        return Answer(200, self.page(segments, query, scope))

    def page(self, items: Sequence[Any], query: Query, scope: str) -> dict[str, Any]:
        """The Real-Time envelope always carries the total: no parameter asks for it."""
        request = parse_page(query, scope, (), REALTIME_PAGE_SIZE, self.max_page_size)
        return page_body(items, dataclasses.replace(request, with_total=True))


def find_collection(data: ProfileData, collection_id: str) -> CollectionData:
    collection = data.collection_by_id.get(collection_id)
    if collection is None:
        raise ApiError(404, f"collection {collection_id!r} not found")
    return collection


def lookup_request(body: bytes) -> tuple[dict[str, str], bool]:
    """The keys and enrich flag of a lookup body. Messages name keys, never their values."""
    if not body:
        raise ApiError(400, "request body is required")
    try:
        parsed = json.loads(body)
    except ValueError:
        raise ApiError(400, "request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise ApiError(400, "request body must be a JSON object with keys")
    unknown = sorted(set(parsed) - LOOKUP_FIELDS)
    if unknown:
        raise ApiError(400, f"unknown field(s) {', '.join(map(repr, unknown))}; expected keys")
    keys = parsed.get("keys")
    if keys is None:
        raise ApiError(400, "keys is required")
    if not isinstance(keys, dict):
        raise ApiError(400, "keys must be an object of key names to string values")
    if not keys:
        raise ApiError(400, "keys must name at least one identity key")
    for name, value in keys.items():
        if not name:
            raise ApiError(400, "key names must not be empty")
        if not isinstance(value, str):
            raise ApiError(400, f"the value of key {name!r} must be a string")
        if not value:
            raise ApiError(400, f"the value of key {name!r} must not be empty")
    enrich = parsed.get("enrich", False)
    if not isinstance(enrich, bool):
        raise ApiError(400, "enrich must be true or false")
    return keys, enrich


def lookup(collection: CollectionData, body: bytes) -> Answer:
    """Configured keys in their priority order first, then any other key given, in order."""
    keys, enrich = lookup_request(body)
    priority = collection.info.key_priority
    order = [k for k in priority if k in keys] + [k for k in keys if k not in priority]
    for key in order:
        profile_id = collection.by_key.get(key, {}).get(keys[key])
        if profile_id is not None:
            book = collection.enriched if enrich else collection.plain
            location = f"/prof/profiles/{collection.info.id}/{profile_id}"
            return Answer(200, book[profile_id], {"Location": location})
    raise ApiError(404, "no profile matches the keys given")


def redact_lookup(body: bytes) -> bytes:
    """The lookup body as the request log keeps it: key names, never their values.

    A body that is not a JSON object is kept as a marker only, since it may hold anything."""
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        return REDACTED.encode() if body else b""
    kept: dict[str, Any] = {}
    for name, value in parsed.items():
        if name == "keys" and isinstance(value, dict):
            kept[name] = dict.fromkeys(value, REDACTED)
        elif name == "enrich" and isinstance(value, bool):
            kept[name] = value
        else:
            kept[name] = REDACTED
    return json.dumps(kept, separators=(",", ":")).encode()
