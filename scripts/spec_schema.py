"""Schema rules of the spec classifier: types, formats, enums, properties and composition.

Split from spec_rules (which handles parameters, bodies, responses and pagination) so each
module stays readable. `SchemaDiffer.schema` walks two schemas side by side: `items`,
`properties`, `oneOf`/`anyOf` variants and `additionalProperties` values, with `$ref`s
resolved and `allOf` folded. A `$ref` cycle stops the walk where the same pair of nodes
comes round again on one branch; a schema nested deeper than MAX_DEPTH is reported as
`schema-too-deep` (breaking, so a human looks) rather than silently left uncompared.

Locations: `.name` for a property, `[]` for array items, `{}` for the values of a map
(`additionalProperties`), `(oneOf 0)` / `(anyOf 1)` for a variant, counted from 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import specio
from .spec_match import fingerprint

# Levels of schema nesting (recursion depth, not dots in names) compared before giving up.
MAX_DEPTH = 200

# Width ranks: a larger rank accepts every value of a smaller one, and no format at all is
# the widest. Moving up is a widening (int32 -> int64, int64 -> none), which no client
# notices; the Swagger 2 -> OpenAPI 3 rewrite of 2026-04 dropped ~59 int64 formats this way.
WIDTH = {
    "integer": {"int32": 1, "int64": 2, None: 3},
    "number": {"float": 1, "double": 2, None: 3},
}

DEFAULT_NOTE = "vendor defaults are example values; a client that sends defaults changes behaviour"

Seen = frozenset[tuple[int, int]]


@dataclass(frozen=True)
class Change:
    """One difference: `kind` names the rule, `breaking` is its verdict under the policy,
    `location` starts with "METHOD /path" for anything inside an operation."""

    kind: str
    breaking: bool
    location: str
    detail: str


class SchemaDiffer:
    """Collects the changes between schemas of two documents (OLD and NEW)."""

    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []

    def add(self, kind: str, breaking: bool, location: str, detail: str) -> None:
        self.changes.append(Change(kind, breaking, location, detail))

    def paging_field(self, loc: str, name: str) -> bool:
        """Whether property NAME at LOC makes a collection paginated (see spec_rules)."""
        return False

    def flat(self, doc: dict[str, Any], schema: Any, trail: tuple[int, ...] = ()) -> dict[str, Any]:
        """Resolve refs and fold allOf, so a wrapped reference compares like a plain one.
        TRAIL holds the nodes being folded, so an allOf that reaches itself stops."""
        schema = specio.resolve(doc, schema) or {}
        if "allOf" not in schema or id(schema) in trail or len(trail) > MAX_DEPTH:
            return {k: v for k, v in schema.items() if k != "allOf"}
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = self.flat(doc, part, (*trail, id(schema)))
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

    def schema(
        self,
        loc: str,
        old_raw: Any,
        new_raw: Any,
        side: str,
        seen: Seen = frozenset(),
        depth: int = 0,
    ) -> None:
        if depth > MAX_DEPTH:
            detail = (
                f"nested more than {MAX_DEPTH} levels deep: not compared further, check by hand"
            )
            self.add("schema-too-deep", True, loc, detail)
            return
        # A pair of nodes already compared on this branch is a $ref cycle: stop there.
        old_node, new_node = specio.resolve(self.old, old_raw), specio.resolve(self.new, new_raw)
        here = (id(old_node), id(new_node))
        if here in seen:
            return
        seen = seen | {here}
        old, new = self.flat(self.old, old_node), self.flat(self.new, new_node)
        if old.get("type") != new.get("type") and (old.get("type") or new.get("type")):
            self.add("type-changed", True, loc, f"type {old.get('type')} -> {new.get('type')}")
            return
        self.format(loc, old, new, side)
        self.nullable(loc, old, new, side)
        self.default(loc, old, new)
        self.enum(loc, old, new, side)
        if "items" in old or "items" in new:
            self.schema(f"{loc}[]", old.get("items"), new.get("items"), side, seen, depth + 1)
        self.properties(loc, old, new, side, seen, depth)
        self.additional(loc, old, new, side, seen, depth)
        for key in ("oneOf", "anyOf"):
            self.variants(key, loc, old, new, side, seen, depth)

    def properties(
        self, loc: str, old: dict[str, Any], new: dict[str, Any], side: str, seen: Seen, depth: int
    ) -> None:
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_req, new_req = set(old.get("required") or []), set(new.get("required") or [])
        for name in sorted(old_props.keys() - new_props.keys()):
            self.add(f"{side}-property-removed", True, f"{loc}.{name}", "property removed")
        for name in sorted(new_props.keys() - old_props.keys()):
            where = f"{loc}.{name}"
            if side == "response" and self.paging_field(loc, name):
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
            self.schema(where, old_props[name], new_props[name], side, seen, depth + 1)

    def additional(
        self, loc: str, old: dict[str, Any], new: dict[str, Any], side: str, seen: Seen, depth: int
    ) -> None:
        # The values of a map compare like array items. Otherwise rank how much a map
        # admits: false (nothing extra) < a schema (typed values) < true or absent (anything).
        # A request admitting less refuses calls that worked; a response whose typed values
        # become untyped (or vanish) hands callers what they cannot read.
        where = f"{loc}{{}}"
        old_a = specio.resolve(self.old, old.get("additionalProperties"))
        new_a = specio.resolve(self.new, new.get("additionalProperties"))
        if isinstance(old_a, dict) and isinstance(new_a, dict):
            self.schema(where, old_a, new_a, side, seen, depth + 1)
            return

        def rank(value: Any) -> int:
            return 0 if value is False else 1 if isinstance(value, dict) else 2

        def label(value: Any) -> str:
            if value is None:
                return "absent"
            return "a schema" if isinstance(value, dict) else json.dumps(value)

        before, after = rank(old_a), rank(new_a)
        if before == after:
            return
        breaking = after < before if side == "request" else before == 1
        if not breaking and 1 not in (before, after):
            return  # an ordinary object opened up: at most new fields, which callers ignore
        detail = f"additionalProperties {label(old_a)} -> {label(new_a)}"
        self.add("additional-properties-changed", breaking, where, detail)

    def variants(
        self,
        key: str,
        loc: str,
        old: dict[str, Any],
        new: dict[str, Any],
        side: str,
        seen: Seen,
        depth: int,
    ) -> None:
        # Variants that are the same schema pair up wherever they sit (reordering is no
        # change); the rest compare by position when as many remain on each side. Otherwise
        # a variant gone is breaking (a request form refused, or a response form a caller
        # relied on gone, like an enum value removed) and one added is not (like an enum
        # value added), except that variants appearing where there were none restrict a
        # request, and all of them going lets a response hold anything.
        old_v, new_v = list(old.get(key) or []), list(new.get(key) or [])
        if not old_v and not new_v:
            return

        def ident(doc: dict[str, Any], node: Any) -> str:
            return json.dumps(fingerprint(doc, node), sort_keys=True, default=str)

        new_ids = [ident(self.new, v) for v in new_v]
        left_new = list(range(len(new_v)))
        left_old: list[int] = []
        for i, node in enumerate(old_v):
            old_id = ident(self.old, node) if left_new else None
            match = next((j for j in left_new if new_ids[j] == old_id), None)
            if match is None:
                left_old.append(i)
                continue
            left_new.remove(match)
            # Equal to fingerprint depth; compare anyway for differences deeper than that.
            self.schema(f"{loc}({key} {match})", node, new_v[match], side, seen, depth + 1)
        if len(left_old) == len(left_new):
            for i, j in zip(left_old, left_new, strict=True):
                self.schema(f"{loc}({key} {j})", old_v[i], new_v[j], side, seen, depth + 1)
            return
        if not old_v or not new_v:
            breaking = side == "request" if not old_v else side == "response"
            detail = f"{key} {'added' if not old_v else 'removed'}"
            self.add("variants-changed", breaking, f"{loc}({key})", detail)
            return
        for i in left_old:
            detail = f"{key} variant {self.summary(self.old, old_v[i])} removed"
            self.add("variants-changed", True, f"{loc}({key} {i})", detail)
        for j in left_new:
            detail = f"{key} variant {self.summary(self.new, new_v[j])} added"
            self.add("variants-changed", False, f"{loc}({key} {j})", detail)

    def summary(self, doc: dict[str, Any], node: Any) -> str:
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            return str(node["$ref"]).rsplit("/", 1)[-1]
        return str(self.flat(doc, node).get("type") or "schema")
