"""The contract itself: openapi.yaml is valid OpenAPI 3 and says what we expect, operation by
operation, including our marked additions (campaign drafts, the token endpoint, error ids)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import pytest
import specio
from openapi_spec_validator import validate

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
MARK = "x-facade-addition"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

HEADERS = [("api-version", "header", True), ("amperity-tenant", "header", True)]
PAGING = [("limit", "query", False), ("next_token", "query", False), ("with_total", "query", False)]
ERRORS = ["400", "401", "403", "500"]
ERRORS_404 = ["400", "401", "403", "404", "500"]


class Expected(NamedTuple):
    method: str
    path: str
    params: list[tuple[str, str, bool]]
    body: str | None  # request body schema name
    codes: list[str]  # every response status code
    success: tuple[str, str]  # (2xx code, schema name)


OPERATIONS: dict[str, Expected] = {
    "list-events": Expected(
        "get",
        "/audit-events",
        [*HEADERS, *PAGING, ("happened_from", "query", False), ("happened_to", "query", False)],
        None,
        ["200", *ERRORS],
        ("200", "AuditEventList"),
    ),
    "list-campaign": Expected(
        "get",
        "/campaigns",
        [*HEADERS, *PAGING, ("destination_data_template_id", "query", False)],
        None,
        ["200", *ERRORS],
        ("200", "CampaignList"),
    ),
    "list-segment": Expected(
        "get", "/segments", [*HEADERS, *PAGING], None, ["200", *ERRORS], ("200", "SegmentList")
    ),
    "list-ingest-jobs": Expected(
        "get",
        "/ingest/jobs",
        [
            *HEADERS,
            ("with_total", "query", False),
            ("created_from", "query", True),
            ("created_to", "query", True),
        ],
        None,
        ["200", *ERRORS],
        ("200", "IngestJobDetailsList"),
    ),
    "get-ingest-job": Expected(
        "get",
        "/ingest/jobs/{job-id}",
        [*HEADERS, ("job-id", "path", True)],
        None,
        ["200", *ERRORS_404],
        ("200", "IngestJobDetails"),
    ),
    "list-workflows": Expected(
        "get",
        "/workflow/runs",
        [
            *HEADERS,
            *PAGING,
            ("created_from", "query", False),
            ("created_to", "query", False),
            ("ended_from", "query", False),
            ("ended_to", "query", False),
            ("state", "query", False),
            ("type", "query", False),
        ],
        None,
        ["200", *ERRORS],
        ("200", "WorkflowList"),
    ),
    "run-workflow": Expected(
        "post",
        "/workflow/runs",
        [*HEADERS],
        "WorkflowRunRequest",
        ["201", *ERRORS],
        ("201", "Workflow"),
    ),
    "get-workflow": Expected(
        "get",
        "/workflow/runs/{workflow-id}",
        [*HEADERS, ("workflow-id", "path", True), ("view", "query", False)],
        None,
        ["200", *ERRORS_404],
        ("200", "Workflow"),
    ),
    "stop-workflow": Expected(
        "post",
        "/workflow/runs/{workflow-id}/stop",
        [*HEADERS, ("workflow-id", "path", True)],
        None,
        ["200", *ERRORS_404],
        ("200", "Workflow"),
    ),
    # our additions
    "list-campaign-draft": Expected(
        "get",
        "/campaign-drafts",
        [*HEADERS, *PAGING, ("destination_data_template_id", "query", False)],
        None,
        ["200", *ERRORS],
        ("200", "CampaignDraftList"),
    ),
    "create-token": Expected(
        "post",
        "/v0/oauth2/token",
        [("X-Amperity-Tenant", "header", True)],
        "TokenRequest",
        ["200", "400", "401", "500"],
        ("200", "TokenResponse"),
    ),
}
VENDOR_OPERATIONS = sorted(set(OPERATIONS) - {"list-campaign-draft", "create-token"})

# Every node carrying x-facade-addition, as a JSON-pointer-like location.
MARKED = {
    "/tags[5]",
    "/paths//campaign-drafts",
    "/paths//campaign-drafts/get",
    "/paths//v0/oauth2/token",
    "/paths//v0/oauth2/token/post",
    "/components/schemas/CampaignDraft",
    "/components/schemas/CampaignDraftList",
    "/components/schemas/TokenRequest",
    "/components/schemas/TokenResponse",
    "/components/schemas/ErrorResponse/properties/request_id",
    "/components/schemas/ErrorResponse/properties/trace_id",
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return specio.load(SPEC_PATH)


def operations(doc: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                assert op["operationId"] not in found, f"duplicate operationId {op['operationId']}"
                found[op["operationId"]] = (method, path, op)
    return found


def ref_name(node: dict[str, Any]) -> str:
    ref = node["$ref"]
    assert ref.startswith("#/components/schemas/"), ref
    return ref.rsplit("/", 1)[1]


def marked(node: Any, where: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if MARK in node:
            found.add(where or "/")
        for key, value in node.items():
            found |= marked(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found |= marked(value, f"{where}[{index}]")
    return found


def test_document_is_valid_openapi_3(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.0.3"
    assert doc["info"]["version"] == "2024-04-01"
    validate(doc)


def test_every_operation_is_expected_and_none_is_missing(doc: dict[str, Any]) -> None:
    assert sorted(operations(doc)) == sorted(OPERATIONS)


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_operation_shape(doc: dict[str, Any], operation_id: str) -> None:
    want = OPERATIONS[operation_id]
    method, path, op = operations(doc)[operation_id]
    assert (method, path) == (want.method, want.path)

    params = [specio.resolve(doc, p) for p in op.get("parameters", [])]
    assert [(p["name"], p["in"], bool(p.get("required"))) for p in params] == want.params
    for param in params:
        assert "schema" in param, param["name"]

    body = op.get("requestBody")
    if want.body is None:
        assert body is None
    else:
        body = specio.resolve(doc, body)
        assert body["required"] is True
        (media,) = body["content"]
        expected_media = (
            "application/x-www-form-urlencoded"
            if operation_id == "create-token"
            else "application/json"
        )
        assert media == expected_media
        assert ref_name(body["content"][media]["schema"]) == want.body

    responses = op["responses"]
    assert sorted(map(str, responses)) == sorted(want.codes)
    success = [code for code in responses if str(code).startswith("2")]
    assert success == [want.success[0]]
    ok = specio.resolve(doc, responses[want.success[0]])
    assert ref_name(ok["content"]["application/json"]["schema"]) == want.success[1]
    for code in responses:
        if not str(code).startswith("2"):
            error = specio.resolve(doc, responses[code])
            assert ref_name(error["content"]["application/json"]["schema"]) == "ErrorResponse"


def test_api_version_header_is_pinned_to_2024_04_01(doc: dict[str, Any]) -> None:
    param = doc["components"]["parameters"]["ApiVersionHeader"]
    assert param["schema"]["enum"] == ["2024-04-01"]
    for operation_id, (_, _, op) in operations(doc).items():
        refs = [p.get("$ref") for p in op.get("parameters", [])]
        if operation_id == "create-token":  # not versioned
            assert "#/components/parameters/ApiVersionHeader" not in refs
        else:
            assert "#/components/parameters/ApiVersionHeader" in refs


def test_real_defaults(doc: dict[str, Any]) -> None:
    assert doc["components"]["parameters"]["WithTotal"]["schema"]["default"] is False
    _, _, get_workflow = operations(doc)["get-workflow"]
    (view,) = [p for p in get_workflow["parameters"] if p.get("name") == "view"]
    assert view["schema"] == {
        "type": "string",
        "enum": ["overview", "verbose"],
        "default": "overview",
    }


def test_additions_are_exactly_the_marked_nodes(doc: dict[str, Any]) -> None:
    assert marked(doc) == MARKED
    for operation_id in VENDOR_OPERATIONS:
        _, path, op = operations(doc)[operation_id]
        assert MARK not in op, operation_id
        assert MARK not in doc["paths"][path], path


def test_campaign_drafts_is_unstable_only(doc: dict[str, Any]) -> None:
    _, _, op = operations(doc)["list-campaign-draft"]
    assert op["x-amperity-api-version"] == "unstable"
    for operation_id in VENDOR_OPERATIONS:
        assert "x-amperity-api-version" not in operations(doc)[operation_id][2]


def test_token_endpoint(doc: dict[str, Any]) -> None:
    _, _, op = operations(doc)["create-token"]
    assert op["security"] == []
    assert op["tags"] == ["Authentication"]
    schemas = doc["components"]["schemas"]

    request = schemas["TokenRequest"]
    assert request["type"] == "object"
    assert request["required"] == ["grant_type", "client_id", "client_secret"]
    assert request["properties"]["grant_type"]["enum"] == ["client_credentials"]
    assert request["properties"]["client_id"]["type"] == "string"
    assert request["properties"]["client_secret"]["type"] == "string"

    answer = schemas["TokenResponse"]
    assert answer["required"] == ["access_token", "expires_in", "token_type"]
    types = {name: prop["type"] for name, prop in answer["properties"].items()}
    assert types == {"access_token": "string", "expires_in": "integer", "token_type": "string"}


def test_error_response_carries_request_and_trace_ids(doc: dict[str, Any]) -> None:
    error = doc["components"]["schemas"]["ErrorResponse"]
    assert list(error["properties"]) == ["status", "message", "request_id", "trace_id"]
    assert error["required"] == ["status", "message"]  # the ids are not always sent
    for name in ("request_id", "trace_id"):
        assert error["properties"][name]["type"] == "string"
        assert MARK in error["properties"][name]
    for name in ("status", "message"):
        assert MARK not in error["properties"][name]


def test_security_and_servers(doc: dict[str, Any]) -> None:
    assert doc["security"] == [{"BearerAuth": []}]
    scheme = doc["components"]["securitySchemes"]["BearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    urls = [server["url"] for server in doc["servers"]]
    assert urls == ["https://app.amperity.com/api", "https://{tenant}.amperity.com/api"]


def test_file_is_in_canonical_form() -> None:
    """openapi.yaml is exactly what specio writes, so `make spec` on it gives no diff."""
    text = SPEC_PATH.read_text(encoding="utf-8")
    assert specio.dump(specio.parse(text)) == text
