"""A vendor document lacking components our side refers to still merges into a valid one."""

from __future__ import annotations

import copy
from typing import Any

from openapi_spec_validator import validate

from scripts import spec_family, spec_merge, specio

SPEC_PATH = specio.REPO / "openapi.yaml"


def control_plane() -> dict[str, Any]:
    """The part of openapi.yaml the control plane's vendor document describes."""
    return spec_family.view(specio.load(SPEC_PATH), spec_family.DEFAULT_FAMILY)


def test_components_the_vendor_lacks_are_kept_from_ours_and_named() -> None:
    ours = control_plane()
    vendor = spec_merge.strip_additions(copy.deepcopy(ours))
    # An older vendor document (before 405 was described): our marked 405 answers refer
    # to a component only our side defines.
    assert "x-facade-addition" not in ours["components"]["responses"]["MethodNotAllowed"]
    vendor["components"]["responses"].pop("MethodNotAllowed")
    merged, notes = spec_merge.merge_documents(vendor, ours)
    validate(merged)
    assert "MethodNotAllowed" in merged["components"]["responses"]
    kept = [note for note in notes if note.startswith("kept our")]
    assert kept == [
        "kept our /components/responses/MethodNotAllowed: the merged document refers to it, "
        "the vendor's lacks it"
    ]


def test_nothing_is_kept_when_the_vendor_has_everything() -> None:
    ours = control_plane()
    vendor = spec_merge.strip_additions(copy.deepcopy(ours))
    _, notes = spec_merge.merge_documents(vendor, ours)
    assert not [note for note in notes if note.startswith("kept our")]
