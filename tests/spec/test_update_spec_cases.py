"""`make spec` and `make spec-check` on the vendor changes that matter, end to end.

Each vendor document is built here from openapi.yaml itself (its vendor part, with every
description and summary replaced by vendor-style prose), then edited the way the vendor
would: a new endpoint, a 429 on GET /segments, an optional response field plus an enum
value, a removed response field, a renamed path (the `unstable` document is in
test_update_spec_version). Each runs through `update_spec.main` on a temporary copy of
openapi.yaml, first as `--check`, then as `make spec`; the report, the exit status and
what is written are checked, and every written document must validate. Only the interface of spec_diff is relied on: the kinds
and `breaking` flags it documents, never its wording.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import spec_diff, spec_family, spec_merge, specio

from .conftest import CONTROL_PLANE, vendor_part

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
PROSE = "VENDOR PROSE"  # what conftest's vendor_docs puts in place of our prose
Doc = dict[str, Any]
Run = Callable[..., tuple[int, str, str]]


# -- the vendor's edits ---------------------------------------------------------------------------
# Every synthetic change uses names no vendor would (a `zz-synthetic`/`zz_synthetic` prefix)
# and finds what it edits by operationId, so none collides with a change the vendor really
# ships (and `make spec` merges): the tests keep simulating a change still to come.

LIST_SEGMENT = "list-segment"  # GET /segments today; found by operationId, not by path
NEW_PATH = "/zz-synthetic/{zz-synthetic-id}"
NEW_OPERATION = "zz-synthetic-get"
NEW_FIELD = "zz_synthetic_folder"
NEW_RUN_MODE = "zz-synthetic-mode"
RENAMED_PATH = "/zz-synthetic-segment-list"


def operation(doc: Doc, operation_id: str) -> tuple[str, str, Doc]:
    """(path, method, operation) of the operation with this operationId."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return path, method, op
    raise AssertionError(f"no operation {operation_id}")


def key_of(doc: Doc, operation_id: str) -> str:
    """How the report names the operation: `GET /segments`."""
    path, method, _ = operation(doc, operation_id)
    return f"{method.upper()} {path}"


def unchanged(doc: Doc) -> None:
    pass


def adds_endpoint(doc: Doc) -> None:
    _, _, listing = operation(doc, LIST_SEGMENT)
    headers = [
        p for p in listing.get("parameters", []) if specio.resolve(doc, p).get("in") == "header"
    ]
    doc["paths"][NEW_PATH] = {
        "get": {
            "tags": list(listing.get("tags", [])),
            "operationId": NEW_OPERATION,
            "summary": PROSE,
            "description": PROSE,
            "parameters": [
                *copy.deepcopy(headers),
                {
                    "name": "zz-synthetic-id",
                    "in": "path",
                    "required": True,
                    "description": PROSE,
                    "schema": {"type": "string"},
                },
            ],
            "responses": {
                "200": {
                    "description": PROSE,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"zz_synthetic_id": {"type": "string"}},
                            }
                        }
                    },
                },
                "404": {"description": PROSE},
            },
        }
    }


def without_429_on_segments(doc: Doc) -> None:
    """No 429 on GET /segments, ours or the vendor's: adding one is then always new."""
    operation(doc, LIST_SEGMENT)[2]["responses"].pop("429", None)


def adds_429_on_segments(doc: Doc) -> None:
    without_429_on_segments(doc)
    operation(doc, LIST_SEGMENT)[2]["responses"]["429"] = {
        "description": PROSE,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }


def adds_optional_field_and_enum_value(doc: Doc) -> None:
    segment = doc["components"]["schemas"]["Segment"]
    segment["properties"][NEW_FIELD] = {"type": "string", "description": PROSE}
    run_mode = doc["components"]["schemas"]["WorkflowRunRequest"]["properties"]["run_mode"]
    run_mode["enum"].append(NEW_RUN_MODE)


def removed_field(segment: Doc) -> str:
    """The Segment property the vendor drops: `status` while there is one."""
    props = segment["properties"]
    return "status" if "status" in props else next(iter(props))


def removes_segment_status(doc: Doc) -> None:
    segment = doc["components"]["schemas"]["Segment"]
    name = removed_field(segment)
    del segment["properties"][name]
    if name in segment.get("required", []):
        segment["required"].remove(name)


def renames_segments_path(doc: Doc) -> None:
    old = operation(doc, LIST_SEGMENT)[0]
    doc["paths"] = {(RENAMED_PATH if p == old else p): i for p, i in doc["paths"].items()}


@dataclass(frozen=True)
class Case:
    edit: Callable[[Doc], None]
    kinds: frozenset[str]  # every change reported is one of these
    needed: frozenset[str]  # and these are among them
    breaking: bool
    written: bool  # make spec (no option) writes openapi.yaml
    ours: Callable[[Doc], None] | None = None  # openapi.yaml made ready for the change


CASES = {
    "current": Case(unchanged, frozenset(), frozenset(), False, False),
    "endpoint": Case(
        adds_endpoint, frozenset({"endpoint-added"}), frozenset({"endpoint-added"}), False, True
    ),
    "429": Case(
        adds_429_on_segments,
        frozenset({"response-added"}),
        frozenset({"response-added"}),
        False,
        True,
        without_429_on_segments,
    ),
    "field+enum": Case(
        adds_optional_field_and_enum_value,
        frozenset({"response-property-added", "enum-value-added"}),
        frozenset({"response-property-added", "enum-value-added"}),
        False,
        True,
    ),
    "removed-field": Case(
        removes_segment_status,
        frozenset({"response-property-removed"}),
        frozenset({"response-property-removed"}),
        True,
        False,
    ),
    "rename": Case(
        renames_segments_path,
        frozenset({"endpoint-renamed", "endpoint-removed", "endpoint-added"}),
        frozenset(),
        True,
        False,
    ),
}


def prepared(spec: Path, edit: Callable[[Doc], None] | None) -> bytes:
    """Our openapi.yaml copy made ready for the vendor's change (`edit`); its bytes."""
    if edit is not None:
        doc = specio.load(spec)
        edit(doc)
        specio.save(doc, spec)
    return spec.read_bytes()


def source_for(edit: Callable[[Doc], None], vendor_docs: Any, spec: Path | None = None) -> str:
    """The vendor document: the vendor part of `spec` (openapi.yaml unless given), edited."""
    ours = None if spec is None else specio.load(spec)
    doc = vendor_docs.doc(edit, prose=True, ours=ours)
    validate(doc)  # a plausible vendor document
    path: str = vendor_docs.write(doc)
    return path


def classified(source: str, spec: Path) -> list[spec_diff.Change]:
    """The vendor's changes to the control plane's part of `spec`."""
    return spec_diff.compare(vendor_part(specio.load(spec)), specio.load(source))


@pytest.mark.parametrize("name", list(CASES))
def test_check_then_spec(
    name: str,
    spec: Path,
    vendor_docs: Any,
    make_spec: Run,
) -> None:
    case = CASES[name]
    original = prepared(spec, case.ours)
    source = source_for(case.edit, vendor_docs, spec)
    changes = classified(source, spec)
    kinds = {c.kind for c in changes}
    assert kinds <= case.kinds and case.needed <= kinds, changes
    assert any(c.breaking for c in changes) is case.breaking
    if name == "rename":
        old = operation(specio.parse(original.decode()), LIST_SEGMENT)[0]
        assert any(old in c.location or old in c.detail for c in changes)
        assert any(RENAMED_PATH in c.location or RENAMED_PATH in c.detail for c in changes)

    status, report, err = make_spec("--check", "--url", source, "--spec", str(spec))
    assert (status, err) == (int(case.breaking), "")
    assert spec.read_bytes() == original
    assert report.startswith(f"Vendor document: {source}\n")
    assert spec_diff.render_text(changes) in report
    if case.breaking:
        assert "`make spec` refuses them without ALLOW_BREAKING=1" in report

    status, out, err = make_spec("--url", source, "--spec", str(spec))
    assert out.startswith(report)  # spec-check printed exactly what make spec prints
    if case.breaking:
        assert status == 1
        assert "refusing" in err
        assert "ALLOW_BREAKING=1" in err
        assert spec.read_bytes() == original
        status, out, err = make_spec("--url", source, "--spec", str(spec), "--allow-breaking")
    assert (status, err) == (0, "")
    text = spec.read_text(encoding="utf-8")
    if case.written or case.breaking:
        assert f"wrote {spec}" in out
        assert text.encode() != original
    else:
        assert "No differences." in out
        assert f"{spec} unchanged" in out
        assert text.encode() == original
    merged = specio.parse(text)
    validate(merged)
    assert PROSE not in text
    old = operation(specio.parse(original.decode()), LIST_SEGMENT)[0]
    kept = [w.replace(RENAMED_PATH, old) for w in spec_merge.marked(merged)]
    before = spec_merge.marked(specio.parse(original.decode()))
    assert set(kept) <= set(before)
    for where in set(before) - set(kept):  # each one lost is named
        assert f"vendor now provides {where};" in out or f"our addition {where} is" in out
    # what the vendor changed is now in openapi.yaml, and nothing else moved
    assert classified(source, spec) == []


def test_new_endpoint_report_says_what_ci_will_ask_for(
    spec: Path, vendor_docs: Any, make_spec: Run
) -> None:
    source = source_for(adds_endpoint, vendor_docs)
    status, report, _ = make_spec("--check", "--url", source, "--spec", str(spec))
    assert status == 0
    asks = report.split("What CI will ask for:\n", 1)[1]
    line = next(x for x in asks.splitlines() if f"GET {NEW_PATH}" in x)
    assert NEW_OPERATION in line
    for need in ("facade method", "cassette", "fake tenant route", "`make cassettes`"):
        assert need in line


def test_new_endpoint_and_new_response_get_our_placeholder_description(
    spec: Path, vendor_docs: Any, make_spec: Run
) -> None:
    def both(doc: Doc) -> None:
        adds_endpoint(doc)
        adds_429_on_segments(doc)

    prepared(spec, without_429_on_segments)
    source = source_for(both, vendor_docs, spec)
    status, out, _ = make_spec("--url", source, "--spec", str(spec))
    assert status == 0
    merged = specio.load(spec)
    version = merged["info"]["version"]
    expected = f"Added by the vendor in version {version}; not yet described here."
    new_op = merged["paths"][NEW_PATH]["get"]
    assert new_op["responses"]["200"]["description"] == expected
    assert "description" not in new_op  # not required: left for us to write
    assert operation(merged, LIST_SEGMENT)[2]["responses"]["429"]["description"] == expected
    note = f"note: {key_of(merged, LIST_SEGMENT)} response 429: new, given a placeholder"
    assert f"{note} description" in out

    # the placeholder is ours now: the same vendor document changes nothing more
    again = spec.read_bytes()
    assert make_spec("--url", source, "--spec", str(spec))[0] == 0
    assert spec.read_bytes() == again


def test_renamed_path_needs_allow_breaking_and_our_prose_and_additions_follow_it(
    spec: Path, original: bytes, vendor_docs: Any, make_spec: Run
) -> None:
    source = source_for(renames_segments_path, vendor_docs)
    status, report, _ = make_spec("--check", "--url", source, "--spec", str(spec))
    assert status == 1
    asks = report.split("What CI will ask for:\n", 1)[1]
    assert any(RENAMED_PATH in x and "`make cassettes`" in x for x in asks.splitlines())
    status, out, _ = make_spec("--url", source, "--spec", str(spec), "--allow-breaking")
    assert status == 0
    merged, ours = specio.load(spec), specio.parse(original.decode())
    old = operation(ours, LIST_SEGMENT)[0]
    assert old not in merged["paths"]
    # the classifier pairs the rename (endpoint-renamed, "OLD -> NEW"), so the path item is
    # ours, under its new name: descriptions, marked responses and all, in the same place
    assert merged["paths"][RENAMED_PATH] == ours["paths"][old]
    assert list(merged["paths"]) == [RENAMED_PATH if p == old else p for p in ours["paths"]]
    assert "is dropped" not in out


def test_removed_path_names_the_additions_that_go_with_it(
    spec: Path, original: bytes, vendor_docs: Any, make_spec: Run
) -> None:
    def removes_segments(doc: Doc) -> None:
        del doc["paths"][operation(doc, LIST_SEGMENT)[0]]

    source = source_for(removes_segments, vendor_docs)
    status, out, _ = make_spec("--url", source, "--spec", str(spec), "--allow-breaking")
    assert status == 0
    ours = spec_family.view(specio.parse(original.decode()), CONTROL_PLANE)
    gone = operation(ours, LIST_SEGMENT)[0]
    lost = [w for w in spec_merge.marked(ours) if w.startswith(f"/paths/{gone}/")]
    assert lost
    for where in lost:
        assert f"note: our addition {where} is dropped" in out
    validate(specio.load(spec))


# -- our marked responses (429 and friends) round-trip ----------------------------------------------


def with_marked_429(doc: Doc) -> Doc:
    """A synthetic openapi.yaml whose GET /segments carries a marked 429, as ours may."""
    out = copy.deepcopy(doc)
    operation(out, LIST_SEGMENT)[2]["responses"]["429"] = {
        "$ref": "#/components/responses/SyntheticTooMany",
        spec_merge.MARK: "Synthetic: the vendor operation omits 429.",
    }
    out["components"]["responses"]["SyntheticTooMany"] = {
        "description": "Over the rate limit.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
        spec_merge.MARK: "Synthetic: a response object the vendor lacks.",
    }
    return out


def test_marked_response_entries_survive_strip_and_merge(
    spec: Path, vendor_docs: Any, make_spec: Run
) -> None:
    ours = with_marked_429(specio.load(SPEC_PATH))
    validate(ours)
    part = spec_family.view(ours, CONTROL_PLANE)
    stripped = spec_merge.strip_additions(part)
    assert "SyntheticTooMany" not in stripped["components"]["responses"]
    responses = operation(stripped, LIST_SEGMENT)[2]["responses"]
    assert "429" not in responses or spec_merge.MARK not in responses["429"]
    merged, notes = spec_merge.merge_documents(stripped, part)
    assert notes == []
    assert specio.dump(merged) == specio.dump(part)
    assert specio.dump(spec_family.embed(ours, CONTROL_PLANE, merged)) == specio.dump(ours)

    specio.save(ours, spec)
    before = spec.read_bytes()
    source = vendor_docs.source(prose=True, ours=ours)
    assert make_spec("--url", source, "--spec", str(spec))[0] == 0
    assert spec.read_bytes() == before


def test_vendor_shipping_a_429_takes_over_our_marked_one(
    spec: Path, vendor_docs: Any, make_spec: Run
) -> None:
    ours = with_marked_429(specio.load(SPEC_PATH))
    specio.save(ours, spec)
    source = vendor_docs.source(adds_429_on_segments, prose=True, ours=ours)
    status, out, _ = make_spec("--url", source, "--spec", str(spec))
    assert status == 0
    path, method, _ = operation(ours, LIST_SEGMENT)
    assert f"vendor now provides /paths/{path}/{method}/responses/429" in out
    merged = specio.load(spec)
    validate(merged)
    answer = operation(merged, LIST_SEGMENT)[2]["responses"]["429"]
    assert spec_merge.MARK not in answer
    assert PROSE not in json.dumps(merged)
