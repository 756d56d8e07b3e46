"""Seeded, PII-free profiles for the Profile API and the Real-Time API.

As in _data, every collection draws from its own Random seeded with (seed, name), so two fakes
with the same seed serve the same bytes and a bigger index starts with the same profiles.
People are "customer-0042@example.com", cities come from a fixed list of invented names, and
some values carry `&`, `=`, `[`, spaces and non-ASCII letters on purpose, so that a client
which encodes filter values wrongly gets a wrong answer instead of a lucky one.
Bodies are built once, ready to serialise; requests only look up, filter and slice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from ._data import ALNUM, Item, unique_tokens
from ._times import MS_PER_DAY, iso_ms

TIERS = ("gold", "silver", "bronze")
CATEGORIES = ("Books", "Outdoor", "Home & Garden", "Toys [Kids]", "Beauty", "Electronics")
CITIES = (
    "Rivermoor",
    "Ashford Vale",
    "Port Calder",
    "Lakehaven",
    "Brightwater",
    "Côte-Lumière",
    "Nordvik Øst",
)
PROMO_CODES = ("NONE", "SAVE=10", "WELCOME=5", "VIP [early]")
CHURN_RISKS = ("low", "medium", "high")
# (name, description, attributes): indexes beyond these repeat them with a number.
INDEX_KINDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Customer 360",
        "Unified customer profiles with purchase summary.",
        (
            "customer_id",
            "email",
            "loyalty_tier",
            "favorite_category",
            "city",
            "lifetime_value",
            "promo_code",
        ),
    ),
    (
        "Loyalty Members",
        "Members of the loyalty programme.",
        ("customer_id", "email", "loyalty_tier", "loyalty_points", "city"),
    ),
    (
        "Web Visitors",
        "Known visitors of the web store.",
        ("visitor_id", "favorite_category", "city", "pages_viewed", "last_visit_at"),
    ),
)
# The identity keys a lookup searches first, in this order; collections alternate.
KEY_PRIORITIES: tuple[tuple[str, ...], ...] = (
    ("customer_id", "email", "loyalty_id"),
    ("email", "customer_id", "loyalty_id"),
)
COLLECTION_NAMES = ("Retail Customers", "Online Shoppers", "Store Members", "App Users")
REALTIME_SEGMENT_NAMES = (
    "Cart Abandoners",
    "High Intent Browsers",
    "Recent Purchasers",
    "Gold Members",
    "Win-Back Targets",
    "Newsletter Readers",
)
YEAR_MS = 365 * MS_PER_DAY


@dataclass(frozen=True)
class SeededIndex:
    """A Profile API index as seeded: `attributes` are its attribute names (each one
    filterable with filter[<name>]=<value>), `profile_ids` in the order list-profiles
    serves them."""

    id: str
    name: str
    attributes: tuple[str, ...]
    profile_ids: tuple[str, ...]


@dataclass(frozen=True)
class SeededSegment:
    """A Real-Time API segment: its members' ids in the order list-segment-profiles serves
    them."""

    id: str
    name: str
    collection_id: str
    profile_ids: tuple[str, ...]


@dataclass(frozen=True)
class SeededCollection:
    """A Real-Time API profile collection: `key_priority` is the order in which a keychain
    lookup searches the configured identity keys (any other key given is searched after
    them); `identity_keys` every attribute a lookup can match, `enriched_attributes` what
    enrich adds; `profile_ids` in seeding order; `segments` the real-time segments over it."""

    id: str
    name: str
    key_priority: tuple[str, ...]
    identity_keys: tuple[str, ...]
    enriched_attributes: tuple[str, ...]
    profile_ids: tuple[str, ...]
    segments: tuple[SeededSegment, ...]


@dataclass
class IndexData:
    info: SeededIndex
    body: Item
    profiles: list[Item]
    by_id: dict[str, Item]


@dataclass
class CollectionData:
    info: SeededCollection
    plain: dict[str, Item]
    enriched: dict[str, Item]
    # identity key -> value -> profile id (the first seeded profile with that value)
    by_key: dict[str, dict[str, str]]
    segments_of: dict[str, list[Item]]


@dataclass
class ProfileData:
    indexes: list[IndexData] = field(default_factory=list)
    index_by_id: dict[str, IndexData] = field(default_factory=dict)
    collections: list[CollectionData] = field(default_factory=list)
    collection_by_id: dict[str, CollectionData] = field(default_factory=dict)
    members: dict[str, list[Item]] = field(default_factory=dict)


def uuid_like(rng: random.Random) -> str:
    raw = f"{rng.getrandbits(128):032x}"
    return f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-a{raw[17:20]}-{raw[20:]}"


def profile_attributes(rng: random.Random, n: int, names: tuple[str, ...], anchor_ms: int) -> Item:
    values: Item = {}
    for name in names:
        if name == "customer_id":
            values[name] = f"CUST-{n:04d}"
        elif name == "email":
            values[name] = f"customer-{n:04d}@example.com"
        elif name == "visitor_id":
            values[name] = f"visitor-{n:04d}"
        elif name == "loyalty_tier":
            values[name] = TIERS[rng.randrange(3)]
        elif name == "favorite_category":
            values[name] = CATEGORIES[rng.randrange(len(CATEGORIES))]
        elif name == "city":
            values[name] = CITIES[rng.randrange(len(CITIES))]
        elif name == "lifetime_value":
            values[name] = rng.randrange(0, 500_000) / 100
        elif name == "promo_code":
            values[name] = PROMO_CODES[rng.randrange(len(PROMO_CODES))]
        elif name in ("loyalty_points", "pages_viewed"):
            values[name] = rng.randrange(0, 5_000)
        elif name == "last_visit_at":
            values[name] = iso_ms(anchor_ms - rng.randrange(90 * MS_PER_DAY))
    return values


def make_indexes(seed: int, count: int, per_index: int, anchor_ms: int) -> list[IndexData]:
    rng = random.Random(f"{seed}:profile-indexes")
    out = []
    for i, ident in enumerate(unique_tokens(rng, count, 9)):
        name, description, attributes = INDEX_KINDS[i % len(INDEX_KINDS)]
        if i >= len(INDEX_KINDS):
            name = f"{name} {i // len(INDEX_KINDS) + 1}"
        created = anchor_ms - YEAR_MS + rng.randrange(180 * MS_PER_DAY)
        index_id = "idx-" + ident
        body = {
            "id": index_id,
            "name": name,
            "description": description,
            "created_at": iso_ms(created),
            "updated_at": iso_ms(created + rng.randrange(anchor_ms - created)),
        }
        prng = random.Random(f"{seed}:profiles:{index_id}")
        profiles: list[Item] = [
            {
                "id": uuid_like(prng),
                "index_id": index_id,
                "attributes": profile_attributes(prng, n, attributes, anchor_ms),
            }
            for n in range(1, per_index + 1)
        ]
        info = SeededIndex(index_id, name, attributes, tuple(p["id"] for p in profiles))
        out.append(IndexData(info, body, profiles, {p["id"]: p for p in profiles}))
    return out


def realtime_profile(
    rng: random.Random, collection_id: str, n: int, anchor_ms: int
) -> tuple[Item, Item]:
    """The profile as served, and the same with its enriched attributes."""
    profile_id = uuid_like(rng)
    attributes: Item = {
        "customer_id": f"CUST-{n:04d}",
        "email": f"customer-{n:04d}@example.com",
        "device_id": "dev-" + "".join(rng.choices(ALNUM, k=12)),
    }
    if rng.random() < 0.6:
        attributes["loyalty_id"] = f"LOY-{n:04d}"
    attributes.update(
        loyalty_tier=TIERS[rng.randrange(3)],
        city=CITIES[rng.randrange(len(CITIES))],
        favorite_category=CATEGORIES[rng.randrange(len(CATEGORIES))],
    )
    created = anchor_ms - YEAR_MS + rng.randrange(300 * MS_PER_DAY)
    updated = created + rng.randrange(anchor_ms - created)
    link = f"/prof/profiles/{collection_id}/{profile_id}"
    plain: Item = {
        "collection_id": collection_id,
        "profile_id": profile_id,
        "attributes": attributes,
        "links": {"self": link, "segments": link + "/segments"},
        "created_at": iso_ms(created),
        "updated_at": iso_ms(updated),
        "ticked_at": iso_ms(updated + rng.randrange(anchor_ms - updated + 1)),
    }
    extra = {
        "predicted_clv": rng.randrange(0, 1_000_000) / 100,
        "churn_risk": CHURN_RISKS[rng.randrange(3)],
        "next_best_category": CATEGORIES[rng.randrange(len(CATEGORIES))],
    }
    return plain, {**plain, "attributes": {**attributes, **extra}}


ENRICHED = ("predicted_clv", "churn_risk", "next_best_category")
IDENTITY_KEYS = ("customer_id", "email", "loyalty_id", "device_id")


def make_collections(
    seed: int, count: int, per_collection: int, segments: int, anchor_ms: int
) -> tuple[list[CollectionData], dict[str, list[Item]]]:
    rng = random.Random(f"{seed}:collections")
    ids = ["apc-" + t for t in unique_tokens(rng, count, 9)]
    segment_ids = ["rts-" + t for t in unique_tokens(rng, segments, 9)]
    built: list[tuple[dict[str, Item], dict[str, Item]]] = []
    for collection_id in ids:
        prng = random.Random(f"{seed}:realtime-profiles:{collection_id}")
        pairs = [
            realtime_profile(prng, collection_id, n, anchor_ms)
            for n in range(1, per_collection + 1)
        ]
        built.append(
            ({p["profile_id"]: p for p, _ in pairs}, {e["profile_id"]: e for _, e in pairs})
        )
    members: dict[str, list[Item]] = {}
    seeded: list[list[SeededSegment]] = [[] for _ in ids]
    segments_of: list[dict[str, list[Item]]] = [{} for _ in ids]
    for s, segment_id in enumerate(segment_ids):
        c = s % count
        srng = random.Random(f"{seed}:realtime-segment:{segment_id}")
        share = 0.1 + 0.5 * srng.random()
        chosen = [pid for pid in built[c][0] if srng.random() < share]
        name = f"{REALTIME_SEGMENT_NAMES[s % len(REALTIME_SEGMENT_NAMES)]} {s + 1}"
        members[segment_id] = [{"profile_id": pid} for pid in chosen]
        seeded[c].append(SeededSegment(segment_id, name, ids[c], tuple(chosen)))
        entry = {"segment_id": segment_id, "segment_name": name}
        for pid in chosen:
            segments_of[c].setdefault(pid, []).append(entry)
    out = []
    for c, collection_id in enumerate(ids):
        plain, enriched = built[c]
        by_key: dict[str, dict[str, str]] = {}
        for pid, profile in plain.items():
            attributes = profile["attributes"]
            for key in IDENTITY_KEYS:
                if key in attributes:
                    by_key.setdefault(key, {}).setdefault(attributes[key], pid)
        info = SeededCollection(
            id=collection_id,
            name=COLLECTION_NAMES[c % len(COLLECTION_NAMES)],
            key_priority=KEY_PRIORITIES[c % len(KEY_PRIORITIES)],
            identity_keys=IDENTITY_KEYS,
            enriched_attributes=ENRICHED,
            profile_ids=tuple(plain),
            segments=tuple(seeded[c]),
        )
        out.append(CollectionData(info, plain, enriched, by_key, segments_of[c]))
    return out, members


def build(
    *,
    seed: int,
    anchor_ms: int,
    indexes: int,
    profiles_per_index: int,
    collections: int,
    profiles_per_collection: int,
    realtime_segments: int,
) -> ProfileData:
    data = ProfileData(indexes=make_indexes(seed, indexes, profiles_per_index, anchor_ms))
    data.index_by_id = {index.info.id: index for index in data.indexes}
    data.collections, data.members = make_collections(
        seed, collections, profiles_per_collection, realtime_segments, anchor_ms
    )
    data.collection_by_id = {c.info.id: c for c in data.collections}
    return data


def copy_item(item: Any) -> Any:
    """A deep copy of a JSON-shaped value, so a test cannot alter what the fake serves."""
    if isinstance(item, dict):
        return {k: copy_item(v) for k, v in item.items()}
    if isinstance(item, list):
        return [copy_item(v) for v in item]
    return item
