"""The merge behind `make spec`: a vendor OpenAPI document taken into openapi.yaml.

The document stays ours where it should be: our own descriptions, summaries, examples,
`info` and `servers` wherever the same element still exists; vendor prose is never taken
(we rewrite it in our own words, and copying it would put the vendor's text in our tree);
every node marked `x-facade-addition` (campaign-drafts, the token endpoint, the extra error
fields, the 429 answers) is carried across unless the vendor now ships the same element
itself, in which case the vendor's wins and a note says so.

Dropping vendor prose leaves new elements undescribed, and OpenAPI 3 requires a
`description` on every Response object: a new response would make the merged document
invalid. `describe_new` gives each such element a short neutral placeholder of ours,
naming the vendor version it arrived in, so the result always validates and a reviewer can
find what still needs describing by grepping for the placeholder.
"""

from __future__ import annotations

import copy
from typing import Any

from . import spec_diff, specio

MARK = "x-facade-addition"
PROSE = ("description", "summary")
OURS_WHEN_PRESENT = ("example",)
PLACEHOLDER = "Added by the vendor in version {version}; not yet described here."
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
TOP_ORDER = ("openapi", "info", "servers", "security", "tags", "paths", "components")


def strip_additions(doc: Any) -> Any:
    """The vendor's part of our document: every node marked as our addition removed."""
    if isinstance(doc, dict):
        out = {k: strip_additions(v) for k, v in doc.items() if not is_addition(v)}
        out.pop(MARK, None)
        if isinstance(out.get("paths"), dict):  # a path item left with no operation goes
            out["paths"] = {p: i for p, i in out["paths"].items() if _has_operation(i)}
        return out
    if isinstance(doc, list):
        return [strip_additions(v) for v in doc if not is_addition(v)]
    return doc


def is_addition(node: Any) -> bool:
    return isinstance(node, dict) and MARK in node


def _has_operation(item: Any) -> bool:
    return isinstance(item, dict) and any(m in item for m in specio.METHODS)


def _ident(item: Any) -> Any:
    """What identifies a list entry across documents (parameters by place and name)."""
    if isinstance(item, dict):
        if "$ref" in item:
            return ("$ref", str(item["$ref"]))
        if "name" in item:
            return ("name", str(item.get("in")), str(item["name"]))
    return None


class Notes(list[str]):
    """What the merge has to say, and where the vendor now provides one of our additions
    (kept as data: those places are not reported as dropped additions afterwards)."""

    def __init__(self) -> None:
        super().__init__()
        self.provided: set[str] = set()


def merge(vendor: Any, ours: Any, notes: Notes, where: str = "", names: bool = False) -> Any:
    """The vendor's structure, with our prose, examples and additions laid over it."""
    if isinstance(vendor, dict):
        return _merge_dict(vendor, ours, notes, where, names)
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
        out_l += [copy.deepcopy(o) for o in ours_l if is_addition(o) and _ident(o) not in present]
        return out_l
    return vendor


def _merge_dict(
    vendor: dict[str, Any], ours: Any, notes: Notes, where: str, names: bool
) -> dict[str, Any]:
    ours_d = ours if isinstance(ours, dict) else {}
    out: dict[str, Any] = {}
    for key, value in vendor.items():
        if not names and key in PROSE:
            continue
        if not names and key in OURS_WHEN_PRESENT and key in ours_d:
            out[key] = ours_d[key]
            continue
        mine = ours_d.get(key)
        if is_addition(mine):
            notes.append(f"vendor now provides {where}/{key}; our addition is dropped")
            notes.provided.add(f"{where}/{key}")
            mine = {k: v for k, v in mine.items() if k != MARK}
        out[key] = merge(value, mine, notes, f"{where}/{key}", key in NAME_MAPS)
    for key, value in ours_d.items():
        if key in out:
            continue
        if (not names and (key in PROSE or key.startswith("x-"))) or is_addition(value):
            out[key] = copy.deepcopy(value)
    return _in_our_order(out, vendor, ours_d)


def _in_our_order(
    out: dict[str, Any], vendor: dict[str, Any], ours: dict[str, Any]
) -> dict[str, Any]:
    """Keys in our order, each new vendor key right after the vendor key it follows there.

    Our additions sit between vendor entries (a 429 between 403 and 500); keeping our order
    is what makes an unchanged vendor document give back openapi.yaml byte for byte.
    """
    keys = [k for k in ours if k in out]
    placed = set(keys)
    previous: str | None = None
    for key in vendor:
        if key in out and key not in placed:
            keys.insert(keys.index(previous) + 1 if previous is not None else 0, key)
            placed.add(key)
        if key in placed:
            previous = key
    keys += [k for k in out if k not in placed]
    return {k: out[k] for k in keys}


def describe_new(doc: dict[str, Any], version: str) -> list[str]:
    """Give every Response object without a description our placeholder, in place.

    Returns where it did so. Only Response objects need it: they are the one element of
    these documents whose description OpenAPI 3 requires.
    """
    text = PLACEHOLDER.format(version=version)
    filled: list[str] = []

    def fill(responses: Any, where: str) -> None:
        if not isinstance(responses, dict):
            return
        for code, answer in responses.items():
            if isinstance(answer, dict) and "$ref" not in answer and "description" not in answer:
                answer["description"] = text
                filled.append(f"{where} response {code}")

    for path, method, operation in specio.iter_operations(doc):
        fill(operation.get("responses"), f"{method.upper()} {path}")
    fill((doc.get("components") or {}).get("responses"), "components")
    return filled


def renamed_paths(changes: list[spec_diff.Change]) -> dict[str, str]:
    """New path -> old path, from the classifier's renames (detail "OLD -> NEW")."""
    out: dict[str, str] = {}
    for change in changes:
        old, sep, new = change.detail.partition(" -> ")
        if change.kind.endswith("-renamed") and sep and old.startswith("/") and new.startswith("/"):
            out[new.strip()] = old.strip()
    return out


def _following_renames(
    ours: dict[str, Any], vendor: dict[str, Any], renames: dict[str, str]
) -> tuple[dict[str, Any], set[str]]:
    """Our document with each renamed path item also filed, in its place, under its new
    path; and the old paths so carried over."""
    paths, theirs = ours.get("paths"), vendor.get("paths")
    if not renames or not isinstance(paths, dict) or not isinstance(theirs, dict):
        return ours, set()
    new_for = {
        old: new
        for new, old in renames.items()
        if old in paths and new not in paths and new in theirs
    }
    if not new_for:
        return ours, set()
    view: dict[str, Any] = {}
    for path, item in paths.items():
        view[path] = item
        if path in new_for:
            view[new_for[path]] = item
    return {**ours, "paths": view}, set(new_for)


def merge_documents(
    vendor: dict[str, Any], ours: dict[str, Any], renames: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The merged document, in our top-level order, and notes on additions taken over.

    `renames` (new path -> old path) lets our prose and additions follow a renamed path.
    """
    notes = Notes()
    view, moved = _following_renames(ours, vendor, renames or {})
    merged = merge(vendor, view, notes)
    info = copy.deepcopy(ours.get("info", {}))
    info["version"] = (vendor.get("info") or {}).get("version", info.get("version"))
    merged["info"] = info
    if "servers" in ours:
        merged["servers"] = copy.deepcopy(ours["servers"])
    _keep_referenced(merged, ours, notes)
    provided = notes.provided
    gone = set(marked(view)) - set(marked(merged)) - provided
    for where in sorted(w for w in gone if not _under(w, moved)):
        if not any(where.startswith(f"{p}/") for p in provided):
            notes.append(f"our addition {where} is dropped: the vendor removed what it sat in")
    for where in describe_new(merged, str(info.get("version"))):
        notes.append(f"{where}: new, given a placeholder description")
    ordered = {k: merged[k] for k in TOP_ORDER if k in merged}
    ordered.update({k: v for k, v in merged.items() if k not in ordered})
    return ordered, notes


def _refs(node: Any) -> set[str]:
    """Every local `$ref` in a document."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            found.add(ref)
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _lookup(doc: Any, ref: str) -> Any:
    """What `ref` points at in `doc`, or None when it points nowhere."""
    try:
        return specio.pointer(doc, ref)
    except (KeyError, TypeError):
        return None


def _keep_referenced(merged: dict[str, Any], ours: dict[str, Any], notes: list[str]) -> None:
    """Our additions may use components (a 405 response) that an older or trimmed vendor
    document lacks: keep ours, or the merged document would not even validate.

    Only whole components missing from the merged document are taken, never a path (that
    would bring back an endpoint the vendor removed) nor a part grafted into one of the
    vendor's components; a reference left dangling fails validation, naming it.
    """
    while True:
        roots = {
            "/".join(ref.split("/")[:4])
            for ref in _refs(merged)
            if ref.startswith("#/components/") and _lookup(merged, ref) is None
        }
        kept = sorted(
            root
            for root in roots
            if root.count("/") == 3
            and _lookup(merged, root) is None
            and _lookup(ours, root) is not None
        )
        if not kept:
            return
        for root in kept:
            _, _, kind, name = root.split("/")
            node = merged.setdefault("components", {}).setdefault(kind, {})
            node[name.replace("~1", "/").replace("~0", "~")] = copy.deepcopy(_lookup(ours, root))
            notes.append(
                f"kept our {root[1:]}: the merged document refers to it, the vendor's lacks it"
            )


def _under(where: str, paths: set[str]) -> bool:
    """Whether a marked location sits in one of these (renamed, so carried) path items."""
    return any(where == f"/paths/{p}" or where.startswith(f"/paths/{p}/") for p in paths)


def marked(node: Any, where: str = "") -> list[str]:
    """Where our additions sit, as /-joined paths."""
    found: list[str] = []
    if isinstance(node, dict):
        if MARK in node:
            found.append(where or "/")
        for key, value in node.items():
            found += marked(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += marked(value, f"{where}[{index}]")
    return found
