"""Contract checks on recorded traffic: which operation an exchange belongs to, whether its
body is what openapi.yaml declares, and whether every operation is covered.

Used by tests/contract (cassettes) and usable on any list of (method, path, status, body).
Statuses an operation does not declare (429, 503, 409...) must still carry ErrorResponse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openapi_schema_validator as oas
import specio
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

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
        for template, item in spec.get("paths", {}).items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    self.operations.append(
                        Operation(
                            item[method]["operationId"],
                            method.upper(),
                            template,
                            f"/paths/{_escape(template)}/{method}",
                            re.compile(pattern + "$"),
                        )
                    )

    @classmethod
    def from_file(cls, path: Path = specio.SPEC) -> Contract:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

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
