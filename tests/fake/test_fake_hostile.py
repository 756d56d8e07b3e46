"""Hostile answers a client must survive: deep JSON, lying encodings, bombs, wrong types."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openapi_schema_validator as oas
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from amperity_facade.testing import FakeAmperity, Fault, OperationName

SPEC = yaml.safe_load((Path(__file__).parents[2] / "openapi.yaml").read_text(encoding="utf-8"))
BASE = "urn:amperity-openapi"
REGISTRY: Registry[Any] = Registry().with_resource(
    BASE, Resource.from_contents(SPEC, default_specification=DRAFT4)
)
MiB = 2**20
INGEST_WINDOW = {"created_from": "2026-10-20", "created_to": "2026-10-27"}
LISTINGS: dict[OperationName, tuple[str, dict[str, str], str]] = {
    "list-events": ("/audit-events", {}, "AuditEvent"),
    "list-campaign": ("/campaigns", {}, "Campaign"),
    "list-campaign-draft": ("/campaign-drafts", {}, "CampaignDraft"),
    "list-segment": ("/segments", {}, "Segment"),
    "list-ingest-jobs": ("/ingest/jobs", INGEST_WINDOW, "IngestJobDetails"),
    "list-workflows": ("/workflow/runs", {}, "Workflow"),
}


@pytest.fixture
def unstable(fake: FakeAmperity, make_client: Callable[..., httpx.Client]) -> httpx.Client:
    """campaign-drafts exists only in the unstable version; every listing answers there."""
    return make_client(fake, version="unstable")


def inflate(body: bytes) -> tuple[int, bool]:
    """Inflated length of a gzip body, read in slices so a bomb never sits in memory whole."""
    stream, total, left = zlib.decompressobj(16 + zlib.MAX_WBITS), 0, body
    while left:
        chunk = stream.decompress(left, MiB)
        assert chunk.count(0) == len(chunk)
        total += len(chunk)
        left = stream.unconsumed_tail
    total += len(stream.flush())
    return total, stream.eof and not stream.unused_data


def raw(client: httpx.Client, path: str, **params: Any) -> httpx.Response:
    """The bytes as sent, without httpx undoing the Content-Encoding."""
    with client.stream("GET", path, params=params) as response:
        response._content = b"".join(response.iter_raw())
    return response


def test_nested_defaults_to_100000_levels(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("nested"))
    response = client.get("/segments")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    depth = 100_000
    assert response.content == b'{"data":' + b"[" * depth + b"]" * depth + b"}"
    with pytest.raises(RecursionError):
        json.loads(response.content)
    assert client.get("/segments").json()["data"][0]["id"].startswith("seg-")


def test_nested_depth(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("nested", depth=3, operation="get-workflow"))
    assert client.get("/workflow/runs/wf-none").json() == {"data": [[[]]]}
    assert fake.count(operation="get-workflow", status=200) == 1


def test_bad_encoding_labels_plain_json_as_gzip(fake: FakeAmperity, client: httpx.Client) -> None:
    plain = client.get("/segments", params={"limit": 3}).content
    fake.inject(Fault("bad-encoding", operation="list-segment"))
    with pytest.raises(httpx.DecodingError):
        client.get("/segments", params={"limit": 3})
    fake.inject(Fault("bad-encoding"))
    response = raw(client, "/segments", limit=3)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == plain
    assert fake.count(status=200) == 3


def test_gzip_bomb_inflates_to_size(fake: FakeAmperity, client: httpx.Client) -> None:
    size = 3 * MiB + 5
    fake.inject(Fault("gzip-bomb", size=size))
    response = raw(client, "/segments")
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content) < 8 * 1024
    assert inflate(response.content) == (size, True)


def test_gzip_bomb_defaults_to_256_mib_in_a_small_body(
    fake: FakeAmperity, client: httpx.Client
) -> None:
    fake.inject(Fault("gzip-bomb", operation="list-events"))
    response = raw(client, "/audit-events")
    assert len(response.content) < MiB // 2
    assert inflate(response.content) == (256 * MiB, True)


@pytest.mark.parametrize("size", [1, MiB - 1, MiB, MiB + 1])
def test_gzip_bomb_sizes_at_block_edges(
    fake: FakeAmperity, client: httpx.Client, size: int
) -> None:
    fake.inject(Fault("gzip-bomb", size=size))
    assert inflate(raw(client, "/segments").content) == (size, True)


@pytest.mark.parametrize("last_page", [False, True])
def test_bad_cursor_is_a_number(fake: FakeAmperity, client: httpx.Client, last_page: bool) -> None:
    params = {"limit": 1000 if last_page else 10}
    clean = client.get("/segments", params=params).json()
    assert ("next_token" in clean) is not last_page
    fake.inject(Fault("bad-cursor", operation="list-segment"))
    body = client.get("/segments", params=params).json()
    assert body["next_token"] == 12345
    assert body["data"] == clean["data"]
    assert client.get("/segments", params=params).json() == clean


@pytest.mark.parametrize("operation", sorted(LISTINGS))
def test_wrong_type_breaks_every_declared_field(
    fake: FakeAmperity, unstable: httpx.Client, operation: OperationName
) -> None:
    """Checked against openapi.yaml, so no field keeps a type the client would accept."""
    path, params, schema = LISTINGS[operation]
    clean = unstable.get(path, params=params).json()
    assert clean["data"]
    fake.inject(Fault("wrong-type", operation=operation))
    body = unstable.get(path, params=params).json()
    assert [list(item) for item in body["data"]] == [list(item) for item in clean["data"]]
    assert body.get("next_token") == clean.get("next_token")
    for item, before in zip(body["data"], clean["data"], strict=True):
        for name, value in item.items():
            pointer = f"{BASE}#/components/schemas/{schema}/properties/{name}"
            validator = oas.OAS30Validator({"$ref": pointer}, registry=REGISTRY)
            assert validator.is_valid(before[name])
            assert not validator.is_valid(value), f"{schema}.{name} = {value!r} still valid"
    again = unstable.get(path, params=params).json()
    assert again["data"] == clean["data"], "the seeded data must stay intact"


def test_page_fault_waits_for_a_page(
    fake: FakeAmperity, client: httpx.Client, make_client: Callable[..., httpx.Client]
) -> None:
    """Errors and non-listings pass it by, so it cannot be used up without rewriting a page."""
    fake.inject(Fault("bad-cursor"))
    assert client.get("/workflow/runs/wf-none").status_code == 404
    assert make_client(fake, token="wrong").get("/segments").status_code == 401
    assert client.get("/ingest/jobs").status_code == 400
    assert client.get("/segments", params={"limit": 2}).json()["next_token"] == 12345
    assert isinstance(client.get("/segments", params={"limit": 2}).json()["next_token"], str)


def test_page_fault_times(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("bad-cursor", operation="list-campaign", times=2))
    tokens = [client.get("/campaigns", params={"limit": 5}).json()["next_token"] for _ in "abc"]
    assert tokens[:2] == [12345, 12345]
    assert isinstance(tokens[2], str)


def test_page_fault_on_request_number(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("wrong-type", request_number=2))
    ids = [client.get("/segments", params={"limit": 1}).json()["data"][0]["id"] for _ in "abc"]
    assert [type(i) for i in ids] == [str, int, str]


def test_html_fault_can_announce_retry_after(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.inject(Fault("html", status=503, retry_after="7"))
    response = client.get("/segments")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert response.text.startswith("<html>")


def test_body_faults_keep_deprecation_headers(fake: FakeAmperity, client: httpx.Client) -> None:
    fake.set_deprecation(deprecation="true", operation="list-segment")
    fake.inject(Fault("nested", depth=2))
    response = client.get("/segments")
    assert response.json() == {"data": [[]]}
    assert response.headers["deprecation"] == "true"
