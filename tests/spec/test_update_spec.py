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
from openapi_spec_validator import validate

from scripts import spec_diff, spec_family, specio, update_spec

from .conftest import CONTROL_PLANE, FAMILIES, vendor_part

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
MARK = "x-facade-addition"
PROSE = "VENDOR PROSE"  # what conftest's vendor_docs puts in place of our prose
# Synthetic vendor changes use names no vendor would, and operations are found by
# operationId: a change the vendor really ships (merged by `make spec`) collides with none.
LIST_SEGMENT = "list-segment"
NEW_PARAM = "zz_synthetic_name_contains"
SHIPPED = "zz_synthetic_shipped"  # our marked ErrorResponse property the vendor "ships"


operation = specio.find_operation


def removed_field(segment: dict[str, Any]) -> str:
    """The Segment property the vendor drops: `status` while there is one."""
    props = segment["properties"]
    return "status" if "status" in props else next(iter(props))


@pytest.fixture
def vendor(vendor_docs: Any) -> dict[str, Any]:
    """The vendor's part of openapi.yaml, with vendor prose; a fresh copy for each test."""
    doc: dict[str, Any] = vendor_docs.doc(prose=True)
    return doc


def additions_present(doc: dict[str, Any], original: bytes) -> None:
    """Every addition marked in openapi.yaml is still there, marked, whatever they are."""
    before = update_spec.marked(specio.parse(original.decode()))
    assert before
    assert sorted(update_spec.marked(doc)) == sorted(before)


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
    ours = spec_family.view(specio.load(SPEC_PATH), CONTROL_PLANE)  # the control plane's part
    for path, item in ours["paths"].items():  # our paths stripped, the vendor's kept
        assert (path in vendor["paths"]) is (MARK not in item), path
    for name, schema in ours["components"]["schemas"].items():
        theirs = vendor["components"]["schemas"].get(name)
        assert (theirs is not None) is (MARK not in schema), name
        for prop, body in (schema.get("properties") or {}).items() if theirs else ():
            assert (prop in theirs.get("properties", {})) is (MARK not in body), (name, prop)
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
    ours = spec_family.view(vendor_free(original), CONTROL_PLANE)
    assert f"Our additions kept ({len(set(update_spec.marked(ours)))})" in out
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
    field = removed_field(segment)
    del segment["properties"][field]
    if field in segment.get("required", []):
        segment["required"].remove(field)
    source = vendor_docs.write(vendor, "vendor.json")

    path, method, _ = operation(vendor, LIST_SEGMENT)
    removal = ("response-property-removed", f"{method.upper()} {path} response 200.data[].{field}")
    assert update_spec.main(["--url", source, "--spec", str(spec)]) == 1
    assert spec.read_bytes() == original
    captured = capsys.readouterr()
    assert f"[{removal[0]}] {removal[1]}" in captured.out
    # Segment may be answered elsewhere too: each place is one breaking removal
    refused = spec_diff.compare(vendor_part(vendor_free(original)), vendor)
    assert removal in [(c.kind, c.location) for c in refused]
    assert all(c.kind == removal[0] and c.location.endswith(f".{field}") for c in refused)
    assert all(c.breaking for c in refused)
    assert f"refusing {len(refused)} breaking change(s)" in captured.err
    assert "ALLOW_BREAKING=1" in captured.err

    assert update_spec.main(["--url", source, "--spec", str(spec), "--allow-breaking"]) == 0
    merged = specio.load(spec)
    assert field not in merged["components"]["schemas"]["Segment"]["properties"]
    assert field not in merged["components"]["schemas"]["Segment"].get("required", [])
    additions_present(merged, original)
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
    path, method, op = operation(vendor, LIST_SEGMENT)
    key = f"{method.upper()} {path}"
    op["parameters"].append(
        {
            "name": NEW_PARAM,
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": PROSE,
        }
    )
    source = vendor_docs.write(vendor, "vendor.json")
    assert update_spec.main(["--url", source, "--spec", str(spec)]) == 0
    assert f"[parameter-added] {key} query {NEW_PARAM}" in capsys.readouterr().out

    text = spec.read_text(encoding="utf-8")
    assert PROSE not in text
    merged = specio.parse(text)
    params = operation(merged, LIST_SEGMENT)[2]["parameters"]
    assert {
        "name": NEW_PARAM,
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
    } in params
    additions_present(merged, original)
    validate(merged)
    changes = spec_diff.compare(specio.parse(original.decode()), merged)
    assert [(c.kind, c.breaking, c.location) for c in changes] == [
        ("parameter-added", False, f"{key} query {NEW_PARAM}")
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


TSV = {"name": "q", "in": "query", "type": "array", "collectionFormat": "tsv"}
SWAGGER = {  # Swagger 2.0 with a query array in tab-separated form, which OpenAPI 3 cannot say
    "swagger": "2.0",
    "info": {"title": "Amperity API", "version": "1"},
    "paths": {"/x": {"get": {"parameters": [TSV], "responses": {"200": {"description": "d"}}}}},
}
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
        assert "ValueError: cannot convert Swagger 2.0 at $.paths['/x'].get.parameters[0]." in err
        assert "tsv has no OpenAPI 3 equivalent" in err


SWAGGER_2026_04_03 = (
    Path(__file__).resolve().parent / "swagger2" / "2026-04-03-60e4db50.swagger.yaml"
)
OPENAPI_2026_04_03 = Path(__file__).resolve().parent / "history" / "2026-04-03-60e4db50.yaml"


@pytest.mark.parametrize("check", [False, True], ids=["spec", "check"])
def test_swagger_2_vendor_document_is_converted_and_says_so(
    check: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last Swagger 2.0 publication, taken into its own OpenAPI 3 conversion
    (swagger2openapi's): no change to classify; only the OpenAPI version line is rewritten."""
    spec = tmp_path / "openapi.yaml"
    spec.write_bytes(OPENAPI_2026_04_03.read_bytes())
    argv = ["--url", str(SWAGGER_2026_04_03), "--spec", str(spec)] + ["--check"] * check
    assert update_spec.main(argv) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        f"Vendor document: {SWAGGER_2026_04_03} (converted from Swagger 2.0)"
    )
    assert "No differences." in out
    written = specio.load(spec)
    expected = specio.load(OPENAPI_2026_04_03)
    if not check:
        expected["openapi"] = "3.0.3"
    assert written == expected


def test_missing_vendor_file_exits_2(
    spec: Path, original: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert update_spec.main(["--url", str(tmp_path / "nope.json"), "--spec", str(spec)]) == 2
    assert spec.read_bytes() == original
    assert "FileNotFoundError" in capsys.readouterr().err


# -- (f) the vendor starts shipping one of our additions -------------------------------------------


@pytest.fixture
def ours_shipped(spec: Path) -> dict[str, Any]:
    """Our openapi.yaml copy with one more marked ErrorResponse property, SHIPPED, which
    the vendor then ships (the real additions stay as they are: the vendor may ship those)."""
    ours = specio.load(spec)
    props = ours["components"]["schemas"]["ErrorResponse"]["properties"]
    props[SHIPPED] = {"type": "string", "description": "Ours.", MARK: "Synthetic addition."}
    specio.save(ours, spec)
    return ours


def ships_it(vendor: dict[str, Any]) -> None:
    vendor["components"]["schemas"]["ErrorResponse"]["properties"][SHIPPED] = {
        "type": "string",
        "description": PROSE,
    }


def test_vendor_shipping_our_addition_takes_over_with_a_note(
    ours_shipped: dict[str, Any],
    spec: Path,
    vendor_docs: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    vendor = vendor_docs.doc(ships_it, prose=True, ours=ours_shipped)
    source = vendor_docs.write(vendor, "vendor.json")
    assert update_spec.main(["--url", source, "--spec", str(spec)]) == 0
    out = capsys.readouterr().out
    assert (
        f"note: vendor now provides /components/schemas/ErrorResponse/properties/{SHIPPED}; "
        "our addition is dropped"
    ) in out

    text = spec.read_text(encoding="utf-8")
    assert text.count(f"{SHIPPED}:") == 1
    assert PROSE not in text
    merged = specio.parse(text)
    props = merged["components"]["schemas"]["ErrorResponse"]["properties"]
    before = ours_shipped["components"]["schemas"]["ErrorResponse"]["properties"]
    still_ours = [name for name, body in before.items() if MARK in body and name != SHIPPED]
    assert list(props) == list(before)  # in our order, where it was
    assert props[SHIPPED]["type"] == "string"
    assert MARK not in props[SHIPPED]  # no longer ours
    assert all(MARK in props[name] for name in still_ours)  # still ours
    validate(merged)


# -- the helpers, directly -------------------------------------------------------------------------


def test_strip_additions_removes_exactly_the_marked_nodes() -> None:
    ours = specio.load(SPEC_PATH)
    snapshot = copy.deepcopy(ours)
    stripped = update_spec.strip_additions(ours)
    assert ours == snapshot  # input untouched
    assert marked(stripped) == []
    assert set(ours["paths"]) - set(stripped["paths"]) == {
        path for path, item in ours["paths"].items() if MARK in item
    }
    gone = set(ours["components"]["schemas"]) - set(stripped["components"]["schemas"])
    assert gone == {name for name, s in ours["components"]["schemas"].items() if MARK in s}
    assert stripped["tags"] == [tag for tag in ours["tags"] if MARK not in tag]


@pytest.mark.parametrize("family", FAMILIES)
def test_merge_documents_round_trips_our_document(family: str) -> None:
    """Each family's part, merged with its own vendor part, is itself; put back, it gives
    openapi.yaml byte for byte."""
    whole = specio.load(SPEC_PATH)
    ours = spec_family.view(whole, family)
    merged, notes = update_spec.merge_documents(update_spec.strip_additions(ours), ours)
    assert notes == []
    assert specio.dump(merged) == specio.dump(ours)
    text = specio.dump(spec_family.embed(whole, family, merged))
    assert text == SPEC_PATH.read_text(encoding="utf-8")
