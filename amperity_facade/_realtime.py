"""Real-Time API operations (profile lookups, profiles, segments), independent of sync or async.

Identity keys are personal data: a lookup sends them in a POST body, never in a URL (the
vendor's GET form turns every query parameter into a key, so they would land in access
logs), and the call is marked so no exception, log line or message carries them. The
Real-Time API lives under /prof, beside /api; its calls name their family, and the client
sends them there with the Real-Time version and rate limiter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ._families import REALTIME
from ._operations import Call, PageSource, _listing, _parser, check_flag, check_id
from .errors import ConfigurationError

if TYPE_CHECKING:
    from amperity_api.models import Profile, ProfileSegment, SegmentMember


def check_keys(keys: object) -> dict[str, str]:
    """Identity keys: a non-empty mapping of key name to a non-empty string value.

    Messages name the key, never its value: the value is what must not leak.
    """
    if not isinstance(keys, Mapping):
        raise ConfigurationError(
            f"keys must be a mapping of identity key name to value, got {type(keys).__name__}"
        )
    if not keys:
        raise ConfigurationError("keys must name at least one identity key")
    checked = {}
    for name, value in keys.items():
        if not isinstance(name, str) or not name.strip():
            raise ConfigurationError(f"identity key names must be non-empty strings, got {name!r}")
        if not isinstance(value, str) or not value:
            raise ConfigurationError(
                f"identity key {name!r} must have a non-empty string value, "
                f"got {'an empty string' if value == '' else type(value).__name__}"
            )
        checked[name] = value
    return checked


def lookup(collection_id: str, keys: Mapping[str, str], enrich: bool) -> Call[Profile | None]:
    """POST /lookup/{collection}/keychain; a 404 (no profile matches) is None."""
    from amperity_api.api.profiles import post_lookup_keychain
    from amperity_api.models.keychain_lookup import KeychainLookup
    from amperity_api.models.keychain_lookup_keys import KeychainLookupKeys
    from amperity_api.models.profile import Profile

    collection_id = check_id(collection_id, "collection_id")
    checked = check_keys(keys)
    body = KeychainLookup(
        keys=KeychainLookupKeys.from_dict(checked), enrich=check_flag(enrich, "enrich")
    )
    kwargs = post_lookup_keychain.build_request(collection_id, body=body)
    return Call(
        "post-lookup-keychain",
        kwargs,
        _parser(post_lookup_keychain, Profile),
        family=REALTIME,
        private=tuple(checked.values()),
        absent=frozenset({404}),
    )


def get_profile(collection_id: str, profile_id: str, enrich: bool) -> Call[Profile]:
    from amperity_api.api.profiles import get_realtime_profile
    from amperity_api.models.profile import Profile

    kwargs = get_realtime_profile.build_request(
        check_id(collection_id, "collection_id"),
        check_id(profile_id, "profile_id"),
        enrich=check_flag(enrich, "enrich"),
    )
    return Call(
        "get-realtime-profile", kwargs, _parser(get_realtime_profile, Profile), family=REALTIME
    )


def profile_segments(
    collection_id: str, profile_id: str, *, limit: int | None
) -> PageSource[ProfileSegment]:
    from amperity_api.api.segments import list_profile_segments
    from amperity_api.models.profile_segments_envelope import ProfileSegmentsEnvelope

    return _listing(
        "list-profile-segments",
        list_profile_segments,
        ProfileSegmentsEnvelope,
        limit=limit,
        with_total=None,
        family=REALTIME,
        args=(check_id(collection_id, "collection_id"), check_id(profile_id, "profile_id")),
    )


def segment_members(segment_id: str, *, limit: int | None) -> PageSource[SegmentMember]:
    from amperity_api.api.segments import list_segment_profiles
    from amperity_api.models.segment_members_envelope import SegmentMembersEnvelope

    return _listing(
        "list-segment-profiles",
        list_segment_profiles,
        SegmentMembersEnvelope,
        limit=limit,
        with_total=None,
        family=REALTIME,
        args=(check_id(segment_id, "segment_id"),),
    )
