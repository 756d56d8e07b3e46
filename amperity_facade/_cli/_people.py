"""`amperity profiles ...` and `amperity realtime ...`: the Profile and Real-Time APIs.

Identity keys for a lookup are personal data. `--key NAME=VALUE` works, but a command line
lands in shell history and process listings, so `--keys-file` (or `-` for stdin) is the way
the help recommends; key values join the run's scrub list, so no error line can print one.
"""

from __future__ import annotations

import argparse
import json
from argparse import Namespace
from typing import Any

from ..types import Index, ProfileResponse, ProfileSegment, SegmentMember
from ._commands import SECRETS, Listing, open_client, page_args, read_text, show
from ._output import CliError, fields

KEYS_HELP = (
    "identity key as NAME=VALUE (repeatable). A command line is kept in shell history and "
    "process listings: prefer --keys-file"
)
KEYS_FILE_HELP = "read identity keys from PATH ('-' for stdin): a JSON object, or NAME=VALUE lines"


def _index_list(client: Any, args: Namespace) -> Any:
    return client.profiles.indexes.list(**page_args(args))


def _profile_list(client: Any, args: Namespace) -> Any:
    filters = dict(args.filter or [])
    return client.profiles.list(args.index, filters=filters, **page_args(args))


def _segment_list(client: Any, args: Namespace) -> Any:
    return client.realtime.profile_segments(args.collection, args.profile, **page_args(args))


def _member_list(client: Any, args: Namespace) -> Any:
    return client.realtime.segment_members(args.segment, **page_args(args))


# Page sizes: neither API documents a maximum, so exports take the server's default rather
# than guess one it could refuse.
INDEXES = Listing("indexes", Index, fields("id", "name", "updated_at"), _index_list, None)
PROFILES = Listing("profiles", ProfileResponse, fields("id", "index_id"), _profile_list, None)
PROFILE_SEGMENTS = Listing(
    "segments", ProfileSegment, fields("segment_id", "segment_name"), _segment_list, None
)
SEGMENT_MEMBERS = Listing("profiles", SegmentMember, fields("profile_id"), _member_list, None)


def filter_pair(text: str) -> tuple[str, str]:
    """`--filter NAME=VALUE`: the attribute name is checked by the library."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"must be ATTRIBUTE=VALUE, got {text!r}")
    return name, value


def _split_key(text: str) -> tuple[str, str] | None:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value:
        return None
    SECRETS.add(value)
    return name.strip(), value


def key_pair(text: str) -> tuple[str, str]:
    """`--key NAME=VALUE`; a malformed one is reported without its text (argparse would
    otherwise echo it, and it may be an identity key)."""
    pair = _split_key(text)
    if pair is None:
        raise argparse.ArgumentTypeError("must be NAME=VALUE with both parts (not shown)")
    return pair


def _read_keys(path: str) -> dict[str, str]:
    text = read_text(path, "keys file")
    if text.lstrip().startswith("{"):
        try:
            loaded = json.loads(text)
        except ValueError:
            raise CliError(f"keys file {path} is not a JSON object", 2) from None
        if not isinstance(loaded, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
        ):
            raise CliError(f"keys file {path}: JSON keys must map names to strings", 2)
        keys: dict[str, str] = loaded
    else:
        keys = {}
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                pair = _split_key(line.strip())
                if pair is None:
                    raise CliError(
                        f"keys file {path}, line {number}: not NAME=VALUE (the line is not shown)",
                        2,
                    )
                keys[pair[0]] = pair[1]
    SECRETS.update(v for v in keys.values() if v)
    return keys


def lookup(args: Namespace) -> int:
    keys = dict(args.key or [])
    if args.keys_file:
        keys.update(_read_keys(args.keys_file))
    if not keys:
        raise CliError("no identity keys: give --keys-file PATH (or -), or --key NAME=VALUE", 2)
    with open_client(args) as client:
        profile = client.realtime.lookup(args.collection, keys=keys, enrich=args.enrich)
    if profile is None:
        raise CliError(f"no profile in {args.collection} matches the keys given", 1)
    show(args, profile, {})
    return 0


def get_profile(args: Namespace) -> int:
    with open_client(args) as client:
        profile = client.profiles.get(args.index, args.id)
    show(args, profile, {})
    return 0


def get_index(args: Namespace) -> int:
    with open_client(args) as client:
        index = client.profiles.indexes.get(args.id)
    show(args, index, {})
    return 0


def realtime_profile(args: Namespace) -> int:
    with open_client(args) as client:
        profile = client.realtime.get_profile(args.collection, args.id, enrich=args.enrich)
    show(args, profile, {})
    return 0
