"""Contract checks on recorded traffic: which operation an exchange belongs to, whether its
body is what openapi.yaml declares, and whether every operation is covered.

Used by tests/contract (cassettes) and usable on any list of (method, path, status, body).
Statuses an operation does not declare (429, 503, 409...) must still carry its family's
error envelope. A success declared without a body (a write accepted, 202, or dropped, 204)
must come without one.

Coverage (`uncovered`) is the one place a new vendor endpoint is reported: the vendor may
add one at any time, and the message says everything that is missing for it in one line,
so other tests ignore operations that are not covered yet instead of failing with diffs.
An operation marked `x-facade-omitted` with a reason is not offered (nor generated) and is
not asked for; a mark without a reason omits nothing.

openapi.yaml holds several API families (scripts/spec_family.py): each operation is matched
under its family's base path (/api, /prof for the Real-Time API, /stream/v0 for Streaming
Ingest), and an error status is read as its family's error envelope (the one its operations
declare: ErrorResponse, or the Real-Time API's ErrorBody). A family whose operations declare
no error body at all (Streaming Ingest describes its errors in prose only) has no envelope:
its error bodies are the API's own and are not checked (the facade reads a `message` from
any JSON body, else an excerpt of the text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import openapi_schema_validator as oas
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from amperity_facade._operations import FACADE_METHODS
from amperity_facade.testing import _routes

from . import spec_family, specio

METHODS = ("get", "put", "post", "delete", "patch")
BASE = "urn:amperity-openapi"
ERROR_ENVELOPE = "/components/schemas/ErrorResponse"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    template: str
    pointer: str
    regex: re.Pattern[str]
    prefix: str = "/api"  # the family's base path
    family: str = spec_family.DEFAULT_FAMILY
    omitted: str | None = None  # why the facade does not offer it (x-facade-omitted)


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


class Contract:
    def __init__(self, spec: dict[str, Any], *, api_prefix: str = "/api") -> None:
        self.spec = spec
        self.prefix = api_prefix
        self.registry: Registry[Any] = Registry().with_resource(
            BASE, Resource.from_contents(spec, default_specification=DRAFT4)
        )
        families = spec_family.families(spec)
        self.operations: list[Operation] = []
        for template, method, op in specio.iter_operations(spec):
            if method not in METHODS:
                continue
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            # Named by operationId, else by our x-facade-operation-id (the Profile and
            # Real-Time documents have no operationIds); else, as in the vendor's older
            # documents, by method and path, so coverage can still say what it lacks.
            name = specio.operation_name(op) or f"{method.upper()} {template}"
            family = spec_family.family_of(op)
            base = (families.get(family) or {}).get("base-path", api_prefix)
            self.operations.append(
                Operation(
                    name,
                    method.upper(),
                    template,
                    f"/paths/{_escape(template)}/{method}",
                    re.compile(pattern + "$"),
                    str(base),
                    family,
                    specio.omitted(op),
                )
            )
        self.envelopes: dict[str, str | None] = {
            family: _envelope(spec, family) for family in families
        }

    @classmethod
    def from_file(cls, path: Path = specio.SPEC) -> Contract:
        return cls(specio.load(path))

    def operation_for(self, method: str, path: str) -> Operation | None:
        """The operation a request names: its path under the operation's family base path
        (a path without that base path is taken as it is)."""
        path = path.split("?", 1)[0]
        for op in self.operations:
            rel = path
            if op.prefix and path.startswith(op.prefix + "/"):
                rel = path[len(op.prefix) :]
            if op.method == method.upper() and op.regex.fullmatch(rel):
                return op
        return None

    def answer(self, op: Operation, status: int) -> dict[str, Any] | None:
        """The response openapi.yaml declares for this status, or None."""
        responses = specio.resolve(self.spec, {"$ref": "#" + op.pointer})["responses"]
        answer = responses.get(str(status), responses.get(status))
        return None if answer is None else dict(specio.resolve(self.spec, answer))

    def schema_pointer(self, op: Operation, status: int) -> str | None:
        """Where the schema of this answer's body is; None for an error of a family that
        declares no error body (nothing to check)."""
        answer = self.answer(op, status)
        envelope = self.envelopes.get(op.family, ERROR_ENVELOPE)
        if answer is None:
            return envelope
        if "content" not in answer and status >= 400:  # declared in prose only
            return envelope
        schema = answer["content"]["application/json"]["schema"]
        if "$ref" in schema:
            return str(schema["$ref"])[1:]
        raise ValueError(f"{op.operation_id} {status}: inline schemas are not supported")

    def problems(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Why this answer breaks the contract (empty when it conforms). `body` is the
        parsed JSON, the text when it is not JSON, or None or "" when there is none."""
        op = self.operation_for(method, path)
        if op is None:
            return [f"{method} {path}: no such operation in openapi.yaml"]
        answer = self.answer(op, status)
        if answer is not None and "content" not in answer and status < 400:
            if body is None or body == "":
                return []
            return [f"{op.operation_id} {status}: a body where openapi.yaml declares none"]
        pointer = self.schema_pointer(op, status)
        if pointer is None:
            return []
        validator = oas.OAS30Validator(
            {"$ref": f"{BASE}#{pointer}"},
            registry=self.registry,
            format_checker=oas.OAS30Validator.FORMAT_CHECKER,
        )
        return [
            f"{op.operation_id} {status} at /{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(body)
        ]


class Recorded(Protocol):
    """An exchange as tests/contract loads it from a cassette."""

    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str: ...


def _envelope(spec: dict[str, Any], family: str) -> str | None:
    """The error body a family's operations declare (the most used); ErrorResponse for the
    control plane (and a document without families) even where it declares none; None for
    another family that declares no error body at all."""
    counts: dict[str, int] = {}
    for _, _, op in specio.iter_operations(spec):
        if spec_family.family_of(op) != family:
            continue
        for code, answer in (op.get("responses") or {}).items():
            if not str(code).isdigit() or int(code) < 400:
                continue
            body = specio.resolve(spec, answer).get("content", {}).get("application/json", {})
            ref = (body.get("schema") or {}).get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                counts[ref[1:]] = counts.get(ref[1:], 0) + 1
    if counts:
        return max(counts, key=lambda ref: counts[ref])
    return ERROR_ENVELOPE if family == spec_family.DEFAULT_FAMILY else None


def fake_routes(method: str, path: str) -> str | None:
    """The operation the fake tenant's route table gives this request (the whole path,
    base path included: /api/segments, /prof/profiles/x/x)."""
    route = _routes.resolve(path)
    return None if route is None else route.methods.get(method.upper())


def uncovered(
    contract: Contract,
    recorded: Sequence[Recorded],
    *,
    facade: Mapping[str, str] = FACADE_METHODS,
    fake: Callable[[str, str], str | None] = fake_routes,
) -> list[str]:
    """One line per operation of openapi.yaml lacking a facade method, a fake tenant route or
    a cassette, naming what is missing and how to add it. Operations marked x-facade-omitted
    with a reason are not offered, so nothing is asked for them."""
    out = []
    for op in contract.operations:
        if op.omitted is not None:
            continue
        missing = []
        if op.operation_id not in facade:
            missing.append("no facade method (FACADE_METHODS in amperity_facade/_operations.py)")
        if fake(op.method, op.prefix + re.sub(r"\{[^}]+\}", "x", op.template)) != op.operation_id:
            missing.append("no fake tenant route (amperity_facade/testing/_routes.py)")
        if not any(contract.operation_for(e.method, e.path) == op for e in recorded):
            missing.append(
                "no cassette (add a scenario to scripts/cassette_scenarios.py, then record it"
                " with `make cassettes`, i.e. python -m scripts.record_cassettes)"
            )
        if missing:
            where = f"{op.method} {op.template}"
            label = (
                f"{where} (no operationId)"
                if op.operation_id == where
                else (f"{op.operation_id} ({where})")
            )
            out.append(f"{label} is in openapi.yaml but not covered: {'; '.join(missing)}")
    return out
