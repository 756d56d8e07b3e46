"""Every operation in openapi.yaml, driven against the fake, with every JSON body validated
against the schema the spec declares for that operation and status.

Every status the fake answers (405, 409, 429 and 503 included, marked as our additions) must be
declared for that operation and carry the ErrorResponse envelope; every declared one must be
produced. An operation the fake routes without a scenario here fails; one the fake does not
route yet (a new vendor endpoint) is left to tests/contract's coverage check, which names
everything missing for it at once. This file covers the control plane (ErrorResponse
everywhere); the Profile and Real-Time APIs, named by x-facade-operation-id, are checked in
test_fake_profile.py and test_fake_realtime.py.
Validation is stricter than the spec in one way: object schemas that leave
additionalProperties open (Workflow, WorkflowTaskInstance) are closed here, because the fake
promises to send exactly the declared fields.
"""

from __future__ import annotations

import copy
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_args

import httpx
import openapi_schema_validator as oas
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from amperity_facade.testing import FakeAmperity, Fault, OperationName

REPO = Path(__file__).parents[2]
SPEC: dict[str, Any] = yaml.safe_load((REPO / "openapi.yaml").read_text(encoding="utf-8"))
BASE = "urn:amperity-openapi"


def closed(schema: Any) -> Any:
    if isinstance(schema, dict):
        out = {k: closed(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [closed(v) for v in schema]
    return schema


STRICT = copy.deepcopy(SPEC)
STRICT["components"]["schemas"] = closed(STRICT["components"]["schemas"])
REGISTRY: Registry[Any] = Registry().with_resource(
    BASE, Resource.from_contents(STRICT, default_specification=DRAFT4)
)
METHODS = ("get", "post", "put", "patch", "delete")
INGEST_WINDOW = {"created_from": "2026-10-20", "created_to": "2026-10-27"}
MakeClient = Callable[..., httpx.Client]
MARK = "x-facade-addition"


def escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def spec_operations() -> dict[str, tuple[str, str]]:
    """operationId -> (method, JSON pointer of the operation in the spec)."""
    found = {}
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if "operationId" in item.get(method, {}):  # one without is the coverage check's
                found[item[method]["operationId"]] = (method, f"/paths/{escape(path)}/{method}")
    return found


SPEC_OPERATIONS = spec_operations()
# Every operation name of the spec, operationId or (Profile, Real-Time) x-facade-operation-id.
SPEC_NAMES = frozenset(
    item[method].get("operationId") or item[method].get("x-facade-operation-id")
    for item in SPEC["paths"].values()
    for method in METHODS
    if method in item
)
FAKE_OPERATIONS = frozenset(get_args(OperationName))
OPERATIONS = {k: v for k, v in SPEC_OPERATIONS.items() if k in FAKE_OPERATIONS}
PATHS = {
    item[method]["operationId"]: path
    for path, item in SPEC["paths"].items()
    for method in METHODS
    if "operationId" in item.get(method, {})
}


def lookup(pointer: str) -> Any:
    node: Any = SPEC
    for part in pointer.strip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def declared_statuses(operation: str) -> set[int]:
    return {int(code) for code in lookup(OPERATIONS[operation][1])["responses"]}


def is_our_addition(operation: str, status: int) -> bool:
    answer = lookup(OPERATIONS[operation][1])["responses"][str(status)]
    return MARK in answer or MARK in lookup(OPERATIONS[operation][1])


def schema_pointer(operation: str, status: int) -> str:
    responses_pointer = OPERATIONS[operation][1] + "/responses"
    assert str(status) in lookup(responses_pointer), f"{operation} answered undeclared {status}"
    pointer = f"{responses_pointer}/{status}"
    ref = lookup(pointer).get("$ref")
    if ref is not None:
        pointer = ref.removeprefix("#")
    content = lookup(pointer)["content"]
    assert list(content) == ["application/json"]
    return pointer + "/content/application~1json/schema"


class Contract:
    def __init__(self) -> None:
        self.seen: dict[str, set[int]] = defaultdict(set)

    def check(self, operation: str, response: httpx.Response) -> Any:
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers["x-request-id"].startswith("req-")
        body = response.json()
        validator = oas.OAS30Validator(
            {"$ref": BASE + "#" + schema_pointer(operation, response.status_code)},
            registry=REGISTRY,
            format_checker=oas.oas30_format_checker,
        )
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert not errors, f"{operation} {response.status_code}: {errors[:5]}"
        if response.status_code >= 400:
            assert body["status"] == response.status_code
        self.seen[operation].add(response.status_code)
        return body


class Scene:
    """One fake plus what a scenario needs to drive it and check answers."""

    def __init__(self, fake: FakeAmperity, make_client: MakeClient, contract: Contract) -> None:
        self.fake = fake
        self.make_client = make_client
        self.contract = contract
        self.client = make_client(fake, version="unstable")

    def common_errors(self, operation: str, call: Callable[[httpx.Client], httpx.Response]) -> None:
        """The failures every API operation can produce, whatever its parameters."""
        check, fake = self.contract.check, self.fake
        check(operation, call(self.make_client(fake, token="wrong")))
        check(operation, call(self.make_client(fake, tenant="globex")))
        check(operation, call(self.make_client(fake, tenant=None)))
        check(operation, call(self.make_client(fake, version=None)))
        check(operation, call(self.make_client(fake, version="1999-01-01")))
        for status in (403, 429, 500, 503):
            fake.inject(Fault("status", status=status, operation=operation))
            check(operation, call(self.client))
        fake.inject(Fault("status", status=429, retry_after="1", operation=operation))
        check(operation, call(self.client))


def scene_list(path: str, operation: str, extra: dict[str, str] | None = None) -> Any:
    def run(scene: Scene) -> None:
        check, client, params = scene.contract.check, scene.client, dict(extra or {})
        body = check(operation, client.get(path, params={**params, "limit": 1000}))
        assert body["data"]
        page = check(
            operation, client.get(path, params={**params, "limit": 2, "with_total": "true"})
        )
        check(operation, client.get(path, params={**params, "next_token": page["next_token"]}))
        for bad in ({"limit": "0"}, {"with_total": "maybe"}, {"next_token": "zzz"}):
            check(operation, client.get(path, params={**params, **bad}))
        scene.common_errors(operation, lambda c: c.get(path, params=params))

    return run


def scene_events(scene: Scene) -> None:
    scene_list("/audit-events", "list-events")(scene)
    check, client = scene.contract.check, scene.client
    check("list-events", client.get("/audit-events", params={"happened_from": "2026-10-20"}))
    check("list-events", client.get("/audit-events", params={"happened_to": "nope"}))


def scene_campaign_drafts(scene: Scene) -> None:
    scene_list("/campaign-drafts", "list-campaign-draft")(scene)
    stable = scene.make_client(scene.fake)
    scene.contract.check("list-campaign-draft", stable.get("/campaign-drafts"))


def scene_ingest_list(scene: Scene) -> None:
    scene_list("/ingest/jobs", "list-ingest-jobs", INGEST_WINDOW)(scene)
    check, client = scene.contract.check, scene.client
    too_long = {"created_from": "2026-10-01", "created_to": "2026-10-20"}
    check("list-ingest-jobs", client.get("/ingest/jobs", params=too_long))
    check("list-ingest-jobs", client.get("/ingest/jobs"))


def scene_ingest_get(scene: Scene) -> None:
    check, client = scene.contract.check, scene.client
    jobs = client.get("/ingest/jobs", params=INGEST_WINDOW).json()["data"]
    for job in jobs:
        check("get-ingest-job", client.get(f"/ingest/jobs/{job['id']}"))
    check("get-ingest-job", client.get("/ingest/jobs/isj-missing"))
    scene.common_errors("get-ingest-job", lambda c: c.get(f"/ingest/jobs/{jobs[0]['id']}"))


def scene_workflows_list(scene: Scene) -> None:
    scene_list("/workflow/runs", "list-workflows")(scene)
    check, client = scene.contract.check, scene.client
    for params in ({"state": "FAILED"}, {"type": "campaign.send"}, {"ended_from": "2026-10-15"}):
        check("list-workflows", client.get("/workflow/runs", params=params))
    check("list-workflows", client.get("/workflow/runs", params={"created_from": "?"}))


def scene_run(scene: Scene) -> None:
    check, client = scene.contract.check, scene.client
    for config in ("cg-abc", "og-abc", "cc-abc", "cg-fail"):
        check("run-workflow", client.post("/workflow/runs", json={"config_id": config}))
    for bad in ({}, {"config_id": "zz-1"}, {"config_id": "cg-1", "run_mode": "x"}):
        check("run-workflow", client.post("/workflow/runs", json=bad))
    scene.common_errors(
        "run-workflow", lambda c: c.post("/workflow/runs", json={"config_id": "cg-1"})
    )


def scene_get_workflow(scene: Scene) -> None:
    check, client = scene.contract.check, scene.client
    seeded = client.get("/workflow/runs", params={"limit": 1000}).json()["data"]
    for run in seeded:
        check("get-workflow", client.get(f"/workflow/runs/{run['id']}", params={"view": "verbose"}))
    for config in ("cg-ok", "cg-fail"):
        created = client.post("/workflow/runs", json={"config_id": config}).json()
        for view in ("verbose", "overview", "verbose"):
            url = f"/workflow/runs/{created['id']}"
            check("get-workflow", client.get(url, params={"view": view}))
    check("get-workflow", client.get("/workflow/runs/wf-missing"))
    check("get-workflow", client.get(f"/workflow/runs/{seeded[0]['id']}", params={"view": "x"}))
    scene.common_errors("get-workflow", lambda c: c.get(f"/workflow/runs/{seeded[0]['id']}"))


def scene_stop(scene: Scene) -> None:
    check, client = scene.contract.check, scene.client
    created = client.post("/workflow/runs", json={"config_id": "cg-1"}).json()
    check("stop-workflow", client.post(f"/workflow/runs/{created['id']}/stop"))
    client.get(f"/workflow/runs/{created['id']}")
    check("stop-workflow", client.post(f"/workflow/runs/{created['id']}/stop"))  # 409
    check("stop-workflow", client.post("/workflow/runs/wf-missing/stop"))
    other = client.post("/workflow/runs", json={"config_id": "cg-2"}).json()
    scene.common_errors("stop-workflow", lambda c: c.post(f"/workflow/runs/{other['id']}/stop"))


def scene_token(scene: Scene) -> None:
    fake, check = scene.fake, scene.contract.check
    url = f"{fake.base_url}/v0/oauth2/token"
    good = {
        "grant_type": "client_credentials",
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
    }
    tenant = {"X-Amperity-Tenant": fake.tenant}
    with httpx.Client() as client:
        check("create-token", client.post(url, data=good, headers=tenant))
        check(
            "create-token",
            client.post(url, data={**good, "grant_type": "password"}, headers=tenant),
        )
        check("create-token", client.post(url, data=good))
        check(
            "create-token", client.post(url, data={**good, "client_secret": "no"}, headers=tenant)
        )
        for status in (429, 500, 503):
            fake.inject(Fault("status", status=status, operation="create-token"))
            check("create-token", client.post(url, data=good, headers=tenant))


SCENARIOS: dict[str, Callable[[Scene], None]] = {
    "list-events": scene_events,
    "list-campaign": scene_list("/campaigns", "list-campaign"),
    "list-campaign-draft": scene_campaign_drafts,
    "list-segment": scene_list("/segments", "list-segment"),
    "list-ingest-jobs": scene_ingest_list,
    "get-ingest-job": scene_ingest_get,
    "list-workflows": scene_workflows_list,
    "run-workflow": scene_run,
    "get-workflow": scene_get_workflow,
    "stop-workflow": scene_stop,
    "create-token": scene_token,
}


@pytest.fixture
def scene(make_client: MakeClient) -> Iterator[Scene]:
    with FakeAmperity(
        segments=30, campaigns=15, campaign_drafts=6, audit_events=60, ingest_jobs=40, workflows=40
    ) as fake:
        yield Scene(fake, make_client, Contract())


def test_spec_is_what_the_fake_implements() -> None:
    assert FAKE_OPERATIONS.issubset(SPEC_NAMES), "the fake serves operations the spec lacks"
    assert set(SCENARIOS) == set(OPERATIONS), "every operation the fake serves needs a scenario"


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_operation_matches_contract(scene: Scene, operation: str) -> None:
    if operation not in SCENARIOS:
        pytest.fail(f"operation {operation} in openapi.yaml is not exercised against the fake")
    SCENARIOS[operation](scene)
    method_not_allowed(scene, operation)
    seen = scene.contract.seen[operation]
    assert any(200 <= s < 300 for s in seen), f"{operation}: no success driven"
    missing = declared_statuses(operation) - seen
    # Our own additions and the success answer are the fake's job; a status the vendor newly
    # declares (a non-breaking change) is a note until the fake learns to produce it.
    required = {s for s in missing if s < 300 or is_our_addition(operation, s)}
    assert not required, f"{operation}: declared statuses never produced: {sorted(required)}"
    if missing - required:
        warnings.warn(
            f"{operation}: the fake never answers the declared status(es)"
            f" {sorted(missing - required)}; teach amperity_facade/testing if the API does",
            stacklevel=1,
        )
    assert 429 in seen
    assert scene.fake.count(operation=operation) >= len(seen)


def method_not_allowed(scene: Scene, operation: str) -> None:
    """TRACE is on no path: any id will do, the method is refused before the id is looked up."""
    path = re.sub(r"\{[^}]+\}", "any-id", PATHS[operation])
    response = scene.client.request("TRACE", path)
    assert response.status_code == 405 and response.headers["allow"]
    scene.contract.check(operation, response)


def test_rate_limited_answer_matches_contract(make_client: MakeClient) -> None:
    contract = Contract()
    with FakeAmperity(segments=5, audit_events=5, rate_limit=2) as fake:
        client = make_client(fake)
        statuses = [contract.check("list-segment", client.get("/segments")) for _ in range(3)]
        assert statuses[-1]["status"] == 429


def test_method_not_allowed_uses_envelope(scene: Scene) -> None:
    response = scene.client.delete("/workflow/runs")
    assert response.status_code == 405
    scene.contract.check("list-workflows", response)
