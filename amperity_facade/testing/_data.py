"""Seeded, PII-free sample data in the shapes the live API returns.

Every collection draws from its own Random seeded with (seed, collection name), so asking for
more segments never reshuffles audit events, and two fakes with the same seed serve the same
bytes. People are "Analyst 12" at example.com, addresses come from 192.0.2.0/24 (reserved for
documentation), and everything is anchored at a fixed instant rather than the wall clock.
Items are built once as ready-to-serialise dicts so list requests only slice and encode.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from typing import Any

from ._times import MS_PER_DAY, day_stamp, iso_ms

Item = dict[str, Any]
ALNUM = string.digits + string.ascii_uppercase + string.ascii_lowercase
TEMPLATE_IDS = ("ptg-2QLLqXBEq", "ptg-3KfR8wTzA", "ptg-5MnB2vCxQ", "ptg-7HsD4jLpE")
WINDOW_MS = 30 * MS_PER_DAY

SEGMENT_NAMES = (
    "Returning Customers",
    "High Value Buyers",
    "Lapsed Shoppers",
    "New Subscribers",
    "Frequent Visitors",
    "Churn Risk",
    "Email Engaged",
    "Store Loyalists",
    "Recent Browsers",
    "Gift Buyers",
)
CAMPAIGN_THEMES = (
    "Holiday",
    "Spring Sale",
    "Win-Back",
    "Loyalty Rewards",
    "Welcome Series",
    "Back to School",
    "Cart Reminder",
    "VIP Preview",
)
TABLES = (
    "Customers",
    "Orders",
    "Order Items",
    "Products",
    "Loyalty Members",
    "Email Events",
    "Store Locations",
)
EVENT_TYPES = (
    (":amperity.segment/created", "seg-"),
    (":amperity.segment/updated", "seg-"),
    (":amperity.segment/deleted", "seg-"),
    (":amperity.campaign/created", "cc-"),
    (":amperity.campaign/sent", "cc-"),
    (":amperity.query/ran", "qry-"),
    (":amperity.alert.audience/created", "seg-"),
    (":amperity.user/logged-in", "usr-"),
)
USER_AGENTS = ("Mac OS X 10.15", "Windows 10", "Linux x86_64", "Chrome OS 15", "iPadOS 17")
ROLES = ("Analyst", "Marketer", "Engineer", "Operator")
WORKFLOW_TYPES = (
    ("courier.group/run", "Daily Courier Group", 30),
    ("orchestration.group/run", "Nightly Orchestration", 25),
    ("campaign.send", "Campaign Send", 20),
    ("stitch/run", "Stitch Run", 15),
    ("database/run", "Customer 360 Database", 10),
)
SEEDED_FAILURE = {
    "type": "amperity.workflow.task.stitch/table",
    "message": "Found table in an invalid state.",
    "attribution": "customer",
}


def token(rng: random.Random, k: int) -> str:
    return "".join(rng.choices(ALNUM, k=k))


def unique_tokens(rng: random.Random, count: int, k: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        candidate = "".join(rng.choices(ALNUM, k=k))
        if candidate not in seen:
            seen.add(candidate)
            out.append(candidate)
    return out


def dated_id(rng: random.Random, prefix: str, ms: int, tail: int = 6) -> str:
    """Amperity's dated id shape, e.g. isj-20261101-12345-AbCdEf."""
    return f"{prefix}-{day_stamp(ms)}-{rng.randint(10000, 99999)}-{token(rng, tail)}"


def spread(rng: random.Random, count: int, anchor_ms: int) -> list[int]:
    return sorted(anchor_ms - WINDOW_MS + rng.randrange(WINDOW_MS) for _ in range(count))


@dataclass(frozen=True)
class Person:
    principal_id: str
    principal_name: str
    principal_email: str
    origin_ip: str
    user_agent: str
    sessions: tuple[str, ...]

    def principal(self) -> dict[str, str]:
        return {
            "principal_id": self.principal_id,
            "principal_name": self.principal_name,
            "principal_email": self.principal_email,
        }


def people(seed: int) -> list[Person]:
    rng = random.Random(f"{seed}:people")
    out = []
    for n in range(1, 16):
        role = ROLES[n % len(ROLES)]
        email = f"{role.lower()}{n}@example.com"
        out.append(
            Person(
                principal_id=f"google-apps|{email}",
                principal_name=f"{role} {n}",
                principal_email=email,
                origin_ip=f"192.0.2.{rng.randint(1, 254)}",
                user_agent=rng.choice(USER_AGENTS),
                sessions=tuple(token(rng, 32) for _ in range(3)),
            )
        )
    return out


@dataclass
class WorkflowSeed:
    """A workflow as generated; its state machine lives in _workflows."""

    base: Item
    state: str
    created_ms: int
    ended_ms: int | None
    outcome: str
    error: Item | None


@dataclass
class Dataset:
    segments: list[Item] = field(default_factory=list)
    campaigns: list[Item] = field(default_factory=list)
    campaign_templates: list[str] = field(default_factory=list)
    campaign_drafts: list[Item] = field(default_factory=list)
    draft_templates: list[str] = field(default_factory=list)
    audit_events: list[Item] = field(default_factory=list)
    audit_times: list[int] = field(default_factory=list)
    ingest_jobs: list[Item] = field(default_factory=list)
    ingest_times: list[int] = field(default_factory=list)
    workflows: list[WorkflowSeed] = field(default_factory=list)


def make_segments(seed: int, count: int) -> list[Item]:
    """One draw per item in turn, so a bigger fake starts with the same segments."""
    rng = random.Random(f"{seed}:segments")
    rand, choices, names = rng.random, rng.choices, SEGMENT_NAMES
    seen: set[str] = set()
    out: list[Item] = []
    while len(out) < count:
        ident = "seg-" + "".join(choices(ALNUM, k=9))
        roll = rand()
        if ident in seen:
            continue
        seen.add(ident)
        n = len(out) + 1
        status = "active" if roll < 0.7 else "inactive" if roll < 0.9 else "archived"
        out.append({"id": ident, "name": f"{names[n % 10]} {n}", "status": status})
    return out


def make_campaigns(
    seed: int, count: int, anchor_ms: int, kind: str
) -> tuple[list[Item], list[str]]:
    rng = random.Random(f"{seed}:{kind}")
    suffix = " Draft" if kind == "drafts" else ""
    items: list[Item] = []
    templates: list[str] = []
    for n, ident in enumerate(unique_tokens(rng, count, 9), start=1):
        item: Item = {"id": "cc-" + ident, "name": f"{rng.choice(CAMPAIGN_THEMES)}{suffix} {n}"}
        if rng.random() < 0.9:
            minutes = rng.randrange(-60 * 24 * 60, 60 * 24 * 60)
            item["deliver_at"] = iso_ms(anchor_ms + minutes * 60_000)
        items.append(item)
        templates.append(rng.choice(TEMPLATE_IDS))
    return items, templates


def make_audit_events(
    seed: int, count: int, anchor_ms: int, tenant: str, crew: list[Person]
) -> tuple[list[Item], list[int]]:
    rng = random.Random(f"{seed}:audit")
    objects = {
        prefix: [(prefix + token(rng, 9), f"{rng.choice(names)} {n}") for n in range(1, 13)]
        for prefix, names in (
            ("seg-", SEGMENT_NAMES),
            ("cc-", CAMPAIGN_THEMES),
            ("qry-", ("Weekly Revenue", "Top Products", "Churn Model Inputs")),
        )
    }
    family = tenant.removesuffix("-sb")
    times = spread(rng, count, anchor_ms)
    events = []
    for ms in times:
        person = rng.choice(crew)
        event_type, prefix = rng.choice(EVENT_TYPES)
        if prefix == "usr-":
            object_id, object_name = "usr-" + person.sessions[0][:9], person.principal_name
        else:
            object_id, object_name = rng.choice(objects[prefix])
        events.append(
            {
                "event_id": "ae-" + token(rng, 10),
                "event_type": event_type,
                "tenant": tenant,
                "tenant_family": family,
                "happened_at": iso_ms(ms),
                **person.principal(),
                "object_id": object_id,
                "object_name": object_name,
                "origin_ip": person.origin_ip,
                "user_agent": person.user_agent,
                "session_id": rng.choice(person.sessions),
            }
        )
    return events, times


def make_ingest_jobs(seed: int, count: int, anchor_ms: int) -> tuple[list[Item], list[int]]:
    rng = random.Random(f"{seed}:ingest")
    times = spread(rng, count, anchor_ms)
    jobs = []
    for ms in times:
        job_id = dated_id(rng, "isj", ms)
        tables = []
        started = ms + rng.randint(1_000, 60_000)
        for table_name in rng.sample(TABLES, rng.randint(1, 3)):
            batch = dated_id(rng, "cb", started, tail=5)
            files: list[Item] = []
            for part in range(rng.randint(1, 3)):
                read = rng.randint(100, 50_000)
                errors = rng.randint(0, read // 50)
                files.append(
                    {
                        "file_id": f"{batch}/part{part}.avro",
                        "name": f"part{part}.avro",
                        "read": read,
                        "errors": errors,
                    }
                )
            read = sum(f["read"] for f in files)
            errors = sum(f["errors"] for f in files)
            rejected = rng.randint(0, errors)
            inserted = rng.randint(0, read - rejected)
            ended = started + rng.randint(3_000, 300_000)
            tables.append(
                {
                    "feed_id": "df-" + token(rng, 8),
                    "job_id": job_id,
                    "table_name": table_name,
                    "state": "succeeded" if rng.random() < 0.92 else "failed",
                    "read": read,
                    "errors": errors,
                    "rejected": rejected,
                    "inserted": inserted,
                    "updated": read - rejected - inserted,
                    "started_at": iso_ms(started),
                    "ended_at": iso_ms(ended),
                    "files": files,
                }
            )
            started = ended + rng.randint(0, 5_000)
        jobs.append({"id": job_id, "workflow_id": dated_id(rng, "wf", ms), "tables": tables})
    return jobs, times


def make_workflows(
    seed: int, count: int, anchor_ms: int, tenant: str, crew: list[Person]
) -> list[WorkflowSeed]:
    """States are dealt from a shuffled deck so even a small fake has every kind of run;
    the running ones are the most recent, as they would be in a real tenant."""
    rng = random.Random(f"{seed}:workflows")
    kinds = [k for k, _, _ in WORKFLOW_TYPES]
    weights = [w for _, _, w in WORKFLOW_TYPES]
    names = {k: name for k, name, _ in WORKFLOW_TYPES}
    running = max(1, count // 20) if count >= 4 else 0
    done = count - running
    failed, canceled = max(1, done * 12 // 100), max(1, done * 8 // 100)
    deck = ["failed"] * failed + ["canceled"] * canceled
    deck += ["succeeded"] * (done - len(deck))
    rng.shuffle(deck)
    recent = 6 * 3_600_000
    times = sorted(anchor_ms - recent - rng.randrange(WINDOW_MS - recent) for _ in range(done))
    times += sorted(anchor_ms - 1_000 - rng.randrange(recent - 1_000) for _ in range(running))
    out = []
    for ms, state in zip(times, deck[:done] + ["running"] * running, strict=True):
        kind = rng.choices(kinds, weights)[0]
        version = dated_id(rng, "etv", ms - rng.randrange(90 * MS_PER_DAY))
        base: Item = {
            "id": dated_id(rng, "wf", ms),
            "type": kind,
            "name": f"{names[kind]} {rng.randint(1, 12)}",
            "tenant": tenant,
            "created_at": iso_ms(ms),
            **rng.choice(crew).principal(),
            "launched_version": version,
            "current_version": version,
            "warn_after_ms": 86_400_000,
        }
        if state == "running":
            outcome = "failed" if rng.random() < 0.15 else "succeeded"
            out.append(WorkflowSeed(base, state, ms, None, outcome, None))
            continue
        ended = ms + rng.randint(60_000, min(3 * 3_600_000, anchor_ms - ms - 1_000))
        error = dict(SEEDED_FAILURE) if state == "failed" else None
        out.append(WorkflowSeed(base, state, ms, ended, state, error))
    return out


def build(
    *,
    seed: int,
    tenant: str,
    anchor_ms: int,
    segments: int,
    campaigns: int,
    campaign_drafts: int,
    audit_events: int,
    ingest_jobs: int,
    workflows: int,
) -> Dataset:
    crew = people(seed)
    data = Dataset(segments=make_segments(seed, segments))
    data.campaigns, data.campaign_templates = make_campaigns(seed, campaigns, anchor_ms, "camp")
    data.campaign_drafts, data.draft_templates = make_campaigns(
        seed, campaign_drafts, anchor_ms, "drafts"
    )
    data.audit_events, data.audit_times = make_audit_events(
        seed, audit_events, anchor_ms, tenant, crew
    )
    data.ingest_jobs, data.ingest_times = make_ingest_jobs(seed, ingest_jobs, anchor_ms)
    data.workflows = make_workflows(seed, workflows, anchor_ms, tenant, crew)
    return data
