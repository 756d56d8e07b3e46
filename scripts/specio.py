"""Reading and writing OpenAPI documents the same way in every script.

One loader and one dumper keep `openapi.yaml` byte-stable: the same document always
serialises to the same text, so re-running `make spec` on an unchanged vendor document
gives no diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "openapi.yaml"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def load(path: str | Path) -> dict[str, Any]:
    """Load a JSON or YAML OpenAPI document (JSON is valid YAML, but json is faster)."""
    text = Path(path).read_text(encoding="utf-8")
    return parse(text)


def parse(text: str) -> dict[str, Any]:
    stripped = text.lstrip()
    doc = json.loads(text) if stripped.startswith("{") else yaml.safe_load(text)
    if not isinstance(doc, dict):
        raise ValueError("an OpenAPI document must be a mapping at the top level")
    return doc


def dump(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def save(doc: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(dump(doc), encoding="utf-8")


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (possibly chained) to the node they point at."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise ValueError(f"only local $refs are supported, got {ref!r}")
        if ref in seen:
            raise ValueError(f"$ref cycle at {ref}")
        seen.add(ref)
        node = pointer(doc, ref)
    return node


def pointer(doc: Any, ref: str) -> Any:
    """The node a local JSON pointer (`#/a/b~1c`) names, one step: a `$ref` found there is
    not followed. KeyError or TypeError when the pointer leads nowhere."""
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def iter_operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation of the document, in document order."""
    for path, item in (doc.get("paths") or {}).items():
        if isinstance(item, dict):
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    yield path, method, item[method]


OPERATION_ID = "x-facade-operation-id"
OMITTED = "x-facade-omitted"


def operation_name(op: dict[str, Any]) -> str | None:
    """The operation's name: the vendor's operationId or, where the vendor gave none (the
    Profile and Real-Time documents), ours in `x-facade-operation-id`."""
    name = op.get("operationId") or op.get(OPERATION_ID)
    return None if name is None else str(name)


def omitted(op: dict[str, Any]) -> str | None:
    """Why the facade does not offer this operation (`x-facade-omitted`), or None.

    Only a non-empty reason counts: a bare or empty mark omits nothing, so nobody drops an
    operation from the client without saying why."""
    reason = op.get(OMITTED)
    return reason.strip() if isinstance(reason, str) and reason.strip() else None


def find_operation(doc: dict[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """(path, method, operation) of the operation named `operation_id` (`operation_name`).

    Found by id, not by path: the vendor may rename a path or its variables (`{workflow-id}`
    -> `{run-id}`) without changing what the operation is."""
    for path, method, op in iter_operations(doc):
        if operation_name(op) == operation_id:
            return path, method, op
    raise KeyError(f"no operation {operation_id!r}")
