"""Review of spec_merge._keep_referenced (components the merged document refers to but the
vendor's lacks are kept from ours). Findings were strict xfails until fixed; all must hold."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import spec_family, spec_merge, specio, update_spec

SPEC_PATH = specio.REPO / "openapi.yaml"
MARK = spec_merge.MARK


def _docs() -> tuple[dict[str, Any], dict[str, Any]]:
    """(vendor, ours): the control plane's part of openapi.yaml, and its vendor part."""
    ours = spec_family.view(specio.load(SPEC_PATH), spec_family.DEFAULT_FAMILY)
    vendor = spec_merge.strip_additions(copy.deepcopy(ours))
    return vendor, ours


def _first_operation(doc: dict[str, Any]) -> dict[str, Any]:
    for item in doc["paths"].values():
        for method in ("get", "post", "put", "delete", "patch"):
            if method in item:
                return item[method]  # type: ignore[no-any-return]
    raise AssertionError("no operation")


def _add_marked_response(ours: dict[str, Any], ref: str) -> None:
    responses = _first_operation(ours)["responses"]
    responses["418"] = {"$ref": ref, MARK: True}


def _kept(notes: list[str]) -> list[str]:
    return [note for note in notes if note.startswith("kept our")]


def test_review_escaped_component_names_are_kept_under_their_real_name() -> None:
    vendor, ours = _docs()
    ours["components"]["responses"]["Tea/Pot~x"] = {"description": "short and stout"}
    _add_marked_response(ours, "#/components/responses/Tea~1Pot~0x")
    merged, notes = spec_merge.merge_documents(vendor, ours)
    assert merged["components"]["responses"]["Tea/Pot~x"] == {"description": "short and stout"}
    assert "Tea~1Pot~0x" not in merged["components"]["responses"]
    assert _kept(notes) == [
        "kept our /components/responses/Tea~1Pot~0x: the merged document refers to it, "
        "the vendor's lacks it"
    ]
    validate(merged)


def test_review_a_reference_cycle_is_kept_whole_and_ends() -> None:
    vendor, ours = _docs()
    schemas = ours["components"]["schemas"]
    schemas["ReviewA"] = {
        "type": "object",
        "properties": {"b": {"$ref": "#/components/schemas/ReviewB"}},
    }
    schemas["ReviewB"] = {
        "type": "object",
        "properties": {"a": {"$ref": "#/components/schemas/ReviewA"}},
    }
    ours["components"]["responses"]["ReviewTea"] = {
        "description": "cycle",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReviewA"}}},
    }
    _add_marked_response(ours, "#/components/responses/ReviewTea")
    merged, notes = spec_merge.merge_documents(vendor, ours)
    assert {"ReviewA", "ReviewB"} <= set(merged["components"]["schemas"])
    assert sorted(_kept(notes)) == sorted(
        f"kept our /components/{where}: the merged document refers to it, the vendor's lacks it"
        for where in ("responses/ReviewTea", "schemas/ReviewA", "schemas/ReviewB")
    )
    validate(merged)


def test_review_a_vendor_document_whose_own_refs_dangle_is_refused_before_the_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vendor, _ = _docs()
    _first_operation(vendor)["responses"]["418"] = {"$ref": "#/components/responses/Gone"}
    source = tmp_path / "vendor.yaml"
    source.write_text(specio.dump(vendor), encoding="utf-8")
    spec = tmp_path / "openapi.yaml"
    spec.write_bytes(SPEC_PATH.read_bytes())
    status = update_spec.main(["--url", str(source), "--spec", str(spec)])
    captured = capsys.readouterr()
    assert status == 2
    assert "unresolvable $ref #/components/responses/Gone" in captured.err
    assert spec.read_bytes() == SPEC_PATH.read_bytes()


def test_review_a_ref_into_a_removed_path_does_not_recreate_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vendor, _ = _docs()
    ours = specio.load(SPEC_PATH)  # the whole of openapi.yaml goes to `make spec`
    removed = next(iter(vendor["paths"]))
    del vendor["paths"][removed]
    escaped = removed.replace("~", "~0").replace("/", "~1")
    method = next(m for m in ("get", "post", "put", "delete") if m in ours["paths"][removed])
    ref = f"#/paths/{escaped}/{method}/responses"
    other = next(p for p in vendor["paths"] if p != removed)
    op = next(
        ours["paths"][other][m]
        for m in ("get", "post", "put", "delete")
        if m in ours["paths"][other]
    )
    op["x-review-see-also"] = {"$ref": ref, MARK: True}
    source = tmp_path / "vendor.yaml"
    source.write_text(specio.dump(vendor), encoding="utf-8")
    spec = tmp_path / "openapi.yaml"
    spec.write_text(specio.dump(ours), encoding="utf-8")
    status = update_spec.main(["--url", str(source), "--spec", str(spec), "--allow-breaking"])
    assert status == 0, capsys.readouterr().err
    assert removed not in specio.load(spec)["paths"]


def test_review_make_spec_exits_0_and_prints_the_kept_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vendor, _ = _docs()
    vendor["components"]["responses"].pop("MethodNotAllowed")
    source = tmp_path / "vendor.yaml"
    source.write_text(specio.dump(vendor), encoding="utf-8")
    spec = tmp_path / "openapi.yaml"
    spec.write_bytes(SPEC_PATH.read_bytes())
    status = update_spec.main(["--url", str(source), "--spec", str(spec)])
    out = capsys.readouterr().out
    assert status == 0
    assert (
        "note: kept our /components/responses/MethodNotAllowed: the merged document refers "
        "to it, the vendor's lacks it\n"
    ) in out
    validate(specio.load(spec))
    assert "MethodNotAllowed" in specio.load(spec)["components"]["responses"]


def test_review_a_ref_into_a_vendor_schema_does_not_graft_our_part_into_it() -> None:
    vendor, ours = _docs()
    name = next(
        n for n, s in ours["components"]["schemas"].items() if isinstance(s.get("properties"), dict)
    )
    ours["components"]["schemas"][name]["properties"]["reviewOnlyOurs"] = {"type": "string"}
    ours["components"]["responses"]["ReviewPart"] = {
        "description": "part",
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{name}/properties/reviewOnlyOurs"}
            }
        },
        MARK: True,
    }
    _add_marked_response(ours, "#/components/responses/ReviewPart")
    merged, _ = spec_merge.merge_documents(vendor, ours)
    assert "reviewOnlyOurs" not in merged["components"]["schemas"][name]["properties"]
