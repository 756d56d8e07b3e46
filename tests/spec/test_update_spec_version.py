"""The api-version guard of `make spec` / `make spec-check`: a vendor document for another
api-version (the vendor's `unstable` one, say) is refused, naming the version found and
the one expected, unless `--api-version` (API_VERSION=...) asks for exactly that version;
a version taken is reported. Vendor documents are built from openapi.yaml itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import specio

Doc = dict[str, Any]
Run = Callable[..., tuple[int, str, str]]


def unstable(doc: Doc) -> None:
    doc["info"]["version"] = "unstable"
    schema = doc["components"]["parameters"]["ApiVersionHeader"]["schema"]
    schema["enum"] = ["2024-04-01", "unstable"]
    schema["default"] = "unstable"


def check_refuses(make_spec: Run, source: str, spec: Path) -> str:
    """`make spec-check` exits 1 naming the version found and ours; returns its report."""
    status, report, err = make_spec("--check", "--url", source, "--spec", str(spec))
    assert (status, err) == (1, "")
    assert "api-version: found " in report
    assert "expected 2024-04-01" in report
    assert "regenerates generated/" not in report  # refused: nothing is regenerated
    return report


def test_unstable_document_refused_then_taken_when_asked_for(
    spec: Path, original: bytes, vendor_docs: Any, make_spec: Run
) -> None:
    source = vendor_docs.source(unstable)
    report = check_refuses(make_spec, source, spec)
    assert "api-version: found unstable" in report
    assert "without API_VERSION=unstable" in report

    status, out, err = make_spec("--url", source, "--spec", str(spec))
    assert status == 1
    assert spec.read_bytes() == original
    assert out == report
    assert err.count("\n") == 1
    assert "api-version unstable" in err
    assert "2024-04-01" in err
    assert "API_VERSION=unstable" in err

    status, out, err = make_spec(
        "--api-version", "2025-01-01", "--url", source, "--spec", str(spec)
    )
    assert status == 1
    assert "API_VERSION=2025-01-01 was asked for" in err
    assert spec.read_bytes() == original

    status, out, err = make_spec("--api-version", "unstable", "--url", source, "--spec", str(spec))
    assert (status, err) == (0, "")
    assert "openapi.yaml moves from 2024-04-01 to unstable" in out
    merged = specio.load(spec)
    validate(merged)
    assert merged["info"]["version"] == "unstable"
    header = merged["components"]["parameters"]["ApiVersionHeader"]["schema"]
    assert header["default"] == "unstable"
    assert header["enum"] == ["2024-04-01", "unstable"]


def test_version_change_alone_is_not_reported_as_vendor_changes(
    spec: Path, vendor_docs: Any, make_spec: Run
) -> None:
    """The version has its own line; it is not an enum change on every operation."""
    source = vendor_docs.source(unstable)
    _, report, _ = make_spec("--check", "--url", source, "--spec", str(spec))
    assert "No differences." in report


def header(doc: Doc) -> dict[str, Any]:
    schema: dict[str, Any] = doc["components"]["parameters"]["ApiVersionHeader"]["schema"]
    return schema


def test_header_enum_gaining_a_value_is_still_our_version(
    spec: Path, vendor_docs: Any, make_spec: Run
) -> None:
    """info.version and the header default still ours, ours still in the enum: the document
    describes our version; the extra value is a note on the version line, not a refusal."""

    def enum_gains(doc: Doc) -> None:
        header(doc)["enum"].append("unstable")

    source = vendor_docs.source(enum_gains)
    status, report, err = make_spec("--check", "--url", source, "--spec", str(spec))
    assert (status, err) == (0, "")
    (line,) = [x for x in report.splitlines() if x.startswith("api-version")]
    assert line.startswith("api-version: 2024-04-01")
    assert "as in openapi.yaml" in line
    assert "note:" in line and "also lists unstable" in line
    assert "API_VERSION" not in report
    assert "No differences." in report

    status, out, err = make_spec("--url", source, "--spec", str(spec))
    assert (status, err) == (0, "")
    assert out.startswith(report)
    merged = specio.load(spec)
    validate(merged)
    assert merged["info"]["version"] == "2024-04-01"
    assert header(merged)["default"] == "2024-04-01"
    assert {"2024-04-01", "unstable"} <= set(header(merged)["enum"])


def info_moves(doc: Doc) -> None:
    doc["info"]["version"] = "2025-01-01"


def default_moves(doc: Doc) -> None:
    header(doc)["enum"].append("unstable")
    header(doc)["default"] = "unstable"


@pytest.mark.parametrize("edit", [info_moves, default_moves], ids=["info", "default"])
def test_info_or_default_differing_is_still_refused(
    edit: Callable[[Doc], None],
    spec: Path,
    original: bytes,
    vendor_docs: Any,
    make_spec: Run,
) -> None:
    source = vendor_docs.source(edit)
    report = check_refuses(make_spec, source, spec)
    for argv in ([], ["--api-version", "2024-04-01"]):
        status, _, err = make_spec(*argv, "--url", source, "--spec", str(spec))
        assert status == 1
        assert spec.read_bytes() == original
        assert err.count("\n") == 1 and "refusing" in err
        assert "rerun with API_VERSION=2024-04-01" not in err  # the version already in use
    assert "API_VERSION=2024-04-01" not in report
