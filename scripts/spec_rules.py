"""Per-operation rules of the spec classifier: parameters, bodies, responses and schemas.

Split from spec_diff so each module stays readable; spec_diff pairs the operations and
handles the document-wide parts, this module says what changed inside one pair and whether
a client written against the old document can break. Schemas are compared by spec_schema,
whose SchemaDiffer this class extends. The reasoning behind each verdict sits
next to the rule, because "is this breaking?" is the question a maintainer asks later.
"""

from __future__ import annotations

import re
from typing import Any

from . import specio
from .spec_match import responses_of
from .spec_schema import Change, SchemaDiffer

__all__ = ["BODY_TYPES", "PAGING_FIELDS", "PAGING_PARAMS", "Change", "OperationDiffer"]

BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")

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
# The paging parameters that say where a page starts (a size alone only truncates a list):
# an operation that already took one of these was paginated already.
POSITION_PARAMS = PAGING_PARAMS - {"page_size", "pagesize", "per_page"}
DATES = ("date", "date-time")
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


def snake(name: str) -> str:
    """`nextToken`, `next-token` and `NEXT_TOKEN` all become `next_token`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).replace("-", "_").lower()


def path_vars(path: str) -> list[str]:
    return re.findall(r"\{([^}]*)\}", path)


class OperationDiffer(SchemaDiffer):
    """Collects the changes inside operations of two documents (OLD and NEW)."""

    # Set per operation: whether NEW's operation is a collection OLD's did not page, and
    # the location of its success body, where a paging field would make it paginated.
    paging = False
    page_root: str | None = None

    def operation(self, key: str, old: tuple[str, dict[str, Any]], new: tuple[str, Any]) -> None:
        """Compare one paired operation; each side is (path template, operation object)."""
        (old_path, old_op), (new_path, new_op) = old, new
        self.operation_id(key, old_op.get("operationId"), new_op.get("operationId"))
        # Pagination is added only to a collection that had none: once an operation pages,
        # another paging parameter or field is an ordinary addition.
        self.paging = self.collection(self.new, new_path, new_op) and not self.paginated(
            self.old, old_path, old_op
        )
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
        for ident in sorted(old_p.keys() - new_p.keys()):
            loc = f"{key} {ident[0]} {old_p[ident][0]}"
            self.add("parameter-removed", True, loc, "parameter removed")
        for ident in sorted(new_p.keys() - old_p.keys()):
            name, param = new_p[ident]
            loc = f"{key} {ident[0]} {name}"
            if ident[0] == "query" and self.paging and self.pages(self.new, name, param):
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
            self.schema(loc, old.get("schema"), new.get("schema"), "request")

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
        old_b = specio.resolve(self.old, old_op.get("requestBody")) or {}
        new_b = specio.resolve(self.new, new_op.get("requestBody")) or {}
        old_s, new_s = self.body_schema(self.old, old_b), self.body_schema(self.new, new_b)
        old_required, new_required = bool(old_b.get("required")), bool(new_b.get("required"))
        if old_s is None and new_s is not None:
            self.add("request-body-added", new_required, loc, "request body added")
        elif old_s is not None and new_s is None:
            self.add("request-body-removed", True, loc, "request body removed")
        elif old_s is not None:
            # A required body rejects the calls that sent none; the reverse accepts more.
            if new_required and not old_required:
                self.add("request-body-made-required", True, loc, "request body is now required")
            elif old_required and not new_required:
                self.add("request-body-made-optional", False, loc, "request body is now optional")
            old_c, new_c = self.content(self.old, old_b), self.content(self.new, new_b)
            self.media_types(loc, old_c, new_c)
            self.schema(loc, old_s, new_s, "request")

    # -- responses -----------------------------------------------------------------------------
    def success_schema(self, doc: dict[str, Any], op: dict[str, Any]) -> Any:
        responses = responses_of(op)
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

    def collection(self, doc: dict[str, Any], path: str, op: dict[str, Any]) -> bool:
        """An operation listing things: its success body holds an array at the top, and its
        path does not end in a variable, which names one item (`GET /workflow/runs/{id}`
        returns one workflow, whatever arrays that workflow carries)."""
        if re.search(r"\{[^}]*\}/?$", path):
            return False
        return self.holds_array(doc, self.success_schema(doc, op))

    def pages(self, doc: dict[str, Any], name: str, param: dict[str, Any]) -> bool:
        """A query parameter named for paging; one taking a date (`start` as the earliest
        day to list) is a filter, whatever its name."""
        schema = self.flat(doc, param.get("schema"))
        return snake(name) in PAGING_PARAMS and schema.get("format") not in DATES

    def paginated(self, doc: dict[str, Any], path: str, op: dict[str, Any]) -> bool:
        """Already paged: a query parameter saying where a page starts, or a paging field
        in the success body."""
        for (where, _), (name, param) in self.params_of(doc, path, op).items():
            position = snake(name) in POSITION_PARAMS
            if where == "query" and position and self.pages(doc, name, param):
                return True
        props = self.flat(doc, self.success_schema(doc, op)).get("properties") or {}
        return any(snake(name) in PAGING_FIELDS for name in props)

    def paging_field(self, loc: str, name: str) -> bool:
        return self.paging and loc == self.page_root and snake(name) in PAGING_FIELDS

    def responses(self, key: str, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
        # Removing a success response breaks the code that handled it; an error response
        # going is reported for the record, since clients treat unknown errors alike.
        old_r, new_r = responses_of(old_op), responses_of(new_op)
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
                self.page_root = loc if code.startswith("2") else None
                self.schema(loc, old_s, new_s, "response")
                self.page_root = None

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
            self.schema(f"{loc} header {name}", old, new, "response")
