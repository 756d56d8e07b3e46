"""spec_diff: one test per rule of Amperity's versioning policy, in both directions where the
reverse means something, plus the command line."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import spec_diff, specio

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"

Doc = dict[str, Any]
Row = tuple[str, bool, str]  # (kind, breaking, location)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def answer(schema: dict[str, Any], description: str = "ok") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def make_doc(paths: dict[str, Any] | None = None, schemas: dict[str, Any] | None = None) -> Doc:
    """A minimal valid OpenAPI 3 document."""
    doc: Doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths or {}}
    if schemas:
        doc["components"] = {"schemas": schemas}
    return doc


def base() -> Doc:
    """GET /items (paged by limit, filtered by kind) and POST /items (create), with refs."""
    return make_doc(
        paths={
            "/items": {
                "get": {
                    "operationId": "list-items",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {
                            "name": "kind",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["a", "b"]},
                        },
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    ],
                    "responses": {"200": answer(ref("ItemList"))},
                },
                "post": {
                    "operationId": "create-item",
                    "requestBody": json_body(ref("ItemCreate")),
                    "responses": {
                        "201": answer(ref("Item")),
                        "404": answer(ref("Error"), "not found"),
                    },
                },
            }
        },
        schemas={
            "Item": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "status": {"type": "string", "enum": ["active", "archived"]},
                },
            },
            "ItemList": {
                "type": "object",
                "required": ["data"],
                "properties": {"data": {"type": "array", "items": ref("Item")}},
            },
            "ItemCreate": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "note": {"type": "string"},
                    "mode": {"type": "string", "enum": ["fast", "slow"]},
                },
            },
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
        },
    )


def rows(old: Doc, new: Doc) -> set[Row]:
    return {(c.kind, c.breaking, c.location) for c in spec_diff.compare(old, new)}


def changed(edit: Callable[[Doc], None]) -> Doc:
    doc = base()
    edit(doc)
    validate(doc)  # every variant stays a valid document
    return doc


def params(doc: Doc) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = doc["paths"]["/items"]["get"]["parameters"]
    return result


def schemas(doc: Doc) -> dict[str, Any]:
    result: dict[str, Any] = doc["components"]["schemas"]
    return result


GET, POST = "GET /items", "POST /items"


def test_base_document_is_valid_and_equal_to_itself() -> None:
    validate(base())
    assert spec_diff.compare(base(), base()) == []


# -- endpoints and parameters -------------------------------------------------------------------


def test_endpoint_added_and_removed() -> None:
    def add(doc: Doc) -> None:
        doc["paths"]["/items/{id}"] = {
            "delete": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"204": {"description": "gone"}},
            }
        }

    new = changed(add)
    assert rows(base(), new) == {("endpoint-added", False, "DELETE /items/{id}")}
    assert rows(new, base()) == {("endpoint-removed", True, "DELETE /items/{id}")}


def test_optional_parameter_added_and_removed() -> None:
    new = changed(
        lambda d: params(d).append({"name": "q", "in": "query", "schema": {"type": "string"}})
    )
    assert rows(base(), new) == {("parameter-added", False, f"{GET} query q")}
    assert rows(new, base()) == {("parameter-removed", True, f"{GET} query q")}


def test_required_parameter_added_and_removed() -> None:
    new = changed(
        lambda d: params(d).append(
            {"name": "since", "in": "query", "required": True, "schema": {"type": "string"}}
        )
    )
    assert rows(base(), new) == {("parameter-added", True, f"{GET} query since")}
    assert rows(new, base()) == {("parameter-removed", True, f"{GET} query since")}


def test_parameter_made_required_and_made_optional() -> None:
    new = changed(lambda d: params(d)[0].update(required=True))
    assert rows(base(), new) == {("parameter-made-required", True, f"{GET} query limit")}
    assert rows(new, base()) == {("parameter-made-optional", False, f"{GET} query limit")}


def test_parameter_rename_shows_as_removal_and_addition() -> None:
    new = changed(lambda d: params(d)[1].update(name="category"))
    assert rows(base(), new) == {
        ("parameter-removed", True, f"{GET} query kind"),
        ("parameter-added", False, f"{GET} query category"),
    }


def test_parameter_type_and_format_changes() -> None:
    new = changed(lambda d: params(d)[0].update(schema={"type": "string"}))
    assert rows(base(), new) == {("type-changed", True, f"{GET} query limit")}
    assert rows(new, base()) == {("type-changed", True, f"{GET} query limit")}
    # a bounded integer accepts fewer values: narrower on the request side, so breaking
    new = changed(lambda d: params(d)[0].update(schema={"type": "integer", "format": "int64"}))
    assert rows(base(), new) == {("format-narrowed", True, f"{GET} query limit")}
    assert rows(new, base()) == {("format-widened", False, f"{GET} query limit")}


def test_parameter_enum_value_added_and_removed() -> None:
    new = changed(lambda d: params(d)[1]["schema"]["enum"].append("c"))
    assert rows(base(), new) == {("enum-value-added", False, f"{GET} query kind")}
    assert rows(new, base()) == {("enum-value-removed", True, f"{GET} query kind")}


def test_header_parameter_names_compare_case_insensitively() -> None:
    new = changed(lambda d: params(d)[2].update(name="x-trace"))
    assert rows(base(), new) == set()


def test_path_item_parameters_apply_to_every_operation() -> None:
    def move(doc: Doc) -> None:
        doc["paths"]["/items"]["parameters"] = [params(doc).pop(0)]

    # unchanged for GET, which had it already; new (and optional) for POST
    assert rows(base(), changed(move)) == {("parameter-added", False, f"{POST} query limit")}


def test_pagination_added_as_a_parameter() -> None:
    new = changed(
        lambda d: params(d).append(
            {"name": "next_token", "in": "query", "schema": {"type": "string"}}
        )
    )
    assert rows(base(), new) == {("pagination-added", True, f"{GET} query next_token")}
    assert rows(new, base()) == {("parameter-removed", True, f"{GET} query next_token")}


def test_pagination_added_as_a_response_property() -> None:
    new = changed(
        lambda d: schemas(d)["ItemList"]["properties"].update(next_token={"type": "string"})
    )
    assert rows(base(), new) == {("pagination-added", True, f"{GET} response 200.next_token")}
    assert rows(new, base()) == {
        ("response-property-removed", True, f"{GET} response 200.next_token")
    }


# -- request bodies ------------------------------------------------------------------------------


def test_optional_request_property_added_and_removed() -> None:
    new = changed(lambda d: schemas(d)["ItemCreate"]["properties"].update(tags={"type": "string"}))
    assert rows(base(), new) == {("request-property-added", False, f"{POST} request.tags")}
    assert rows(new, base()) == {("request-property-removed", True, f"{POST} request.tags")}


def test_required_request_property_added() -> None:
    def add(doc: Doc) -> None:
        schemas(doc)["ItemCreate"]["properties"]["owner"] = {"type": "string"}
        schemas(doc)["ItemCreate"]["required"].append("owner")

    new = changed(add)
    assert rows(base(), new) == {("request-property-added", True, f"{POST} request.owner")}
    assert rows(new, base()) == {("request-property-removed", True, f"{POST} request.owner")}


def test_request_property_made_required_and_made_optional() -> None:
    new = changed(lambda d: schemas(d)["ItemCreate"]["required"].append("note"))
    assert rows(base(), new) == {("property-made-required", True, f"{POST} request.note")}
    assert rows(new, base()) == {("property-made-optional", False, f"{POST} request.note")}


def test_request_enum_value_added_and_removed() -> None:
    new = changed(lambda d: schemas(d)["ItemCreate"]["properties"]["mode"]["enum"].append("auto"))
    assert rows(base(), new) == {("enum-value-added", False, f"{POST} request.mode")}
    assert rows(new, base()) == {("enum-value-removed", True, f"{POST} request.mode")}


def test_request_enum_restriction_added_and_dropped() -> None:
    new = changed(lambda d: schemas(d)["ItemCreate"]["properties"]["note"].update(enum=["x", "y"]))
    assert rows(base(), new) == {("enum-added", True, f"{POST} request.note")}
    assert rows(new, base()) == {("enum-removed", False, f"{POST} request.note")}


def test_request_body_added_and_removed() -> None:
    def drop(doc: Doc) -> None:
        del doc["paths"]["/items"]["post"]["requestBody"]

    without = changed(drop)
    assert rows(base(), without) == {("request-body-removed", True, f"{POST} request")}
    assert rows(without, base()) == {("request-body-added", True, f"{POST} request")}
    optional = changed(lambda d: d["paths"]["/items"]["post"]["requestBody"].update(required=False))
    assert rows(without, optional) == {("request-body-added", False, f"{POST} request")}


# -- responses -----------------------------------------------------------------------------------


def test_response_property_added_and_removed_everywhere_the_schema_is_used() -> None:
    new = changed(lambda d: schemas(d)["Item"]["properties"].update(color={"type": "string"}))
    assert rows(base(), new) == {
        ("response-property-added", False, f"{GET} response 200.data[].color"),
        ("response-property-added", False, f"{POST} response 201.color"),
    }
    assert rows(new, base()) == {
        ("response-property-removed", True, f"{GET} response 200.data[].color"),
        ("response-property-removed", True, f"{POST} response 201.color"),
    }


def test_response_property_rename_shows_as_removal_and_addition() -> None:
    def rename(doc: Doc) -> None:
        props = schemas(doc)["Item"]["properties"]
        props["title"] = props.pop("name")

    assert rows(base(), changed(rename)) == {
        ("response-property-removed", True, f"{GET} response 200.data[].name"),
        ("response-property-added", False, f"{GET} response 200.data[].title"),
        ("response-property-removed", True, f"{POST} response 201.name"),
        ("response-property-added", False, f"{POST} response 201.title"),
    }


def test_response_property_made_required_and_made_optional() -> None:
    new = changed(lambda d: schemas(d)["Item"]["required"].append("name"))
    assert rows(base(), new) == {
        ("property-made-required", False, f"{GET} response 200.data[].name"),
        ("property-made-required", False, f"{POST} response 201.name"),
    }
    assert rows(new, base()) == {
        ("property-made-optional", True, f"{GET} response 200.data[].name"),
        ("property-made-optional", True, f"{POST} response 201.name"),
    }


def test_type_changed_both_ways() -> None:
    new = changed(lambda d: schemas(d)["Item"]["properties"]["id"].update(type="integer"))
    expected = {
        ("type-changed", True, f"{GET} response 200.data[].id"),
        ("type-changed", True, f"{POST} response 201.id"),
    }
    assert rows(base(), new) == expected
    assert rows(new, base()) == expected


def test_format_changed_both_ways() -> None:
    new = changed(lambda d: schemas(d)["Item"]["properties"]["created_at"].update(format="date"))
    expected = {
        ("format-changed", True, f"{GET} response 200.data[].created_at"),
        ("format-changed", True, f"{POST} response 201.created_at"),
    }
    assert rows(base(), new) == expected
    assert rows(new, base()) == expected
    (change, _) = [c for c in spec_diff.compare(base(), new) if c.kind == "format-changed"]
    assert change.detail == "format date-time -> date"


def test_response_enum_value_added_and_removed() -> None:
    new = changed(lambda d: schemas(d)["Item"]["properties"]["status"]["enum"].append("deleted"))
    assert rows(base(), new) == {
        ("enum-value-added", False, f"{GET} response 200.data[].status"),
        ("enum-value-added", False, f"{POST} response 201.status"),
    }
    assert rows(new, base()) == {
        ("enum-value-removed", True, f"{GET} response 200.data[].status"),
        ("enum-value-removed", True, f"{POST} response 201.status"),
    }


def test_response_enum_restriction_dropped_and_added() -> None:
    new = changed(lambda d: schemas(d)["Item"]["properties"]["status"].pop("enum"))
    assert rows(base(), new) == {
        ("enum-removed", True, f"{GET} response 200.data[].status"),
        ("enum-removed", True, f"{POST} response 201.status"),
    }
    assert rows(new, base()) == {
        ("enum-added", False, f"{GET} response 200.data[].status"),
        ("enum-added", False, f"{POST} response 201.status"),
    }


def test_responses_added_and_removed() -> None:
    def drop_success(doc: Doc) -> None:
        responses = doc["paths"]["/items"]["post"]["responses"]
        responses["200"] = responses.pop("201")

    new = changed(drop_success)
    assert rows(base(), new) == {
        ("response-removed", True, f"{POST} response 201"),
        ("response-added", False, f"{POST} response 200"),
    }
    no_404 = changed(lambda d: d["paths"]["/items"]["post"]["responses"].pop("404"))
    assert rows(base(), no_404) == {("response-removed", False, f"{POST} response 404")}
    assert rows(no_404, base()) == {("response-added", False, f"{POST} response 404")}


# -- $ref resolution -----------------------------------------------------------------------------


def test_change_inside_a_referenced_schema_is_reported_at_the_operation() -> None:
    """ItemList -> items: Item -> created_at: the location names the operation, not components."""
    new = changed(lambda d: schemas(d)["Item"]["properties"]["created_at"].update(type="integer"))
    locations = {c.location for c in spec_diff.compare(base(), new)}
    assert locations == {f"{GET} response 200.data[].created_at", f"{POST} response 201.created_at"}
    assert not any("components" in loc for loc in locations)


def test_inlining_a_referenced_schema_is_no_change() -> None:
    def inline(doc: Doc) -> None:
        content = doc["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"]
        content["schema"] = copy.deepcopy(schemas(doc)["ItemCreate"])

    assert rows(base(), changed(inline)) == set()


def test_reference_wrapped_in_allof_is_no_change() -> None:
    def wrap(doc: Doc) -> None:
        schemas(doc)["ItemList"]["properties"]["data"]["items"] = {"allOf": [ref("Item")]}

    assert rows(base(), changed(wrap)) == set()


def test_referenced_parameter_is_resolved() -> None:
    def by_ref(doc: Doc) -> None:
        doc.setdefault("components", {})["parameters"] = {"Limit": params(doc)[0]}
        params(doc)[0] = {"$ref": "#/components/parameters/Limit"}

    referenced = changed(by_ref)
    assert rows(base(), referenced) == set()
    required = copy.deepcopy(referenced)
    required["components"]["parameters"]["Limit"]["required"] = True
    assert rows(referenced, required) == {("parameter-made-required", True, f"{GET} query limit")}


def test_recursive_schemas_terminate_and_report_once() -> None:
    def doc_with(name_type: str) -> Doc:
        node = {
            "type": "object",
            "properties": {
                "name": {"type": name_type},
                "children": {"type": "array", "items": ref("Node")},
            },
        }
        tree = {"type": "array", "items": ref("Tree")}
        return make_doc(
            paths={
                "/nodes": {"get": {"responses": {"200": answer(ref("Node"))}}},
                "/trees": {"get": {"responses": {"200": answer(ref("Tree"))}}},
            },
            schemas={"Node": node, "Tree": tree},
        )

    old, new = doc_with("string"), doc_with("integer")
    validate(new)
    assert rows(old, old) == set()
    assert rows(old, new) == {("type-changed", True, "GET /nodes response 200.name")}


def test_real_document_compares_equal_to_itself_and_flags_a_removed_vendor_field() -> None:
    doc = specio.load(SPEC_PATH)
    assert spec_diff.compare(doc, copy.deepcopy(doc)) == []
    new = copy.deepcopy(doc)
    del new["components"]["schemas"]["Segment"]["properties"]["status"]
    found = rows(doc, new)  # one row for every operation answering with a Segment
    assert ("response-property-removed", True, "GET /segments response 200.data[].status") in found
    assert all(kind == "response-property-removed" and breaking for kind, breaking, _ in found)
    assert all(location.endswith(".status") for _, _, location in found)


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> Callable[[Doc, Doc], tuple[str, str]]:
    def write(old: Doc, new: Doc) -> tuple[str, str]:
        old_path, new_path = tmp_path / "old.yaml", tmp_path / "new.json"
        specio.save(old, old_path)
        new_path.write_text(json.dumps(new), encoding="utf-8")  # JSON works as well as YAML
        return str(old_path), str(new_path)

    return write


def test_cli_identical_documents_json(
    files: Callable[[Doc, Doc], tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert spec_diff.main([*files(base(), base()), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_cli_identical_documents_text(
    files: Callable[[Doc, Doc], tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert spec_diff.main([*files(base(), base())]) == 0
    assert capsys.readouterr().out == "No differences.\n"


def test_cli_exit_1_on_breaking_with_json_records(
    files: Callable[[Doc, Doc], tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    new = changed(lambda d: schemas(d)["Item"]["properties"].pop("name"))
    assert spec_diff.main([*files(base(), new), "--format", "json"]) == 1
    records = json.loads(capsys.readouterr().out)
    assert {
        "kind": "response-property-removed",
        "breaking": True,
        "location": f"{POST} response 201.name",
        "detail": "property removed",
    } in records
    assert all(set(r) == {"kind", "breaking", "location", "detail"} for r in records)


def test_cli_exit_0_when_only_non_breaking(
    files: Callable[[Doc, Doc], tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    new = changed(lambda d: schemas(d)["Item"]["properties"].update(color={"type": "string"}))
    assert spec_diff.main([*files(base(), new)]) == 0
    assert "Breaking changes (0):\n  (none)\n" in capsys.readouterr().out


def test_cli_text_groups_breaking_then_non_breaking(
    files: Callable[[Doc, Doc], tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(doc: Doc) -> None:
        params(doc).pop(0)  # breaking
        schemas(doc)["Item"]["properties"]["status"]["enum"].append("deleted")  # not breaking

    assert spec_diff.main([*files(base(), changed(edit))]) == 1
    out = capsys.readouterr().out
    head, _, rest = out.partition("Breaking changes (1):\n")
    breaking, _, non_breaking = rest.partition("Non-breaking changes (2):\n")
    assert head == ""
    assert breaking == f"  - [parameter-removed] {GET} query limit: parameter removed\n"
    assert non_breaking.splitlines() == [
        f"  - [enum-value-added] {GET} response 200.data[].status: value 'deleted' added",
        f"  - [enum-value-added] {POST} response 201.status: value 'deleted' added",
    ]


def test_render_text_marks_an_empty_group() -> None:
    change = spec_diff.Change("endpoint-added", False, "GET /x", "new operation")
    assert spec_diff.render_text([change]) == (
        "Breaking changes (0):\n  (none)\n"
        "Non-breaking changes (1):\n  - [endpoint-added] GET /x: new operation\n"
    )


@pytest.mark.parametrize("position", ["OLD", "NEW"])
def test_cli_swagger_2_is_unusable_input(
    position: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    swagger = tmp_path / "swagger.json"
    swagger.write_text(
        json.dumps({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}})
    )
    good = tmp_path / "good.yaml"
    specio.save(base(), good)
    argv = [str(swagger), str(good)] if position == "OLD" else [str(good), str(swagger)]
    assert spec_diff.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        f"spec_diff: {position}: expected an OpenAPI 3 document, found swagger 2.0"
    )


def test_compare_refuses_swagger_2() -> None:
    with pytest.raises(ValueError, match=r"found swagger 2\.0"):
        spec_diff.compare({"swagger": "2.0", "paths": {}}, base())
    with pytest.raises(ValueError, match="no openapi version"):
        spec_diff.compare(base(), {"paths": {}})


@pytest.mark.parametrize(
    "text",
    ["a: b: c\n  - [", "{not json", "- just\n- a list\n", ""],
    ids=["broken-yaml", "broken-json", "not-a-mapping", "empty"],
)
def test_cli_unparseable_input_exits_2(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    good = tmp_path / "good.yaml"
    specio.save(base(), good)
    assert spec_diff.main([str(good), str(bad)]) == 2
    assert capsys.readouterr().err.startswith("spec_diff: ")


def test_cli_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    specio.save(base(), good)
    assert spec_diff.main([str(good), str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err
