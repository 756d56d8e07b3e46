"""`make spec`: take a new vendor OpenAPI document into openapi.yaml, keeping our additions.

Steps: fetch (URL or local path) -> validate as OpenAPI 3 -> classify the vendor's changes
against the vendor part of the current openapi.yaml -> refuse breaking ones unless allowed
-> merge -> write openapi.yaml in a stable order. `make spec` then regenerates.

The merge keeps the document ours where it should be: our own descriptions, summaries,
examples, `info` and `servers` wherever the same element still exists; vendor prose is never
taken (new vendor elements arrive undescribed); every node marked `x-facade-addition`
(campaign-drafts, the token endpoint, the extra error fields) is carried across unless the
vendor now ships the same element itself, in which case the vendor's wins and the report
says so.
"""

from __future__ import annotations

import argparse
import copy
import sys
import urllib.request
from pathlib import Path
from typing import Any

import spec_diff
import specio

DEFAULT_URL = "https://docs.amperity.com/downloads/openapi/control-plane-2024-04-01-openapi.json"
MARK = "x-facade-addition"
PROSE = ("description", "summary")
OURS_WHEN_PRESENT = ("example",)
# Mappings whose keys are names chosen by the document (a property called "description"
# is a name there, not prose).
NAME_MAPS = frozenset(
    {
        "paths",
        "properties",
        "schemas",
        "parameters",
        "responses",
        "securitySchemes",
        "content",
        "headers",
        "variables",
        "examples",
        "requestBodies",
        "links",
        "callbacks",
    }
)


def fetch(source: str) -> str:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=60) as answer:
            return str(answer.read().decode("utf-8"))
    return Path(source).read_text(encoding="utf-8")


def validate(doc: dict[str, Any]) -> None:
    from openapi_spec_validator import validate as _validate

    spec_diff.check_openapi3(doc, "vendor document")
    _validate(doc)


def strip_additions(doc: Any) -> Any:
    """The vendor's part of our document: every node marked as our addition removed."""
    if isinstance(doc, dict):
        out = {k: strip_additions(v) for k, v in doc.items() if not _is_addition(v)}
        out.pop(MARK, None)
        if "paths" in out:  # a path item whose operations were all ours disappears
            out["paths"] = {p: i for p, i in out["paths"].items() if _has_operation(i)}
        return out
    if isinstance(doc, list):
        return [strip_additions(v) for v in doc if not _is_addition(v)]
    return doc


def _is_addition(node: Any) -> bool:
    return isinstance(node, dict) and MARK in node


def _has_operation(item: Any) -> bool:
    return isinstance(item, dict) and any(m in item for m in spec_diff.METHODS)


def _ident(item: Any) -> Any:
    if isinstance(item, dict):
        if "$ref" in item:
            return ("$ref", item["$ref"])
        if "name" in item:
            return ("name", item.get("in"), item["name"])
    return None


def merge(vendor: Any, ours: Any, notes: list[str], where: str = "", names: bool = False) -> Any:
    if isinstance(vendor, dict):
        ours_d = ours if isinstance(ours, dict) else {}
        out: dict[str, Any] = {}
        for key, value in vendor.items():
            if not names and key in PROSE:
                continue
            if not names and key in OURS_WHEN_PRESENT and key in ours_d:
                out[key] = ours_d[key]
                continue
            mine = ours_d.get(key)
            if _is_addition(mine):
                notes.append(f"vendor now provides {where}/{key}; our addition is dropped")
                mine = {k: v for k, v in mine.items() if k != MARK}
            out[key] = merge(value, mine, notes, f"{where}/{key}", key in NAME_MAPS)
        for key, value in ours_d.items():
            if key in out:
                continue
            if (not names and (key in PROSE or key.startswith("x-"))) or _is_addition(value):
                out[key] = copy.deepcopy(value)
        return out
    if isinstance(vendor, list):
        ours_l = ours if isinstance(ours, list) else []
        by_id = {_ident(o): o for o in ours_l if _ident(o) is not None}
        out_l = []
        for index, item in enumerate(vendor):
            ident = _ident(item)
            if ident is not None:
                match = by_id.get(ident)
            else:
                match = ours_l[index] if len(ours_l) == len(vendor) else None
            out_l.append(merge(item, match, notes, f"{where}[{index}]"))
        present = {_ident(i) for i in vendor}
        out_l += [copy.deepcopy(o) for o in ours_l if _is_addition(o) and _ident(o) not in present]
        return out_l
    return vendor


def merge_documents(
    vendor: dict[str, Any], ours: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    notes: list[str] = []
    merged = merge(vendor, ours, notes)
    info = copy.deepcopy(ours.get("info", {}))
    info["version"] = vendor.get("info", {}).get("version", info.get("version"))
    merged["info"] = info
    if "servers" in ours:
        merged["servers"] = copy.deepcopy(ours["servers"])
    order = ["openapi", "info", "servers", "security", "tags", "paths", "components"]
    ordered = {k: merged[k] for k in order if k in merged}
    ordered.update({k: v for k, v in merged.items() if k not in ordered})
    return ordered, notes


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Update openapi.yaml from the vendor document.")
    parser.add_argument("--url", default=DEFAULT_URL, help="URL or local path of the vendor doc")
    parser.add_argument("--spec", type=Path, default=specio.SPEC, help="document to update")
    parser.add_argument("--allow-breaking", action="store_true")
    args = parser.parse_args(argv)
    try:
        vendor = specio.parse(fetch(args.url))
        validate(vendor)
    except Exception as exc:  # any fetch/parse/validation failure ends here with one line
        print(f"make spec: cannot use {args.url}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    ours = specio.load(args.spec)
    changes = spec_diff.compare(strip_additions(ours), vendor)
    print(f"Vendor changes from {args.url}:")
    sys.stdout.write(spec_diff.render_text(changes))
    breaking = [c for c in changes if c.breaking]
    if breaking and not args.allow_breaking:
        print(
            f"make spec: refusing {len(breaking)} breaking change(s); "
            "rerun with ALLOW_BREAKING=1 to accept them.",
            file=sys.stderr,
        )
        return 1
    merged, notes = merge_documents(vendor, ours)
    for note in notes:
        print(f"note: {note}")
    validate(merged)
    additions = sorted({m for m in _marked(merged)})
    print(f"Our additions kept ({len(additions)}): " + ", ".join(additions))
    specio.save(merged, args.spec)
    print(f"wrote {args.spec}")
    return 0


def _marked(node: Any, where: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if MARK in node:
            found.append(where or "/")
        for key, value in node.items():
            found += _marked(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _marked(value, f"{where}[{index}]")
    return found


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
