"""The contract itself: openapi.yaml is valid OpenAPI 3 and keeps the promises the facade and
the generator rely on, including our marked additions (campaign drafts, the token endpoint,
error ids, statuses the API documents only in prose).

openapi.yaml holds three API families (the control plane, the Profile API, the Real-Time
API), each versioned and published on its own; the rules that differ between them are
stated per family. Operations are named by operationId or, where the vendor gave none, by
our x-facade-operation-id.

These tests state rules, not today's vendor shapes: a change the vendor's policy calls
non-breaking (a new endpoint, optional parameter, response code, field or enum value) keeps
them green, and `make spec` is where a vendor change is classified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from amperity_facade._families import FAMILIES
from scripts import prepare_spec, spec_family, specio

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
MARK = "x-facade-addition"
TOKEN_OPERATION = "create-token"
VERSION_HEADER = "api-version"
TENANT_HEADER = "amperity-tenant"
CONTROL_PLANE, PROFILE, REALTIME = "control-plane", "profile", "realtime"
# The families whose vendor documents declare the api-version and tenant headers on every
# operation (prepare_spec drops them, the facade sends them); the Real-Time one has neither.
VERSIONED = (CONTROL_PLANE, PROFILE)
# The error body each family answers with (the facade and the fake tenant read these).
ENVELOPES = {CONTROL_PLANE: "ErrorResponse", PROFILE: "ErrorResponse", REALTIME: "ErrorBody"}
# Vendor operations the facade does not offer, on purpose.
OMITTED = {"post-event", "get-lookup-keychain"}
HOSTS = ("https://app.amperity.com", "https://{tenant}.amperity.com")

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


def operations(doc: Doc, family: str | None = None) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """name -> (method, path, operation), of one family or all; every operation has a name,
    the vendor's operationId or our x-facade-operation-id, unique across the families."""
    found, names = {}, set()
    for path, method, op in specio.iter_operations(doc):
        name = specio.operation_name(op)
        assert name, f"{method.upper()} {path} has neither operationId nor x-facade-operation-id"
        assert name not in names, f"duplicate operation name {name}"
        names.add(name)
        if family is None or spec_family.family_of(op) == family:
            found[name] = (method, path, op)
    return found


def header_names(doc: Doc, op: dict[str, Any]) -> set[str]:
    """The headers an operation declares, lower-cased (HTTP header names are not case
    sensitive, and the families spell them differently)."""
    params = [specio.resolve(doc, p) for p in op.get("parameters", [])]
    return {str(p["name"]).lower() for p in params if p.get("in") == "header"}


def json_schema(doc: Doc, answer: Any) -> dict[str, Any] | None:
    """The JSON body schema a response declares, or None (declared in prose only)."""
    content = specio.resolve(doc, answer).get("content")
    if content is None:
        return None
    schema: dict[str, Any] = content["application/json"]["schema"]
    return schema


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


def test_families_are_declared_and_every_operation_names_one(doc: Doc) -> None:
    """The facade knows the same families as openapi.yaml; each has a version and a base
    path, and every operation says which it belongs to."""
    declared = doc["info"][spec_family.FAMILIES]
    assert set(declared) == set(FAMILIES)
    for family, facts in declared.items():
        assert facts["version"] and facts["title"], family
        assert str(facts["base-path"]).startswith("/"), family
    for name, (_, _, op) in operations(doc).items():
        assert op.get(spec_family.FAMILY) in declared, name
    for family in FAMILIES:
        assert operations(doc, family), family


def test_one_api_version_per_family(doc: Doc) -> None:
    """A family's version is a value of its api-version header (the vendor may list others
    there) and the header's default when it has one: the facade sends one version per family
    from one place, and `make spec` guards it. info.version is the control plane's."""
    declared = doc["info"][spec_family.FAMILIES]
    assert doc["info"]["version"] == declared[CONTROL_PLANE]["version"]
    for family in FAMILIES:
        version = declared[family]["version"]
        for name, (_, _, op) in operations(doc, family).items():
            for raw in op.get("parameters", []):
                param = specio.resolve(doc, raw)
                if param.get("in") != "header" or param["name"].lower() != VERSION_HEADER:
                    continue
                schema = param["schema"]
                assert version in schema.get("enum", [version]), (family, name)
                assert schema.get("default", version) == version, (family, name)


def test_every_versioned_operation_carries_both_headers(doc: Doc) -> None:
    """prepare_spec drops exactly these two per-operation headers; the facade sets them, on
    the control plane and the Profile API. The Real-Time API's operations declare neither
    (the facade sends its token only), so dropping them hides no parameter there."""
    assert {VERSION_HEADER, TENANT_HEADER} == prepare_spec.FACADE_HEADERS
    for family in FAMILIES:
        for name, (_, _, op) in operations(doc, family).items():
            headers = header_names(doc, op) & prepare_spec.FACADE_HEADERS
            if name == TOKEN_OPERATION:  # not versioned, tenant in X-Amperity-Tenant
                assert VERSION_HEADER not in headers
            elif family in VERSIONED:
                assert headers == prepare_spec.FACADE_HEADERS, (family, name)
            else:
                assert headers == set(), (family, name)


@pytest.mark.parametrize(
    "operation_id",
    [
        "list-segment",
        "run-workflow",
        "get-workflow",
        "list-indexes",
        "get-index",
        "list-profiles",
        "get-profile",
        "post-lookup-keychain",
        "get-realtime-profile",
        "list-profile-segments",
        "list-segment-profiles",
    ],
)
def test_known_operation_is_present(doc: Doc, operation_id: str) -> None:
    assert operation_id in operations(doc)
    assert specio.find_operation(doc, operation_id)[2] is operations(doc)[operation_id][2]


def test_omitted_operations_are_vendor_operations_with_a_reason(doc: Doc) -> None:
    """What the facade leaves out (and prepare_spec does not generate) is named and says why;
    only vendor operations are left out (ours would simply not be there)."""
    found = {}
    for name, (_, _, op) in operations(doc).items():
        if specio.OMITTED in op:
            found[name] = op[specio.OMITTED]
            assert specio.omitted(op), f"{name}: x-facade-omitted without a reason"
            assert MARK not in op, name
    assert set(found) == OMITTED


def test_profile_filters_are_a_marked_deep_object(doc: Doc) -> None:
    """list-profiles takes filter[<attribute>]=<value> pairs: declared by us (marked) as a
    deepObject of strings, which prepare_spec leaves to the facade."""
    _, _, op = operations(doc, PROFILE)["list-profiles"]
    (param,) = [p for p in op["parameters"] if p.get("name") == "filter"]
    assert (param["in"], param["style"], param.get("explode", True)) == (
        "query",
        "deepObject",
        True,
    )
    assert param["schema"]["type"] == "object"
    assert param["schema"]["additionalProperties"] == {"type": "string"}
    assert param.get("required", False) is False
    assert MARK in param


def test_every_parameter_has_a_schema(doc: Doc) -> None:
    for operation_id, (_, _, op) in operations(doc).items():
        for raw in op.get("parameters", []):
            param = specio.resolve(doc, raw)
            assert "schema" in param, (operation_id, param.get("name"))


def test_one_success_answer_and_error_envelopes(doc: Doc) -> None:
    """The facade parses a 2xx model per operation it offers and every error as its
    family's envelope. The control plane declares that envelope on every error; the other
    families' vendor documents describe some errors in prose only, and where they declare a
    body it is the family's envelope."""
    for family in FAMILIES:
        for operation_id, (_, _, op) in operations(doc, family).items():
            if specio.omitted(op):
                continue
            responses = op["responses"]
            success = [code for code in responses if str(code).startswith("2")]
            assert success, operation_id
            ok = json_schema(doc, responses[success[0]])
            assert ok is not None and ref_name(ok), operation_id
            for code in responses:
                if str(code).startswith("2"):
                    continue
                schema = json_schema(doc, responses[code])
                if schema is None and family != CONTROL_PLANE:
                    continue
                assert schema is not None, (operation_id, code)
                assert ref_name(schema) == ENVELOPES[family], (operation_id, code)


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
    """Statuses the API documents only in prose are declared as marked error answers in the
    family's envelope, so strip/merge can tell them from the vendor's own: references to
    shared error responses on the control plane and the Profile API; written inline on the
    Real-Time API, whose vendor document (Swagger 2.0) has no shared responses."""
    for family in FAMILIES:
        for operation_id, (_, _, op) in operations(doc, family).items():
            for code, answer in op["responses"].items():
                if MARK in answer and MARK not in op:
                    assert int(code) >= 400, (operation_id, code)
                    if family != REALTIME:
                        name = ref_name(answer, "responses")
                        assert name in doc["components"]["responses"], name
                    schema = json_schema(doc, answer)
                    assert schema is not None, (operation_id, code)
                    assert ref_name(schema) == ENVELOPES[family], (operation_id, code)


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
    """`make spec` keeps our servers: the AWS host and the Azure per-tenant host, under each
    family's base path (the Real-Time API's, /prof, on its path items)."""
    urls = [server["url"] for server in doc["servers"]]
    assert urls == ["https://app.amperity.com/api", "https://{tenant}.amperity.com/api"]
    scheme = doc["components"]["securitySchemes"]["BearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    declared = doc["info"][spec_family.FAMILIES]
    for family in FAMILIES:
        expected = [host + declared[family]["base-path"] for host in HOSTS]
        for name, (_, path, _) in operations(doc, family).items():
            servers = doc["paths"][path].get("servers", doc["servers"])
            assert [server["url"] for server in servers] == expected, (family, name)


def test_security_added_only_with_a_reason(doc: Doc) -> None:
    """Every family is called with the tenant's bearer token (the document-wide security);
    a family whose vendor document declares none says why in `security-added`."""
    assert doc["security"] == [{"BearerAuth": []}]
    for family, facts in doc["info"][spec_family.FAMILIES].items():
        reason = facts.get("security-added")
        assert reason is None or (isinstance(reason, str) and reason.strip()), family


def test_file_is_in_canonical_form() -> None:
    """openapi.yaml is exactly what specio writes, so `make spec` on it gives no diff."""
    text = SPEC_PATH.read_text(encoding="utf-8")
    assert specio.dump(specio.parse(text)) == text
