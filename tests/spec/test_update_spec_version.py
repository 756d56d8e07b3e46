"""The api-version guard of `make spec` / `make spec-check`: a vendor document for another
api-version (the vendor's `unstable` one, say) is refused, naming the version found and
the one expected, unless `--api-version` (API_VERSION=...) asks for exactly that version;
a version taken is reported. Vendor documents are built from openapi.yaml itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import spec_merge
import specio
import update_spec
from openapi_spec_validator import validate

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
Doc = dict[str, Any]


def unstable(doc: Doc) -> None:
    doc["info"]["version"] = "unstable"
    schema = doc["components"]["parameters"]["ApiVersionHeader"]["schema"]
    schema["enum"] = ["2024-04-01", "unstable"]
    schema["default"] = "unstable"


@pytest.fixture
def original() -> bytes:
    return SPEC_PATH.read_bytes()


@pytest.fixture
def spec(tmp_path: Path, original: bytes) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_bytes(original)
    return path


def source_for(edit: Callable[[Doc], None], tmp_path: Path) -> str:
    doc: Doc = spec_merge.strip_additions(specio.load(SPEC_PATH))
    edit(doc)
    path = tmp_path / "vendor.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = update_spec.main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out, captured.err


def test_unstable_document_refused_then_taken_when_asked_for(
    spec: Path, original: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = source_for(unstable, tmp_path)
    status, report, err = run(capsys, "--check", "--url", source, "--spec", str(spec))
    assert status == 1
    assert "api-version: found unstable" in report
    assert "expected 2024-04-01" in report
    assert "without API_VERSION=unstable" in report

    status, out, err = run(capsys, "--url", source, "--spec", str(spec))
    assert status == 1
    assert spec.read_bytes() == original
    assert out == report
    assert err.count("\n") == 1
    assert "api-version unstable" in err
    assert "2024-04-01" in err
    assert "API_VERSION=unstable" in err

    status, out, err = run(
        capsys, "--api-version", "2025-01-01", "--url", source, "--spec", str(spec)
    )
    assert status == 1
    assert "API_VERSION=2025-01-01 was asked for" in err
    assert spec.read_bytes() == original

    status, out, err = run(
        capsys, "--api-version", "unstable", "--url", source, "--spec", str(spec)
    )
    assert (status, err) == (0, "")
    assert "openapi.yaml moves from 2024-04-01 to unstable" in out
    merged = specio.load(spec)
    validate(merged)
    assert merged["info"]["version"] == "unstable"
    header = merged["components"]["parameters"]["ApiVersionHeader"]["schema"]
    assert header["default"] == "unstable"
    assert header["enum"] == ["2024-04-01", "unstable"]


def test_version_change_alone_is_not_reported_as_vendor_changes(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The version has its own line; it is not an enum change on every operation."""
    source = source_for(unstable, tmp_path)
    _, report, _ = run(capsys, "--check", "--url", source, "--spec", str(spec))
    assert "No differences." in report


def test_header_enum_alone_differing_is_a_version_difference(
    spec: Path, original: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def enum_only(doc: Doc) -> None:
        doc["components"]["parameters"]["ApiVersionHeader"]["schema"]["enum"].append("unstable")

    source = source_for(enum_only, tmp_path)
    assert run(capsys, "--check", "--url", source, "--spec", str(spec))[0] == 1
    assert run(capsys, "--url", source, "--spec", str(spec))[0] == 1
    assert spec.read_bytes() == original
    argv = ["--api-version", "2024-04-01", "--url", source, "--spec", str(spec)]
    assert run(capsys, *argv)[0] == 0
