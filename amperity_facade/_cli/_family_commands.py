"""The grammar of the commands for the API families beside the control plane: `profiles`,
`realtime` and `streams`. `_parser` builds the rest and hands over its builders, so the
option conventions (connection options, output options, numbers) stay one set.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from . import _people, _stream_send

Output = Callable[..., None]
Number = Callable[[str], int]


def add(root: Any, output: Output, positive_int: Number, count: Number) -> None:
    """Add the families' commands to the top-level command builder `root`."""
    _profiles(root, output)
    _realtime(root, output)
    _streams(root, positive_int, count)


def _profiles(root: Any, output: Output) -> None:
    profiles = root.group("profiles", "Profile API: profile indexes and their profiles")
    indexes = profiles.group("indexes", "list profile indexes or show one")
    indexes.listing(
        "list", "indexes", "list profile indexes", "the server's", listing=_people.INDEXES
    )
    get_index = indexes.command("get", "show one profile index", _people.get_index)
    get_index.add_argument("id", metavar="INDEX")
    output(get_index, listing=False)

    listing = profiles.listing(
        "list", "profiles", "list an index's profiles", "the server's", listing=_people.PROFILES
    )
    listing.add_argument("index", metavar="INDEX")
    listing.add_argument(
        "--filter",
        action="append",
        type=_people.filter_pair,
        metavar="ATTRIBUTE=VALUE",
        help="keep profiles whose attribute equals VALUE (repeatable: all must match)",
    )
    get = profiles.command("get", "show one profile", _people.get_profile)
    get.add_argument("index", metavar="INDEX")
    get.add_argument("id", metavar="ID", help="the profile's primary key")
    output(get, listing=False)


def _realtime(root: Any, output: Output) -> None:
    realtime = root.group("realtime", "Real-Time API: profile lookups, profiles and segments")
    lookup = realtime.command(
        "lookup", "find the profile matching identity keys (exit 1 if none)", _people.lookup
    )
    lookup.add_argument("collection", metavar="COLLECTION")
    lookup.add_argument(
        "--key",
        action="append",
        type=_people.key_pair,
        metavar="NAME=VALUE",
        help=_people.KEYS_HELP,
    )
    lookup.add_argument("--keys-file", metavar="PATH", help=_people.KEYS_FILE_HELP)
    lookup.add_argument("--enrich", action="store_true", help="include enriched attributes")
    output(lookup, listing=False)

    profile = realtime.command("profile", "show one unified profile", _people.realtime_profile)
    profile.add_argument("collection", metavar="COLLECTION")
    profile.add_argument("id", metavar="ID")
    profile.add_argument("--enrich", action="store_true", help="include enriched attributes")
    output(profile, listing=False)

    segments = realtime.listing(
        "segments",
        "realtime-segments",
        "list the real-time segments a profile belongs to",
        "the server's",
        listing=_people.PROFILE_SEGMENTS,
    )
    segments.add_argument("collection", metavar="COLLECTION")
    segments.add_argument("profile", metavar="ID")
    members = realtime.listing(
        "members",
        "realtime-members",
        "list the profiles of a real-time segment",
        "the server's",
        listing=_people.SEGMENT_MEMBERS,
    )
    members.add_argument("segment", metavar="SEGMENT")


# The library's own bound (`streams.send_many` refuses more), checked here so that a usage
# error reads like the others; tests/cli keeps the two equal.
MAX_CONCURRENCY = 256


def _streams(root: Any, positive_int: Number, count: Number) -> None:
    streams = root.group("streams", "Streaming Ingest: send records to a stream")
    send = streams.command(
        "send",
        "send a file of records (JSON Lines or CSV) to a stream; exit 1 if any is rejected",
        _stream_send.send,
    )
    send.add_argument("stream", metavar="STREAM", help="stream id, is-...")
    send.add_argument(
        "--file",
        required=True,
        metavar="PATH",
        help="records: .jsonl (one object a line) or .csv; - for stdin",
    )
    send.add_argument(
        "--input-format",
        choices=_stream_send.INPUT_FORMATS,
        help="default: by the file's extension, else jsonl",
    )

    def concurrency(text: str) -> int:
        value = positive_int(text)
        if value > MAX_CONCURRENCY:
            raise argparse.ArgumentTypeError(f"must be at most {MAX_CONCURRENCY}, got {text}")
        return value

    send.add_argument(
        "--concurrency",
        type=concurrency,
        default=8,
        metavar="N",
        help=f"records in flight, 1 to {MAX_CONCURRENCY} (8)",
    )
    send.add_argument(
        "--rejects", metavar="PATH", help="append what was refused, as JSON Lines (mode 0600)"
    )
    send.add_argument(
        "--skip", type=count, default=0, metavar="N", help="skip the first N records (to resume)"
    )
