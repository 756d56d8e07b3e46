"""The operation names the fake serves, as a Literal for editors and a set for checks.

Both come from one definition, so the runtime check can never drift from what a type
checker or an IDE offers.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Literal, get_args

from ._errors import FakeUsageError

ListingName = Literal[
    "list-campaign",
    "list-campaign-draft",
    "list-events",
    "list-ingest-jobs",
    "list-segment",
    "list-workflows",
    # Profile API
    "list-indexes",
    "list-profiles",
    # Real-Time API
    "list-profile-segments",
    "list-segment-profiles",
]
OperationName = Literal[
    ListingName,
    "create-token",
    "get-ingest-job",
    "get-workflow",
    "run-workflow",
    "stop-workflow",
    # Profile API
    "get-index",
    "get-profile",
    # Real-Time API
    "post-lookup-keychain",
    "get-realtime-profile",
    "post-event",
    # Streaming Ingest
    "post-stream-data",
]
LISTINGS: frozenset[str] = frozenset(get_args(ListingName))
OPERATIONS: frozenset[str] = frozenset(get_args(OperationName))
# API families, as openapi.yaml's x-amperity-api-family names them.
CONTROL_PLANE = "control-plane"
PROFILE = "profile"
REALTIME = "realtime"
STREAMING = "streaming"
FAMILIES = (CONTROL_PLANE, PROFILE, REALTIME, STREAMING)


def one_of(what: str, value: object, valid: frozenset[str]) -> str:
    """The message for a name outside `valid`, with a guess when it looks like a typo."""
    choices = ", ".join(sorted(valid))
    guess = get_close_matches(value, valid, n=1) if isinstance(value, str) else []
    hint = f" (did you mean {guess[0]!r}?)" if guess else ""
    return f"unknown {what} {value!r}{hint}; expected one of: {choices}"


def check_operation(value: object) -> None:
    """None means every operation; anything else must be a name the fake answers."""
    if value is not None and (not isinstance(value, str) or value not in OPERATIONS):
        raise FakeUsageError(one_of("operation", value, OPERATIONS))
