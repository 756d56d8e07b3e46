"""Schemathesis against the fake's Profile API and Real-Time API, one family at a time.

The same checks as the control plane's (test_schemathesis.py): every answer must be one the
contract declares, invalid input refused, missing credentials answered 401. Each family is
cut out of openapi.yaml with the operation names the facade uses (the vendor documents have
no operationIds: ours are `x-facade-operation-id`), without the operations the facade does
not offer (`x-facade-omitted`), and driven at its own base URL (/api or /prof).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis

from amperity_facade.testing import FakeAmperity

from .conftest import TENANT, TOKEN
from .test_schemathesis import CHECKS, GENERATION, METHODS, SEED, SPEC

VERSIONS = {"profile": "2025-07-31", "realtime": "2026-09-03", "streaming": "v0"}
MAX_EXAMPLES = 60


def family_cut(spec: dict[str, Any], family: str) -> dict[str, Any]:
    cut = copy.deepcopy(spec)
    for path, item in list(cut["paths"].items()):
        item.pop("servers", None)  # the base URL is given per family below
        for method in [m for m in METHODS if isinstance(item.get(m), dict)]:
            op = item[method]
            if op.get("x-amperity-api-family") != family or op.get("x-facade-omitted"):
                del item[method]
            else:
                op.setdefault("operationId", op.get("x-facade-operation-id"))
        if not any(isinstance(item.get(m), dict) for m in METHODS):
            del cut["paths"][path]
    return cut


def config(family: str) -> schemathesis.Config:
    generation: dict[str, Any] = {**GENERATION, "mode": "all", "max-examples": MAX_EXAMPLES}
    if family == "streaming":  # its own tenant header, and no version header at all
        parameters = {"X-Amperity-Tenant": TENANT}
        headers = {"x-amperity-tenant": TENANT}
        # An extra header is no error in HTTP (a stream takes any record, so its body is
        # not closed either): Schemathesis would call such a request negative.
        generation["allow-extra-parameters"] = False
    else:
        parameters = {"Amperity-Tenant": TENANT, "Api-Version": VERSIONS[family]}
        headers = {"amperity-tenant": TENANT, "api-version": VERSIONS[family]}
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "auth": {"openapi": {"BearerAuth": {"bearer": TOKEN}}},
            "parameters": parameters,
            "headers": headers,
            "generation": generation,
        }
    )


profile_schema = schemathesis.openapi.from_dict(
    family_cut(SPEC, "profile"), config=config("profile")
)
realtime_schema = schemathesis.openapi.from_dict(
    family_cut(SPEC, "realtime"), config=config("realtime")
)


@pytest.mark.slow
@profile_schema.parametrize()
def test_fake_profile_api_conforms(case: Any, conformance_fake: FakeAmperity) -> None:
    case.call_and_validate(base_url=conformance_fake.base_url, checks=CHECKS)


@pytest.mark.slow
@realtime_schema.parametrize()
def test_fake_realtime_api_conforms(case: Any, conformance_fake: FakeAmperity) -> None:
    case.call_and_validate(base_url=conformance_fake.realtime_base_url, checks=CHECKS)


streaming_schema = schemathesis.openapi.from_dict(
    family_cut(SPEC, "streaming"), config=config("streaming")
)


@pytest.mark.slow
@streaming_schema.parametrize()
def test_fake_streaming_api_conforms(case: Any, conformance_fake: FakeAmperity) -> None:
    case.call_and_validate(base_url=conformance_fake.stream_base_url, checks=CHECKS)


def test_each_family_cut_holds_its_offered_operations_only() -> None:
    names = {
        family: {
            op["operationId"]
            for item in family_cut(SPEC, family)["paths"].values()
            for op in (item.get(m) for m in METHODS)
            if isinstance(op, dict)
        }
        for family in VERSIONS
    }
    assert names["profile"] == {"list-indexes", "get-index", "list-profiles", "get-profile"}
    assert {"post-lookup-keychain", "post-event"} <= names["realtime"]
    assert "get-lookup-keychain" not in names["realtime"]  # omitted: keys in the URL
    assert names["streaming"] == {"post-stream-data"}
