"""Several API families in one openapi.yaml (scripts/spec_family.py): `make spec FAMILY=...`
compares a family's vendor document with that family's part of openapi.yaml only, and puts
the merged result back leaving the other families exactly as they were.

Vendor documents are derived from openapi.yaml (conftest's VendorDocs, per family) and
edited with names no vendor would use; `vendor/` holds facts-only copies of the Profile,
Real-Time and Streaming documents as published. "Every family" is what openapi.yaml declares
(conftest's FAMILIES). The repository's openapi.yaml is only ever read."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import spec_diff, spec_family, specio, update_spec

from .conftest import CONTROL_PLANE, FAMILIES, SPEC_PATH

Doc = dict[str, Any]
Run = Callable[..., tuple[int, str, str]]
VENDOR = Path(__file__).resolve().parent / "vendor"
PUBLISHED = {
    "profile": VENDOR / "profile-2025-07-31.yaml",
    "realtime": VENDOR / "real-time-2026-09-03.swagger.yaml",
    "streaming": VENDOR / "streaming-v0.yaml",
}
# One response schema per family, found from an operation by its name (ours where the
# vendor gave none), so a rename of either by the vendor changes nothing here.
ANSWERED_BY = {
    "control-plane": "list-segment",
    "profile": "get-index",
    "realtime": "get-realtime-profile",
}
NEW_FIELD = "zz_synthetic_field"
NEW_HEADER = "X-Zz-Synthetic-Header"
# The Streaming API's one operation, found by our name: it answers no body to add a field
# to, so its synthetic additions are an optional header, on the request or on the answer.
STREAM_WRITE = "post-stream-data"
NOT_CONTROL_PLANE = [f for f in FAMILIES if f != CONTROL_PLANE]


@pytest.fixture(scope="module")
def whole() -> Doc:
    return specio.load(SPEC_PATH)


def others(family: str) -> list[str]:
    return [f for f in FAMILIES if f != family]


def parts(doc: Doc) -> dict[str, str]:
    """Each family's part of `doc`, as text."""
    return {family: specio.dump(spec_family.view(doc, family)) for family in FAMILIES}


def answer_schema(ours: Doc, family: str) -> tuple[str, str, str]:
    """(path, method, schema name) of the 200 answer of the family's sample operation."""
    path, method, op = specio.find_operation(ours, ANSWERED_BY[family])
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    return path, method, str(ref).rsplit("/", 1)[1]


# -- view and embed --------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_view_then_embed_is_the_identity(whole: Doc, family: str) -> None:
    part = spec_family.view(whole, family)
    assert spec_family.embed(whole, family, part) == whole
    assert specio.dump(spec_family.embed(whole, family, part)) == SPEC_PATH.read_text("utf-8")


@pytest.mark.parametrize("family", FAMILIES)
def test_a_view_is_shaped_like_its_vendor_document(whole: Doc, family: str) -> None:
    part = spec_family.view(whole, family)
    validate(part)
    declared = whole["info"][spec_family.FAMILIES][family]
    assert part["info"]["version"] == declared["version"]
    assert spec_family.FAMILIES not in part["info"]
    ops = list(specio.iter_operations(part))
    assert ops and all(op[spec_family.FAMILY] == family for _, _, op in ops)
    assert {p for p, _, _ in ops} == set(spec_family.paths_of(whole, family))
    assert all("servers" not in item for item in part["paths"].values())  # the view's own
    assert all(s["url"].endswith(declared["base-path"]) for s in part["servers"])
    if declared.get("security-added"):  # ours, so not in what the vendor's says
        assert "security" not in part
        assert "securitySchemes" not in part.get("components", {})
    else:
        assert part["security"] == whole["security"]


def test_unknown_family_is_refused(whole: Doc) -> None:
    with pytest.raises(ValueError, match="no API family 'zz-synthetic'"):
        spec_family.view(whole, "zz-synthetic")


# -- make spec FAMILY=...: nothing changed, nothing written ------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_unchanged_vendor_document_changes_nothing(
    family: str, spec: Path, original: bytes, vendor_docs: Any, make_spec: Run
) -> None:
    source = vendor_docs.source(prose=True, family=family)
    for check in (["--check"], []):
        status, out, err = make_spec(
            *check, "--family", family, "--url", source, "--spec", str(spec)
        )
        assert (status, err) == (0, "")
        assert "No differences." in out
        assert spec.read_bytes() == original
    assert f"{spec} unchanged" in out


@pytest.mark.parametrize("family", sorted(PUBLISHED))
def test_published_vendor_document_is_a_no_op(
    family: str, spec: Path, original: bytes, make_spec: Run
) -> None:
    """The vendor's own document, prose removed (vendor/README.md), gives back openapi.yaml
    byte for byte: our additions, names and omissions survive a document that has none of
    them. The Real-Time one is Swagger 2.0, converted on the way."""
    source = str(PUBLISHED[family])
    status, out, err = make_spec("--family", family, "--url", source, "--spec", str(spec))
    assert (status, err) == (0, "")
    assert "No differences." in out
    assert "Breaking changes" not in out
    assert spec.read_bytes() == original
    if family == "realtime":
        assert out.splitlines()[0] == f"Vendor document: {source} (converted from Swagger 2.0)"
    else:
        assert out.splitlines()[0] == f"Vendor document: {source}"


def test_every_family_has_a_published_copy() -> None:
    """Each family but the control plane (whose documents are in ../history/) has a
    facts-only copy of its vendor document here, listed in vendor/README.md."""
    assert set(PUBLISHED) == set(NOT_CONTROL_PLANE)
    listed = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert set(VENDOR.glob("*.yaml")) == set(PUBLISHED.values())
    for path in PUBLISHED.values():
        assert f"`{path.name}`" in listed, path.name


def test_default_source_is_the_familys(
    spec: Path, vendor_docs: Any, make_spec: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def fetch(source: str) -> str:
        asked.append(source)
        return json.dumps(vendor_docs.doc(family="profile"))

    monkeypatch.setattr(update_spec, "fetch", fetch)
    status, _, _ = make_spec("--check", "--family", "profile", "--spec", str(spec))
    assert status == 0
    assert asked == [update_spec.SOURCES["profile"]]
    assert set(update_spec.SOURCES) == set(FAMILIES)
    assert len(set(update_spec.SOURCES.values())) == len(FAMILIES)


def test_unknown_family_is_a_usage_error(
    spec: Path, original: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        update_spec.main(["--family", "zz-synthetic", "--spec", str(spec)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--family" in err and "invalid choice: 'zz-synthetic'" in err
    assert spec.read_bytes() == original


# -- a non-breaking change to one family leaves the others byte for byte -------------------------


def adds_field(ours: Doc, family: str) -> Callable[[Doc], None]:
    """The vendor adds an optional property to the family's sample answer."""
    _, _, name = answer_schema(ours, family)

    def edit(doc: Doc) -> None:
        schema = doc["components"]["schemas"][name]
        schema["properties"][NEW_FIELD] = {"type": "string", "description": "VENDOR PROSE"}

    return edit


@pytest.mark.parametrize("family", ["profile", "realtime"])
def test_added_optional_field_is_merged_into_its_family_only(
    family: str, whole: Doc, spec: Path, original: bytes, vendor_docs: Any, make_spec: Run
) -> None:
    source = vendor_docs.source(adds_field(whole, family), prose=True, family=family)
    path, method, name = answer_schema(whole, family)
    expected = f"{method.upper()} {path} response 200"

    status, report, err = make_spec(
        "--check", "--family", family, "--url", source, "--spec", str(spec)
    )
    assert (status, err) == (0, "")
    assert spec.read_bytes() == original
    status, out, err = make_spec("--family", family, "--url", source, "--spec", str(spec))
    assert (status, err) == (0, "")
    assert out.startswith(report)
    assert "[response-property-added]" in report and NEW_FIELD in report
    assert "Breaking changes (0)" in report
    assert f"wrote {spec}" in out

    written = specio.load(spec)
    validate(written)
    assert "VENDOR PROSE" not in spec.read_text(encoding="utf-8")
    assert NEW_FIELD in written["components"]["schemas"][name]["properties"]
    before, after = parts(specio.parse(original.decode())), parts(written)
    for other in others(family):
        assert after[other] == before[other], other
    changes = spec_diff.compare(spec_family.view(whole, family), spec_family.view(written, family))
    assert expected in [c.location.split(".")[0] for c in changes]  # and wherever else it answers
    for change in changes:
        assert (change.kind, change.breaking) == ("response-property-added", False), change
        assert change.location.endswith(f".{NEW_FIELD}"), change
    # nothing outside the family's part moved either: the info block, the other paths
    assert written["info"] == whole["info"]
    assert list(written["paths"]) == list(whole["paths"])


def adds_stream_request_header(path: str, method: str) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        doc["paths"][path][method]["parameters"].append(
            {"in": "header", "name": NEW_HEADER, "required": False, "schema": {"type": "string"}}
        )

    return edit


def adds_stream_answer_header(path: str, method: str) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        answer = doc["paths"][path][method]["responses"]["202"]
        answer.setdefault("headers", {})[NEW_HEADER] = {"schema": {"type": "string"}}

    return edit


@pytest.mark.parametrize(
    ("edit", "kind"),
    [
        (adds_stream_request_header, "parameter-added"),
        (adds_stream_answer_header, "response-header-added"),
    ],
    ids=["request-header", "answer-header"],
)
def test_added_optional_header_is_merged_into_streaming_only(
    edit: Callable[[str, str], Callable[[Doc], None]],
    kind: str,
    whole: Doc,
    spec: Path,
    original: bytes,
    vendor_docs: Any,
    make_spec: Run,
) -> None:
    """The Streaming API adds an optional header (one the caller may send, or one its 202
    carries): non-breaking, merged into the Streaming part, every other family as it was."""
    path, method, _ = specio.find_operation(whole, STREAM_WRITE)
    source = vendor_docs.source(edit(path, method), prose=True, family="streaming")
    status, report, err = make_spec(
        "--check", "--family", "streaming", "--url", source, "--spec", str(spec)
    )
    assert (status, err) == (0, "")
    assert f"[{kind}]" in report
    assert NEW_HEADER.lower() in report.lower()  # header names are not case sensitive
    assert "Breaking changes (0)" in report
    assert spec.read_bytes() == original
    status, out, err = make_spec("--family", "streaming", "--url", source, "--spec", str(spec))
    assert (status, err) == (0, "")
    assert out.startswith(report)

    written = specio.load(spec)
    validate(written)
    assert "VENDOR PROSE" not in spec.read_text(encoding="utf-8")
    _, _, op = specio.find_operation(written, STREAM_WRITE)
    assert op[spec_family.FAMILY] == "streaming"  # ours, kept on the vendor's operation
    changes = spec_diff.compare(
        spec_family.view(whole, "streaming"), spec_family.view(written, "streaming")
    )
    assert changes
    for change in changes:
        assert (change.kind, change.breaking) == (kind, False), change
        assert change.location.startswith(f"{method.upper()} {path}"), change
    before, after = parts(whole), parts(written)
    assert [f for f in FAMILIES if after[f] != before[f]] == ["streaming"]
    assert written["info"] == whole["info"]
    assert list(written["paths"]) == list(whole["paths"])


def test_profile_document_for_another_version_is_refused_unless_asked_for(
    whole: Doc, spec: Path, original: bytes, vendor_docs: Any, make_spec: Run
) -> None:
    declared = whole["info"][spec_family.FAMILIES]["profile"]["version"]

    def moves(doc: Doc) -> None:
        doc["info"]["version"] = "2099-01-01"

    source = vendor_docs.source(moves, family="profile")
    argv = ("--family", "profile", "--url", source, "--spec", str(spec))
    status, report, err = make_spec("--check", *argv)
    assert (status, err) == (1, "")
    assert "api-version: found 2099-01-01" in report
    assert f"expected {declared}" in report
    status, _, err = make_spec(*argv)
    assert status == 1
    assert "API_VERSION=2099-01-01" in err and err.count("\n") == 1
    assert spec.read_bytes() == original

    status, out, err = make_spec(*argv, "--api-version", "2099-01-01")
    assert (status, err) == (0, "")
    assert f"openapi.yaml moves from {declared} to 2099-01-01" in out
    written = specio.load(spec)
    validate(written)
    families = written["info"][spec_family.FAMILIES]
    assert families["profile"]["version"] == "2099-01-01"
    assert written["info"]["version"] == whole["info"]["version"]  # the control plane's
    for family in others("profile"):
        assert families[family] == whole["info"][spec_family.FAMILIES][family]
    before, after = parts(whole), parts(written)
    assert [f for f in FAMILIES if after[f] != before[f]] == ["profile"]


def test_streaming_document_for_another_version_is_refused(
    whole: Doc, spec: Path, original: bytes, vendor_docs: Any, make_spec: Run
) -> None:
    """Streaming Ingest's version is not a date but the last segment of its base path: a
    document for another one is refused like any family's, and its new base path is a
    breaking change to the servers (the facade would call another URL), so API_VERSION=
    alone does not take it either."""
    declared = whole["info"][spec_family.FAMILIES]["streaming"]
    assert declared["base-path"].endswith("/" + declared["version"])
    moved = "v" + str(int(str(declared["version"]).lstrip("v")) + 1)

    def moves(doc: Doc) -> None:
        doc["info"]["version"] = moved
        for server in doc["servers"]:
            server["url"] = server["url"].rsplit("/", 1)[0] + "/" + moved

    source = vendor_docs.source(moves, family="streaming")
    argv = ("--family", "streaming", "--url", source, "--spec", str(spec))
    status, report, err = make_spec("--check", *argv)
    assert (status, err) == (1, "")
    assert f"api-version: found {moved}, expected {declared['version']}" in report
    assert "[server-changed]" in report
    for extra in ([], ["--api-version", moved]):
        status, _, err = make_spec(*argv, *extra)
        assert status == 1
        assert "ALLOW_BREAKING=1" in err
        assert spec.read_bytes() == original


def test_realtime_swagger_document_with_a_new_field(
    whole: Doc, spec: Path, tmp_path: Path, make_spec: Run
) -> None:
    """The Real-Time document as the vendor publishes it (Swagger 2.0) with an added
    optional field: converted, classified non-breaking, merged into the Real-Time part."""
    _, _, name = answer_schema(whole, "realtime")
    swagger = specio.load(PUBLISHED["realtime"])
    swagger["definitions"][name]["properties"][NEW_FIELD] = {"type": "string"}
    source = tmp_path / "real-time.json"
    source.write_text(json.dumps(swagger), encoding="utf-8")
    status, out, err = make_spec("--family", "realtime", "--url", str(source), "--spec", str(spec))
    assert (status, err) == (0, "")
    assert "(converted from Swagger 2.0)" in out.splitlines()[0]
    assert "[response-property-added]" in out
    written = specio.load(spec)
    assert NEW_FIELD in written["components"]["schemas"][name]["properties"]
    before, after = parts(whole), parts(written)
    assert [f for f in FAMILIES if after[f] != before[f]] == ["realtime"]


# -- what one openapi.yaml cannot hold is refused in one line ---------------------------------------


def new_operation(operation_id: str | None = None) -> Doc:
    """A path item the vendor adds: one GET answering an empty object."""
    body = {"application/json": {"schema": {"type": "object"}}}
    op: Doc = {"responses": {"200": {"description": "VENDOR PROSE", "content": body}}}
    if operation_id is not None:
        op["operationId"] = operation_id
    return {"get": op}


def one_line_refusal(make_spec: Run, spec: Path, original: bytes, *argv: str) -> str:
    status, out, err = make_spec(*argv, "--spec", str(spec), "--allow-breaking")
    assert status == 2, out
    assert err.count("\n") == 1
    assert err.startswith("make spec: the merged document does not fit back into openapi.yaml")
    assert spec.read_bytes() == original
    return err


@pytest.mark.parametrize("family", NOT_CONTROL_PLANE)
def test_path_of_another_family_is_refused(
    family: str, whole: Doc, spec: Path, original: bytes, vendor_docs: Any, make_spec: Run
) -> None:
    taken, _, _ = specio.find_operation(whole, "list-segment")  # the control plane's

    def collides(doc: Doc) -> None:
        doc["paths"][taken] = new_operation()

    source = vendor_docs.source(collides, family=family)
    err = one_line_refusal(make_spec, spec, original, "--family", family, "--url", source)
    assert f"path {taken} of {family} is already used by another API family" in err


def test_control_plane_path_of_another_family_is_refused(
    whole: Doc, spec: Path, original: bytes, vendor_docs: Any, make_spec: Run
) -> None:
    taken, _, _ = specio.find_operation(whole, "list-indexes")  # the Profile API's

    def collides(doc: Doc) -> None:
        doc["paths"][taken] = new_operation("zz-synthetic-indexes")

    source = vendor_docs.source(collides)
    err = one_line_refusal(make_spec, spec, original, "--url", source)
    assert f"path {taken} of {CONTROL_PLANE} is already used by another API family" in err


def test_component_another_family_uses_is_not_overwritten(
    whole: Doc, spec: Path, original: bytes, vendor_docs: Any, make_spec: Run
) -> None:
    """A Real-Time document bringing a schema under a name the control plane uses: one
    openapi.yaml cannot hold both, and the control plane's must not change unnoticed."""
    _, _, name = answer_schema(whole, CONTROL_PLANE)
    schema_of_list = whole["components"]["schemas"][name]["properties"]["data"]["items"]["$ref"]
    taken = str(schema_of_list).rsplit("/", 1)[1]

    def collides(doc: Doc) -> None:
        doc["components"]["schemas"][taken] = {
            "type": "object",
            "properties": {"zz_synthetic_id": {"type": "string"}},
        }

    source = vendor_docs.source(collides, family="realtime")
    err = one_line_refusal(make_spec, spec, original, "--family", "realtime", "--url", source)
    assert f"the realtime document changes components/schemas/{taken}" in err


def test_a_document_without_families_is_its_own_view() -> None:
    """A single-family document (the vendor's own, or openapi.yaml before families) is
    merged whole, as `make spec` always did."""
    doc = specio.load(Path(__file__).resolve().parent / "history" / "2026-04-24-14715565.yaml")
    part = spec_family.view(doc, CONTROL_PLANE)
    assert part["paths"] == doc["paths"]
    assert spec_family.embed(doc, CONTROL_PLANE, part) == part
    with pytest.raises(ValueError, match="declares no API family 'profile'"):
        spec_family.embed(doc, "profile", part)
