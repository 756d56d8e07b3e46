"""The contract itself: openapi.yaml is valid OpenAPI 3 and keeps the promises the facade and
the generator rely on, including our marked additions (campaign drafts, the token endpoint,
error ids, statuses the API documents only in prose).

These tests state rules, not today's vendor shapes: a change the vendor's policy calls
non-breaking (a new endpoint, optional parameter, response code, field or enum value) keeps
them green, and `make spec` is where a vendor change is classified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import specio

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
MARK = "x-facade-addition"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
TOKEN_OPERATION = "create-token"
VERSION_HEADER = "#/components/parameters/ApiVersionHeader"
TENANT_HEADER = "#/components/parameters/AmperityTenant"

# Our additions that must survive every `make spec` (the facade is built on them).
OUR_ADDITIONS = {
    "/paths//campaign-drafts/get",
    "/paths//v0/oauth2/token/post",
    "/components/schemas/CampaignDraft",
    "/components/schemas/CampaignDraftList",
    "/components/schemas/TokenRequest",
    "/components/schemas/TokenResponse",
    "/components/schemas/ErrorResponse/properties/request_id",
    "/components/schemas/ErrorResponse/properties/trace_id",
}

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def doc() -> Doc:
    return specio.load(SPEC_PATH)


def operations(doc: Doc) -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                assert op.get("operationId"), f"{method.upper()} {path} has no operationId"
                assert op["operationId"] not in found, f"duplicate operationId {op['operationId']}"
                found[op["operationId"]] = (method, path, op)
    return found


def ref_name(node: dict[str, Any], kind: str = "schemas") -> str:
    ref = node["$ref"]
    assert ref.startswith(f"#/components/{kind}/"), ref
    return str(ref.rsplit("/", 1)[1])


def marked(node: Any, where: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    if isinstance(node, dict):
        if MARK in node:
            found[where or "/"] = node[MARK]
        for key, value in node.items():
            found |= marked(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found |= marked(value, f"{where}[{index}]")
    return found


def test_document_is_valid_openapi_3(doc: Doc) -> None:
    assert str(doc["openapi"]).startswith("3.0.")
    validate(doc)


def test_one_api_version_everywhere(doc: Doc) -> None:
    """info.version is a value of the header (the vendor may list others there) and its
    default when it has one: the facade sends one version from one place, and `make spec`
    guards it."""
    version = doc["info"]["version"]
    schema = doc["components"]["parameters"]["ApiVersionHeader"]["schema"]
    assert version in schema.get("enum", [version])
    assert schema.get("default", version) == version


def test_every_versioned_operation_carries_both_headers(doc: Doc) -> None:
    """prepare_spec drops exactly these two per-operation headers; the facade sets them."""
    for operation_id, (_, _, op) in operations(doc).items():
        refs = [p.get("$ref") for p in op.get("parameters", [])]
        if operation_id == TOKEN_OPERATION:  # not versioned, tenant in X-Amperity-Tenant
            assert VERSION_HEADER not in refs
        else:
            assert VERSION_HEADER in refs, operation_id
            assert TENANT_HEADER in refs, operation_id


@pytest.mark.parametrize("operation_id", ["list-segment", "run-workflow", "get-workflow"])
def test_known_operation_is_present(doc: Doc, operation_id: str) -> None:
    assert operation_id in operations(doc)


def test_every_parameter_has_a_schema(doc: Doc) -> None:
    for operation_id, (_, _, op) in operations(doc).items():
        for raw in op.get("parameters", []):
            param = specio.resolve(doc, raw)
            assert "schema" in param, (operation_id, param.get("name"))


def test_one_success_answer_and_error_envelopes(doc: Doc) -> None:
    """The facade parses a 2xx model per operation and every error as ErrorResponse."""
    for operation_id, (_, _, op) in operations(doc).items():
        responses = op["responses"]
        success = [code for code in responses if str(code).startswith("2")]
        assert success, operation_id
        ok = specio.resolve(doc, responses[success[0]])
        assert ref_name(ok["content"]["application/json"]["schema"]), operation_id
        for code in responses:
            if str(code).startswith("2"):
                continue
            error = specio.resolve(doc, responses[code])
            schema = error["content"]["application/json"]["schema"]
            assert ref_name(schema) == "ErrorResponse", (operation_id, code)


def test_real_defaults_survive(doc: Doc) -> None:
    """The two defaults prepare_spec keeps (they are real, not examples)."""
    assert doc["components"]["parameters"]["WithTotal"]["schema"]["default"] is False
    _, _, get_workflow = operations(doc)["get-workflow"]
    (view,) = [p for p in get_workflow["parameters"] if p.get("name") == "view"]
    assert view["schema"]["default"] == "overview"
    assert "overview" in view["schema"]["enum"]


def test_our_additions_are_marked_with_a_reason(doc: Doc) -> None:
    found = marked(doc)
    assert set(found) >= OUR_ADDITIONS, OUR_ADDITIONS - set(found)
    for where, reason in found.items():
        assert isinstance(reason, str) and reason.strip(), where


def test_vendor_operations_are_not_marked(doc: Doc) -> None:
    """An operation is either wholly the vendor's or wholly ours: `make spec` strips ours."""
    ours = {"list-campaign-draft", TOKEN_OPERATION}
    for operation_id, (_, path, op) in operations(doc).items():
        if operation_id in ours:
            assert MARK in op, operation_id
        else:
            assert MARK not in op, operation_id
            assert MARK not in doc["paths"][path], path


def test_marked_responses_are_error_envelopes_from_components(doc: Doc) -> None:
    """Statuses the API documents only in prose are declared as marked references to shared
    error responses, so strip/merge can tell them from the vendor's own."""
    for operation_id, (_, _, op) in operations(doc).items():
        for code, answer in op["responses"].items():
            if MARK in answer and MARK not in op:
                assert int(code) >= 400, (operation_id, code)
                name = ref_name(answer, "responses")
                assert name in doc["components"]["responses"], name


def test_campaign_drafts_is_unstable_only(doc: Doc) -> None:
    _, _, op = operations(doc)["list-campaign-draft"]
    assert op["x-amperity-api-version"] == "unstable"
    for operation_id, (_, _, other) in operations(doc).items():
        if operation_id != "list-campaign-draft":
            assert "x-amperity-api-version" not in other, operation_id


def test_token_endpoint(doc: Doc) -> None:
    _, path, op = operations(doc)[TOKEN_OPERATION]
    assert path == "/v0/oauth2/token"
    assert op["security"] == []
    schemas = doc["components"]["schemas"]

    request = schemas["TokenRequest"]
    assert set(request["required"]) == {"grant_type", "client_id", "client_secret"}
    assert request["properties"]["grant_type"]["enum"] == ["client_credentials"]
    body = specio.resolve(doc, op["requestBody"])
    assert body["required"] is True
    assert list(body["content"]) == ["application/x-www-form-urlencoded"]

    answer = schemas["TokenResponse"]
    assert set(answer["required"]) == {"access_token", "expires_in", "token_type"}
    types = {name: prop["type"] for name, prop in answer["properties"].items()}
    assert types == {"access_token": "string", "expires_in": "integer", "token_type": "string"}


def test_error_response_carries_request_and_trace_ids(doc: Doc) -> None:
    error = doc["components"]["schemas"]["ErrorResponse"]
    assert {"status", "message"} <= set(error["required"])
    for name in ("request_id", "trace_id"):
        assert name not in error["required"]  # not always sent
        assert error["properties"][name]["type"] == "string"
        assert MARK in error["properties"][name]


def test_servers_are_ours(doc: Doc) -> None:
    """`make spec` keeps our servers: the AWS host and the Azure per-tenant host."""
    urls = [server["url"] for server in doc["servers"]]
    assert urls == ["https://app.amperity.com/api", "https://{tenant}.amperity.com/api"]
    scheme = doc["components"]["securitySchemes"]["BearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_file_is_in_canonical_form() -> None:
    """openapi.yaml is exactly what specio writes, so `make spec` on it gives no diff."""
    text = SPEC_PATH.read_text(encoding="utf-8")
    assert specio.dump(specio.parse(text)) == text
