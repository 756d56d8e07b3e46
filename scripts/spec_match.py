"""Pair the operations of two OpenAPI documents before comparing them.

Pairing by the literal "METHOD /path" reports a renamed path variable, or a path the vendor
moved, as one endpoint removed and another added, which hides what really happened (and
what a maintainer must do about it). So operations pair, in this order:

1. by method and path with variable names normalised: `{workflow-id}` and `{id}` send the
   same URL, so that is a `path-variable-renamed`, not a new endpoint;
2. by method and operationId, when the path changed but the operationId stayed;
3. when neither side has an operationId (the vendor's early documents had none): by method,
   number of path variables and response schemas, for paths that differ only in their last
   segment or the separator before it (`/runs/{id}:stop` -> `/runs/{id}/stop`), and only
   when that candidate is the only one each way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from . import specio

METHODS = specio.METHODS
PROSE = frozenset({"description", "summary", "title", "example", "examples", "externalDocs"})


@dataclass(frozen=True)
class Op:
    method: str  # upper case
    path: str
    body: dict[str, Any]

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Pair:
    old: Op
    new: Op
    how: str  # "same", "variables", "operationId" or "shape"


def normalise(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def operations(doc: dict[str, Any]) -> list[Op]:
    """Every operation, with the path item's shared parameters folded in."""
    ops: list[Op] = []
    for path, item in (doc.get("paths") or {}).items():
        item = specio.resolve(doc, item)
        shared = item.get("parameters", [])
        for method in METHODS:
            if isinstance(item.get(method), dict):
                body = dict(item[method])
                body["parameters"] = [*shared, *body.get("parameters", [])]
                ops.append(Op(method.upper(), path, body))
    return sorted(ops, key=lambda op: op.key)


def fingerprint(doc: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """The facts of a node with refs inlined (to a depth, for cycles) and prose dropped,
    so two documents that name their components differently still compare."""
    node = specio.resolve(doc, node)
    if depth > 8:
        return "..."
    if isinstance(node, dict):
        return {
            k: fingerprint(doc, v, depth + 1)
            for k, v in sorted(node.items(), key=lambda kv: str(kv[0]))
            if k not in PROSE
        }
    if isinstance(node, list):
        return [fingerprint(doc, v, depth + 1) for v in node]
    return node


def responses_of(op: dict[str, Any]) -> dict[str, Any]:
    """An operation's responses by status code as text (YAML reads `200` as a number)."""
    return {str(k): v for k, v in (op.get("responses") or {}).items()}


def shape(doc: dict[str, Any], op: Op) -> str:
    facts = {code: fingerprint(doc, r).get("content") for code, r in responses_of(op.body).items()}
    return json.dumps([op.method, normalise(op.path).count("{}"), facts], sort_keys=True)


def near(old_path: str, new_path: str) -> bool:
    """Same segments but for the last one, or the separator before it."""
    old_t, new_t = re.split(r"[/:]", normalise(old_path)), re.split(r"[/:]", normalise(new_path))
    return len(old_t) == len(new_t) and old_t[:-1] == new_t[:-1]


def pair(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> tuple[list[Pair], list[Op], list[Op]]:
    """(paired operations, operations only in OLD, operations only in NEW)."""
    old_ops, new_ops = operations(old_doc), operations(new_doc)
    pairs: list[Pair] = []
    by_shape = {(op.method, normalise(op.path)): op for op in new_ops}
    for op in list(old_ops):
        match = by_shape.get((op.method, normalise(op.path)))
        if match is not None and match in new_ops:
            how = "same" if match.path == op.path else "variables"
            pairs.append(Pair(op, match, how))
            old_ops.remove(op)
            new_ops.remove(match)
    for op in list(old_ops):
        op_id = op.body.get("operationId")
        found = [n for n in new_ops if op_id and n.method == op.method]
        found = [n for n in found if n.body.get("operationId") == op_id]
        if len(found) == 1:
            pairs.append(Pair(op, found[0], "operationId"))
            old_ops.remove(op)
            new_ops.remove(found[0])
    anonymous_new = [n for n in new_ops if not n.body.get("operationId")]
    for op in [o for o in old_ops if not o.body.get("operationId")]:
        found = [n for n in anonymous_new if near(op.path, n.path)]
        found = [n for n in found if shape(old_doc, op) == shape(new_doc, n)]
        if len(found) != 1:
            continue
        rivals = [
            o
            for o in old_ops
            if not o.body.get("operationId")
            and near(o.path, found[0].path)
            and shape(old_doc, o) == shape(new_doc, found[0])
        ]
        if rivals == [op]:
            pairs.append(Pair(op, found[0], "shape"))
            old_ops.remove(op)
            new_ops.remove(found[0])
            anonymous_new.remove(found[0])
    return sorted(pairs, key=lambda p: p.new.key), old_ops, new_ops
