"""`make spec` never shows a traceback: whatever goes wrong ends with one line on stderr,
exit 2, and openapi.yaml as it was (no half-written file, no temporary file left over).

Run both in-process (`update_spec.main`) and, for a few inputs, as the real script in a
subprocess, where a traceback would actually reach the terminal.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts import update_spec

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
REPO = SPEC_PATH.parent

TSV = {"name": "q", "in": "query", "type": "array", "collectionFormat": "tsv"}
SWAGGER = {  # Swagger 2.0 is converted, but a tab-separated query array has no OpenAPI 3 form
    "swagger": "2.0",
    "info": {"title": "Amperity API", "version": "1"},
    "paths": {"/x": {"get": {"parameters": [TSV], "responses": {"200": {"description": "d"}}}}},
}
NO_RESPONSES = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {"/x": {"get": {"operationId": "x"}}},
}
DANGLING_REF = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}},
}


def nested(depth: int) -> str:
    """A valid-looking OpenAPI 3 document (JSON text) with one schema nested `depth` levels
    deep (written out by hand: json.dumps itself gives up at some depth)."""
    schema = '{"type": "object", "properties": {"a": ' * depth + '{"type": "string"}'
    schema += "}}" * depth
    content = {"application/json": {"schema": "SCHEMA"}}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "d", "content": content}}}}},
    }
    return json.dumps(doc).replace('"SCHEMA"', schema)


GARBAGE: dict[str, bytes] = {
    "not-yaml": b"a: b: c\n  - [",
    "not-json": b"{not json at all",
    "a-list": b"- a\n- b\n",
    "a-scalar": b"just some words\n",
    "empty": b"",
    "binary": bytes(range(256)),
    "html": b"<!doctype html><html><body>Moved</body></html>",
    "swagger-2": json.dumps(SWAGGER).encode(),
    "no-responses": json.dumps(NO_RESPONSES).encode(),
    "dangling-ref": json.dumps(DANGLING_REF).encode(),
    "openapi-2": json.dumps({**NO_RESPONSES, "openapi": "2.0"}).encode(),
    "too-deep": nested(250).encode(),
}


def untouched(spec: Path) -> None:
    assert spec.read_bytes() == SPEC_PATH.read_bytes()
    assert [p.name for p in spec.parent.iterdir()] == ["openapi.yaml"]  # no temp file left


def one_line_error(err: str, prefix: str) -> None:
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert err.startswith(prefix), err
    assert len(err) < 600  # a validator's message may quote the whole document: never here


@pytest.mark.parametrize("check", [False, True], ids=["spec", "check"])
@pytest.mark.parametrize("name", list(GARBAGE))
def test_garbage_vendor_document(
    name: str, check: bool, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / name
    source.write_bytes(GARBAGE[name])
    argv = ["--url", str(source), "--spec", str(spec)] + ["--check"] * check
    assert update_spec.main(argv) == 2
    untouched(spec)
    err = capsys.readouterr().err
    target = "make spec-check" if check else "make spec"
    one_line_error(err, f"{target}: cannot use {source}: ")
    if name == "swagger-2":
        assert "cannot convert Swagger 2.0 at $.paths['/x'].get.parameters[0]." in err
    if name == "dangling-ref":
        assert "#/components/responses/Nope" in err
    if name == "too-deep":
        assert "the document is nested too deeply to process (RecursionError)" in err


@pytest.mark.parametrize("check", [False, True], ids=["spec", "check"])
@pytest.mark.parametrize("depth", [250, 5000])
def test_deeply_nested_document_says_what_is_wrong(
    depth: int, check: bool, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "deep.json"
    source.write_text(nested(depth), encoding="utf-8")
    argv = ["--url", str(source), "--spec", str(spec)] + ["--check"] * check
    assert update_spec.main(argv) == 2
    untouched(spec)
    err = capsys.readouterr().err
    target = "make spec-check" if check else "make spec"
    one_line_error(err, f"{target}: cannot use {source}: ")
    assert "the document is nested too deeply to process (RecursionError)" in err
    assert "maximum recursion depth" not in err


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("kind", ["refused", "bad-scheme-host", "missing-file", "directory"])
def test_unreachable_source(
    kind: str,
    spec: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    source = {
        "refused": f"http://127.0.0.1:{closed_port()}/openapi.json",
        "bad-scheme-host": "http://[::1/openapi.json",
        "missing-file": str(tmp_path / "nope.json"),
        "directory": str(tmp_path),
    }[kind]
    assert update_spec.main(["--url", source, "--spec", str(spec)]) == 2
    untouched(spec)
    one_line_error(capsys.readouterr().err, f"make spec: cannot use {source}: ")


def test_unreadable_openapi_yaml(
    tmp_path: Path, vendor_docs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    source = vendor_docs.source()
    broken = tmp_path / "openapi.yaml"
    broken.write_text("- not\n- a mapping\n", encoding="utf-8")
    assert update_spec.main(["--url", str(source), "--spec", str(broken)]) == 2
    one_line_error(capsys.readouterr().err, f"make spec: cannot read {broken}: ")
    missing = tmp_path / "missing.yaml"
    assert update_spec.main(["--url", str(source), "--spec", str(missing)]) == 2
    one_line_error(capsys.readouterr().err, f"make spec: cannot read {missing}: ")
    assert not missing.exists()


def test_merged_document_failing_validation_is_reported_not_raised(
    spec: Path,
    vendor_docs: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_merge(vendor: Any, ours: Any, *_: Any) -> tuple[dict[str, Any], list[str]]:
        doc = json.loads(json.dumps(ours))
        item = next(iter(doc["paths"].values()))  # any operation, whatever its path
        next(op for op in item.values() if isinstance(op, dict) and "responses" in op).pop(
            "responses"
        )
        return doc, []

    monkeypatch.setattr(update_spec, "merge_documents", broken_merge)
    assert update_spec.main(["--url", vendor_docs.source(), "--spec", str(spec)]) == 2
    untouched(spec)
    err = capsys.readouterr().err
    one_line_error(err, "make spec: the merged document does not validate")


def test_failed_write_leaves_openapi_yaml_whole(
    spec: Path,
    vendor_docs: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def field(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"]["Segment"]["properties"]["zz_synthetic_folder"] = {
            "type": "string"
        }

    def no_rename(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    assert update_spec.main(["--url", vendor_docs.source(field), "--spec", str(spec)]) == 2
    untouched(spec)
    one_line_error(capsys.readouterr().err, f"make spec: cannot write {spec}: ")


def test_write_is_atomic_and_keeps_the_file_mode(spec: Path) -> None:
    spec.chmod(0o640)
    update_spec.write_atomic(spec, "openapi: 3.0.3\n")
    assert spec.read_text() == "openapi: 3.0.3\n"
    assert spec.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in spec.parent.iterdir()] == ["openapi.yaml"]


@pytest.mark.parametrize("name", ["not-json", "a-list", "swagger-2", "dangling-ref", "too-deep"])
def test_the_script_itself_prints_no_traceback(name: str, spec: Path, tmp_path: Path) -> None:
    source = tmp_path / name
    source.write_bytes(GARBAGE[name])
    proc = subprocess.run(
        [sys.executable, "-m", "scripts.update_spec", "--url", str(source), "--spec", str(spec)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    one_line_error(proc.stderr, f"make spec: cannot use {source}: ")
    untouched(spec)
