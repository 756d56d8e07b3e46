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
    own = [item.pop("servers", None) for item in paths.values()]
    if any(s != own[0] for s in own):  # embed gives every item the same: say so now
        raise ValueError(f"the path items of API family {family} name different servers")
    if own and own[0] is not None:
        servers = own[0]
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
    """`doc` with `family`'s part replaced by `merged` (a merged view); the rest untouched.

    What the families share is the default family's (the control plane's): the document's
    `openapi`, `security` and other top-level facts, and any component another family's
    operations also use. Another family's document that would change one of those, or
    bring a path another family already has, is refused (ValueError): one openapi.yaml
    cannot say two things there. A document declaring no families is its own view."""
    if FAMILIES not in (doc.get("info") or {}):
        if family != DEFAULT_FAMILY:
            raise ValueError(f"the document declares no API family {family!r}")
        return copy.deepcopy(merged)
    out = copy.deepcopy(doc)
    old = view(doc, family)
    _check_shared(doc, family, old, merged)
    # Paths: the family's items replaced in place, new ones where the merged view has them.
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
    out["paths"] = {p: new_paths.get(p, item) for p, item in _placed(doc, family, old, new_paths)}
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
    out["info"][FAMILIES][family]["version"] = version
    if family == DEFAULT_FAMILY:
        out["info"]["version"] = version
        shared = [k for k in merged if k not in OWN_KEYS]  # openapi, security, ...
        for key in shared + [k for k in old if k not in OWN_KEYS and k not in merged]:
            if key in merged:
                out[key] = copy.deepcopy(merged[key])
            else:
                out.pop(key, None)
    ordered = {k: out[k] for k in TOP_ORDER if k in out}
    ordered.update({k: v for k, v in out.items() if k not in ordered})
    return ordered


def _placed(doc: Doc, family: str, old: Doc, new_paths: dict[str, Any]) -> list[tuple[str, Any]]:
    """(path, item) in the order embed writes them: the other families' where they were,
    the family's kept ones in their places, each new one right after the path it follows in
    the merged view (so a renamed path stays where it was, as `make spec` always kept it)."""
    mine = old["paths"]
    items: dict[str, Any] = dict(doc.get("paths") or {})
    for path in new_paths:
        if path in items and path not in mine:
            raise ValueError(f"path {path} of {family} is already used by another API family")
    keys = [p for p in items if p not in mine or p in new_paths]
    first = next((i for i, p in enumerate(items) if p in mine), len(items))
    slot = len([p for p in list(items)[:first] if p in keys])  # where the family began
    previous: str | None = None
    for path in new_paths:
        if path not in items:
            if previous is not None:
                at = keys.index(previous) + 1
            else:
                at = next((i for i, p in enumerate(keys) if p in mine), slot)
            keys.insert(at, path)
            items[path] = None
        previous = path
    return [(p, items[p]) for p in keys]


# Top-level keys embed places itself; the others are shared, and the default family's.
OWN_KEYS = frozenset({"info", "servers", "tags", "paths", "components"})
TOP_ORDER = ("openapi", "info", "servers", "security", "tags", "paths", "components")


def _check_shared(doc: Doc, family: str, old: Doc, merged: Doc) -> None:
    """Refuse a merged view that would change what another family uses too."""
    theirs = {p: i for p, i in (doc.get("paths") or {}).items() if p not in old["paths"]}
    if not theirs:
        return
    used = reachable(doc, theirs)
    components = doc.get("components") or {}
    owned = old.get("components") or {}
    for kind, entries in (merged.get("components") or {}).items():
        for name, node in entries.items():
            current = (components.get(kind) or {}).get(name)
            if current is None or current == node:
                continue
            shared = kind == "securitySchemes" or (kind, name) in used
            if shared and not (family == DEFAULT_FAMILY and name in (owned.get(kind) or {})):
                raise ValueError(
                    f"the {family} document changes components/{kind}/{name}, which another"
                    " API family of openapi.yaml uses too"
                )
    changed = "security" in old and merged.get("security") != old["security"]
    if changed and family != DEFAULT_FAMILY:
        raise ValueError(
            f"the {family} document changes the top-level security all API families share"
        )
