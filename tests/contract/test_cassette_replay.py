"""Every cassette replays offline (record mode "none") through the facade, and replay fails
as soon as the facade stops sending the api-version or tenant header it recorded."""

from __future__ import annotations

import pytest
from vcr.errors import CannotOverwriteExistingCassetteException

import amperity_facade._base as _base
import amperity_facade._config as config
from amperity_facade._families import Family
from scripts.cassette_scenarios import SCENARIOS, Scenario, client_for
from scripts.cassettes import CASSETTES, PLACEHOLDER_BASE_URL, REDACTED, make_vcr, use_cassette

EXPECTED = {
    "list_segments",
    "list_segments_multipage",
    "list_campaigns",
    "list_campaign_drafts",
    "list_audit_events",
    "list_ingest_jobs",
    "get_ingest_job",
    "list_workflows",
    "run_workflow",
    "get_workflow",
    "stop_workflow",
    "rate_limited_then_success",
    "unavailable_then_success",
    "server_errors_until_retries_run_out",
    "unauthorized",
    "not_found",
    "oauth_token_exchange",
    "deprecation_headers",
    "list_profile_indexes",
    "get_profile_index",
    "list_profiles_filtered",
    "get_profile",
    "realtime_lookup",
    "realtime_lookup_no_match",
    "realtime_segments_and_members",
    "stream_send",
    "stream_send_retried_after_503",
    "realtime_send_event",
}


def replay(scenario: Scenario) -> object:
    recorder = make_vcr("none")
    with (
        use_cassette(recorder, CASSETTES / f"{scenario.name}.yaml") as cassette,
        client_for(scenario, PLACEHOLDER_BASE_URL, secret=REDACTED, token=REDACTED) as client,
    ):
        result = scenario.execute(client)
        assert cassette.all_played, f"{scenario.name}: some recorded answers were never asked for"
    return result


def test_every_listed_cassette_exists() -> None:
    assert {s.name for s in SCENARIOS} == EXPECTED
    assert {p.stem for p in CASSETTES.glob("*.yaml")} == EXPECTED


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_cassette_replays_offline(scenario: Scenario) -> None:
    scenario.check(replay(scenario))


@pytest.mark.parametrize("header", ["amperity-tenant", "api-version"])
def test_replay_fails_without_tenant_or_version_header(
    monkeypatch: pytest.MonkeyPatch, header: str
) -> None:
    original = config.family_headers

    def without(options: config.Options, family: Family) -> dict[str, str]:
        return {k: v for k, v in original(options, family).items() if k != header}

    monkeypatch.setattr(config, "family_headers", without)
    monkeypatch.setattr(_base, "family_headers", without)
    scenario = next(s for s in SCENARIOS if s.name == "list_segments")
    with pytest.raises(CannotOverwriteExistingCassetteException):
        replay(scenario)


def test_replay_fails_with_another_version() -> None:
    scenario = next(s for s in SCENARIOS if s.name == "list_segments")
    with (
        use_cassette(make_vcr("none"), CASSETTES / "list_segments.yaml"),
        client_for(scenario, PLACEHOLDER_BASE_URL, secret=REDACTED, token=REDACTED) as client,
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        list(client.with_options(api_version="2025-01-01").segments.list())
