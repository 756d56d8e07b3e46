"""The contract itself: openapi.yaml is valid OpenAPI 3 and keeps the promises the facade and
the generator rely on, including our marked additions (campaign drafts, the token endpoint,
error ids, statuses the API documents only in prose).

openapi.yaml holds several API families (today the control plane, the Profile API, the
Real-Time API and Streaming Ingest), each versioned and published on its own: "every family"
is what `info.x-amperity-api-families` declares, and the rules that differ between them are
stated per family. Operations are named by operationId or, where the vendor gave none, by
our x-facade-operation-id.

These tests state rules, not today's vendor shapes: a change the vendor's policy calls
non-breaking (a new endpoint, optional parameter, response code, field or enum value) keeps
them green, and `make spec` is where a vendor change is classified."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from amperity_facade import _families
from scripts import prepare_spec, spec_family, specio

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
MARK = "x-facade-addition"
TOKEN_OPERATION = "create-token"
VERSION_HEADER = "api-version"
TENANT_HEADER = "amperity-tenant"
STREAM_TENANT_HEADER = "x-amperity-tenant"  # Streaming Ingest's (and the token endpoint's)
CONTROL_PLANE, PROFILE, REALTIME, STREAMING = "control-plane", "profile", "realtime", "streaming"
# The headers prepare_spec drops (the facade sets them per family, underneath the generated
# client) that each family's operations declare: the api-version and tenant headers on the
# control plane and the Profile API, neither on the Real-Time API, and on Streaming Ingest
# its own spelling of the tenant header and no version (v0 is in its base path).
FAMILY_HEADERS = {
    CONTROL_PLANE: {VERSION_HEADER, TENANT_HEADER},
    PROFILE: {VERSION_HEADER, TENANT_HEADER},
    REALTIME: set(),
    STREAMING: {STREAM_TENANT_HEADER},
}
# The error body each family answers with (the facade and the fake tenant read these);
# Streaming Ingest declares none: its errors are described in prose only.
ENVELOPES = {
    CONTROL_PLANE: "ErrorResponse",
    PROFILE: "ErrorResponse",
    REALTIME: "ErrorBody",
    STREAMING: None,
}
# Success answers that may come without a body: a write accepted (202) or dropped (204).
BODYLESS_SUCCESS = {"202", "204"}
# Vendor operations the facade does not offer, on purpose.
OMITTED = {"get-lookup-keychain"}
AWS_HOST, TENANT_HOST = "https://app.amperity.com", "https://{tenant}.amperity.com"
# The hosts a family is reached on: Streaming Ingest on the tenant's own host only.
HOSTS = {STREAMING: (TENANT_HOST,)}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# What the facade holds per family (amperity_facade/_families.py), keyed by plain names.
FACADE_BASE_PATHS: dict[str, str] = {str(k): v for k, v in _families.BASE_PATHS.items()}
FACADE_VERSIONS: dict[str, str] = {str(k): v for k, v in _families.DEFAULT_VERSIONS.items()}
FACADE_VERSION_ENV: dict[str, str] = {str(k): v for k, v in _families.VERSION_ENV.items()}

# Our additions that must survive every `make spec` (the facade is built on them).
OUR_ADDITIONS = {
    "/paths//campaign-drafts/get",
    "/paths//v0/oauth2/token/post",
    "/paths//events/{stream-id}/post/requestBody",
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


@pytest.fixture(scope="module")
def families(doc: Doc) -> dict[str, dict[str, Any]]:
    """Every family openapi.yaml declares: name -> {title, version, base-path, ...}."""
    declared: dict[str, dict[str, Any]] = doc["info"][spec_family.FAMILIES]
    return declared


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


def test_families_are_declared_and_every_operation_names_one(
    doc: Doc, families: dict[str, dict[str, Any]]
) -> None:
    """The facade knows the same families as openapi.yaml, under the same base paths; each
    has a version and a base path, and every operation says which it belongs to. The rules
    below that differ by family are stated for every family declared."""
    assert set(families) == set(_families.FAMILIES)
    for family, facts in families.items():
        assert facts["version"] and facts["title"], family
        assert str(facts["base-path"]).startswith("/"), family
        assert FACADE_BASE_PATHS[family] == facts["base-path"], family
        assert family in FAMILY_HEADERS and family in ENVELOPES, f"state {family}'s rules here"
    for name, (_, _, op) in operations(doc).items():
        assert op.get(spec_family.FAMILY) in families, name
    for family in families:
        assert operations(doc, family), family


def test_one_api_version_per_family(doc: Doc, families: dict[str, dict[str, Any]]) -> None:
    """A family's version is a value of its api-version header (the vendor may list others
    there) and the header's default when it has one: the facade sends one version per family
    from one place, and `make spec` guards it. info.version is the control plane's."""
    assert doc["info"]["version"] == families[CONTROL_PLANE]["version"]
    for family, facts in families.items():
        version = facts["version"]
        for name, (_, _, op) in operations(doc, family).items():
            for raw in op.get("parameters", []):
                param = specio.resolve(doc, raw)
                if param.get("in") != "header" or param["name"].lower() != VERSION_HEADER:
                    continue
                schema = param["schema"]
                assert version in schema.get("enum", [version]), (family, name)
                assert schema.get("default", version) == version, (family, name)


def test_a_version_is_a_date_or_part_of_the_base_path(
    doc: Doc, families: dict[str, dict[str, Any]]
) -> None:
    """A family is versioned by date, the facade sending it as api-version (pinned per
    family), or, like Streaming Ingest's v0, by its base path: such a family's operations
    declare no api-version header and the facade has no version of it to send or pin."""
    for family, facts in families.items():
        version = str(facts["version"])
        if DATE.fullmatch(version):
            assert FACADE_VERSIONS[family] == version, family
            assert family in FACADE_VERSION_ENV, family
            continue
        assert str(facts["base-path"]).endswith("/" + version), family
        assert family not in FACADE_VERSIONS, family
        assert family not in FACADE_VERSION_ENV, family
        for name, (_, _, op) in operations(doc, family).items():
            assert VERSION_HEADER not in header_names(doc, op), (family, name)
    assert not DATE.fullmatch(str(families[STREAMING]["version"]))


def test_every_operation_declares_its_familys_facade_headers(
    doc: Doc, families: dict[str, dict[str, Any]]
) -> None:
    """prepare_spec drops exactly the api-version and tenant headers (both spellings); the
    facade sets them per family. Each family's operations declare exactly the ones stated
    for it in FAMILY_HEADERS, so dropping them hides no parameter the facade does not send.
    The token endpoint (ours) is not versioned; its tenant header, X-Amperity-Tenant, is
    set by the facade's auth flow."""
    assert {VERSION_HEADER, TENANT_HEADER, STREAM_TENANT_HEADER} == prepare_spec.FACADE_HEADERS
    for family in families:
        expected = FAMILY_HEADERS[family]
        for name, (_, _, op) in operations(doc, family).items():
            headers = header_names(doc, op) & prepare_spec.FACADE_HEADERS
            if name == TOKEN_OPERATION:
                assert headers == {STREAM_TENANT_HEADER}
            else:
                assert headers == expected, (family, name)


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
        "post-event",
        "post-stream-data",
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


def test_one_success_answer_and_error_envelopes(
    doc: Doc, families: dict[str, dict[str, Any]]
) -> None:
    """The facade reads a 2xx answer of every operation it offers: a named model, or no body
    at all where a write is accepted (202) or dropped (204) and the status and headers are
    the answer. Every error is read as its family's envelope: the control plane declares it
    on every error; the Profile and Real-Time documents describe some errors in prose only,
    and where they declare a body it is the family's envelope; Streaming Ingest declares
    no error body at all."""
    for family in families:
        envelope = ENVELOPES[family]
        for operation_id, (_, _, op) in operations(doc, family).items():
            if specio.omitted(op):
                continue
            responses = op["responses"]
            success = [str(code) for code in responses if str(code).startswith("2")]
            assert success, operation_id
            for code in success:
                ok = json_schema(doc, responses[code])
                if ok is None:
                    assert code in BODYLESS_SUCCESS, (operation_id, code)
                else:
                    assert ref_name(ok), (operation_id, code)
            for code in responses:
                if str(code).startswith("2"):
                    continue
                schema = json_schema(doc, responses[code])
                if envelope is None:
                    assert schema is None, (operation_id, code)
                    continue
                if schema is None and family != CONTROL_PLANE:
                    continue
                assert schema is not None, (operation_id, code)
                assert ref_name(schema) == envelope, (operation_id, code)


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


def test_marked_responses_are_error_envelopes_from_components(
    doc: Doc, families: dict[str, dict[str, Any]]
) -> None:
    """Statuses the API documents only in prose are declared as marked error answers in the
    family's envelope, so strip/merge can tell them from the vendor's own: references to
    shared error responses on the control plane and the Profile API; written inline on the
    Real-Time API, whose vendor document (Swagger 2.0) has no shared responses."""
    for family in families:
        envelope = ENVELOPES[family]
        for operation_id, (_, _, op) in operations(doc, family).items():
            for code, answer in op["responses"].items():
                if MARK in answer and MARK not in op:
                    assert int(code) >= 400, (operation_id, code)
                    if family != REALTIME:
                        name = ref_name(answer, "responses")
                        assert name in doc["components"]["responses"], name
                    schema = json_schema(doc, answer)
                    assert envelope is not None and schema is not None, (operation_id, code)
                    assert ref_name(schema) == envelope, (operation_id, code)


def test_event_body_is_ours_and_one_json_object(doc: Doc) -> None:
    """client.realtime.send_event sends one JSON object: declared by us (marked), since the
    vendor's Swagger 2.0 document names the media type but declares no body."""
    _, _, op = operations(doc, REALTIME)["post-event"]
    body = specio.resolve(doc, op["requestBody"])
    assert MARK in body and body["required"] is True
    assert list(body["content"]) == ["application/json"]
    assert body["content"]["application/json"]["schema"]["type"] == "object"


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


def test_servers_are_ours(doc: Doc, families: dict[str, dict[str, Any]]) -> None:
    """`make spec` keeps our servers: the AWS host and the Azure per-tenant host, under each
    family's base path (a base path other than /api, e.g. the Real-Time API's /prof, on its
    path items); Streaming Ingest is reached on the tenant's own host only."""
    urls = [server["url"] for server in doc["servers"]]
    assert urls == [AWS_HOST + "/api", TENANT_HOST + "/api"]
    scheme = doc["components"]["securitySchemes"]["BearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for family, facts in families.items():
        hosts = HOSTS.get(family, (AWS_HOST, TENANT_HOST))
        expected = [host + facts["base-path"] for host in hosts]
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
