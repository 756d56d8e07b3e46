"""Fixtures for the `make spec` tests.

The repository's openapi.yaml is only ever read: every run writes to a copy alone in its own
folder (so a stray temporary file shows). A user's clone has no copy of the vendor's files,
so vendor documents are derived from openapi.yaml itself: the part one API family's vendor
document describes (`spec_family.view`, the control plane unless another family is asked
for), every `x-facade-addition` node stripped, optionally with vendor-style prose in place of
ours, then edited the way the vendor would."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scripts import spec_family, spec_merge, specio, update_spec

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
PROSE = "VENDOR PROSE"
Doc = dict[str, Any]
Edit = Callable[[Doc], None]


def with_vendor_prose(node: Any, names: bool = False) -> Any:
    """Every description and summary replaced, as if the vendor had written them
    (keys of name mappings, e.g. a property called "description", are left alone)."""
    if isinstance(node, dict):
        return {
            key: PROSE
            if not names and key in ("description", "summary")
            else with_vendor_prose(value, key in spec_merge.NAME_MAPS)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [with_vendor_prose(item) for item in node]
    return node


CONTROL_PLANE = spec_family.DEFAULT_FAMILY
# Every family openapi.yaml declares (info.x-amperity-api-families), in its order: a family
# added there is covered by every test that runs "for each family" without an edit here.
FAMILIES: tuple[str, ...] = tuple(spec_family.families(specio.load(SPEC_PATH)))


# Keys of ours on vendor operations, not marked (the operation is the vendor's): the vendor's
# documents have none of them, and `make spec` must keep them.
OUR_OPERATION_KEYS = (spec_family.FAMILY, specio.OPERATION_ID, specio.OMITTED)


def vendor_part(ours: Doc, family: str = CONTROL_PLANE) -> Doc:
    """What `family`'s vendor document says, as far as `ours` knows: its view, without
    our marked additions nor our keys on the vendor's operations."""
    doc: Doc = spec_merge.strip_additions(spec_family.view(ours, family))
    for _, _, op in specio.iter_operations(doc):
        for key in OUR_OPERATION_KEYS:
            op.pop(key, None)
    return doc


@functools.cache
def _vendor_part(family: str) -> Doc:
    return vendor_part(specio.load(SPEC_PATH), family)


class VendorDocs:
    """Makes vendor documents (fresh copies) and writes them where `--url` can read them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def doc(
        self,
        edit: Edit | None = None,
        *,
        prose: bool = False,
        ours: Doc | None = None,
        family: str = CONTROL_PLANE,
    ) -> Doc:
        """The vendor part of `ours` (openapi.yaml unless given) for `family`, a fresh copy."""
        doc: Doc = (
            copy.deepcopy(_vendor_part(family)) if ours is None else vendor_part(ours, family)
        )
        if prose:
            doc = with_vendor_prose(doc)
        if edit is not None:
            edit(doc)
        return doc

    def write(self, doc: Any, name: str = "vendor.json") -> str:
        """JSON or YAML by the name's suffix."""
        path = self.folder / name
        if path.suffix == ".json":
            path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
        else:
            specio.save(doc, path)
        return str(path)

    def source(
        self,
        edit: Edit | None = None,
        *,
        prose: bool = False,
        ours: Doc | None = None,
        family: str = CONTROL_PLANE,
    ) -> str:
        return self.write(self.doc(edit, prose=prose, ours=ours, family=family))


@pytest.fixture
def vendor_docs(tmp_path: Path) -> VendorDocs:
    return VendorDocs(tmp_path)


@pytest.fixture(scope="session")
def original() -> bytes:
    return SPEC_PATH.read_bytes()


@pytest.fixture
def spec(tmp_path: Path, original: bytes) -> Path:
    """A copy of openapi.yaml for the run to update."""
    path = tmp_path / "spec" / "openapi.yaml"
    path.parent.mkdir()
    path.write_bytes(original)
    return path


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def make_spec(capsys: pytest.CaptureFixture[str]) -> Run:
    """`make_spec(*argv)`: run update_spec.main in-process; (exit status, stdout, stderr).
    Whatever happens, no traceback reaches stderr."""

    def run(*argv: str) -> tuple[int, str, str]:
        status = update_spec.main(list(argv))
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return status, captured.out, captured.err

    return run
