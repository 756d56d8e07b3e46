"""Classify the differences between two OpenAPI 3 documents by Amperity's versioning policy.

Breaking (a caller written against OLD may fail against NEW): an endpoint or a parameter
removed; a required parameter added; an optional parameter made required; a request or
response property removed; a required request property added or an optional one made
required; a type or format changed; an enum value removed; pagination added to a
collection; a success response removed. Not breaking: an endpoint, an optional parameter
or a property added; an enum value added; something made optional on the request side.
A rename shows as a removal plus an addition. `$ref`s are resolved before comparing.

Usage: python scripts/spec_diff.py OLD NEW [--format text|json]
Exit status: 0 when nothing is breaking, 1 when something is, 2 on unusable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from typing import Any

import specio
import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class Change:
    kind: str
    breaking: bool
    location: str
    detail: str


class _Differ:
    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []

    def add(self, kind: str, breaking: bool, location: str, detail: str) -> None:
        self.changes.append(Change(kind, breaking, location, detail))

    # -- operations -------------------------------------------------------------------------
    def operations(self, doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
        ops: dict[str, dict[str, Any]] = {}
        for path, item in (doc.get("paths") or {}).items():
            item = specio.resolve(doc, item)
            shared = item.get("parameters", [])
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    op = dict(item[method])
                    op["parameters"] = [*shared, *op.get("parameters", [])]
                    ops[f"{method.upper()} {path}"] = op
        return ops

    def run(self) -> list[Change]:
        old_ops, new_ops = self.operations(self.old), self.operations(self.new)
        for key in old_ops.keys() - new_ops.keys():
            self.add("endpoint-removed", True, key, "operation no longer exists")
        for key in new_ops.keys() - old_ops.keys():
            self.add("endpoint-added", False, key, "new operation")
        for key in old_ops.keys() & new_ops.keys():
            self.parameters(key, old_ops[key], new_ops[key])
            self.request_body(key, old_ops[key], new_ops[key])
            self.responses(key, old_ops[key], new_ops[key])
        order = {"endpoint": 0, "parameter": 1}
        self.changes.sort(key=lambda c: (c.location, order.get(c.kind.split("-")[0], 2), c.kind))
        return self.changes

    def params_of(self, doc: dict[str, Any], op: dict[str, Any]) -> dict[tuple[str, str], Any]:
        out: dict[tuple[str, str], Any] = {}
        for raw in op.get("parameters", []):
            param = specio.resolve(doc, raw)
            name = param["name"].lower() if param.get("in") == "header" else param["name"]
            out[(param.get("in", "?"), name)] = param
        return out

    def parameters(self, key: str, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
        old_p, new_p = self.params_of(self.old, old_op), self.params_of(self.new, new_op)
        for where, name in sorted(old_p.keys() - new_p.keys()):
            self.add("parameter-removed", True, f"{key} {where} {name}", "parameter removed")
        for where, name in sorted(new_p.keys() - old_p.keys()):
            loc = f"{key} {where} {name}"
            if name == "next_token" and where == "query":
                self.add("pagination-added", True, loc, "collection became paginated")
            elif new_p[(where, name)].get("required"):
                self.add("parameter-added", True, loc, "required parameter added")
            else:
                self.add("parameter-added", False, loc, "optional parameter added")
        for ident in sorted(old_p.keys() & new_p.keys()):
            old, new = old_p[ident], new_p[ident]
            loc = f"{key} {ident[0]} {ident[1]}"
            if not old.get("required") and new.get("required"):
                self.add("parameter-made-required", True, loc, "optional parameter is now required")
            elif old.get("required") and not new.get("required"):
                self.add(
                    "parameter-made-optional", False, loc, "required parameter is now optional"
                )
            self.schema(loc, old.get("schema"), new.get("schema"), "request", set())

    def body_schema(self, doc: dict[str, Any], holder: Any) -> Any:
        holder = specio.resolve(doc, holder) if holder else None
        content = (holder or {}).get("content") or {}
        for media in BODY_TYPES:
            if media in content:
                return content[media].get("schema")
        return next(iter(content.values()), {}).get("schema") if content else None

    def request_body(self, key: str, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
        old_s = self.body_schema(self.old, old_op.get("requestBody"))
        new_s = self.body_schema(self.new, new_op.get("requestBody"))
        if old_s is None and new_s is not None:
            required = bool(specio.resolve(self.new, new_op["requestBody"]).get("required"))
            self.add("request-body-added", required, f"{key} request", "request body added")
        elif old_s is not None and new_s is None:
            self.add("request-body-removed", True, f"{key} request", "request body removed")
        elif old_s is not None:
            self.schema(f"{key} request", old_s, new_s, "request", set())

    def responses(self, key: str, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
        old_r, new_r = old_op.get("responses") or {}, new_op.get("responses") or {}
        for code in sorted(map(str, old_r.keys() - new_r.keys())):
            success = code.startswith("2")
            self.add("response-removed", success, f"{key} response {code}", "response removed")
        for code in sorted(map(str, new_r.keys() - old_r.keys())):
            self.add("response-added", False, f"{key} response {code}", "response added")
        for code in sorted(old_r.keys() & new_r.keys(), key=str):
            old_s = self.body_schema(self.old, old_r[code])
            new_s = self.body_schema(self.new, new_r[code])
            if old_s is not None and new_s is not None:
                self.schema(f"{key} response {code}", old_s, new_s, "response", set())

    # -- schemas -----------------------------------------------------------------------------
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
        if old.get("format") != new.get("format"):
            self.add(
                "format-changed", True, loc, f"format {old.get('format')} -> {new.get('format')}"
            )
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if old_enum is not None or new_enum is not None:
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
        if "items" in old or "items" in new:
            self.schema(f"{loc}[]", old.get("items"), new.get("items"), side, seen)
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_req, new_req = set(old.get("required") or []), set(new.get("required") or [])
        for name in sorted(old_props.keys() - new_props.keys()):
            self.add(f"{side}-property-removed", True, f"{loc}.{name}", "property removed")
        for name in sorted(new_props.keys() - old_props.keys()):
            where = f"{loc}.{name}"
            if side == "response" and name == "next_token":
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


def check_openapi3(doc: dict[str, Any], label: str) -> None:
    version = str(doc.get("openapi", ""))
    if not version.startswith("3."):
        found = f"swagger {doc['swagger']}" if "swagger" in doc else "no openapi version"
        raise ValueError(f"{label}: expected an OpenAPI 3 document, found {found}")


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    check_openapi3(old, "OLD")
    check_openapi3(new, "NEW")
    return _Differ(old, new).run()


def render_text(changes: list[Change]) -> str:
    if not changes:
        return "No differences.\n"
    lines: list[str] = []
    for title, flag in (("Breaking changes", True), ("Non-breaking changes", False)):
        group = [c for c in changes if c.breaking is flag]
        lines.append(f"{title} ({len(group)}):")
        lines.extend(f"  - [{c.kind}] {c.location}: {c.detail}" for c in group)
        if not group:
            lines.append("  (none)")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Classify OpenAPI changes (Amperity policy).")
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        changes = compare(specio.load(args.old), specio.load(args.new))
    except (OSError, ValueError, KeyError, yaml.YAMLError) as exc:
        print(f"spec_diff: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps([asdict(c) for c in changes], indent=2))
    else:
        sys.stdout.write(render_text(changes))
    return 1 if any(c.breaking for c in changes) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
