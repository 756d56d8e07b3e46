"""Contract checks: every recorded body matches openapi.yaml, and every operation of
openapi.yaml is reachable through the facade, routed by the fake tenant and covered by a
cassette. Each check has a negative test showing that it fails when it should.

A new vendor endpoint fails exactly one test here, with one line saying what to add; the
negative tests compare against the live result, so they hold whatever else is missing.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from amperity_facade import Amperity, AsyncAmperity
from amperity_facade._operations import FACADE_METHODS
from scripts.contract import Contract, fake_routes, uncovered

from .conftest import cassette_files, exchanges

CONTRACT = Contract.from_file()
ALL = [e for path in cassette_files() for e in exchanges(path)]


def body_problems(contract: Contract, exchange: Any) -> list[str]:
    """An answer is JSON, or empty (the contract says where an empty one is right)."""
    if not isinstance(exchange.body, dict | list) and exchange.body != "":
        return [f"{exchange.cassette}: {exchange.status} answer is not JSON"]
    return contract.problems(exchange.method, exchange.path, exchange.status, exchange.body)


@pytest.mark.parametrize(
    "exchange", ALL, ids=lambda e: f"{e.cassette}:{e.method} {e.path} {e.status}"
)
def test_recorded_body_matches_openapi(exchange: Any) -> None:
    assert body_problems(CONTRACT, exchange) == []


def test_invalid_body_is_caught() -> None:
    exchange = next(e for e in ALL if e.path == "/api/segments" and e.status == 200)
    broken = copy.deepcopy(exchange.body)
    broken["data"][0]["status"] = 7
    del broken["data"][0]["name"]
    problems = CONTRACT.problems(exchange.method, exchange.path, 200, broken)
    assert any("'name' is a required property" in p for p in problems)
    assert any("7 is not of type 'string'" in p for p in problems)
    assert CONTRACT.problems("GET", "/api/nowhere", 200, {}) == [
        "GET /api/nowhere: no such operation in openapi.yaml"
    ]


def test_every_operation_is_reachable_and_recorded() -> None:
    gaps = uncovered(CONTRACT, ALL)
    if gaps:
        pytest.fail("\n".join(gaps), pytrace=False)
    spec_ids = {op.operation_id for op in CONTRACT.operations}
    assert set(FACADE_METHODS) <= spec_ids, "facade methods for operations openapi.yaml lacks"
    for cls in (Amperity, AsyncAmperity):
        client = cls(tenant="acme", token="t", base_url="http://127.0.0.1:9/api")
        for operation_id, dotted in FACADE_METHODS.items():
            if dotted == "auth":
                assert operation_id == "create-token"
                continue
            target: object = client
            for name in dotted.split("."):  # profiles.indexes.list
                target = getattr(target, name)
            assert callable(target), (cls, dotted)


def added(before: list[str], after: list[str]) -> list[str]:
    assert set(before) <= set(after), "a gap vanished"
    return [gap for gap in after if gap not in before]


def test_new_endpoint_in_spec_fails_coverage() -> None:
    live = uncovered(CONTRACT, ALL)
    spec = copy.deepcopy(CONTRACT.spec)
    # A name no vendor endpoint will take, so the check holds while one is pending.
    assert "/zz-synthetic" not in spec["paths"]
    spec["paths"]["/zz-synthetic"] = {"get": copy.deepcopy(spec["paths"]["/segments"]["get"])}
    spec["paths"]["/zz-synthetic"]["get"]["operationId"] = "list-zz-synthetic"
    assert added(live, uncovered(Contract(spec), ALL)) == [
        "list-zz-synthetic (GET /zz-synthetic) is in openapi.yaml but not covered:"
        " no facade method (FACADE_METHODS in amperity_facade/_operations.py);"
        " no fake tenant route (amperity_facade/testing/_routes.py);"
        " no cassette (add a scenario to scripts/cassette_scenarios.py, then record it with"
        " `make cassettes`, i.e. python -m scripts.record_cassettes)"
    ]


def template_of(operation_id: str) -> str:
    """The operation's path as openapi.yaml spells it today (the vendor may rename a
    path variable at any time: that must not fail these tests)."""
    (template,) = [op.template for op in CONTRACT.operations if op.operation_id == operation_id]
    return template


def test_new_endpoint_without_operation_id_is_named_by_method_and_path() -> None:
    """The vendor's older documents had no operationIds; coverage must still say what a
    new operation lacks instead of failing to load the contract."""
    live = uncovered(CONTRACT, ALL)
    spec = copy.deepcopy(CONTRACT.spec)
    assert "/zz-anonymous" not in spec["paths"]
    operation = copy.deepcopy(spec["paths"]["/segments"]["get"])
    del operation["operationId"]
    spec["paths"]["/zz-anonymous"] = {"get": operation}
    [gap] = added(live, uncovered(Contract(spec), ALL))
    assert gap.startswith("GET /zz-anonymous (no operationId) is in openapi.yaml but not")
    assert "no facade method" in gap and "no fake tenant route" in gap and "no cassette" in gap


def test_each_missing_piece_is_named_alone() -> None:
    live = uncovered(CONTRACT, ALL)
    without_campaigns = [e for e in ALL if e.path != "/api/campaigns"]
    [gap] = added(live, uncovered(CONTRACT, without_campaigns))
    assert gap.startswith("list-campaign (GET /campaigns) is in openapi.yaml but not covered:")
    assert "no cassette" in gap and "no facade" not in gap and "no fake" not in gap

    facade = {k: v for k, v in FACADE_METHODS.items() if k != "stop-workflow"}
    [gap] = added(live, uncovered(CONTRACT, ALL, facade=facade))
    assert gap.startswith(f"stop-workflow (POST {template_of('stop-workflow')}) ")
    assert "no facade method" in gap and "no cassette" not in gap and "no fake" not in gap

    def fake(method: str, path: str) -> str | None:
        routed = fake_routes(method, path)
        return None if routed == "get-ingest-job" else routed

    [gap] = added(live, uncovered(CONTRACT, ALL, fake=fake))
    assert gap.startswith(f"get-ingest-job (GET {template_of('get-ingest-job')}) ")
    assert "no fake tenant route" in gap and "no cassette" not in gap and "no facade" not in gap


def with_synthetic(mark: dict[str, Any]) -> dict[str, Any]:
    """openapi.yaml with one more operation, named by x-facade-operation-id only (as the
    Profile and Real-Time documents leave operationId out), carrying `mark`."""
    spec = copy.deepcopy(CONTRACT.spec)
    assert "/zz-synthetic-omitted" not in spec["paths"]
    operation = copy.deepcopy(spec["paths"]["/segments"]["get"])
    del operation["operationId"]
    operation["x-facade-operation-id"] = "list-zz-synthetic-omitted"
    spec["paths"]["/zz-synthetic-omitted"] = {"get": operation | mark}
    return spec


def test_operation_without_operation_id_is_named_by_ours() -> None:
    live = uncovered(CONTRACT, ALL)
    [gap] = added(live, uncovered(Contract(with_synthetic({})), ALL))
    assert gap.startswith(
        "list-zz-synthetic-omitted (GET /zz-synthetic-omitted) is in openapi.yaml but not covered:"
    )


def test_operation_omitted_with_a_reason_is_not_asked_for() -> None:
    live = uncovered(CONTRACT, ALL)
    omitted = with_synthetic({"x-facade-omitted": "Synthetic: not offered, on purpose."})
    assert uncovered(Contract(omitted), ALL) == live


@pytest.mark.parametrize("reason", ["", "   ", None, True], ids=["empty", "blank", "null", "bool"])
def test_omitted_mark_without_a_reason_omits_nothing(reason: Any) -> None:
    live = uncovered(CONTRACT, ALL)
    [gap] = added(live, uncovered(Contract(with_synthetic({"x-facade-omitted": reason})), ALL))
    assert gap.startswith("list-zz-synthetic-omitted (GET /zz-synthetic-omitted) ")
    assert "no facade method" in gap and "no cassette" in gap


def test_the_spec_omits_only_what_it_says_why() -> None:
    """The live contract: the operations the coverage check skips are exactly those
    openapi.yaml marks as omitted with a reason (the Real-Time GET lookup; the write side,
    Real-Time events and Streaming Ingest, is offered and so asked for)."""
    skipped = {op.operation_id for op in CONTRACT.operations if op.omitted}
    assert skipped == {"get-lookup-keychain"}
    offered = {op.operation_id for op in CONTRACT.operations if not op.omitted}
    assert {"post-event", "post-stream-data"} <= offered
    gaps = "\n".join(uncovered(CONTRACT, ALL))
    assert not any(gap.startswith(name) for gap in gaps.splitlines() for name in skipped)


def test_operations_are_matched_under_their_family_base_path() -> None:
    """The Real-Time API lives under /prof, Streaming Ingest under /stream/v0, the others
    under /api: the same template under another base path is not the operation."""
    (realtime,) = [op for op in CONTRACT.operations if op.operation_id == "get-realtime-profile"]
    assert realtime.prefix == "/prof" and realtime.family == "realtime"
    assert CONTRACT.operation_for("GET", "/prof/profiles/apc-1/p-1") == realtime
    assert CONTRACT.operation_for("GET", "/api/profiles/apc-1/p-1") is None
    segments = CONTRACT.operation_for("GET", "/api/segments")
    assert segments is not None and segments.operation_id == "list-segment"
    assert CONTRACT.operation_for("GET", "/prof/segments") is None
    assert fake_routes("GET", "/prof/profiles/x/x") == "get-realtime-profile"
    (stream,) = [op for op in CONTRACT.operations if op.operation_id == "post-stream-data"]
    assert (stream.prefix, stream.family) == ("/stream/v0", "streaming")
    assert CONTRACT.operation_for("POST", "/stream/v0/data/is-a1b2c3d4") == stream
    assert CONTRACT.operation_for("POST", "/api/data/is-a1b2c3d4") is None
    assert CONTRACT.operation_for("POST", "/prof/data/is-a1b2c3d4") is None


def test_errors_are_checked_against_the_family_envelope() -> None:
    """An error answer is read as its family's envelope: ErrorBody on the Real-Time API,
    ErrorResponse elsewhere, also where the vendor describes the error in prose only."""
    realtime = {"error": "not-found", "message": "No such profile."}
    control = {"status": 404, "message": "No such index."}
    assert CONTRACT.problems("GET", "/prof/profiles/apc-1/p-1", 404, realtime) == []
    assert CONTRACT.problems("GET", "/prof/profiles/apc-1/p-1", 418, realtime) == []
    assert CONTRACT.problems("GET", "/prof/profiles/apc-1/p-1", 404, control) != []
    assert CONTRACT.problems("GET", "/api/indexes/i-1", 404, control) == []  # prose only
    assert CONTRACT.problems("GET", "/api/indexes/i-1", 404, realtime) != []


def test_a_family_without_error_bodies_is_not_held_to_one() -> None:
    """Streaming Ingest declares no error body on any operation: it has no envelope, and
    whatever its errors carry is the API's own (the facade reads a message from any)."""
    assert CONTRACT.envelopes["streaming"] is None
    assert set(CONTRACT.envelopes) == set(CONTRACT.spec["info"]["x-amperity-api-families"])
    stream = "/stream/v0/data/is-a1b2c3d4"
    for body in ({"status": 429, "message": "slow down"}, {"error": "x"}, "", "Bad Gateway"):
        assert CONTRACT.problems("POST", stream, 429, body) == []
        assert CONTRACT.problems("POST", stream, 400, body) == []


def test_a_success_declared_without_a_body_comes_without_one() -> None:
    """A write accepted (202) or dropped (204) answers no body: an empty answer conforms,
    a body where openapi.yaml declares none does not."""
    stream, event = "/stream/v0/data/is-a1b2c3d4", "/prof/events/esm-1"
    for path, status in ((stream, 202), (event, 202), (event, 204)):
        assert CONTRACT.problems("POST", path, status, "") == []
        assert CONTRACT.problems("POST", path, status, None) == []
        (problem,) = CONTRACT.problems("POST", path, status, {"accepted": True})
        assert problem.endswith(f"{status}: a body where openapi.yaml declares none")
