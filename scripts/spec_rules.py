"""Per-operation rules of the spec classifier: parameters, bodies, responses and schemas.

Split from spec_diff so each module stays readable; spec_diff pairs the operations and
handles the document-wide parts, this module says what changed inside one pair and whether
a client written against the old document can break. The reasoning behind each verdict sits
next to the rule, because "is this breaking?" is the question a maintainer asks later.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import specio

BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")

# Width ranks: a larger rank accepts every value of a smaller one, and no format at all is
# the widest. Moving up is a widening (int32 -> int64, int64 -> none), which no client
# notices; the Swagger 2 -> OpenAPI 3 rewrite of 2026-04 dropped ~59 int64 formats this way.
WIDTH = {
    "integer": {"int32": 1, "int64": 2, None: 3},
    "number": {"float": 1, "double": 2, None: 3},
}

# Names that mean "one page of a collection", after snake-casing. Matched whole, not as
# substrings, so a filter such as `started_from` is not mistaken for pagination.
PAGING_PARAMS = frozenset(
    {
        "cursor",
        "page",
        "page_number",
        "page_size",
        "pagesize",
        "per_page",
        "offset",
        "token",
        "next_token",
        "page_token",
        "continuation_token",
        "after",
        "starting_after",
        "start",
        "skip",
        "marker",
    }
)
PAGING_FIELDS = frozenset(
    {
        "next_token",
        "next",
        "cursor",
        "next_cursor",
        "next_page",
        "next_page_token",
        "has_more",
        "next_link",
        "continuation_token",
    }
)

DEFAULT_NOTE = "vendor defaults are example values; a client that sends defaults changes behaviour"


@dataclass(frozen=True)
class Change:
    """One difference: `kind` names the rule, `breaking` is its verdict under the policy,
    `location` starts with "METHOD /path" for anything inside an operation."""

    kind: str
    breaking: bool
    location: str
    detail: str


def snake(name: str) -> str:
    """`nextToken`, `next-token` and `NEXT_TOKEN` all become `next_token`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).replace("-", "_").lower()


def path_vars(path: str) -> list[str]:
    return re.findall(r"\{([^}]*)\}", path)


class OperationDiffer:
    """Collects the changes inside operations of two documents (OLD and NEW)."""

    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []

    def add(self, kind: str, breaking: bool, location: str, detail: str) -> None:
        self.changes.append(Change(kind, breaking, location, detail))

    def operation(self, key: str, old: tuple[str, dict[str, Any]], new: tuple[str, Any]) -> None:
        """Compare one paired operation; each side is (path template, operation object)."""
        (old_path, old_op), (new_path, new_op) = old, new
        self.operation_id(key, old_op.get("operationId"), new_op.get("operationId"))
        self.parameters(key, old_path, old_op, new_path, new_op)
        self.request_body(key, old_op, new_op)
        self.responses(key, old_op, new_op)

    def operation_id(self, key: str, old: str | None, new: str | None) -> None:
        # This client's method names are generated from operationIds, so a renamed or
        # dropped one renames a public method. One appearing where there was none only
        # replaces a name we had to invent, which the generator keeps stable.
        if old == new:
            return
        if old and new:
            self.add("operation-id-changed", True, key, f"operationId {old} -> {new}")
        elif new:
            self.add("operation-id-added", False, key, f"operationId {new} added")
        else:
            self.add("operation-id-removed", True, key, f"operationId {old} removed")

    # -- parameters ----------------------------------------------------------------------------
    def params_of(
        self, doc: dict[str, Any], path: str, op: dict[str, Any]
    ) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
        """(in, identity) -> (display name, parameter). Path parameters are identified by
        their position in the template, because renaming `{workflow-id}` to `{id}` sends
        the same URL; headers by their lower-cased name, because HTTP ignores case."""
        slots = path_vars(path)
        out: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for raw in op.get("parameters", []):
            param = specio.resolve(doc, raw)
            where, name = param.get("in", "?"), param["name"]
            ident = name.lower() if where == "header" else name
            if where == "path" and name in slots:
                ident = f"#{slots.index(name)}"
            out[(where, ident)] = (name, param)
        return out

    def parameters(
        self, key: str, old_path: str, old_op: dict[str, Any], new_path: str, new_op: Any
    ) -> None:
        old_p = self.params_of(self.old, old_path, old_op)
        new_p = self.params_of(self.new, new_path, new_op)
        collection = self.holds_array(self.new, self.success_schema(self.new, new_op))
        for ident in sorted(old_p.keys() - new_p.keys()):
            loc = f"{key} {ident[0]} {old_p[ident][0]}"
            self.add("parameter-removed", True, loc, "parameter removed")
        for ident in sorted(new_p.keys() - old_p.keys()):
            name, param = new_p[ident]
            loc = f"{key} {ident[0]} {name}"
            if ident[0] == "query" and collection and snake(name) in PAGING_PARAMS:
                self.add("pagination-added", True, loc, "collection became paginated")
            elif param.get("required"):
                self.add("parameter-added", True, loc, "required parameter added")
            else:
                self.add("parameter-added", False, loc, "optional parameter added")
        for ident in sorted(old_p.keys() & new_p.keys()):
            (_, old), (name, new) = old_p[ident], new_p[ident]
            loc = f"{key} {ident[0]} {name}"
            if not old.get("required") and new.get("required"):
                self.add("parameter-made-required", True, loc, "optional parameter is now required")
            elif old.get("required") and not new.get("required"):
                self.add(
                    "parameter-made-optional", False, loc, "required parameter is now optional"
                )
            self.schema(loc, old.get("schema"), new.get("schema"), "request", set())

    # -- bodies --------------------------------------------------------------------------------
    def content(self, doc: dict[str, Any], holder: Any) -> dict[str, Any]:
        holder = specio.resolve(doc, holder) if holder else None
        return (holder or {}).get("content") or {}

    def body_schema(self, doc: dict[str, Any], holder: Any) -> Any:
        content = self.content(doc, holder)
        for media in BODY_TYPES:
            if media in content:
                return content[media].get("schema")
        return next(iter(content.values()), {}).get("schema") if content else None

    def media_types(self, loc: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        # A client sends and accepts the media types it was written for: losing one breaks
        # it whichever side it is on; a new one is an extra choice it can ignore.
        gone, came = sorted(old.keys() - new.keys()), sorted(new.keys() - old.keys())
        if not old or not new:
            return  # a whole body appearing or going is reported by its own rule
        if len(gone) == 1 and len(came) == 1:
            self.add("media-type-changed", True, loc, f"media type {gone[0]} -> {came[0]}")
            return
        for media in gone:
            self.add("media-type-removed", True, loc, f"media type {media} removed")
        for media in came:
            self.add("media-type-added", False, loc, f"media type {media} added")

    def request_body(self, key: str, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
        loc = f"{key} request"
        old_s = self.body_schema(self.old, old_op.get("requestBody"))
        new_s = self.body_schema(self.new, new_op.get("requestBody"))
        new_required = bool(
            specio.resolve(self.new, new_op.get("requestBody") or {}).get("required")
        )
        if old_s is None and new_s is not None:
            self.add("request-body-added", new_required, loc, "request body added")
        elif old_s is not None and new_s is None:
            self.add("request-body-removed", True, loc, "request body removed")
        elif old_s is not None:
            old_required = bool(specio.resolve(self.old, old_op["requestBody"]).get("required"))
            # A required body rejects the calls that sent none; the reverse accepts more.
            if new_required and not old_required:
                self.add("request-body-made-required", True, loc, "request body is now required")
            elif old_required and not new_required:
                self.add("request-body-made-optional", False, loc, "request body is now optional")
            self.media_types(
                loc,
                self.content(self.old, old_op.get("requestBody")),
                self.content(self.new, new_op.get("requestBody")),
            )
            self.schema(loc, old_s, new_s, "request", set())

    # -- responses -----------------------------------------------------------------------------
    def success_schema(self, doc: dict[str, Any], op: dict[str, Any]) -> Any:
        responses = {str(k): v for k, v in (op.get("responses") or {}).items()}
        for code in sorted(responses):
            if code.startswith("2"):
                return self.body_schema(doc, responses[code])
        return None

    def holds_array(self, doc: dict[str, Any], schema: Any) -> bool:
        """A collection response: an array itself, or an envelope with an array property."""
        flat = self.flat(doc, schema)
        if flat.get("type") == "array":
            return True
        props = flat.get("properties") or {}
        return any(self.flat(doc, p).get("type") == "array" for p in props.values())

    def responses(self, key: str, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
        # Removing a success response breaks the code that handled it; an error response
        # going is reported for the record, since clients treat unknown errors alike.
        old_r = {str(k): v for k, v in (old_op.get("responses") or {}).items()}
        new_r = {str(k): v for k, v in (new_op.get("responses") or {}).items()}
        for code in sorted(old_r.keys() - new_r.keys()):
            success = code.startswith("2")
            self.add("response-removed", success, f"{key} response {code}", "response removed")
        for code in sorted(new_r.keys() - old_r.keys()):
            self.add("response-added", False, f"{key} response {code}", "response added")
        for code in sorted(old_r.keys() & new_r.keys()):
            loc = f"{key} response {code}"
            old_c, new_c = self.content(self.old, old_r[code]), self.content(self.new, new_r[code])
            # A body a client reads going away breaks it; one appearing can be ignored.
            if old_c and not new_c:
                self.add("response-body-removed", True, loc, "response body removed")
            elif new_c and not old_c:
                self.add("response-body-added", False, loc, "response body added")
            self.media_types(loc, old_c, new_c)
            self.headers(loc, old_r[code], new_r[code])
            old_s = self.body_schema(self.old, old_r[code])
            new_s = self.body_schema(self.new, new_r[code])
            if old_s is not None and new_s is not None:
                self.schema(loc, old_s, new_s, "response", set())

    def headers(self, loc: str, old_raw: Any, new_raw: Any) -> None:
        # A response header a client reads may be gone (breaking); a new one is ignorable.
        old_h = {
            k.lower(): v
            for k, v in (specio.resolve(self.old, old_raw).get("headers") or {}).items()
        }
        new_h = {
            k.lower(): v
            for k, v in (specio.resolve(self.new, new_raw).get("headers") or {}).items()
        }
        for name in sorted(old_h.keys() - new_h.keys()):
            self.add("response-header-removed", True, f"{loc} header {name}", "header removed")
        for name in sorted(new_h.keys() - old_h.keys()):
            self.add("response-header-added", False, f"{loc} header {name}", "header added")
        for name in sorted(old_h.keys() & new_h.keys()):
            old = specio.resolve(self.old, old_h[name]).get("schema")
            new = specio.resolve(self.new, new_h[name]).get("schema")
            self.schema(f"{loc} header {name}", old, new, "response", set())

    # -- schemas -------------------------------------------------------------------------------
    def flat(self, doc: dict[str, Any], schema: Any) -> dict[str, Any]:
        """Resolve refs and fold allOf, so a wrapped reference compares like a plain one."""
        schema = specio.resolve(doc, schema) or {}
        if "allOf" not in schema:
            return dict(schema)
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = self.flat(doc, part)
            for k, v in part.items():
                if k == "properties":
                    merged.setdefault("properties", {}).update(v)
                elif k == "required":
                    merged["required"] = sorted({*merged.get("required", []), *v})
                else:
                    merged.setdefault(k, v)
        return merged

    def format(self, loc: str, old: dict[str, Any], new: dict[str, Any], side: str) -> None:
        old_f, new_f = old.get("format"), new.get("format")
        if old_f == new_f:
            return
        ranks = WIDTH.get(new.get("type") or "", {})
        detail = f"format {old_f or 'none'} -> {new_f or 'none'}"
        if old_f in ranks and new_f in ranks:
            if ranks[new_f] > ranks[old_f]:
                # Every value valid before is valid now, in a request and in a response.
                self.add("format-widened", False, loc, detail)
            else:
                # A request may now be refused; a response only gets smaller numbers.
                self.add("format-narrowed", side == "request", loc, detail)
            return
        self.add("format-changed", True, loc, detail)

    def nullable(self, loc: str, old: dict[str, Any], new: dict[str, Any], side: str) -> None:
        # A response field that may now be null hands callers a value they did not expect;
        # a request field that may no longer be null refuses calls that sent null.
        was, now = bool(old.get("nullable")), bool(new.get("nullable"))
        if now and not was:
            self.add("nullable-added", side == "response", loc, "may now be null")
        elif was and not now:
            self.add("nullable-removed", side == "request", loc, "may no longer be null")

    def default(self, loc: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        # Breaking whatever the direction: see DEFAULT_NOTE.
        if old.get("default") == new.get("default"):
            return
        before, after = old.get("default"), new.get("default")
        if "default" not in old:
            self.add("default-added", True, loc, f"default {after!r} added: {DEFAULT_NOTE}")
        elif "default" not in new:
            self.add("default-removed", True, loc, f"default {before!r} removed: {DEFAULT_NOTE}")
        else:
            detail = f"default {before!r} -> {after!r}: {DEFAULT_NOTE}"
            self.add("default-changed", True, loc, detail)

    def enum(self, loc: str, old: dict[str, Any], new: dict[str, Any], side: str) -> None:
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if old_enum is None and new_enum is None:
            return
        old_vals, new_vals = old_enum or [], new_enum or []
        if old_enum is not None and new_enum is None:
            self.add("enum-removed", side == "response", loc, "no longer restricted to a set")
        elif old_enum is None:
            self.add("enum-added", side == "request", loc, f"restricted to {new_vals}")
        else:
            for value in [v for v in old_vals if v not in new_vals]:
                self.add("enum-value-removed", True, loc, f"value {value!r} removed")
            for value in [v for v in new_vals if v not in old_vals]:
                self.add("enum-value-added", False, loc, f"value {value!r} added")

    def schema(self, loc: str, old_raw: Any, new_raw: Any, side: str, seen: set[Any]) -> None:
        # A pair already compared on this branch is a $ref cycle: stop there.
        pair = (json.dumps(old_raw, sort_keys=True), json.dumps(new_raw, sort_keys=True))
        if pair in seen or loc.count(".") > 20:
            return
        seen = seen | {pair}
        old, new = self.flat(self.old, old_raw), self.flat(self.new, new_raw)
        if old.get("type") != new.get("type") and (old.get("type") or new.get("type")):
            self.add("type-changed", True, loc, f"type {old.get('type')} -> {new.get('type')}")
            return
        self.format(loc, old, new, side)
        self.nullable(loc, old, new, side)
        self.default(loc, old, new)
        self.enum(loc, old, new, side)
        if "items" in old or "items" in new:
            self.schema(f"{loc}[]", old.get("items"), new.get("items"), side, seen)
        self.properties(loc, old, new, side, seen)

    def properties(
        self, loc: str, old: dict[str, Any], new: dict[str, Any], side: str, seen: set[Any]
    ) -> None:
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_req, new_req = set(old.get("required") or []), set(new.get("required") or [])
        paged = side == "response" and self.holds_array(self.new, new)
        for name in sorted(old_props.keys() - new_props.keys()):
            self.add(f"{side}-property-removed", True, f"{loc}.{name}", "property removed")
        for name in sorted(new_props.keys() - old_props.keys()):
            where = f"{loc}.{name}"
            if paged and snake(name) in PAGING_FIELDS:
                self.add("pagination-added", True, where, "collection became paginated")
            elif side == "request" and name in new_req:
                self.add("request-property-added", True, where, "required property added")
            else:
                self.add(f"{side}-property-added", False, where, "property added")
        for name in sorted(old_props.keys() & new_props.keys()):
            where = f"{loc}.{name}"
            if name in new_req and name not in old_req:
                self.add("property-made-required", side == "request", where, "now required")
            elif name in old_req and name not in new_req:
                self.add("property-made-optional", side == "response", where, "now optional")
            self.schema(where, old_props[name], new_props[name], side, seen)
