"""Each `amperity` command against the fake tenant, compared with what the library returns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amperity_facade import Amperity
from amperity_facade.testing import FakeAmperity, Fault

from .conftest import Run


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_segments_list_pipes_jsonl_by_default(
    env: pytest.MonkeyPatch, run: Run, client: Amperity
) -> None:
    result = run("segments", "list")
    assert result.code == 0, result.err
    assert lines(result.out) == list(client.segments.list().as_dicts())
    assert result.err == ""


def test_campaigns_filter_by_template(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity
) -> None:
    direct = Amperity(tenant=fake.tenant, token=fake.token, base_url=fake.base_url)
    for name, listing in (
        ("campaigns", direct.campaigns),
        ("campaign-drafts", direct.campaign_drafts),
    ):
        everything = run(name, "list")
        assert everything.code == 0, everything.err
        template = "ptg-2QLLqXBEq"
        filtered = run(name, "list", "--destination-data-template-id", template)
        assert filtered.code == 0, filtered.err
        assert fake.requests[-1].query["destination_data_template_id"] == [template]
        expected = list(listing.list(destination_data_template_id=template).as_dicts())
        assert lines(filtered.out) == expected
        assert len(lines(everything.out)) > len(expected)
    direct.close()


def test_audit_events_export_spans_pages(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity
) -> None:
    direct = Amperity(tenant=fake.tenant, token=fake.token, base_url=fake.base_url)
    whole = list(direct.audit_events.list(limit=1000).as_dicts())
    fake.reset()
    result = run(
        "audit-events", "list", "--from", "2026-10-01", "--to", "2026-11-02", "--limit", "25"
    )
    assert result.code == 0, result.err
    assert lines(result.out) == whole
    assert len(whole) == 120
    assert fake.count("list-events") == 5  # 25 + 25 + 25 + 25 + 20
    direct.close()


def test_audit_events_window_and_required_bounds(env: pytest.MonkeyPatch, run: Run) -> None:
    result = run("audit-events", "list", "--from", "2026-10-25", "--to", "2026-11-01")
    assert result.code == 0
    times = [e["happened_at"] for e in lines(result.out)]
    assert times and all("2026-10-25" <= t < "2026-11-01" for t in times)
    missing = run("audit-events", "list", "--from", "2026-10-25")
    assert missing.code == 2
    assert "--to" in missing.err


def test_max_items_stops_early(env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity) -> None:
    result = run("segments", "list", "--max-items", "7", "--limit", "5")
    assert result.code == 0
    assert len(lines(result.out)) == 7
    assert fake.count("list-segment") == 2


def test_ingest_jobs_list_and_get(env: pytest.MonkeyPatch, run: Run, client: Amperity) -> None:
    listed = run("ingest-jobs", "list", "--from", "2026-10-01", "--to", "2026-11-01")
    assert listed.code == 0, listed.err
    jobs = lines(listed.out)
    # 31 days: the library splits the range into five windows of at most 7 days
    assert [j["id"] for j in jobs] == [
        j.id for j in client.ingest_jobs.list(created_from="2026-10-01", created_to="2026-11-01")
    ]
    got = run("ingest-jobs", "get", str(jobs[0]["id"]), "--format", "json")
    assert got.code == 0
    # `list` writes items as the API sent them, `get` the object the library parsed: the
    # same fields, timestamps perhaps spelled differently (Z or +00:00).
    shown = json.loads(got.out)
    assert shown["id"] == jobs[0]["id"] and shown.keys() == jobs[0].keys()


def test_workflows_list_filters(env: pytest.MonkeyPatch, run: Run) -> None:
    result = run("workflows", "list", "--state", "succeeded", "--type", "courier.group/run")
    assert result.code == 0
    found = lines(result.out)
    assert found and {(w["state"], w["type"]) for w in found} == {
        ("succeeded", "courier.group/run")
    }
    window = run("workflows", "list", "--created-from", "2026-10-20", "--created-to", "2026-11-01")
    assert all("2026-10-20" <= w["created_at"] < "2026-11-01" for w in lines(window.out))


def test_workflows_get_tasks_and_stop(env: pytest.MonkeyPatch, run: Run) -> None:
    started = run("workflows", "run", "og-nightly", "--run-mode", "refresh", "--format", "json")
    assert started.code == 0, started.err
    workflow = json.loads(started.out)
    assert workflow["state"] == "scheduled"
    plain = lines(run("workflows", "get", workflow["id"]).out)[0]  # each poll moves it on
    assert plain["state"] == "running" and "task_instances" not in plain
    stopped = run("workflows", "stop", workflow["id"])
    assert stopped.code == 0, stopped.err
    assert lines(stopped.out)[0]["state"] == "stopping"
    verbose = lines(run("workflows", "get", workflow["id"], "--tasks").out)[0]
    assert verbose["state"] == "canceled"
    assert len(verbose["task_instances"]) == 2
    again = run("workflows", "stop", workflow["id"])
    assert again.code == 1 and again.err.startswith("error: 409 ")


def test_run_wait_reports_each_state(env: pytest.MonkeyPatch, run: Run) -> None:
    result = run("workflows", "run", "cg-daily", "--wait", "--poll-interval", "0.01")
    assert result.code == 0, result.err
    assert lines(result.out)[0]["state"] == "succeeded"
    reported = [line.split(":")[1].split()[0] for line in result.err.splitlines()]
    assert reported == ["scheduled", "running", "succeeded"]


def test_run_wait_failure_exits_1_with_the_workflow_error(
    env: pytest.MonkeyPatch, run: Run
) -> None:
    result = run("workflows", "run", "cg-fail", "--wait", "--poll-interval", "0.01")
    assert result.code == 1
    assert result.out == ""
    last = result.err.splitlines()[-1]
    assert last.startswith("error: workflow wf-") and " failed: " in last
    assert "amperity.workflow.task" in last  # the error type
    assert "cg-fail failed" in last  # the message
    assert "Traceback" not in result.err


def test_run_wait_timeout_exits_1(env: pytest.MonkeyPatch, run: Run) -> None:
    result = run(
        "workflows", "run", "cg-slow", "--wait", "--timeout", "0.05", "--poll-interval", "0.05"
    )
    assert result.code == 1
    assert "still running after 0.05s" in result.err
    assert "amperity workflows stop wf-" in result.err


def test_timeout_without_wait_is_a_usage_error(env: pytest.MonkeyPatch, run: Run) -> None:
    assert run("workflows", "run", "cg-x", "--timeout", "5").code == 2


def test_not_found_is_one_line_with_request_id(env: pytest.MonkeyPatch, run: Run) -> None:
    result = run("workflows", "get", "wf-missing")
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("error: 404 ") and "(request_id=req-" in result.err
    assert len(result.err.splitlines()) == 1


def test_bad_token_exits_1_without_showing_it(env: pytest.MonkeyPatch, run: Run) -> None:
    secret = "definitely-wrong-token-4711"
    env.setenv("AMPERITY_TOKEN", secret)
    result = run("segments", "list")
    assert result.code == 1
    assert result.err.startswith("error: 401 ")
    assert secret not in result.out + result.err


def test_missing_tenant_or_credentials_exit_2(clean_env: pytest.MonkeyPatch, run: Run) -> None:
    clean_env.setenv("AMPERITY_TOKEN", "t0k3n-abc")
    result = run("segments", "list")
    assert (result.code, result.err) == (
        2,
        "error: no tenant: pass --tenant ID or set AMPERITY_TENANT\n",
    )
    clean_env.delenv("AMPERITY_TOKEN")
    result = run("--tenant", "acme", "segments", "list")
    assert result.code == 2 and "no credentials" in result.err
    assert "t0k3n-abc" not in result.err


def test_token_file_and_options_after_the_subcommand(
    clean_env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(fake.token + "\n")
    connection = ("--tenant", fake.tenant, "--base-url", fake.base_url)
    result = run(
        "segments", "list", "--max-items", "2", *connection, "--token-file", str(token_file)
    )
    assert result.code == 0, result.err
    assert len(lines(result.out)) == 2
    assert fake.requests[-1].headers["authorization"] == f"Bearer {fake.token}"
    assert fake.token not in result.out + result.err


def test_unreadable_token_file_exits_2(env: pytest.MonkeyPatch, run: Run, tmp_path: Path) -> None:
    result = run("--token-file", str(tmp_path / "nope"), "segments", "list")
    assert result.code == 2
    assert result.err.startswith("error: cannot read token file ")
    (tmp_path / "empty").write_text("\n")
    assert run("--token-file", str(tmp_path / "empty"), "segments", "list").code == 2


def test_token_is_never_printed(env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity) -> None:
    fake.inject(Fault("status", status=403))
    outputs = [
        run("workflows", "list", "--max-items", "3", "--format", "table"),
        run("workflows", "run", "cg-print", "--wait", "--poll-interval", "0.01"),
        run("segments", "list", "--max-items", "3", "--format", "csv"),
        run("--help"),
    ]
    assert fake.token not in "".join(r.out + r.err for r in outputs)


def test_usage_errors_and_help(env: pytest.MonkeyPatch, run: Run) -> None:
    assert run("segments").code == 2
    assert run("segments", "list", "--limit", "0").code == 2
    assert run("segments", "list", "--format", "xml").code == 2
    assert run("audit-events", "list", "--from", "last week", "--to", "2026-11-01").code == 2
    help = run("--help")
    assert help.code == 0
    assert "exit codes:" in help.out and "130" in help.out and "AMPERITY_TOKEN" in help.out
    assert "--token " not in help.out  # no way to pass a token as an argument


def test_bad_configuration_from_the_library_exits_2(env: pytest.MonkeyPatch, run: Run) -> None:
    result = run("--api-version", "latest", "segments", "list")
    assert result.code == 2
    assert "--api-version 'latest' is malformed" in result.err


@pytest.mark.parametrize(
    "option",
    [
        ("--timeout", "inf"),
        ("--timeout", "1e400"),
        ("--timeout", "nan"),
        ("--timeout", "-1"),
        ("--poll-interval", "inf"),
        ("--poll-interval", "0"),
    ],
)
def test_bad_wait_settings_are_refused_before_a_workflow_starts(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, option: tuple[str, str]
) -> None:
    result = run("workflows", "run", "cg-daily", "--wait", *option)
    assert result.code == 2
    assert "positive, finite number of seconds" in result.err or "not a number" in result.err
    assert fake.count("run-workflow") == 0  # nothing was started
