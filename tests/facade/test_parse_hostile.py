"""Hostile success bodies (issue 10, item 5): APIResponseValidationError, never a raw Python
exception, and never a listing that ends quietly or a model holding the wrong type."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, errors

from .conftest import MockAPI, make_async, page, workflow

SEG = {"id": "seg-1", "name": "Loyal", "status": "active"}
DEEP = b'{"data":' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def test_deeply_nested_body_is_a_validation_error(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", httpx.Response(200, content=DEEP))
    with pytest.raises(errors.APIResponseValidationError, match="RecursionError") as info:
        list(client.segments.list())
    assert not info.value.unreadable  # valid JSON: asking again gives the same answer
    assert len(api.requests) == 1


@pytest.mark.anyio
async def test_deeply_nested_body_is_a_validation_error_async(api: MockAPI) -> None:
    api.on("GET", "/workflow/runs/wf-1", httpx.Response(200, content=DEEP))
    async with make_async(api) as client:
        with pytest.raises(errors.APIResponseValidationError, match="RecursionError"):
            await client.workflows.get("wf-1")
    assert len(api.requests) == 1


WRONG_LISTINGS = [
    ({"data": {}}, "data: expected a list, got an object"),
    ({"data": "seg-1"}, "data: expected a list, got a string"),
    ({"data": [["id", "seg-1"], ["name", "x"], ["status", "y"]]}, "data[0]: expected an object"),
    ({"data": [SEG, {**SEG, "name": 7}]}, "data[1].name: expected a string, got a number"),
    ({"data": [SEG, {**SEG, "name": None}]}, "data[1].name: required, but null"),
    ({"data": [{"id": "seg-1", "status": "x"}]}, "data[0].name: required, but missing"),
    ({"data": [SEG], "total": "1"}, "total: expected an integer, got a string"),
    ({"data": [SEG], "total": True}, "total: expected an integer, got true/false"),
    ({"data": [SEG], "total": 1.5}, "total: expected an integer, got a number"),
    ({"data": [SEG], "next_token": 12345}, "next_token: expected a string, got a number"),
    ({"data": [SEG], "next_token": ["c2"]}, "next_token: expected a string, got a list"),
    ([SEG], "expected an object, got a list"),
]


@pytest.mark.parametrize(("body", "where"), WRONG_LISTINGS)
def test_listing_of_the_wrong_shape_is_refused(
    api: MockAPI, client: Amperity, body: Any, where: str
) -> None:
    api.on("GET", "/segments", httpx.Response(200, json=body))
    with pytest.raises(errors.APIResponseValidationError) as info:
        list(client.segments.list())
    assert f"not the documented JSON ({where}" in str(info.value)
    assert not info.value.unreadable and len(api.requests) == 1


@pytest.mark.anyio
@pytest.mark.parametrize(("body", "where"), WRONG_LISTINGS)
async def test_listing_of_the_wrong_shape_is_refused_async(
    api: MockAPI, body: Any, where: str
) -> None:
    api.on("GET", "/segments", httpx.Response(200, json=body))
    async with make_async(api) as client:
        with pytest.raises(errors.APIResponseValidationError, match="not the documented JSON"):
            [s async for s in client.segments.list()]
    assert len(api.requests) == 1


def test_cursor_that_is_not_a_string_does_not_end_the_export(
    api: MockAPI, client: Amperity
) -> None:
    """It used to read as "no next page": one page exported, the rest silently lost."""
    api.on("GET", "/segments", httpx.Response(200, json={"data": [SEG], "next_token": 2}))
    seen = []
    with pytest.raises(errors.APIResponseValidationError, match="next_token"):
        for segment in client.segments.list():
            seen.append(segment)
    assert seen == []


@pytest.mark.anyio
async def test_cursor_that_is_not_a_string_does_not_end_the_export_async(api: MockAPI) -> None:
    body = {"data": [{"id": "isj-1", "workflow_id": "wf-1", "tables": []}], "next_token": {}}
    api.on("GET", "/ingest/jobs", httpx.Response(200, json=body))
    async with make_async(api) as client:
        with pytest.raises(errors.APIResponseValidationError, match="next_token"):
            [
                j
                async for j in client.ingest_jobs.list(
                    created_from="2026-10-01", created_to="2026-10-02"
                )
            ]


def test_wrong_types_inside_nested_models_are_refused(api: MockAPI, client: Amperity) -> None:
    job = {
        "id": "isj-1",
        "workflow_id": "wf-1",
        "tables": [
            {
                "feed_id": "df-1",
                "job_id": "isj-1",
                "table_name": "Orders",
                "state": "succeeded",
                "read": 10,
                "errors": 0,
                "rejected": 0,
                "inserted": "10",
                "updated": 0,
                "started_at": "2026-10-01T00:00:00Z",
                "ended_at": "2026-10-01T00:01:00Z",
                "files": [],
            }
        ],
    }
    api.on("GET", "/ingest/jobs/isj-1", httpx.Response(200, json=job))
    with pytest.raises(
        errors.APIResponseValidationError, match=r"tables\[0\]\.inserted: expected an integer"
    ):
        client.ingest_jobs.get("isj-1")
    api.on("GET", "/workflow/runs/wf-1", httpx.Response(200, json=workflow(error="boom")))
    with pytest.raises(errors.APIResponseValidationError, match="error: expected an object"):
        client.workflows.get("wf-1")
    api.on("GET", "/workflow/runs/wf-1", httpx.Response(200, json=workflow(id=12)))
    with pytest.raises(errors.APIResponseValidationError, match="id: expected a string"):
        client.workflows.get("wf-1")


@pytest.mark.anyio
async def test_wrong_types_in_a_started_workflow_are_refused_async(api: MockAPI) -> None:
    api.on("POST", "/workflow/runs", httpx.Response(201, json=workflow(warn_after_ms="soon")))
    async with make_async(api) as client:
        with pytest.raises(errors.APIResponseValidationError, match="warn_after_ms"):
            await client.workflows.run("cg-1")
    assert len(api.requests) == 1


def test_null_in_an_optional_field_reads_as_absent(api: MockAPI, client: Amperity) -> None:
    from amperity_api.types import Unset

    body = workflow(ended_at=None, principal_id=None, error=None)
    api.on("GET", "/workflow/runs/wf-1", httpx.Response(200, json=body))
    run = client.workflows.get("wf-1")
    assert isinstance(run.ended_at, Unset) and isinstance(run.principal_id, Unset)
    assert isinstance(run.error, Unset)
    api.on(
        "GET",
        "/segments",
        httpx.Response(200, json={"data": [SEG], "next_token": None, "total": None}),
    )
    (only,) = client.segments.list(with_total=True).pages()
    assert (only.next_token, only.total, [s.id for s in only.items]) == (None, None, ["seg-1"])


def test_message_names_the_place_never_the_value(api: MockAPI, client: Amperity) -> None:
    event = {"event_id": "ae-1", "principal_email": ["secret@example.com"]}
    api.on("GET", "/audit-events", httpx.Response(200, json={"data": [event]}))
    with pytest.raises(errors.APIResponseValidationError) as info:
        list(client.audit_events.list())
    assert "secret@example.com" not in str(info.value)


def test_unknown_fields_of_any_type_still_pass(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", page([{**SEG, "size": None, "tags": [1, {"a": None}]}]))
    (segment,) = client.segments.list()
    assert segment.additional_properties == {"size": None, "tags": [1, {"a": None}]}


def _reads_src_dict(call: Any) -> bool:
    func = call.func
    return getattr(func, "attr", None) == "get" and getattr(func.value, "id", None) == "src_dict"


def test_json_keys_match_what_the_generated_from_dict_reads() -> None:
    """The checker maps attributes to JSON keys by the generator's renaming rule; a
    regenerated client with another rule must fail here, not refuse good answers."""
    import ast
    import inspect
    import textwrap

    import attrs
    from amperity_api import models

    from amperity_facade._shapes import json_key, shape_of

    for name in models.__all__:
        model = getattr(models, name)
        if not attrs.has(model):
            continue
        source = inspect.getsource(model.from_dict)
        read = set()  # src_dict["key"] for required fields, src_dict.get("key", UNSET) else
        for node in ast.walk(ast.parse(textwrap.dedent(source))):
            if isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "src_dict":
                read.add(node.slice.value)  # type: ignore[attr-defined]
            elif isinstance(node, ast.Call) and _reads_src_dict(node):
                read.add(node.args[0].value)  # type: ignore[attr-defined]
        keys = {f[0] for f in shape_of(model).fields}
        assert keys == read, name
        assert {json_key(a.name) for a in attrs.fields(model)} - {"additional_properties"} == keys
