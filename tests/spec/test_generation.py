"""generated/amperity_api: free of the vendor document's traps, headed "do not edit", reproducible,
and guarded by `make check-generated`.

Only the tests that build take time (about a second per build); the rest read files."""

from __future__ import annotations

import ast
import copy
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts import generate, specio

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO / "openapi.yaml"
TREE = REPO / "generated" / "amperity_api"
HEADER_LINE = "# generated from openapi.yaml, do not edit; run make generate"

# Defaults that legitimately equal some example in openapi.yaml: the generator's own client
# template authenticates with the "Bearer" prefix, which is also TokenResponse.token_type's
# example. Nothing spec-derived may be in this list.
ALLOWED_EXAMPLE_DEFAULTS = {("client.py", "Bearer")}

OPERATION_MODULES = [
    "api/audit_events/list_events.py",
    "api/campaigns/list_campaign.py",
    "api/campaigns/list_campaign_draft.py",
    "api/segments/list_segment.py",
    "api/ingest/list_ingest_jobs.py",
    "api/ingest/get_ingest_job.py",
    "api/workflow/list_workflows.py",
    "api/workflow/run_workflow.py",
    "api/workflow/get_workflow.py",
    "api/workflow/stop_workflow.py",
    "api/authentication/create_token.py",
]


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def examples_in(node: Any) -> set[tuple[type, Any]]:
    """Every `example` value in the document, typed so that False never equals 0."""
    found: set[tuple[type, Any]] = set()
    if isinstance(node, dict):
        if "example" in node and isinstance(node["example"], str | int | float | bool):
            found.add((type(node["example"]), node["example"]))
        for value in node.values():
            found |= examples_in(value)
    elif isinstance(node, list):
        for value in node:
            found |= examples_in(value)
    return found


def signature_defaults(source: str) -> Iterator[tuple[str, Any]]:
    """(where, constant) for every constant inside a function-parameter default or a
    class-level field default (attrs fields), including ones wrapped in calls."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        exprs: list[tuple[str, ast.expr]] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            for arg, default in zip(positional[-len(args.defaults) :], args.defaults, strict=False):
                exprs.append((f"{node.name}({arg.arg})", default))
            for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                if kw_default is not None:
                    exprs.append((f"{node.name}({arg.arg})", kw_default))
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                    target = ast.unparse(stmt.target)
                    exprs.append((f"{node.name}.{target}", stmt.value))
        for where, expr in exprs:
            for sub in ast.walk(expr):
                if isinstance(sub, ast.Constant):
                    yield where, sub.value


@pytest.fixture(scope="module")
def examples() -> set[tuple[type, Any]]:
    found = examples_in(specio.load(SPEC_PATH))
    # the collector sees the traps prepare_spec neutralises
    for value in ("ptg-2QLLqXBEq", "full", "2026-04-01T11:11:11Z", "cg-123ABc4DE", "2024-04-01"):
        assert (str, value) in found
    return found


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of openapi.yaml, shared by the tests of this module."""
    return generate.build(SPEC_PATH, tmp_path_factory.mktemp("build-1"))


def run_check(target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.generate", "--check", "--target", str(target)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=300,
    )


# -- scanners, each returning what it found wrong in a tree ----------------------------------


def missing_header(root: Path) -> list[str]:
    return [
        path.relative_to(root).as_posix()
        for path in python_files(root)
        if path.read_text(encoding="utf-8").split("\n", 1)[0] != HEADER_LINE
    ]


def facade_header_leaks(root: Path) -> list[str]:
    """api_version anywhere, a quoted "api-version"/"amperity-tenant", or such an argument."""
    quoted = re.compile(r"""["'](api-version|amperity-tenant)["']""", re.IGNORECASE)
    found = []
    for path in python_files(root):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        if "api_version" in text.lower() or quoted.search(text):
            found.append(rel)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.arg) and node.arg in {"api_version", "amperity_tenant"}:
                found.append(f"{rel}: argument {node.arg}")
    return found


def example_defaults(root: Path, examples: set[tuple[type, Any]]) -> list[str]:
    found = []
    for path in python_files(root):
        rel = path.relative_to(root).as_posix()
        for where, value in signature_defaults(path.read_text(encoding="utf-8")):
            if (type(value), value) in examples and (rel, value) not in ALLOWED_EXAMPLE_DEFAULTS:
                found.append(f"{rel}: {where} = {value!r}")
    return sorted(set(found))


def example_assignments(root: Path, examples: set[tuple[type, Any]]) -> list[str]:
    """The grep version: `= "<example>"` (or `= isoparse("<example>")`) anywhere."""
    strings = sorted(v for t, v in examples if t is str)
    found = []
    for path in python_files(root):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        for value in strings:
            if (rel, value) in ALLOWED_EXAMPLE_DEFAULTS:
                continue
            if re.search(r"""=\s*(?:isoparse\()?["']""" + re.escape(value) + r"""["']""", text):
                found.append(f"{rel}: {value!r}")
    return found


# -- the committed tree -----------------------------------------------------------------------


def test_every_operation_has_a_module() -> None:
    for rel in OPERATION_MODULES:
        assert (TREE / rel).is_file(), rel


def test_every_file_starts_with_the_do_not_edit_line() -> None:
    assert len(python_files(TREE)) > 30
    assert missing_header(TREE) == []


def test_no_api_version_parameter_or_facade_header() -> None:
    assert facade_header_leaks(TREE) == []


def test_no_signature_default_is_a_vendor_example(examples: set[tuple[type, Any]]) -> None:
    assert example_defaults(TREE, examples) == []


def test_no_example_string_assigned_as_default_textually(examples: set[tuple[type, Any]]) -> None:
    assert example_assignments(TREE, examples) == []


def test_real_defaults_are_generated() -> None:
    """with_total=False and view="overview" survive, so the scanners above are not vacuous."""
    detail = set(signature_defaults((TREE / "api/workflow/get_workflow.py").read_text()))
    assert ("build_request(view)", "overview") in detail
    listing = set(signature_defaults((TREE / "api/segments/list_segment.py").read_text()))
    assert ("build_request(with_total)", False) in listing


def test_scanner_catches_an_example_default() -> None:
    source = (
        "import datetime\n"
        "def f(*, run_mode: str = 'full', since=isoparse('2026-04-01T11:11:11Z')): ...\n"
        "class M:\n    template: str = 'ptg-2QLLqXBEq'\n"
    )
    assert set(signature_defaults(source)) == {
        ("f(run_mode)", "full"),
        ("f(since)", "2026-04-01T11:11:11Z"),
        ("M.template", "ptg-2QLLqXBEq"),
    }


# -- building ---------------------------------------------------------------------------------


def test_build_matches_committed_tree_and_running_twice_changes_nothing(
    fresh: Path, tmp_path: Path
) -> None:
    assert generate.differences(fresh, TREE) == []
    again = generate.build(SPEC_PATH, tmp_path)
    assert generate.differences(fresh, again) == []


def test_scanners_catch_an_unprepared_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, examples: set[tuple[type, Any]]
) -> None:
    """Skip prepare_spec and the traps reach the client; the scanners above must say so."""
    monkeypatch.setattr(generate.prepare_spec, "prepare", copy.deepcopy)
    raw = generate.build(SPEC_PATH, tmp_path)
    assert missing_header(raw) == []
    assert "api/segments/list_segment.py: argument api_version" in facade_header_leaks(raw)
    found = example_defaults(raw, examples)
    assert "api/workflow/list_workflows.py: build_request(state) = 'succeeded'" in found
    assert (
        "api/campaigns/list_campaign.py: build_request(destination_data_template_id) = 'ptg-2QLLqXBEq'"
        in found
    )
    assert "api/workflow/list_workflows.py: 'succeeded'" in example_assignments(raw, examples)


def test_check_generated_cli(tmp_path: Path) -> None:
    copy = tmp_path / "amperity_api"
    shutil.copytree(TREE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "client.cpython-311.pyc").write_bytes(b"stale bytecode is ignored")

    ok = run_check(copy)
    assert ok.returncode == 0, ok.stderr
    assert "in sync" in ok.stdout

    edited = copy / "api" / "segments" / "list_segment.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# hand edit\n", encoding="utf-8")
    stale = run_check(copy)
    assert stale.returncode == 1
    assert "make generate" in stale.stderr
    named = [line.strip() for line in stale.stderr.splitlines() if "differs:" in line]
    assert named == ["differs: generated/amperity_api/api/segments/list_segment.py"]
