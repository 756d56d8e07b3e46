"""Contract checks on recorded traffic: which operation an exchange belongs to, whether its
body is what openapi.yaml declares, and whether every operation is covered.

Used by tests/contract (cassettes) and usable on any list of (method, path, status, body).
Statuses an operation does not declare (429, 503, 409...) must still carry ErrorResponse.

Coverage (`uncovered`) is the one place a new vendor endpoint is reported: the vendor may
add one at any time, and the message says everything that is missing for it in one line,
so other tests ignore operations that are not covered yet instead of failing with diffs.
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

from . import specio

METHODS = ("get", "put", "post", "delete", "patch")
BASE = "urn:amperity-openapi"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    template: str
    pointer: str
    regex: re.Pattern[str]


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


class Contract:
    def __init__(self, spec: dict[str, Any], *, api_prefix: str = "/api") -> None:
        self.spec = spec
        self.prefix = api_prefix
        self.registry: Registry[Any] = Registry().with_resource(
            BASE, Resource.from_contents(spec, default_specification=DRAFT4)
        )
        self.operations: list[Operation] = []
        for template, method, op in specio.iter_operations(spec):
            if method not in METHODS:
                continue
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            # The vendor's older documents had no operationIds: such an operation is named
            # by method and path, so coverage can still say what it lacks.
            name = op.get("operationId") or f"{method.upper()} {template}"
            self.operations.append(
                Operation(
                    str(name),
                    method.upper(),
                    template,
                    f"/paths/{_escape(template)}/{method}",
                    re.compile(pattern + "$"),
                )
            )

    @classmethod
    def from_file(cls, path: Path = specio.SPEC) -> Contract:
        return cls(specio.load(path))

    def operation_for(self, method: str, path: str) -> Operation | None:
        path = path.split("?", 1)[0]
        if self.prefix and path.startswith(self.prefix):
            path = path[len(self.prefix) :]
        for op in self.operations:
            if op.method == method.upper() and op.regex.fullmatch(path):
                return op
        return None

    def schema_pointer(self, op: Operation, status: int) -> str:
        responses = specio.resolve(self.spec, {"$ref": "#" + op.pointer})["responses"]
        answer = responses.get(str(status), responses.get(status))
        if answer is None:
            return "/components/schemas/ErrorResponse"
        answer = specio.resolve(self.spec, answer)
        schema = answer["content"]["application/json"]["schema"]
        if "$ref" in schema:
            return str(schema["$ref"])[1:]
        raise ValueError(f"{op.operation_id} {status}: inline schemas are not supported")

    def problems(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Why this answer breaks the contract (empty when it conforms)."""
        op = self.operation_for(method, path)
        if op is None:
            return [f"{method} {path}: no such operation in openapi.yaml"]
        pointer = self.schema_pointer(op, status)
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


def fake_routes(method: str, path: str) -> str | None:
    """The operationId the fake tenant's route table gives this request (path without /api)."""
    route = _routes.resolve(_routes.API_PREFIX + path)
    return None if route is None else route.methods.get(method.upper())


def uncovered(
    contract: Contract,
    recorded: Sequence[Recorded],
    *,
    facade: Mapping[str, str] = FACADE_METHODS,
    fake: Callable[[str, str], str | None] = fake_routes,
) -> list[str]:
    """One line per operation of openapi.yaml lacking a facade method, a fake tenant route or
    a cassette, naming what is missing and how to add it."""
    out = []
    for op in contract.operations:
        missing = []
        if op.operation_id not in facade:
            missing.append("no facade method (FACADE_METHODS in amperity_facade/_operations.py)")
        if fake(op.method, re.sub(r"\{[^}]+\}", "x", op.template)) != op.operation_id:
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
