"""prepare_spec: the rewrite that makes the generated client safe to call with no arguments."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import prepare_spec, specio

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"


@pytest.fixture(scope="module")
def original() -> dict[str, Any]:
    return specio.load(SPEC_PATH)


@pytest.fixture(scope="module")
def prepared(original: dict[str, Any]) -> dict[str, Any]:
    return prepare_spec.prepare(original)


def operation(doc: dict[str, Any], operation_id: str) -> tuple[str, dict[str, Any]]:
    """(path, operation) of the operation with this operationId: found so, a path the vendor
    renames (`{workflow-id}` -> `{run-id}`, say) changes nothing here."""
    path, _, op = specio.find_operation(doc, operation_id)
    return path, op


def param(doc: dict[str, Any], operation_id: str, name: str | int) -> dict[str, Any]:
    """A parameter of the operation: by name, or (an int) the path parameter at that
    position in its path template, whatever the vendor calls it."""
    path, op = operation(doc, operation_id)
    params = [specio.resolve(doc, raw) for raw in op.get("parameters", [])]
    if isinstance(name, int):
        variables = re.findall(r"\{([^}]+)\}", path)
        assert name < len(variables), f"{path} has no path parameter {name}"
        name = variables[name]
        params = [p for p in params if p.get("in") == "path"]
    for resolved in params:
        if resolved["name"] == name:
            return dict(resolved)
    raise AssertionError(f"no parameter {name} on {operation_id} ({path})")


def refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            found.add(node["$ref"])
        for value in node.values():
            found |= refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs(value)
    return found


def minimal(op_params: list[dict[str, Any]], **components: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "get-thing",
                    "parameters": op_params,
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": components,
    }


def query(name: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


def prepared_schema(p: dict[str, Any]) -> dict[str, Any]:
    out = prepare_spec.prepare(minimal([p]))
    params = out["paths"]["/things/{id}"]["get"]["parameters"]
    schema: dict[str, Any] = params[0]["schema"]
    return schema


# -- the real document ---------------------------------------------------------------------


def test_prepared_real_document_is_still_valid(prepared: dict[str, Any]) -> None:
    validate(prepared)
    for ref in refs(prepared):
        specio.resolve(prepared, {"$ref": ref})  # raises KeyError when dangling


def test_facade_headers_gone_from_every_operation(prepared: dict[str, Any]) -> None:
    for path, item in prepared["paths"].items():
        for method in prepare_spec.HTTP_METHODS:
            if method not in item:
                continue
            for raw in item[method].get("parameters", []):
                p = specio.resolve(prepared, raw)
                assert p["name"].lower() not in prepare_spec.FACADE_HEADERS, (path, method)


def test_facade_headers_gone_from_components(
    original: dict[str, Any], prepared: dict[str, Any]
) -> None:
    params = prepared["components"]["parameters"]
    assert "ApiVersionHeader" not in params
    assert "AmperityTenant" not in params
    # every other shared parameter stays, whatever the vendor declares
    assert set(params) == set(original["components"]["parameters"]) - {
        "ApiVersionHeader",
        "AmperityTenant",
    }
    assert {"Limit", "NextToken", "WithTotal"} <= set(params)


def test_facade_headers_are_the_tenant_and_version_in_every_spelling() -> None:
    """The control plane and the Profile API name the tenant amperity-tenant; Streaming
    Ingest and the token endpoint X-Amperity-Tenant (header names are not case sensitive)."""
    assert {"api-version", "amperity-tenant", "x-amperity-tenant"} == prepare_spec.FACADE_HEADERS


@pytest.mark.parametrize("operation_id", ["create-token", "post-stream-data"])
def test_x_amperity_tenant_is_dropped_too(
    original: dict[str, Any], prepared: dict[str, Any], operation_id: str
) -> None:
    """The tenant header spelled X-Amperity-Tenant is the facade's to set as well: on the
    Streaming API by the per-family headers, on the token endpoint by the auth flow. The
    generated builders never take it; every other parameter stays."""
    declared = param(original, operation_id, "X-Amperity-Tenant")
    assert (declared["in"], declared["required"]) == ("header", True)
    with pytest.raises(AssertionError, match="no parameter X-Amperity-Tenant"):
        param(prepared, operation_id, "X-Amperity-Tenant")
    _, before = operation(original, operation_id)
    _, after = operation(prepared, operation_id)
    kept = [specio.resolve(original, raw)["name"] for raw in before.get("parameters", [])]
    assert [p["name"] for p in after.get("parameters", [])] == [
        name for name in kept if name != "X-Amperity-Tenant"
    ]


def test_streaming_request_id_header_stays(prepared: dict[str, Any]) -> None:
    """X-Request-Id is the caller's to give (optional): not a facade header."""
    p = param(prepared, "post-stream-data", "X-Request-Id")
    assert (p["in"], p.get("required", False)) == ("header", False)


@pytest.mark.parametrize(
    ("operation_id", "name"),
    [
        ("list-events", "happened_from"),
        ("list-events", "happened_to"),
        ("list-campaign", "destination_data_template_id"),
        ("list-campaign-draft", "destination_data_template_id"),
        ("list-workflows", "created_from"),
        ("list-workflows", "created_to"),
        ("list-workflows", "ended_from"),
        ("list-workflows", "ended_to"),
        ("list-workflows", "state"),
        ("list-workflows", "type"),
        # required window: a default is meaningless there
        ("list-ingest-jobs", "created_from"),
        ("list-ingest-jobs", "created_to"),
        # path parameters, by position: the vendor may rename the template's variables
        ("get-ingest-job", 0),
        ("get-workflow", 0),
        ("stop-workflow", 0),
    ],
)
def test_example_valued_parameter_default_becomes_example(
    original: dict[str, Any], prepared: dict[str, Any], operation_id: str, name: str | int
) -> None:
    before = param(original, operation_id, name)["schema"]
    after = param(prepared, operation_id, name)["schema"]
    assert "default" in before  # the trap is really there in openapi.yaml
    assert "default" not in after
    assert after["example"] == before["default"]


@pytest.mark.parametrize("name", ["config_id", "range_from", "range_to", "run_mode"])
def test_example_valued_request_property_default_becomes_example(
    original: dict[str, Any], prepared: dict[str, Any], name: str
) -> None:
    before = original["components"]["schemas"]["WorkflowRunRequest"]["properties"][name]
    after = prepared["components"]["schemas"]["WorkflowRunRequest"]["properties"][name]
    assert "default" in before
    assert "default" not in after
    assert after["example"] == before["default"]


def run_mode(doc: dict[str, Any]) -> dict[str, Any]:
    prop: dict[str, Any] = doc["components"]["schemas"]["WorkflowRunRequest"]["properties"][
        "run_mode"
    ]
    return prop


def test_run_mode_keeps_whatever_enum_the_vendor_declares_and_loses_its_full_default(
    original: dict[str, Any], prepared: dict[str, Any]
) -> None:
    assert run_mode(prepared)["enum"] == run_mode(original)["enum"]
    assert "full" in run_mode(prepared)["enum"]
    # a value the vendor may add without notice is kept too; the `full` default still goes
    doc = copy.deepcopy(original)
    run_mode(doc)["enum"].append("zz-synthetic-mode")  # no vendor name
    run_mode(doc)["default"] = "full"
    after = run_mode(prepare_spec.prepare(doc))
    assert after["enum"] == run_mode(doc)["enum"]
    assert "default" not in after
    assert after["example"] == "full"


def test_real_defaults_kept(prepared: dict[str, Any]) -> None:
    assert prepared["components"]["parameters"]["WithTotal"]["schema"]["default"] is False
    view = param(prepared, "get-workflow", "view")
    assert view["schema"]["default"] == "overview"


def required_parameters(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in doc["paths"].values():
        for method in prepare_spec.HTTP_METHODS:
            for raw in item.get(method, {}).get("parameters", []):
                p = specio.resolve(doc, raw)
                if p.get("required") or p.get("in") == "path":
                    found.append(p)
    return found


def schemas_with_a_default(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "default" in node and not isinstance(node["default"], dict):
            found.append(node)
        for value in node.values():
            found += schemas_with_a_default(value)
    elif isinstance(node, list):
        for value in node:
            found += schemas_with_a_default(value)
    return found


def test_only_real_defaults_survive_anywhere(
    original: dict[str, Any], prepared: dict[str, Any]
) -> None:
    """Whatever the vendor declares: no default left is example-valued, on a required or
    path parameter, or not in openapi.yaml to begin with; today's real ones are among them."""
    left = schemas_with_a_default(
        {"paths": prepared["paths"], "components": prepared["components"]}
    )
    for schema in left:
        assert not prepare_spec.default_is_example(schema), schema
        assert "x-default-is-example" not in schema
    for p in required_parameters(prepared):
        assert "default" not in p.get("schema", {}), p["name"]
    values = [schema["default"] for schema in left]
    everywhere = {"paths": original["paths"], "components": original["components"]}
    before = [schema["default"] for schema in schemas_with_a_default(everywhere)]
    assert all(value in before for value in values)
    assert False in values and "overview" in values


def test_additional_properties_false_removed_everywhere(
    original: dict[str, Any], prepared: dict[str, Any]
) -> None:
    assert original["components"]["schemas"]["ErrorResponse"]["additionalProperties"] is False
    assert "additionalProperties: false" not in specio.dump(prepared)


def test_real_document_not_mutated(original: dict[str, Any]) -> None:
    snapshot = copy.deepcopy(original)
    prepare_spec.prepare(original)
    assert original == snapshot
    assert specio.dump(original) == SPEC_PATH.read_text(encoding="utf-8")


# -- small documents, one rule each ----------------------------------------------------------


def test_date_time_default_without_example_is_demoted() -> None:
    schema = prepared_schema(
        query("since", {"type": "string", "format": "date-time", "default": "2026-01-01T00:00:00Z"})
    )
    assert schema == {"type": "string", "format": "date-time", "example": "2026-01-01T00:00:00Z"}


def test_date_default_is_demoted() -> None:
    schema = prepared_schema(
        query("day", {"type": "string", "format": "date", "default": "2026-01-01"})
    )
    assert schema == {"type": "string", "format": "date", "example": "2026-01-01"}


def test_default_equal_to_example_is_demoted() -> None:
    schema = prepared_schema(
        query("state", {"type": "string", "default": "done", "example": "done"})
    )
    assert schema == {"type": "string", "example": "done"}


def test_demotion_keeps_a_different_existing_example() -> None:
    schema = prepared_schema(
        query(
            "since",
            {"type": "string", "format": "date", "default": "2026-01-01", "example": "2025-05-05"},
        )
    )
    assert schema == {"type": "string", "format": "date", "example": "2025-05-05"}


def test_default_of_a_required_parameter_is_demoted() -> None:
    schema = prepared_schema(query("size", {"type": "integer", "default": 10}, required=True))
    assert schema == {"type": "integer", "example": 10}


def test_path_parameter_default_is_demoted() -> None:
    p = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "default": "t-1"},
    }
    assert prepared_schema(p) == {"type": "string", "example": "t-1"}


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "boolean", "default": False},
        {"type": "string", "enum": ["a", "b"], "default": "a"},
        {"type": "integer", "default": 10, "example": 50},
    ],
)
def test_real_default_of_an_optional_parameter_is_kept(schema: dict[str, Any]) -> None:
    assert prepared_schema(query("opt", dict(schema))) == schema


def test_override_true_demotes_a_default_the_rules_would_keep() -> None:
    schema = prepared_schema(
        query("n", {"type": "integer", "default": 7, "x-default-is-example": True})
    )
    assert schema == {"type": "integer", "example": 7}


def test_override_false_keeps_a_default_the_rules_would_demote() -> None:
    raw = {
        "type": "string",
        "format": "date-time",
        "default": "2026-01-01T00:00:00Z",
        "example": "2026-01-01T00:00:00Z",
        "x-default-is-example": False,
    }
    schema = prepared_schema(query("since", raw, required=True))
    assert schema == {
        "type": "string",
        "format": "date-time",
        "default": "2026-01-01T00:00:00Z",
        "example": "2026-01-01T00:00:00Z",
    }


def test_override_on_schema_properties_both_ways() -> None:
    body = {
        "type": "object",
        "properties": {
            "mode": {"type": "string", "default": "fast", "x-default-is-example": True},
            "at": {
                "type": "string",
                "format": "date",
                "default": "2026-01-01",
                "x-default-is-example": False,
            },
            "keep": {"type": "integer", "default": 3},
            "nested": {
                "type": "object",
                "properties": {
                    "when": {
                        "type": "string",
                        "format": "date-time",
                        "default": "2026-01-01T00:00:00Z",
                    }
                },
            },
        },
    }
    out = prepare_spec.prepare(minimal([], schemas={"Body": body}))
    props = out["components"]["schemas"]["Body"]["properties"]
    assert props["mode"] == {"type": "string", "example": "fast"}
    assert props["at"] == {"type": "string", "format": "date", "default": "2026-01-01"}
    assert props["keep"] == {"type": "integer", "default": 3}
    assert props["nested"]["properties"]["when"] == {
        "type": "string",
        "format": "date-time",
        "example": "2026-01-01T00:00:00Z",
    }


def test_override_marker_without_default_is_just_dropped() -> None:
    assert prepared_schema(query("q", {"type": "string", "x-default-is-example": True})) == {
        "type": "string"
    }


def test_facade_headers_dropped_whatever_their_case() -> None:
    doc = minimal(
        [
            {"name": "Api-Version", "in": "header", "required": True, "schema": {"type": "string"}},
            {
                "name": "AMPERITY-TENANT",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
            },
            {"name": "x-AMPERITY-Tenant", "in": "header", "schema": {"type": "string"}},
            {"name": "X-Other", "in": "header", "schema": {"type": "string"}},
            query("api-version", {"type": "string"}),  # not a header: kept
        ]
    )
    params = prepare_spec.prepare(doc)["paths"]["/things/{id}"]["get"]["parameters"]
    assert [(p["name"], p["in"]) for p in params] == [
        ("X-Other", "header"),
        ("api-version", "query"),
    ]


def test_referenced_facade_headers_dropped_from_operation_and_components() -> None:
    doc = minimal(
        [
            {"$ref": "#/components/parameters/Version"},
            {"$ref": "#/components/parameters/Tenant"},
            {"$ref": "#/components/parameters/Page"},
        ],
        parameters={
            "Version": {
                "name": "api-version",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "enum": ["2024-04-01"], "default": "2024-04-01"},
            },
            "Tenant": {
                "name": "amperity-tenant",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
            },
            "Page": {"name": "page", "in": "query", "schema": {"type": "integer", "default": 1}},
            "Id": {
                "name": "id",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "default": "t-1"},
            },
        },
    )
    out = prepare_spec.prepare(doc)
    assert out["paths"]["/things/{id}"]["get"]["parameters"] == [
        {"$ref": "#/components/parameters/Page"}
    ]
    params = out["components"]["parameters"]
    assert sorted(params) == ["Id", "Page"]
    assert params["Page"]["schema"] == {"type": "integer", "default": 1}
    assert params["Id"]["schema"] == {"type": "string", "example": "t-1"}


def test_operation_left_without_parameters_loses_the_key() -> None:
    doc = minimal([{"name": "api-version", "in": "header", "schema": {"type": "string"}}])
    assert "parameters" not in prepare_spec.prepare(doc)["paths"]["/things/{id}"]["get"]


def test_additional_properties_false_removed_at_every_depth() -> None:
    schemas = {
        "Top": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "child": {"type": "object", "additionalProperties": False},
                "list": {
                    "type": "array",
                    "items": {"type": "object", "additionalProperties": False},
                },
                "wrapped": {"allOf": [{"type": "object", "additionalProperties": False}]},
            },
        },
        "Open": {"type": "object", "additionalProperties": True},
        "Map": {"type": "object", "additionalProperties": {"type": "string"}},
    }
    out = prepare_spec.prepare(minimal([], schemas=schemas))["components"]["schemas"]
    assert "additionalProperties" not in specio.dump(out["Top"])
    assert out["Open"]["additionalProperties"] is True
    assert out["Map"]["additionalProperties"] == {"type": "string"}


def test_small_document_not_mutated() -> None:
    doc = minimal(
        [
            {"name": "api-version", "in": "header", "schema": {"type": "string"}},
            query(
                "since",
                {
                    "type": "string",
                    "format": "date",
                    "default": "2026-01-01",
                    "x-default-is-example": True,
                },
            ),
        ],
        schemas={
            "S": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"a": {"type": "string", "default": "x", "example": "x"}},
            }
        },
    )
    snapshot = copy.deepcopy(doc)
    out = prepare_spec.prepare(doc)
    assert doc == snapshot
    assert out != snapshot


def test_cli_writes_prepared_copy(tmp_path: Path) -> None:
    src = tmp_path / "in.yaml"
    dst = tmp_path / "out.yaml"
    doc = minimal([query("since", {"type": "string", "format": "date", "default": "2026-01-01"})])
    specio.save(doc, src)
    assert prepare_spec.main([str(src), str(dst)]) == 0
    assert specio.load(dst) == prepare_spec.prepare(doc)
    assert specio.load(src) == doc


def test_cli_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert prepare_spec.main([]) == 2
    assert "Usage" in capsys.readouterr().err


# -- several API families: names, omissions, deepObject filters ----------------------------------


def test_every_generated_operation_has_an_operation_id(
    original: dict[str, Any], prepared: dict[str, Any]
) -> None:
    """The Profile and Real-Time documents have no operationIds: ours (x-facade-operation-id)
    becomes the generated function's name; the vendor's stays where it has one."""
    for _, _, op in specio.iter_operations(prepared):
        assert op["operationId"] == specio.operation_name(op)
    for path, method, op in specio.iter_operations(original):
        if specio.omitted(op) is None:
            assert prepared["paths"][path][method]["operationId"] == specio.operation_name(op)


def test_vendor_operation_id_wins_over_ours() -> None:
    doc = minimal([])
    op = doc["paths"]["/things/{id}"]["get"]
    op["x-facade-operation-id"] = "ours"
    assert prepare_spec.prepare(doc)["paths"]["/things/{id}"]["get"]["operationId"] == "get-thing"
    del op["operationId"]
    assert prepare_spec.prepare(doc)["paths"]["/things/{id}"]["get"]["operationId"] == "ours"


def test_omitted_operations_are_not_generated(
    original: dict[str, Any], prepared: dict[str, Any]
) -> None:
    omitted = [(p, m) for p, m, op in specio.iter_operations(original) if specio.omitted(op)]
    assert omitted  # openapi.yaml omits some (the Real-Time write and GET lookup)
    for path, method in omitted:
        assert method not in prepared["paths"].get(path, {}), (path, method)
    kept = {(p, m) for p, m, _ in specio.iter_operations(prepared)}
    assert kept == {(p, m) for p, m, _ in specio.iter_operations(original)} - set(omitted)
    for item in prepared["paths"].values():  # no path item left without an operation
        assert any(m in item for m in prepare_spec.HTTP_METHODS)


@pytest.mark.parametrize(
    ("mark", "generated"),
    [("Synthetic: not offered.", False), ("", True), ("  ", True), (True, True)],
    ids=["reason", "empty", "blank", "bool"],
)
def test_omission_needs_a_reason(mark: Any, generated: bool) -> None:
    doc = minimal([])
    doc["paths"]["/things/{id}"]["get"]["x-facade-omitted"] = mark
    assert ("/things/{id}" in prepare_spec.prepare(doc)["paths"]) is generated


def test_deep_object_filters_are_left_to_the_facade(
    original: dict[str, Any], prepared: dict[str, Any]
) -> None:
    def deep(doc: dict[str, Any]) -> list[str]:
        return [
            f"{m} {p} {specio.resolve(doc, raw)['name']}"
            for p, m, op in specio.iter_operations(doc)
            for raw in op.get("parameters", [])
            if specio.resolve(doc, raw).get("style") == "deepObject"
        ]

    assert deep(original)  # list-profiles' filter[<attribute>]=<value>
    assert deep(prepared) == []
    assert param(prepared, "list-profiles", "limit")["in"] == "query"  # the others stay
