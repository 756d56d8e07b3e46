"""`make spec-check` (update_spec.py --check): the report `make spec` would print, nothing
written, and an exit status CI can act on: 0 nothing to refuse, 1 breaking or another
api-version, 2 unusable input. Also that the Makefile passes FAMILY, SPEC_URL, ALLOW_BREAKING
and API_VERSION through to both targets.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scripts import specio, update_spec

REPO = Path(__file__).resolve().parents[2]
Check = Callable[..., tuple[int, str, str]]


@pytest.fixture
def check(spec: Path, vendor_docs: Any, capsys: pytest.CaptureFixture[str]) -> Check:
    """`check(doc, *extra)`: `make spec-check` on `doc` as the vendor document."""

    def run(doc: Any, *extra: str) -> tuple[int, str, str]:
        source = vendor_docs.write(doc)
        before = (spec.read_bytes(), spec.stat().st_mtime_ns)
        status = update_spec.main(["--check", "--url", source, "--spec", str(spec), *extra])
        assert (spec.read_bytes(), spec.stat().st_mtime_ns) == before  # nothing written, ever
        assert [p.name for p in spec.parent.iterdir()] == ["openapi.yaml"]
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


# Synthetic vendor changes use names no vendor would, and find operations by operationId,
# so none collides with a change the vendor really ships.
LIST_SEGMENT = "list-segment"


operation = specio.find_operation


def add_field(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Segment"]["properties"]["zz_synthetic_folder"] = {
        "type": "string"
    }


def drop_field(doc: dict[str, Any]) -> None:
    segment = doc["components"]["schemas"]["Segment"]
    name = "name" if "name" in segment["properties"] else next(iter(segment["properties"]))
    del segment["properties"][name]
    if name in segment.get("required", []):
        segment["required"].remove(name)


def unstable(doc: dict[str, Any]) -> None:
    doc["info"]["version"] = "unstable"
    schema = doc["components"]["parameters"]["ApiVersionHeader"]["schema"]
    schema.update({"enum": ["2024-04-01", "unstable"], "default": "unstable"})


def test_no_difference_exits_0_and_says_so(check: Check, vendor_docs: Any) -> None:
    status, out, err = check(vendor_docs.doc())
    assert (status, err) == (0, "")
    assert "api-version: 2024-04-01" in out
    assert "as in openapi.yaml" in out
    assert "No differences." in out
    assert out.endswith("What CI will ask for:\n  nothing\n")


def test_non_breaking_change_exits_0_and_writes_nothing(check: Check, vendor_docs: Any) -> None:
    status, out, _ = check(vendor_docs.doc(add_field))
    assert status == 0
    assert "response-property-added" in out
    assert "wrote" not in out


def test_breaking_change_exits_1_even_with_allow_breaking(check: Check, vendor_docs: Any) -> None:
    status, out, err = check(vendor_docs.doc(drop_field))
    assert (status, err) == (1, "")
    assert "response-property-removed" in out
    assert "`make spec` refuses them without ALLOW_BREAKING=1" in out
    status, out, _ = check(vendor_docs.doc(drop_field), "--allow-breaking")
    assert status == 1  # still breaking: the check reports, the option only changes make spec
    assert "taken as asked (ALLOW_BREAKING=1)" in out


def test_other_api_version_exits_1_naming_both(check: Check, vendor_docs: Any) -> None:
    status, out, err = check(vendor_docs.doc(unstable))
    assert (status, err) == (1, "")
    assert "api-version: found unstable" in out
    assert "expected 2024-04-01" in out
    assert "`make spec` refuses it without API_VERSION=unstable" in out
    status, out, _ = check(vendor_docs.doc(unstable), "--api-version", "unstable")
    assert status == 1
    assert "openapi.yaml moves from 2024-04-01 to unstable" in out


def asks(report: str) -> list[str]:
    return report.split("What CI will ask for:\n", 1)[1].splitlines()


def test_operation_id_change_asks_for_the_facade_calls(check: Check, vendor_docs: Any) -> None:
    def renames_operation(doc: dict[str, Any]) -> None:
        operation(doc, LIST_SEGMENT)[2]["operationId"] = "zz-synthetic-list"

    status, report, _ = check(vendor_docs.doc(renames_operation))
    assert status == 1
    line = next(x for x in asks(report) if "operationId" in x)
    for need in (LIST_SEGMENT, "zz-synthetic-list", "list_segment", "zz_synthetic_list"):
        assert need in line
    assert "generated module" in line
    assert "amperity_facade/_operations.py" in line
    assert "facade's calls" in line


def test_renamed_path_with_the_same_operation_id_needs_no_new_facade_method(
    check: Check, vendor_docs: Any
) -> None:
    new = "/zz-synthetic-segment-list"

    def moves(doc: dict[str, Any]) -> None:
        old = operation(doc, LIST_SEGMENT)[0]
        doc["paths"] = {(new if p == old else p): item for p, item in doc["paths"].items()}

    status, report, _ = check(vendor_docs.doc(moves))
    assert status == 1
    line = next(x for x in asks(report) if new in x)
    assert "renamed" in line
    assert "needs a facade method" not in line
    assert "facade method exists" in line
    for need in ("fake tenant route", "cassette", "new path", "`make cassettes`"):
        assert need in line


def test_refused_version_is_not_followed_by_make_spec_regenerating(
    check: Check, vendor_docs: Any
) -> None:
    _, report, _ = check(vendor_docs.doc(unstable))
    assert "refuses it without API_VERSION=unstable" in report
    assert "regenerates generated/" not in report
    _, report, _ = check(vendor_docs.doc(unstable), "--api-version", "unstable")
    assert "then `make spec` regenerates generated/" in report  # taken: it does regenerate
    _, report, _ = check(vendor_docs.doc(add_field))
    assert "then `make spec` regenerates generated/" in report


def test_unusable_input_exits_2(check: Check) -> None:
    status, out, err = check(["not", "a", "document"])
    assert (status, out) == (2, "")
    assert err.startswith("make spec-check: cannot use ")


def test_report_is_what_make_spec_prints(
    check: Check,
    spec: Path,
    original: bytes,
    vendor_docs: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for edit in (add_field, drop_field, unstable):
        doc = vendor_docs.doc(edit)
        _, report, _ = check(doc)
        source = vendor_docs.write(doc)
        assert update_spec.main(["--url", source, "--spec", str(spec)]) in (0, 1)
        assert capsys.readouterr().out.startswith(report)
        spec.write_bytes(original)


def test_default_source_is_the_vendor_url(
    spec: Path,
    vendor_docs: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    def fetch(source: str) -> str:
        asked.append(source)
        return json.dumps(vendor_docs.doc())

    monkeypatch.setattr(update_spec, "fetch", fetch)
    assert update_spec.main(["--check", "--spec", str(spec)]) == 0
    assert asked == [update_spec.DEFAULT_URL]
    assert update_spec.DEFAULT_URL.startswith("https://docs.amperity.com/")
    assert update_spec.DEFAULT_URL.endswith("control-plane-2024-04-01-openapi.json")
    assert capsys.readouterr().out.startswith(f"Vendor document: {update_spec.DEFAULT_URL}\n")


def make_commands(target: str, *assignments: str) -> str:
    """The commands `make TARGET` would run, not running them (the venv counts as built)."""
    proc = subprocess.run(
        ["make", "-s", "-n", "-o", ".venv/.installed", "-C", str(REPO), target, *assignments],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return proc.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_makefile_passes_the_options_through() -> None:
    plain = make_commands("spec-check")
    assert "-m scripts.update_spec --check" in plain
    assert "--url" not in plain
    assert "--allow-breaking" not in plain
    assert "--api-version" not in plain
    assert "--family" not in plain  # update_spec's default, the control plane
    full = ("SPEC_URL=/tmp/v 1.json", "ALLOW_BREAKING=1", "API_VERSION=unstable", "FAMILY=profile")
    for target in ("spec", "spec-check"):
        commands = make_commands(target, *full)
        assert "--family 'profile'" in commands
        assert "--url '/tmp/v 1.json'" in commands
        assert "--allow-breaking" in commands
        assert "--api-version 'unstable'" in commands
    assert "-m scripts.generate" in make_commands("spec")
    assert "scripts.generate" not in make_commands("spec-check")  # writes nothing
