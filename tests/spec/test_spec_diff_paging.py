"""spec_diff `pagination-added`: only for a collection that did not page before. A paging
parameter or field added to an operation that already paged, to one that returns a single
item, or a date filter that happens to be called `start`, is an ordinary addition."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import spec_diff

Doc = dict[str, Any]
Row = tuple[str, bool, str]
RUN = {"type": "object", "properties": {"id": {"type": "string"}}}
LISTING = {"type": "object", "properties": {"data": {"type": "array", "items": RUN}}}


def query(name: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": {"type": "string", **schema}}


def api(
    params: list[dict[str, Any]] | None = None,
    fields: dict[str, Any] | None = None,
    path: str = "/runs",
    body: Any = LISTING,
) -> Doc:
    """GET PATH taking PARAMS and answering BODY with FIELDS added at its top level."""
    schema = copy.deepcopy(body)
    schema.setdefault("properties", {}).update(fields or {})
    if schema["properties"] == {}:
        del schema["properties"]
    parameters = list(params or [])
    if "{" in path:
        var = path.rsplit("{", 1)[1].rstrip("}")
        parameters.append(
            {"name": var, "in": "path", "required": True, "schema": {"type": "string"}}
        )
    answer = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    doc: Doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {path: {"get": {"parameters": parameters, "responses": {"200": answer}}}},
    }
    validate(doc)
    return doc


def rows(old: Doc, new: Doc) -> set[Row]:
    return {(c.kind, c.breaking, c.location) for c in spec_diff.compare(old, new)}


TEXT = {"type": "string"}
FLAG = {"type": "boolean"}


# -- real pagination still caught ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        (["page_token"], []),
        (["cursor"], ["next_cursor"]),
        (["pageToken"], ["nextPageToken"]),
        (["limit", "next_token"], []),
        (["limit"], ["next_token"]),
        ([], ["has_more"]),
    ],
)
def test_paging_added_to_a_list_that_had_none(params: list[str], fields: list[str]) -> None:
    old = api()
    new = api([query(p) for p in params], dict.fromkeys(fields, TEXT))
    expected = {
        ("parameter-added", False, f"GET /runs query {p}")
        if p == "limit"  # a size alone: not named for paging, an ordinary optional parameter
        else ("pagination-added", True, f"GET /runs query {p}")
        for p in params
    } | {("pagination-added", True, f"GET /runs response 200.{f}") for f in fields}
    assert rows(old, new) == expected
    # the reverse takes away what callers used: removals, breaking
    assert all(breaking and kind.endswith("removed") for kind, breaking, _ in rows(new, old))


def test_a_bare_array_response_gaining_an_offset_is_pagination() -> None:
    array = {"type": "array", "items": RUN}
    assert rows(api(body=array), api([query("offset", type="integer")], body=array)) == {
        ("pagination-added", True, "GET /runs query offset")
    }


def test_a_page_size_alone_does_not_make_a_list_paginated() -> None:
    sized = api([query("page_size", type="integer")])
    assert rows(sized, api([query("page_size", type="integer"), query("page_token")])) == {
        ("pagination-added", True, "GET /runs query page_token")
    }


# -- already paginated ---------------------------------------------------------------------------


def test_has_more_added_to_a_list_paged_by_cursor_is_a_field_added() -> None:
    old = api([query("cursor")], {"next_cursor": TEXT})
    new = api([query("cursor")], {"next_cursor": TEXT, "has_more": FLAG})
    assert rows(old, new) == {("response-property-added", False, "GET /runs response 200.has_more")}
    assert rows(api([query("cursor")]), api([query("cursor")], {"has_more": FLAG})) == {
        ("response-property-added", False, "GET /runs response 200.has_more")
    }


def test_a_paging_parameter_added_to_a_list_that_answered_a_next_token() -> None:
    old = api(fields={"next_token": TEXT})
    new = api([query("next_token"), query("page_size", type="integer")], {"next_token": TEXT})
    assert rows(old, new) == {
        ("parameter-added", False, "GET /runs query next_token"),
        ("parameter-added", False, "GET /runs query page_size"),
    }


# -- not a collection ----------------------------------------------------------------------------


def test_one_item_carrying_an_array_is_not_a_collection() -> None:
    workflow = {
        "type": "object",
        "properties": {"id": TEXT, "task_instances": {"type": "array", "items": RUN}},
    }
    path = "/workflow/runs/{workflow-id}"
    old = api(path=path, body=workflow)
    new = api([query("cursor")], {"next_token": TEXT}, path=path, body=workflow)
    assert rows(old, new) == {
        ("parameter-added", False, f"GET {path} query cursor"),
        ("response-property-added", False, f"GET {path} response 200.next_token"),
    }


def test_a_paging_word_inside_the_items_is_an_ordinary_field() -> None:
    # each item holds an array of its own: still not the top of a collection's body
    tags = {"type": "array", "items": TEXT}
    before = {"type": "object", "properties": {"id": TEXT, "tags": tags}}
    after = copy.deepcopy(before)
    after["properties"]["next"] = TEXT
    old = api(body={"type": "object", "properties": {"data": {"type": "array", "items": before}}})
    new = api(body={"type": "object", "properties": {"data": {"type": "array", "items": after}}})
    assert rows(old, new) == {
        ("response-property-added", False, "GET /runs response 200.data[].next")
    }


# -- filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["date", "date-time"])
def test_a_start_date_is_a_filter_not_pagination(fmt: str) -> None:
    assert rows(api(), api([query("start", format=fmt)])) == {
        ("parameter-added", False, "GET /runs query start")
    }
    # nor does an old date filter called `start` count as paging already
    dated = api([query("start", format=fmt)])
    assert rows(dated, api([query("start", format=fmt), query("cursor")])) == {
        ("pagination-added", True, "GET /runs query cursor")
    }


def test_a_numeric_start_is_still_an_offset() -> None:
    assert rows(api(), api([query("start", type="integer")])) == {
        ("pagination-added", True, "GET /runs query start")
    }
