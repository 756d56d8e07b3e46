"""Classify the differences between two OpenAPI 3 documents by Amperity's versioning policy.

Breaking (a caller written against OLD may fail against NEW): an endpoint, a parameter, a
property, a response header, a success response, a media type or a server removed; a URL
renamed; a required parameter, property or request body added, or an optional one made
required; a type changed or a format narrowed on the request side; an enum value removed;
pagination added to a collection; an operationId renamed (this client's method names come
from them); authentication newly required or changed; a default added, changed or removed
(the vendor ships example values as defaults); a response field made nullable or a request
field made non-nullable. Not breaking: the reverse of most of these, an endpoint, an
optional parameter, a property, a header, a response, a media type or a server added, an
enum value added, a format widened (int32 -> int64 -> none), a path variable renamed.
Inside schemas: a oneOf/anyOf variant removed is breaking and one added is not (like enum
values); map values (`additionalProperties`) compare like array items; a schema nested past
spec_schema.MAX_DEPTH is reported as `schema-too-deep` (breaking) rather than skipped.
Pagination counts only for a collection (path not ending in a variable, array body) that
did not page already; a date-valued `start` is a filter.
`$ref`s are resolved before comparing. spec_match pairs the operations (so renames show as
renames), spec_rules compares inside each pair (spec_schema inside each schema); this
module adds the document-wide parts.

Usage: python -m scripts.spec_diff OLD NEW [--format text|json]
Exit status: 0 when nothing is breaking, 1 when something is, 2 on unusable input.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict
from typing import Any

import yaml

from . import specio
from .spec_match import METHODS, pair
from .spec_rules import BODY_TYPES, Change, OperationDiffer

__all__ = ["BODY_TYPES", "METHODS", "Change", "check_openapi3", "compare", "main", "render_text"]

Requirements = frozenset[tuple[tuple[str, tuple[str, ...]], ...]]


def requirements(raw: Any) -> Requirements:
    """Security alternatives as a set; `[]` and `[{}]` both mean "no authentication"."""
    alternatives = set()
    for alt in raw or []:
        if alt:
            alternatives.add(tuple(sorted((k, tuple(sorted(v or []))) for k, v in alt.items())))
    return frozenset(alternatives)


def describe(reqs: Requirements) -> str:
    if not reqs:
        return "none"
    return " or ".join(sorted(" + ".join(name for name, _ in alt) for alt in reqs))


class _Differ(OperationDiffer):
    def run(self) -> list[Change]:
        pairs, removed, added = pair(self.old, self.new)
        for op in removed:
            self.add("endpoint-removed", True, op.key, "operation no longer exists")
        for op in added:
            self.add("endpoint-added", False, op.key, "new operation")
        old_global, new_global = self.old.get("security"), self.new.get("security")
        for p in pairs:
            key = p.new.key
            if p.how == "variables":
                # The URL a client builds is the same; only the template's names differ.
                self.add("path-variable-renamed", False, key, f"{p.old.path} -> {p.new.path}")
            elif p.how in ("operationId", "shape"):
                self.add("endpoint-renamed", True, key, f"{p.old.path} -> {p.new.path}")
            self.operation(key, (p.old.path, p.old.body), (p.new.path, p.new.body))
            if "security" in p.old.body or "security" in p.new.body:
                self.security(
                    f"{key} security",
                    p.old.body.get("security", old_global),
                    p.new.body.get("security", new_global),
                )
        self.security("security", old_global, new_global)
        self.schemes()
        self.servers()
        order = {"endpoint": 0, "path": 0, "operation": 1, "parameter": 2}
        self.changes.sort(
            key=lambda c: (c.location, order.get(c.kind.split("-")[0], 3), c.kind, c.detail)
        )
        return self.changes

    def security(self, loc: str, old_raw: Any, new_raw: Any) -> None:
        # Authentication newly required is a new required header; dropped, the header is
        # merely ignored. A changed requirement breaks unless every old way still works.
        old, new = requirements(old_raw), requirements(new_raw)
        detail = f"{describe(old)} -> {describe(new)}"
        if old == new:
            return
        if not old:
            self.add("security-added", True, loc, detail)
        elif not new:
            self.add("security-removed", False, loc, detail)
        else:
            self.add("security-changed", not old <= new, loc, detail)

    def schemes(self) -> None:
        def facts(doc: dict[str, Any]) -> dict[str, Any]:
            raw = (doc.get("components") or {}).get("securitySchemes") or {}
            return {
                name: {k: v for k, v in specio.resolve(doc, s).items() if k != "description"}
                for name, s in raw.items()
            }

        old, new = facts(self.old), facts(self.new)
        for name in sorted(old.keys() - new.keys()):
            self.add("security-scheme-removed", True, f"securitySchemes {name}", "scheme removed")
        for name in sorted(new.keys() - old.keys()):
            self.add("security-scheme-added", False, f"securitySchemes {name}", "scheme added")
        for name in sorted(old.keys() & new.keys()):
            if old[name] != new[name]:
                detail = f"{json.dumps(old[name], sort_keys=True)} -> "
                detail += json.dumps(new[name], sort_keys=True)
                self.add("security-scheme-changed", True, f"securitySchemes {name}", detail)

    def servers(self) -> None:
        # A client pinned to a server URL that went away cannot reach the API; a new one
        # is only another place it could go.
        def urls(doc: dict[str, Any]) -> list[str]:
            # `{tenant}`, `{tenant-id}` and the vendor's literal `<tenant-id>` are all a
            # placeholder the caller fills in: only the fixed parts of a URL are compared.
            return [
                re.sub(r"\{[^}]*\}|<[^>]*>", "{}", str(s.get("url", ""))).rstrip("/")
                for s in doc.get("servers") or []
            ]

        old, new = urls(self.old), urls(self.new)
        gone = [u for u in old if u not in new]
        came = [u for u in new if u not in old]
        if len(gone) == 1 and len(came) == 1:
            self.add("server-changed", True, "servers", f"{gone[0]} -> {came[0]}")
            return
        for url in gone:
            self.add("server-removed", True, "servers", f"{url} removed")
        for url in came:
            self.add("server-added", False, "servers", f"{url} added")


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
