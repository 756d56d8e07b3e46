"""spec_diff rules beyond the first set: operationIds, security, servers, request-body
requiredness, media types, nullable, response headers, defaults, response codes and
integer-format widening. One test per rule, both directions, so each verdict is pinned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openapi_spec_validator import validate

from scripts import spec_diff

Doc = dict[str, Any]
Row = tuple[str, bool, str]
LIST, START, ONE = "GET /runs", "POST /runs", "GET /runs/{run-id}"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def answer(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


def base() -> Doc:
    """GET /runs (a collection), POST /runs (optional body), GET /runs/{run-id} (a header)."""
    run_id = {"name": "run-id", "in": "path", "required": True, "schema": {"type": "string"}}
    state = {"name": "state", "in": "query", "schema": {"type": "string"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://app.example.com/api"}],
        "paths": {
            "/runs": {
                "get": {
                    "operationId": "list-runs",
                    "parameters": [state],
                    "responses": {"200": answer(ref("RunList")), "400": answer(ref("Error"))},
                },
                "post": {
                    "operationId": "start-run",
                    "requestBody": {
                        "required": False,
                        "content": {"application/json": {"schema": ref("RunStart")}},
                    },
                    "responses": {"201": answer(ref("Run"))},
                },
            },
            "/runs/{run-id}": {
                "get": {
                    "operationId": "get-run",
                    "parameters": [run_id],
                    "responses": {
                        "200": {
                            **answer(ref("Run")),
                            "headers": {"X-Rate-Remaining": {"schema": {"type": "integer"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Run": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "rows": {"type": "integer", "format": "int64"},
                        "ended_at": {"type": "string"},
                    },
                },
                "RunList": {
                    "type": "object",
                    "properties": {"data": {"type": "array", "items": ref("Run")}},
                },
                "RunStart": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "since": {"type": "string", "nullable": True},
                    },
                },
                "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
            }
        },
    }


def changed(edit: Callable[[Doc], None]) -> Doc:
    doc = base()
    edit(doc)
    validate(doc)  # every variant stays a valid document
    return doc


def rows(old: Doc, new: Doc) -> set[Row]:
    return {(c.kind, c.breaking, c.location) for c in spec_diff.compare(old, new)}


def op(doc: Doc, path: str, method: str = "get") -> dict[str, Any]:
    result: dict[str, Any] = doc["paths"][path][method]
    return result


def props(doc: Doc, schema: str) -> dict[str, Any]:
    result: dict[str, Any] = doc["components"]["schemas"][schema]["properties"]
    return result


# -- operationId ---------------------------------------------------------------------------------


def test_operation_id_renamed_is_breaking_both_ways() -> None:
    new = changed(lambda d: op(d, "/runs").update(operationId="list-all-runs"))
    assert rows(base(), new) == {("operation-id-changed", True, LIST)}
    assert rows(new, base()) == {("operation-id-changed", True, LIST)}
    (change,) = spec_diff.compare(base(), new)
    assert change.detail == "operationId list-runs -> list-all-runs"


def test_operation_id_appearing_is_not_breaking_and_disappearing_is() -> None:
    new = changed(lambda d: op(d, "/runs").pop("operationId"))
    assert rows(new, base()) == {("operation-id-added", False, LIST)}
    assert rows(base(), new) == {("operation-id-removed", True, LIST)}


# -- security ------------------------------------------------------------------------------------


def with_bearer(doc: Doc) -> None:
    doc["components"]["securitySchemes"] = {"Bearer": {"type": "http", "scheme": "bearer"}}


def test_document_wide_security_appearing_is_breaking_and_going_is_not() -> None:
    def secure(doc: Doc) -> None:
        with_bearer(doc)
        doc["security"] = [{"Bearer": []}]

    schemes_only, secured = changed(with_bearer), changed(secure)
    assert rows(schemes_only, secured) == {("security-added", True, "security")}
    assert rows(secured, schemes_only) == {("security-removed", False, "security")}


def test_document_wide_security_changed() -> None:
    def two(doc: Doc) -> None:
        with_bearer(doc)
        doc["components"]["securitySchemes"]["Key"] = {
            "type": "apiKey",
            "in": "header",
            "name": "X-Key",
        }

    bearer = changed(lambda d: (two(d), d.update(security=[{"Bearer": []}])))
    key = changed(lambda d: (two(d), d.update(security=[{"Key": []}])))
    either = changed(lambda d: (two(d), d.update(security=[{"Bearer": []}, {"Key": []}])))
    assert rows(bearer, key) == {("security-changed", True, "security")}
    # a new alternative leaves the old way working; dropping one does not
    assert rows(bearer, either) == {("security-changed", False, "security")}
    assert rows(either, bearer) == {("security-changed", True, "security")}


def test_operation_security_added_and_removed() -> None:
    open_op = changed(lambda d: (with_bearer(d), op(d, "/runs").update(security=[])))
    secured_op = changed(
        lambda d: (with_bearer(d), op(d, "/runs").update(security=[{"Bearer": []}]))
    )
    assert rows(open_op, secured_op) == {("security-added", True, f"{LIST} security")}
    assert rows(secured_op, open_op) == {("security-removed", False, f"{LIST} security")}


def test_operation_opting_out_of_document_security_is_not_breaking() -> None:
    def secure(doc: Doc) -> None:
        with_bearer(doc)
        doc["security"] = [{"Bearer": []}]

    secured = changed(secure)
    exempt = changed(lambda d: (secure(d), op(d, "/runs").update(security=[])))
    assert rows(secured, exempt) == {("security-removed", False, f"{LIST} security")}
    assert rows(exempt, secured) == {("security-added", True, f"{LIST} security")}


def test_security_schemes_added_removed_and_changed() -> None:
    bearer = changed(with_bearer)
    assert rows(base(), bearer) == {("security-scheme-added", False, "securitySchemes Bearer")}
    assert rows(bearer, base()) == {("security-scheme-removed", True, "securitySchemes Bearer")}
    basic = changed(
        lambda d: (
            with_bearer(d),
            d["components"]["securitySchemes"]["Bearer"].update(scheme="basic"),
        )
    )
    assert rows(bearer, basic) == {("security-scheme-changed", True, "securitySchemes Bearer")}
    reworded = changed(
        lambda d: (
            with_bearer(d),
            d["components"]["securitySchemes"]["Bearer"].update(description="x"),
        )
    )
    assert rows(bearer, reworded) == set()


# -- servers -------------------------------------------------------------------------------------


def test_server_added_removed_and_changed() -> None:
    more = changed(
        lambda d: d["servers"].append(
            {"url": "https://{t}.example.com/api", "variables": {"t": {"default": "x"}}}
        )
    )
    assert rows(base(), more) == {("server-added", False, "servers")}
    assert rows(more, base()) == {("server-removed", True, "servers")}
    moved = changed(lambda d: d["servers"][0].update(url="https://api.example.com/v2"))
    assert rows(base(), moved) == {("server-changed", True, "servers")}
    assert rows(moved, base()) == {("server-changed", True, "servers")}
    slash = changed(lambda d: d["servers"][0].update(url="https://app.example.com/api/"))
    assert rows(base(), slash) == set()


def test_server_placeholders_compare_by_position_whatever_their_spelling() -> None:
    """Our document says `{tenant}` where the vendor writes a literal `<tenant-id>`."""

    def tenant(url: str) -> Callable[[Doc], None]:
        return lambda d: d["servers"].append({"url": url, "variables": {"t": {"default": "x"}}})

    ours = changed(tenant("https://{t}.example.com/api"))
    vendor = changed(tenant("https://<tenant-id>.example.com/api"))
    assert rows(ours, vendor) == set()
    assert rows(vendor, ours) == set()


# -- request bodies and media types --------------------------------------------------------------


def test_request_body_made_required_and_made_optional() -> None:
    new = changed(lambda d: op(d, "/runs", "post")["requestBody"].update(required=True))
    assert rows(base(), new) == {("request-body-made-required", True, f"{START} request")}
    assert rows(new, base()) == {("request-body-made-optional", False, f"{START} request")}


def test_request_media_type_changed_added_and_removed() -> None:
    def form(doc: Doc) -> None:
        content = op(doc, "/runs", "post")["requestBody"]["content"]
        content["application/x-www-form-urlencoded"] = content.pop("application/json")

    def both(doc: Doc) -> None:
        content = op(doc, "/runs", "post")["requestBody"]["content"]
        content["multipart/form-data"] = {"schema": ref("RunStart")}

    new = changed(form)
    assert rows(base(), new) == {("media-type-changed", True, f"{START} request")}
    assert rows(new, base()) == {("media-type-changed", True, f"{START} request")}
    (change,) = spec_diff.compare(base(), new)
    assert change.detail == "media type application/json -> application/x-www-form-urlencoded"
    new = changed(both)
    assert rows(base(), new) == {("media-type-added", False, f"{START} request")}
    assert rows(new, base()) == {("media-type-removed", True, f"{START} request")}


def test_response_media_type_added_removed_and_changed() -> None:
    def csv_too(doc: Doc) -> None:
        op(doc, "/runs")["responses"]["200"]["content"]["text/csv"] = {"schema": {"type": "string"}}

    def only_ndjson(doc: Doc) -> None:
        content = op(doc, "/runs")["responses"]["200"]["content"]
        content["application/x-ndjson"] = content.pop("application/json")

    new = changed(csv_too)
    assert rows(base(), new) == {("media-type-added", False, f"{LIST} response 200")}
    assert rows(new, base()) == {("media-type-removed", True, f"{LIST} response 200")}
    new = changed(only_ndjson)
    assert rows(base(), new) == {("media-type-changed", True, f"{LIST} response 200")}


# -- nullable ------------------------------------------------------------------------------------


def test_response_field_made_nullable_is_breaking_and_the_reverse_is_not() -> None:
    new = changed(lambda d: props(d, "Run")["ended_at"].update(nullable=True))
    where = {
        f"{LIST} response 200.data[].ended_at",
        f"{START} response 201.ended_at",
        f"{ONE} response 200.ended_at",
    }
    assert rows(base(), new) == {("nullable-added", True, loc) for loc in where}
    assert rows(new, base()) == {("nullable-removed", False, loc) for loc in where}


def test_request_field_no_longer_nullable_is_breaking_and_the_reverse_is_not() -> None:
    new = changed(lambda d: props(d, "RunStart")["since"].pop("nullable"))
    assert rows(base(), new) == {("nullable-removed", True, f"{START} request.since")}
    assert rows(new, base()) == {("nullable-added", False, f"{START} request.since")}


# -- response headers ----------------------------------------------------------------------------


def test_response_header_removed_is_breaking_and_added_is_not() -> None:
    new = changed(lambda d: op(d, "/runs/{run-id}")["responses"]["200"].pop("headers"))
    loc = f"{ONE} response 200 header x-rate-remaining"
    assert rows(base(), new) == {("response-header-removed", True, loc)}
    assert rows(new, base()) == {("response-header-added", False, loc)}


def test_response_header_names_compare_case_insensitively_and_types_are_checked() -> None:
    def rename(doc: Doc) -> None:
        headers = op(doc, "/runs/{run-id}")["responses"]["200"]["headers"]
        headers["x-rate-remaining"] = headers.pop("X-Rate-Remaining")

    assert rows(base(), changed(rename)) == set()
    as_text = changed(
        lambda d: op(d, "/runs/{run-id}")["responses"]["200"]["headers"]["X-Rate-Remaining"].update(
            schema={"type": "string"}
        )
    )
    assert rows(base(), as_text) == {
        ("type-changed", True, f"{ONE} response 200 header x-rate-remaining")
    }


# -- defaults ------------------------------------------------------------------------------------


def test_parameter_default_added_changed_and_removed_are_breaking() -> None:
    def default(value: str) -> Callable[[Doc], None]:
        return lambda d: op(d, "/runs")["parameters"][0]["schema"].update(default=value)

    loc = f"{LIST} query state"
    succeeded, failed = changed(default("succeeded")), changed(default("failed"))
    assert rows(base(), succeeded) == {("default-added", True, loc)}
    assert rows(succeeded, base()) == {("default-removed", True, loc)}
    assert rows(succeeded, failed) == {("default-changed", True, loc)}
    (change,) = spec_diff.compare(succeeded, failed)
    assert change.detail.startswith("default 'succeeded' -> 'failed': ")
    assert "example values" in change.detail  # says why a default matters here


def test_property_default_added_and_removed_are_breaking() -> None:
    new = changed(lambda d: props(d, "RunStart")["name"].update(default="nightly"))
    assert rows(base(), new) == {("default-added", True, f"{START} request.name")}
    assert rows(new, base()) == {("default-removed", True, f"{START} request.name")}


# -- response codes ------------------------------------------------------------------------------


def test_success_code_removed_is_breaking_error_code_removal_is_reported() -> None:
    def swap(doc: Doc) -> None:
        responses = op(doc, "/runs")["responses"]
        responses["206"] = responses.pop("200")

    new = changed(swap)
    assert rows(base(), new) == {
        ("response-removed", True, f"{LIST} response 200"),
        ("response-added", False, f"{LIST} response 206"),
    }
    no_400 = changed(lambda d: op(d, "/runs")["responses"].pop("400"))
    assert rows(base(), no_400) == {("response-removed", False, f"{LIST} response 400")}
    assert rows(no_400, base()) == {("response-added", False, f"{LIST} response 400")}


def test_response_body_removed_is_breaking_and_added_is_not() -> None:
    def bodiless(doc: Doc) -> None:
        op(doc, "/runs/{run-id}")["responses"]["200"].pop("content")

    new = changed(bodiless)
    assert rows(base(), new) == {("response-body-removed", True, f"{ONE} response 200")}
    assert rows(new, base()) == {("response-body-added", False, f"{ONE} response 200")}


# -- formats -------------------------------------------------------------------------------------


RESPONSE_ROWS = {
    f"{LIST} response 200.data[].rows",
    f"{START} response 201.rows",
    f"{ONE} response 200.rows",
}


def test_dropping_an_integer_format_is_a_widening_not_a_break() -> None:
    new = changed(lambda d: props(d, "Run")["rows"].pop("format"))
    assert rows(base(), new) == {("format-widened", False, loc) for loc in RESPONSE_ROWS}
    # the other way a response only gets values that fit: reported, not breaking
    assert rows(new, base()) == {("format-narrowed", False, loc) for loc in RESPONSE_ROWS}
    (change, *_) = spec_diff.compare(base(), new)
    assert change.detail == "format int64 -> none"


def test_int32_to_int64_widens_and_request_side_narrowing_breaks() -> None:
    int32 = changed(lambda d: props(d, "Run")["rows"].update(format="int32"))
    assert rows(int32, base()) == {("format-widened", False, loc) for loc in RESPONSE_ROWS}
    loc = f"{START} request.count"
    wide = changed(lambda d: props(d, "RunStart").update(count={"type": "integer"}))
    narrow = changed(
        lambda d: props(d, "RunStart").update(count={"type": "integer", "format": "int32"})
    )
    assert rows(wide, narrow) == {("format-narrowed", True, loc)}
    assert rows(narrow, wide) == {("format-widened", False, loc)}


def test_number_formats_widen_too_and_other_format_changes_still_break() -> None:
    loc = f"{START} request.ratio"
    single = changed(
        lambda d: props(d, "RunStart").update(ratio={"type": "number", "format": "float"})
    )
    double = changed(
        lambda d: props(d, "RunStart").update(ratio={"type": "number", "format": "double"})
    )
    assert rows(single, double) == {("format-widened", False, loc)}
    assert rows(double, single) == {("format-narrowed", True, loc)}
    dated = changed(lambda d: props(d, "Run")["ended_at"].update(format="date-time"))
    assert {kind for kind, _, _ in rows(base(), dated)} == {"format-changed"}
    assert all(breaking for _, breaking, _ in rows(base(), dated))
