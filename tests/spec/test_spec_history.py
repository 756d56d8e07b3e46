"""Replay the vendor's published history through spec_diff: the classifier must tell the
changes we know happened, and not bury them under false alarms.

The fixtures in tests/spec/history are the vendor's documents converted once to OpenAPI 3
with prose removed (see the README there). The assertions name the facts that matter, not a
frozen list, so a failure means the classifier got something real wrong.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

from scripts import spec_diff, specio

HISTORY = Path(__file__).resolve().parent / "history"
FILES = sorted(HISTORY.glob("*.yaml"))
STEPS = list(pairwise(FILES))


@cache
def changes(old: str, new: str) -> list[spec_diff.Change]:
    """Changes between the publications whose file names start with OLD and NEW."""
    (old_file,) = HISTORY.glob(f"{old}*.yaml")
    (new_file,) = HISTORY.glob(f"{new}*.yaml")
    return spec_diff.compare(specio.load(old_file), specio.load(new_file))


def kinds(found: list[spec_diff.Change], kind: str) -> list[spec_diff.Change]:
    return [c for c in found if c.kind == kind]


def test_the_history_is_all_there_and_openapi_3() -> None:
    assert len(FILES) == 9
    assert FILES[0].name.startswith("2024-07-19") and FILES[-1].name.startswith("2026-04-24")
    for path in FILES:
        spec_diff.check_openapi3(specio.load(path), path.name)


@pytest.mark.parametrize(
    ("old", "new"), STEPS, ids=[f"{a.stem[:10]}..{b.stem[:10]}" for a, b in STEPS]
)
def test_every_step_compares_and_renders(old: Path, new: Path) -> None:
    found = spec_diff.compare(specio.load(old), specio.load(new))
    assert [c.location for c in found] == sorted(c.location for c in found)
    text = spec_diff.render_text(found)
    assert text.startswith(("Breaking changes", "No differences."))


def test_stop_moved_from_a_colon_verb_to_a_sub_path_is_a_rename() -> None:
    found = changes("2024-07-19", "2024-07-31")
    (rename,) = kinds(found, "endpoint-renamed")
    assert rename.breaking
    assert rename.location == "POST /workflow/runs/{workflow-id}/stop"
    assert rename.detail == "/workflow/runs/{workflow-id}:stop -> /workflow/runs/{workflow-id}/stop"
    assert not kinds(found, "endpoint-removed") and not kinds(found, "endpoint-added")
    # the only other news: an optional api_version query parameter, not breaking
    assert [c for c in found if c.breaking] == [rename]


def test_ingest_job_listing_added_in_2024_10() -> None:
    found = changes("2024-09-10-b059568e", "2024-10-03")
    assert [(c.kind, c.breaking, c.location) for c in found] == [
        ("endpoint-added", False, "GET /ingest/jobs")
    ]


def test_starting_a_workflow_run_added_in_2025_04() -> None:
    found = changes("2024-11-07", "2025-04-23")
    assert ("endpoint-added", False, "POST /workflow/runs") in {
        (c.kind, c.breaking, c.location) for c in found
    }
    assert not any(c.breaking for c in found)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("2024-07-31", "2024-09-10-4e5cc5d7"),
        ("2024-10-03", "2024-11-07"),
        ("2025-04-23", "2026-04-03"),
    ],
)
def test_prose_only_publications_show_no_differences(old: str, new: str) -> None:
    assert changes(old, new) == []


class TestOpenAPI3Rewrite:
    """2026-04-03 (Swagger 2.0, converted) -> 2026-04-24 (rewritten by hand as OpenAPI 3)."""

    @staticmethod
    def found() -> list[spec_diff.Change]:
        return changes("2026-04-03", "2026-04-24")

    def test_dropped_int64_formats_are_widenings_not_breaking(self) -> None:
        widened = kinds(self.found(), "format-widened")
        assert len(widened) > 50  # the rewrite dropped ~59 of them
        assert all(not c.breaking and c.detail == "format int64 -> none" for c in widened)
        assert not kinds(self.found(), "format-changed")
        assert not kinds(self.found(), "format-narrowed")

    def test_the_same_operations_pair_up(self) -> None:
        found = self.found()
        for kind in ("endpoint-removed", "endpoint-added", "endpoint-renamed"):
            assert not kinds(found, kind), kind
        added = {c.location: c.detail for c in kinds(found, "operation-id-added")}
        assert added["POST /workflow/runs/{workflow-id}/stop"] == "operationId stop-workflow added"
        assert all(not c.breaking for c in kinds(found, "operation-id-added"))

    def test_api_version_moved_from_query_to_a_required_header(self) -> None:
        rows = {(c.kind, c.breaking, c.location) for c in self.found()}
        for key in ("GET /segments", "GET /workflow/runs/{workflow-id}"):
            assert ("parameter-removed", True, f"{key} query api_version") in rows
            assert ("parameter-added", True, f"{key} header api-version") in rows
        assert ("request-property-removed", True, "POST /workflow/runs request.api_version") in rows

    def test_document_wide_bearer_auth_and_a_second_server(self) -> None:
        rows = {(c.kind, c.breaking, c.location) for c in self.found()}
        assert ("security-added", True, "security") in rows
        assert ("security-scheme-added", False, "securitySchemes BearerAuth") in rows
        assert ("server-added", False, "servers") in rows

    def test_example_values_shipped_as_defaults_are_flagged(self) -> None:
        defaults = {c.location: c for c in kinds(self.found(), "default-added")}
        state = defaults["GET /workflow/runs query state"]
        assert state.breaking and "'succeeded'" in state.detail

    def test_new_response_fields_are_not_breaking(self) -> None:
        rows = {(c.kind, c.breaking, c.location) for c in self.found()}
        assert (
            "response-property-added",
            False,
            "GET /segments response 200.data[].status",
        ) in rows

    def test_error_responses_dropped_are_reported_but_not_breaking(self) -> None:
        dropped = kinds(self.found(), "response-removed")
        assert dropped and all(not c.breaking for c in dropped)
        assert {c.location.rsplit(" ", 1)[1] for c in dropped} <= {"404", "405", "503"}


@pytest.mark.parametrize(
    ("old", "new"), STEPS, ids=[f"{a.stem[:10]}..{b.stem[:10]}" for a, b in STEPS]
)
def test_the_vendor_never_paginated_nor_changed_variants_or_maps(old: Path, new: Path) -> None:
    # The history has closed objects (additionalProperties: false) opened by the rewrite,
    # and a single workflow carrying a task_instances array: neither is news.
    found = spec_diff.compare(specio.load(old), specio.load(new))
    quiet = ("pagination-added", "variants-changed", "additional-properties-changed")
    assert [c for c in found if c.kind in (*quiet, "schema-too-deep")] == []
