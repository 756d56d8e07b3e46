"""spec_diff pairing and pagination by shape: a renamed path variable is one URL, a moved path
is a rename (by operationId, or by shape when neither side has one), and pagination is
recognised whatever its parameter or field is called."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import spec_diff

Doc = dict[str, Any]
Row = tuple[str, bool, str]


def answer(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


WORKFLOW = {"type": "object", "properties": {"id": {"type": "string"}}}
LISTING = {"type": "object", "properties": {"data": {"type": "array", "items": WORKFLOW}}}


def path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def doc(paths: dict[str, Any]) -> Doc:
    result: Doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}
    validate(result)
    return result


def stop(path: str, var: str, op_id: str | None = None, schema: Any = WORKFLOW) -> Doc:
    """POST PATH taking the path variables VAR (comma-separated) and answering SCHEMA."""
    parameters = [path_param(name) for name in var.split(",")]
    body: dict[str, Any] = {"parameters": parameters, "responses": {"200": answer(schema)}}
    if op_id:
        body["operationId"] = op_id
    return doc({path: {"post": body}})


def rows(old: Doc, new: Doc) -> set[Row]:
    return {(c.kind, c.breaking, c.location) for c in spec_diff.compare(old, new)}


# -- path variables ------------------------------------------------------------------------------


def test_renamed_path_variable_is_one_url_not_a_removal_and_an_addition() -> None:
    old = stop("/workflow/runs/{workflow-id}/stop", "workflow-id", "stop-workflow")
    new = stop("/workflow/runs/{id}/stop", "id", "stop-workflow")
    assert rows(old, new) == {("path-variable-renamed", False, "POST /workflow/runs/{id}/stop")}
    assert rows(new, old) == {
        ("path-variable-renamed", False, "POST /workflow/runs/{workflow-id}/stop")
    }
    (change,) = spec_diff.compare(old, new)
    assert change.detail == "/workflow/runs/{workflow-id}/stop -> /workflow/runs/{id}/stop"


def test_path_parameters_compare_by_position() -> None:
    old = stop("/runs/{a}/tasks/{b}", "a,b")
    new = copy.deepcopy(old)
    item = new["paths"].pop("/runs/{a}/tasks/{b}")
    item["post"]["parameters"] = [
        path_param("run"),
        {**path_param("task"), "schema": {"type": "integer"}},
    ]
    new["paths"]["/runs/{run}/tasks/{task}"] = item
    validate(new)
    key = "POST /runs/{run}/tasks/{task}"
    assert rows(old, new) == {
        ("path-variable-renamed", False, key),
        ("type-changed", True, f"{key} path task"),
    }


# -- endpoint renames ----------------------------------------------------------------------------


def test_path_changed_with_the_same_operation_id_is_a_rename() -> None:
    old = stop("/workflow/runs/{workflow-id}/stop", "workflow-id", "stop-workflow")
    new = stop("/workflows/{workflow-id}/cancel", "workflow-id", "stop-workflow")
    assert rows(old, new) == {("endpoint-renamed", True, "POST /workflows/{workflow-id}/cancel")}
    assert rows(new, old) == {("endpoint-renamed", True, "POST /workflow/runs/{workflow-id}/stop")}
    (change,) = spec_diff.compare(old, new)
    assert change.detail == "/workflow/runs/{workflow-id}/stop -> /workflows/{workflow-id}/cancel"


def test_without_operation_ids_a_changed_separator_is_a_rename() -> None:
    old = stop("/workflow/runs/{workflow-id}:stop", "workflow-id")
    new = stop("/workflow/runs/{workflow-id}/stop", "workflow-id")
    assert rows(old, new) == {("endpoint-renamed", True, "POST /workflow/runs/{workflow-id}/stop")}
    assert rows(new, old) == {("endpoint-renamed", True, "POST /workflow/runs/{workflow-id}:stop")}


def test_without_operation_ids_a_changed_last_segment_is_a_rename() -> None:
    old = stop("/workflow/runs/{workflow-id}/stop", "workflow-id")
    new = stop("/workflow/runs/{workflow-id}/cancel", "workflow-id")
    assert rows(old, new) == {
        ("endpoint-renamed", True, "POST /workflow/runs/{workflow-id}/cancel")
    }


@pytest.mark.parametrize(
    ("new_path", "schema", "why"),
    [
        ("/workflow/runs/{workflow-id}/stop", LISTING, "different response"),
        ("/tasks/{workflow-id}/stop", WORKFLOW, "different prefix"),
    ],
)
def test_without_operation_ids_other_moves_stay_removal_and_addition(
    new_path: str, schema: Any, why: str
) -> None:
    old = stop("/workflow/runs/{workflow-id}:stop", "workflow-id")
    new = stop(new_path, "workflow-id", schema=schema)
    assert rows(old, new) == {
        ("endpoint-removed", True, "POST /workflow/runs/{workflow-id}:stop"),
        ("endpoint-added", False, f"POST {new_path}"),
    }, why


def test_shape_rename_needs_a_single_candidate() -> None:
    old = stop("/runs/{id}:stop", "id")
    new = stop("/runs/{id}/stop", "id")
    new["paths"]["/runs/{id}/halt"] = copy.deepcopy(new["paths"]["/runs/{id}/stop"])
    assert {kind for kind, _, _ in rows(old, new)} == {"endpoint-removed", "endpoint-added"}


def test_shape_rename_only_when_both_sides_lack_an_operation_id() -> None:
    old = stop("/runs/{id}:stop", "id")
    new = stop("/runs/{id}/stop", "id", "stop-run")
    assert {kind for kind, _, _ in rows(old, new)} == {"endpoint-removed", "endpoint-added"}


def test_changes_inside_a_renamed_endpoint_are_reported_at_its_new_location() -> None:
    old = stop("/runs/{id}:stop", "id", "stop-run")
    new = stop("/runs/{id}/stop", "id", "stop-run")
    props = new["paths"]["/runs/{id}/stop"]["post"]["responses"]["200"]["content"]
    props["application/json"]["schema"] = {"type": "object", "properties": {}}
    assert rows(old, new) == {
        ("endpoint-renamed", True, "POST /runs/{id}/stop"),
        ("response-property-removed", True, "POST /runs/{id}/stop response 200.id"),
    }


# -- pagination by shape -------------------------------------------------------------------------


def listing(params: list[dict[str, Any]], schema: Any = LISTING) -> Doc:
    return doc({"/runs": {"get": {"parameters": params, "responses": {"200": answer(schema)}}}})


def query(name: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": {"type": "string"}}


@pytest.mark.parametrize("name", ["cursor", "page", "pageToken", "offset", "after", "page_size"])
def test_a_paging_parameter_on_a_collection_is_pagination_added(name: str) -> None:
    assert rows(listing([]), listing([query(name)])) == {
        ("pagination-added", True, f"GET /runs query {name}")
    }
    assert rows(listing([query(name)]), listing([])) == {
        ("parameter-removed", True, f"GET /runs query {name}")
    }


def test_a_paging_parameter_on_a_single_object_is_an_ordinary_parameter() -> None:
    assert rows(listing([], WORKFLOW), listing([query("cursor")], WORKFLOW)) == {
        ("parameter-added", False, "GET /runs query cursor")
    }


def test_a_filter_that_merely_contains_a_paging_word_is_not_pagination() -> None:
    assert rows(listing([]), listing([query("started_from")])) == {
        ("parameter-added", False, "GET /runs query started_from")
    }


@pytest.mark.parametrize("field", ["nextToken", "next", "cursor", "next_page", "has_more"])
def test_a_paging_field_in_a_collection_response_is_pagination_added(field: str) -> None:
    paged = copy.deepcopy(LISTING)
    paged["properties"][field] = {"type": "string"}
    assert rows(listing([]), listing([], paged)) == {
        ("pagination-added", True, f"GET /runs response 200.{field}")
    }


def test_the_same_field_in_a_single_object_is_an_ordinary_property() -> None:
    single = copy.deepcopy(WORKFLOW)
    single["properties"]["next"] = {"type": "string"}
    assert rows(listing([], WORKFLOW), listing([], single)) == {
        ("response-property-added", False, "GET /runs response 200.next")
    }


# -- ordering ------------------------------------------------------------------------------------


def test_output_is_sorted_and_stable() -> None:
    old = stop("/runs/{id}:stop", "id")
    new = stop("/runs/{id}/stop", "id", schema={"type": "object", "properties": {}})
    new["paths"]["/other"] = {"get": {"responses": {"200": answer(WORKFLOW)}}}
    first = spec_diff.compare(old, new)
    assert first == spec_diff.compare(copy.deepcopy(old), copy.deepcopy(new))
    assert [c.location for c in first] == sorted(c.location for c in first)
