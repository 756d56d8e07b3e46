"""One openapi.yaml, several vendor documents: the part of ours that one API family covers.

Amperity publishes each API family (control plane, Profile API, Real-Time API) as its own
document with its own version. openapi.yaml holds them all, so the whole client is generated
from one file; `info.x-amperity-api-families` names each family's version and base path and
every operation names its family in `x-amperity-api-family`. `make spec` compares a vendor
document with `view(ours, family)` only, so a control-plane update never reads the Profile
API's paths as "removed", and writes the merged result back with `embed`, leaving the other
families exactly as they were.

A family whose base path differs from the document's servers (Real-Time, under /prof)
carries its servers on each of its path items: that is where OpenAPI says a path's URL
differs, and what validators and Schemathesis read. In a view they are the document's.
A family whose vendor document declares no security (Real-Time) says so with a reason in
`security-added`: its view leaves the bearer scheme out, as our addition.
"""

from __future__ import annotations

import copy
from typing import Any

from . import specio

FAMILIES = "x-amperity-api-families"
FAMILY = "x-amperity-api-family"
DEFAULT_FAMILY = "control-plane"
Doc = dict[str, Any]


def families(doc: Doc) -> dict[str, dict[str, Any]]:
    """Family name -> {title, version, base-path}, as openapi.yaml declares them."""
    found = (doc.get("info") or {}).get(FAMILIES)
    if not isinstance(found, dict) or not found:
        return {DEFAULT_FAMILY: {"version": (doc.get("info") or {}).get("version")}}
    return found


def family_of(op: dict[str, Any]) -> str:
    return str(op.get(FAMILY, DEFAULT_FAMILY))


def _item_family(path: str, item: Any) -> str | None:
    """The family of a path item's operations; mixing families in one path is refused."""
    if not isinstance(item, dict):
        return None
    found = {family_of(op) for op in _operations(item)}
    if len(found) > 1:
        raise ValueError(f"path {path} mixes API families {sorted(found)}")
    return found.pop() if found else None


def _operations(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [item[m] for m in specio.METHODS if isinstance(item.get(m), dict)]


def paths_of(doc: Doc, family: str) -> list[str]:
    return [p for p, item in (doc.get("paths") or {}).items() if _item_family(p, item) == family]


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref)
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def reachable(doc: Doc, roots: Any) -> set[tuple[str, str]]:
    """(kind, name) of every component `roots` refers to, directly or through others."""
    seen: set[tuple[str, str]] = set()
    pending = list(_refs(roots))
    components = doc.get("components") or {}
    while pending:
        parts = pending.pop().split("/")
        if len(parts) < 4:
            continue
        key = (parts[2], parts[3].replace("~1", "/").replace("~0", "~"))
        if key in seen:
            continue
        seen.add(key)
        node = (components.get(key[0]) or {}).get(key[1])
        pending.extend(_refs(node))
    return seen


def view(doc: Doc, family: str) -> Doc:
    """The part of `doc` one vendor document describes, shaped like that document."""
    known = families(doc)
    if family not in known:
        raise ValueError(f"openapi.yaml has no API family {family!r} (it has {sorted(known)})")
    names = paths_of(doc, family)
    paths = {p: copy.deepcopy(doc["paths"][p]) for p in names}
    servers = copy.deepcopy(doc.get("servers"))
    for item in paths.values():
        if "servers" in item:
            servers = item.pop("servers")
    out: Doc = {}
    for key, value in doc.items():
        if key == "info":
            info = {k: copy.deepcopy(v) for k, v in value.items() if k != FAMILIES}
            info["version"] = known[family].get("version", info.get("version"))
            out["info"] = info
        elif key == "servers":
            out["servers"] = servers
        elif key == "paths":
            out["paths"] = paths
        elif key == "tags":  # the family's own, in our order
            used = {
                t for item in paths.values() for op in _operations(item) for t in op.get("tags", [])
            }
            out["tags"] = [
                copy.deepcopy(t) for t in value if isinstance(t, dict) and t.get("name") in used
            ]
        elif key == "components":
            keep = reachable(doc, paths)
            out["components"] = {
                kind: {n: copy.deepcopy(v) for n, v in entries.items() if (kind, n) in keep}
                for kind, entries in value.items()
                if kind == "securitySchemes" or any(k == kind for k, _ in keep)
            }
            if "securitySchemes" in value:
                out["components"]["securitySchemes"] = copy.deepcopy(value["securitySchemes"])
        else:
            out[key] = copy.deepcopy(value)
    if known[family].get("security-added"):
        out.pop("security", None)
        out.get("components", {}).pop("securitySchemes", None)
    return out


def embed(doc: Doc, family: str, merged: Doc) -> Doc:
    """`doc` with `family`'s part replaced by `merged` (a merged view); the rest untouched."""
    out = copy.deepcopy(doc)
    old = view(doc, family)
    # Paths: the family's items replaced in place, new ones after the family's last.
    own_servers = old.get("servers") if old.get("servers") != doc.get("servers") else None
    new_paths: dict[str, Any] = {}
    for path, item in merged.get("paths", {}).items():
        item = copy.deepcopy(item)
        for method in specio.METHODS:
            if isinstance(item.get(method), dict):
                item[method].setdefault(FAMILY, family)
        if own_servers is not None:
            item = {"servers": copy.deepcopy(own_servers), **item}
        new_paths[path] = item
    paths: dict[str, Any] = {}
    last = old["paths"] and list(old["paths"])[-1]
    for path, item in (doc.get("paths") or {}).items():
        if path in old["paths"]:
            if path in new_paths:
                paths[path] = new_paths.pop(path)
        else:
            if path in new_paths:
                raise ValueError(f"path {path} of {family} is already used by another family")
            paths[path] = item
        if path == last:
            paths.update(new_paths)
            new_paths.clear()
    paths.update(new_paths)
    out["paths"] = paths
    # Components: the view's replaced, the ones it no longer needs dropped unless another
    # family still refers to them.
    components = out.setdefault("components", {})
    merged_components = merged.get("components") or {}
    for kind, entries in merged_components.items():
        target = components.setdefault(kind, {})
        for name, node in entries.items():
            target[name] = copy.deepcopy(node)
    still = reachable(out, out["paths"])
    for kind, entries in (old.get("components") or {}).items():
        for name in entries:
            if kind == "securitySchemes" or name in (merged_components.get(kind) or {}):
                continue
            if (kind, name) not in still:
                components.get(kind, {}).pop(name, None)
    # Tags the vendor added; the family's version.
    have = {t.get("name") for t in out.get("tags", []) if isinstance(t, dict)}
    for tag in merged.get("tags", []) or []:
        if isinstance(tag, dict) and tag.get("name") not in have:
            out.setdefault("tags", []).append(copy.deepcopy(tag))
    version = (merged.get("info") or {}).get("version")
    if FAMILIES in out.get("info", {}):
        out["info"][FAMILIES][family]["version"] = version
    if family == DEFAULT_FAMILY:
        out["info"]["version"] = version
    return out
