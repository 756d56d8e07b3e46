"""Schemathesis drives the fake with valid and invalid requests; every answer must be declared.

Fails on a status the operation does not declare, a body or header that does not match the
contract, a wrong content type, a 5xx, invalid input accepted, a missing required header or
bad credentials let through, or an unsupported method answered with anything but 405 + Allow:
the fake is the stand-in clients are tested against, so an answer the contract does not allow
would teach them the wrong thing. Only operations the fake routes are driven (from its own
route table), so a vendor endpoint the fake does not serve yet is the coverage test's business.
Seeded and derandomized, no example database: the same requests on every run.
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

import pytest
import schemathesis
import yaml
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from amperity_facade.testing import FakeAmperity
from amperity_facade.testing._routes import ROUTED_OPERATIONS
from scripts import specio

from .conftest import TENANT, TOKEN

METHODS = specio.METHODS

SPEC: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "openapi.yaml").read_text(encoding="utf-8")
)
SEED = 20241125
MAX_EXAMPLES = 250
STATEFUL_EXAMPLES = 40
SMALL = {
    "segments": 5,
    "campaigns": 5,
    "campaign_drafts": 2,
    "audit_events": 10,
    "ingest_jobs": 10,
    "workflows": 10,
}
GENERATION = {"deterministic": True, "database": "none"}
CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.missing_required_header,
    checks.unsupported_method,
    checks.ignored_auth,
]


def config(mode: str, max_examples: int) -> schemathesis.Config:
    """Valid credentials for every case; campaign drafts exist only under api-version unstable."""
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "auth": {"openapi": {"BearerAuth": {"bearer": TOKEN}}},
            "parameters": {"amperity-tenant": TENANT},
            "generation": {**GENERATION, "mode": mode, "max-examples": max_examples},
            "operations": [
                {
                    "include-operation-id": "list-campaign-draft",
                    "parameters": {"api-version": "unstable"},
                }
            ],
        }
    )


def routed(spec: dict[str, Any]) -> dict[str, Any]:
    """The contract cut to what the fake serves; the state machine ignores include filters."""
    cut = copy.deepcopy(spec)
    for path, item in list(cut["paths"].items()):
        for method in [m for m in METHODS if isinstance(item.get(m), dict)]:
            # One without an operationId is new to the fake too: the coverage check's.
            if item[method].get("operationId") not in ROUTED_OPERATIONS:
                del item[method]
        if not any(isinstance(item.get(m), dict) for m in METHODS):
            del cut["paths"][path]
    return cut


def operation(spec: dict[str, Any], operation_id: str) -> dict[str, Any] | None:
    try:
        return specio.find_operation(spec, operation_id)[2]
    except KeyError:
        return None


def path_variable(spec: dict[str, Any], op: dict[str, Any]) -> str | None:
    for param in op.get("parameters", []):
        if "$ref" in param:
            param = spec["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
        if param.get("in") == "path":
            return str(param["name"])
    return None


def linked(spec: dict[str, Any]) -> dict[str, Any]:
    """Explicit links from a workflow listing to get and stop, named by operationId and
    by whatever the path variable is called today: inference from names alone would stop
    linking (and fail the test) if the vendor renamed `{workflow-id}`, which changes no URL."""
    listing = operation(spec, "list-workflows")
    if listing is None:
        return spec
    links = {}
    for target in ("get-workflow", "stop-workflow"):
        op = operation(spec, target)
        variable = path_variable(spec, op) if op is not None else None
        if variable is not None:
            links[target] = {
                "operationId": target,
                "parameters": {variable: "$response.body#/data/0/id"},
            }
    listing["responses"]["200"]["links"] = links
    return spec


ROUTED_SPEC = linked(routed(SPEC))
schema = schemathesis.openapi.from_dict(ROUTED_SPEC, config=config("all", MAX_EXAMPLES))


@pytest.mark.slow  # hundreds of generated requests per operation, 2-4 s each
@schema.parametrize()
def test_fake_conforms(case: Any, conformance_fake: FakeAmperity) -> None:
    case.call_and_validate(base_url=conformance_fake.base_url, checks=CHECKS)


class Lifecycle(
    schemathesis.openapi.from_dict(
        ROUTED_SPEC, config=config("positive", STATEFUL_EXAMPLES)
    ).as_state_machine()
):
    """Ids a listing returns feed get and stop (links Schemathesis infers), so those answer
    200 and 409 too, not only 404 (the listing's first run has finished, so a linked stop
    meets 409; stopping a live run is covered by tests/fake). Each scenario gets a fresh fake: replayed steps must meet
    the same state, or Hypothesis reports flaky generation."""

    answers: ClassVar[Counter[tuple[str | None, int]]] = Counter()

    def setup(self) -> None:
        self.fake = FakeAmperity(tenant=TENANT, seed=7, token=TOKEN, frozen_clock=True, **SMALL)
        self.fake.start()

    def teardown(self) -> None:
        Lifecycle.answers.update((r.operation, r.status) for r in self.fake.requests)
        self.fake.stop()

    def before_call(self, case: Any) -> None:
        """The state machine applies neither the auth nor the parameters of the config."""
        case.headers = {**(case.headers or {}), "amperity-tenant": TENANT}
        case.headers["Authorization"] = f"Bearer {TOKEN}"

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"base_url": self.fake.base_url}

    def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
        case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)


@pytest.mark.slow
def test_linked_calls_conform() -> None:
    Lifecycle.answers.clear()
    Lifecycle.run(settings=Lifecycle.schema.config.get_hypothesis_settings())
    for linked in (("get-workflow", 200), ("stop-workflow", 409)):
        assert Lifecycle.answers[linked], f"no linked call answered {linked}: {Lifecycle.answers}"


def test_an_endpoint_the_fake_lacks_is_left_out() -> None:
    """A new vendor endpoint reaches openapi.yaml before the fake serves it; the coverage test
    reports that, this one must not go red for it."""
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/segments"]["post"] = {"operationId": "create-segment", "responses": {}}
    spec["paths"]["/brand-new"] = {"get": {"operationId": "brand-new", "responses": {}}}
    cut = routed(spec)
    assert "post" not in cut["paths"]["/segments"] and "/brand-new" not in cut["paths"]
    assert cut["paths"]["/segments"]["get"] == SPEC["paths"]["/segments"]["get"]
