"""`make spec` (scripts/update_spec.py): take a vendor document into openapi.yaml, keeping our
additions and our prose, refusing breaking changes unless allowed.

The repository's openapi.yaml is only ever read; every run writes to a temporary copy."""

from __future__ import annotations

import copy
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import spec_diff
import specio
import update_spec
from openapi_spec_validator import validate

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
MARK = "x-facade-addition"
PROSE = "VENDOR PROSE"  # what conftest's vendor_docs puts in place of our prose


@pytest.fixture
def vendor(vendor_docs: Any) -> dict[str, Any]:
    """The vendor's part of openapi.yaml, with vendor prose; a fresh copy for each test."""
    doc: dict[str, Any] = vendor_docs.doc(prose=True)
    return doc


def additions_present(doc: dict[str, Any]) -> None:
    assert MARK in doc["paths"]["/campaign-drafts"]
    assert doc["paths"]["/campaign-drafts"]["get"]["x-amperity-api-version"] == "unstable"
    assert MARK in doc["paths"]["/v0/oauth2/token"]["post"]
    schemas = doc["components"]["schemas"]
    for name in ("CampaignDraft", "CampaignDraftList", "TokenRequest", "TokenResponse"):
        assert MARK in schemas[name], name
    for name in ("request_id", "trace_id"):
        assert MARK in schemas["ErrorResponse"]["properties"][name], name
    assert any(tag["name"] == "Authentication" and MARK in tag for tag in doc["tags"])


def marked(node: Any) -> list[Any]:
    """Every node carrying our marker."""
    if isinstance(node, dict):
        return [node] * (MARK in node) + [m for v in node.values() for m in marked(v)]
    if isinstance(node, list):
        return [m for v in node for m in marked(v)]
    return []


def test_vendor_document_is_a_plausible_vendor_document(vendor: dict[str, Any]) -> None:
    text = json.dumps(vendor)
    assert marked(vendor) == []
    assert MARK not in text
    assert PROSE in text
    assert "/campaign-drafts" not in vendor["paths"]
    assert "/v0/oauth2/token" not in vendor["paths"]
    error = vendor["components"]["schemas"]["ErrorResponse"]["properties"]
    assert {"status", "message"} <= set(error)  # the vendor's
    assert not {"request_id", "trace_id"} & set(error)  # ours, stripped
    validate(vendor)


# -- (a) (b): the same vendor document gives back openapi.yaml byte for byte ---------------------


def test_unchanged_vendor_document_from_a_path_changes_nothing(
    vendor: dict[str, Any],
    spec: Path,
    original: bytes,
    vendor_docs: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = vendor_docs.write(vendor, "vendor.yaml")
    assert update_spec.main(["--url", source, "--spec", str(spec)]) == 0
    assert spec.read_bytes() == original
    out = capsys.readouterr().out
    assert "No differences." in out
    assert f"Our additions kept ({len(set(update_spec.marked(vendor_free(original))))})" in out
    assert f"{spec} unchanged" in out


def vendor_free(original: bytes) -> dict[str, Any]:
    doc: dict[str, Any] = specio.parse(original.decode())
    return doc


@pytest.fixture
def serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Serve tmp_path/www over http on 127.0.0.1; yields the base URL."""
    for name in (
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_unchanged_vendor_document_over_http_changes_nothing(
    vendor: dict[str, Any], spec: Path, original: bytes, vendor_docs: Any, serve: str
) -> None:
    vendor_docs.write(vendor, "www/openapi.json")  # the vendor publishes JSON
    assert update_spec.main(["--url", f"{serve}/openapi.json", "--spec", str(spec)]) == 0
    assert spec.read_bytes() == original


def test_http_error_is_unusable_input(
    spec: Path, original: bytes, serve: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert update_spec.main(["--url", f"{serve}/missing.json", "--spec", str(spec)]) == 2
    assert spec.read_bytes() == original
    assert "HTTPError" in capsys.readouterr().err


# -- (c) breaking vendor change ------------------------------------------------------------------


def test_breaking_change_refused_then_allowed(
    vendor: dict[str, Any],
    spec: Path,
    original: bytes,
    vendor_docs: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    segment = vendor["components"]["schemas"]["Segment"]
    del segment["properties"]["status"]
    if "status" in segment.get("required", []):
        segment["required"].remove("status")
    source = vendor_docs.write(vendor, "vendor.json")

    removal = ("response-property-removed", "GET /segments response 200.data[].status")
    assert update_spec.main(["--url", source, "--spec", str(spec)]) == 1
    assert spec.read_bytes() == original
    captured = capsys.readouterr()
    assert f"[{removal[0]}] {removal[1]}" in captured.out
    # Segment may be answered elsewhere too: each place is one breaking removal
    refused = spec_diff.compare(update_spec.strip_additions(vendor_free(original)), vendor)
    assert removal in [(c.kind, c.location) for c in refused]
    assert all(c.kind == removal[0] and c.location.endswith(".status") for c in refused)
    assert all(c.breaking for c in refused)
    assert f"refusing {len(refused)} breaking change(s)" in captured.err
    assert "ALLOW_BREAKING=1" in captured.err

    assert update_spec.main(["--url", source, "--spec", str(spec), "--allow-breaking"]) == 0
    merged = specio.load(spec)
    assert "status" not in merged["components"]["schemas"]["Segment"]["properties"]
    assert "status" not in merged["components"]["schemas"]["Segment"]["required"]
    additions_present(merged)
    validate(merged)
    assert PROSE not in spec.read_text(encoding="utf-8")
    # nothing else moved
    changes = spec_diff.compare(specio.parse(original.decode()), merged)
    assert [(c.kind, c.location) for c in changes] == [(c.kind, c.location) for c in refused]


# -- (d) non-breaking vendor addition --------------------------------------------------------------


def test_non_breaking_addition_accepted_without_vendor_prose(
    vendor: dict[str, Any],
    spec: Path,
    original: bytes,
    vendor_docs: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    vendor["paths"]["/segments"]["get"]["parameters"].append(
        {
            "name": "name_contains",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": PROSE,
        }
    )
    source = vendor_docs.write(vendor, "vendor.json")
    assert update_spec.main(["--url", source, "--spec", str(spec)]) == 0
    assert "[parameter-added] GET /segments query name_contains" in capsys.readouterr().out

    text = spec.read_text(encoding="utf-8")
    assert PROSE not in text
    merged = specio.parse(text)
    params = merged["paths"]["/segments"]["get"]["parameters"]
    assert {
        "name": "name_contains",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
    } in params
    additions_present(merged)
    validate(merged)
    changes = spec_diff.compare(specio.parse(original.decode()), merged)
    assert [(c.kind, c.breaking, c.location) for c in changes] == [
        ("parameter-added", False, "GET /segments query name_contains")
    ]


def test_other_vendor_version_refused_unless_asked_for_our_info_and_servers_kept(
    vendor: dict[str, Any],
    spec: Path,
    original: bytes,
    vendor_docs: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    vendor["info"]["version"] = "2025-01-01"
    header = vendor["components"]["parameters"]["ApiVersionHeader"]["schema"]
    header.update({"enum": ["2025-01-01"], "default": "2025-01-01", "example": "2025-01-01"})
    vendor["servers"] = [{"url": "https://vendor.example/api"}]
    source = vendor_docs.write(vendor, "vendor.json")
    assert update_spec.main(["--url", source, "--spec", str(spec), "--allow-breaking"]) == 1
    assert spec.read_bytes() == original
    err = capsys.readouterr().err
    assert "api-version 2025-01-01" in err
    assert "API_VERSION=2025-01-01" in err

    argv = ["--url", source, "--spec", str(spec), "--api-version", "2025-01-01"]
    argv.append("--allow-breaking")  # the classifier may count vendor server changes
    assert update_spec.main(argv) == 0
    assert "openapi.yaml moves from 2024-04-01 to 2025-01-01" in capsys.readouterr().out
    merged, ours = specio.load(spec), specio.parse(original.decode())
    assert merged["info"]["version"] == "2025-01-01"
    assert merged["info"]["title"] == ours["info"]["title"]
    assert merged["info"]["description"] == ours["info"]["description"]
    assert merged["servers"] == ours["servers"]
    assert merged["components"]["parameters"]["ApiVersionHeader"]["schema"]["enum"] == [
        "2025-01-01"
    ]


# -- (e) unusable input ----------------------------------------------------------------------------


SWAGGER = {"swagger": "2.0", "info": {"title": "Amperity API", "version": "1"}, "paths": {}}
INVALID_3 = {  # OpenAPI 3 in name, but an operation without responses
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {"/x": {"get": {"operationId": "x"}}},
}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("swagger.json", json.dumps(SWAGGER)),
        ("garbage.yaml", "a: b: c\n  - ["),
        ("garbage.json", "{not json at all"),
        ("list.yaml", "- a\n- b\n"),
        ("invalid.json", json.dumps(INVALID_3)),
    ],
)
def test_unusable_vendor_document_exits_2_and_leaves_the_file_alone(
    name: str,
    content: str,
    spec: Path,
    original: bytes,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    assert update_spec.main(["--url", str(source), "--spec", str(spec)]) == 2
    assert spec.read_bytes() == original
    err = capsys.readouterr().err
    assert err.startswith(f"make spec: cannot use {source}: ")
    assert err.count("\n") == 1
    if name == "swagger.json":
        assert "Swagger 2.0, not OpenAPI 3" in err
        assert "until 2026-04" in err
        assert "no clean Python converter" in err


def test_missing_vendor_file_exits_2(
    spec: Path, original: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert update_spec.main(["--url", str(tmp_path / "nope.json"), "--spec", str(spec)]) == 2
    assert spec.read_bytes() == original
    assert "FileNotFoundError" in capsys.readouterr().err


# -- (f) the vendor starts shipping one of our additions -------------------------------------------


def ships_request_id(vendor: dict[str, Any]) -> None:
    vendor["components"]["schemas"]["ErrorResponse"]["properties"]["request_id"] = {
        "type": "string",
        "description": PROSE,
    }


def test_vendor_shipping_request_id_takes_over_with_a_note(
    vendor: dict[str, Any], spec: Path, vendor_docs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ships_request_id(vendor)
    source = vendor_docs.write(vendor, "vendor.json")
    assert update_spec.main(["--url", source, "--spec", str(spec)]) == 0
    out = capsys.readouterr().out
    assert (
        "note: vendor now provides /components/schemas/ErrorResponse/properties/request_id; "
        "our addition is dropped"
    ) in out

    text = spec.read_text(encoding="utf-8")
    assert text.count("request_id:") == 1
    assert PROSE not in text
    merged = specio.parse(text)
    props = merged["components"]["schemas"]["ErrorResponse"]["properties"]
    theirs = list(vendor["components"]["schemas"]["ErrorResponse"]["properties"])
    assert list(props) == [*theirs, "trace_id"]  # the vendor's in its order, then ours
    assert props["request_id"]["type"] == "string"
    assert MARK in props["trace_id"]  # still ours
    validate(merged)


def test_vendor_shipped_request_id_is_no_longer_marked_as_ours(
    vendor: dict[str, Any], spec: Path, vendor_docs: Any
) -> None:
    ships_request_id(vendor)
    source = vendor_docs.write(vendor, "vendor.json")
    assert update_spec.main(["--url", source, "--spec", str(spec)]) == 0
    props = specio.load(spec)["components"]["schemas"]["ErrorResponse"]["properties"]
    assert MARK not in props["request_id"]


# -- the helpers, directly -------------------------------------------------------------------------


def test_strip_additions_removes_exactly_the_marked_nodes() -> None:
    ours = specio.load(SPEC_PATH)
    snapshot = copy.deepcopy(ours)
    stripped = update_spec.strip_additions(ours)
    assert ours == snapshot  # input untouched
    assert marked(stripped) == []
    assert set(ours["paths"]) - set(stripped["paths"]) == {"/campaign-drafts", "/v0/oauth2/token"}
    gone = set(ours["components"]["schemas"]) - set(stripped["components"]["schemas"])
    assert gone == {"CampaignDraft", "CampaignDraftList", "TokenRequest", "TokenResponse"}
    assert stripped["tags"] == [tag for tag in ours["tags"] if MARK not in tag]
    assert "Authentication" not in [tag["name"] for tag in stripped["tags"]]


def test_merge_documents_round_trips_our_document() -> None:
    ours = specio.load(SPEC_PATH)
    merged, notes = update_spec.merge_documents(update_spec.strip_additions(ours), ours)
    assert notes == []
    assert specio.dump(merged) == SPEC_PATH.read_text(encoding="utf-8")
