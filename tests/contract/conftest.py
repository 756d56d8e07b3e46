"""Loading cassettes as plain data, for the scans and contract checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scripts.cassettes import CASSETTES, REAL_CASSETTES


@dataclass(frozen=True)
class Exchange:
    cassette: str
    method: str
    uri: str
    path: str
    status: int
    content_type: str
    body: Any  # parsed JSON, or the raw text when it is not JSON


def cassette_files() -> list[Path]:
    return sorted(CASSETTES.glob("*.yaml")) + sorted(REAL_CASSETTES.glob("*.yaml"))


def exchanges(path: Path) -> Iterator[Exchange]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["interactions"]:
        request, response = item["request"], item["response"]
        raw = response["body"]["string"]
        text = raw.decode() if isinstance(raw, bytes) else raw
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = text
        headers = {k.lower(): v for k, v in response["headers"].items()}
        uri = request["uri"]
        yield Exchange(
            path.name,
            request["method"],
            uri,
            "/" + uri.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0],
            response["status"]["code"],
            (headers.get("content-type") or [""])[0],
            body,
        )
