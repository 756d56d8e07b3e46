"""`amperity profiles ...` and `amperity realtime ...` against the fake tenant."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from amperity_facade.testing import FakeAmperity

from .conftest import Run


def _jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_indexes_list_and_get(run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity) -> None:
    listed = run("profiles", "indexes", "list", "--format", "jsonl")
    assert listed.code == 0, listed.err
    assert [row["id"] for row in _jsonl(listed.out)] == [i.id for i in fake.profile_indexes]
    one = run("profiles", "indexes", "get", fake.profile_indexes[0].id, "--format", "json")
    assert one.code == 0 and json.loads(one.out)["name"] == fake.profile_indexes[0].name


def test_profiles_export_with_filters_to_csv(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    index = fake.profile_indexes[0]
    rows = fake.profiles(index.id)
    tier = rows[0]["attributes"]["loyalty_tier"]
    expected = [r["id"] for r in rows if r["attributes"].get("loyalty_tier") == tier]
    out = tmp_path / "gold.csv"
    done = run("profiles", "list", index.id, "--filter", f"loyalty_tier={tier}", "-o", str(out))
    assert done.code == 0, done.err
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["id"] for r in table] == expected
    assert {r["attributes.loyalty_tier"] for r in table} == {tier}
    assert f"wrote {len(expected)} profiles" in done.err


def test_a_filter_without_a_value_is_a_usage_error(run: Run, env: pytest.MonkeyPatch) -> None:
    done = run("profiles", "list", "idx-1", "--filter", "loyalty_tier")
    assert done.code == 2 and "ATTRIBUTE=VALUE" in done.err


def test_profiles_get(run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity) -> None:
    index = fake.profile_indexes[1]
    profile_id = index.profile_ids[2]
    done = run("profiles", "get", index.id, profile_id, "--format", "json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["id"] == profile_id


def _member(fake: FakeAmperity) -> tuple[str, dict[str, object]]:
    collection = fake.collections[0]
    return collection.id, fake.realtime_profiles(collection.id)[3]


def test_lookup_reads_keys_from_a_file_and_prints_the_profile(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    collection, profile = _member(fake)
    attributes = profile["attributes"]
    assert isinstance(attributes, dict)
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"email": attributes["email"]}), encoding="utf-8")
    done = run("realtime", "lookup", collection, "--keys-file", str(keys), "--format", "json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["profile_id"] == profile["profile_id"]


def test_lookup_reads_name_value_lines_from_stdin(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, monkeypatch: pytest.MonkeyPatch
) -> None:
    collection, profile = _member(fake)
    attributes = profile["attributes"]
    assert isinstance(attributes, dict)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"customer_id={attributes['customer_id']}\n"))
    done = run("realtime", "lookup", collection, "--keys-file", "-", "--format", "json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["profile_id"] == profile["profile_id"]


def test_lookup_without_a_match_exits_1_and_never_shows_the_key(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity
) -> None:
    secret = "nobody-at-all@example.com"
    done = run("realtime", "lookup", fake.collections[0].id, "--key", f"email={secret}")
    assert done.code == 1 and "no profile" in done.err
    assert secret not in done.out + done.err


@pytest.mark.parametrize("bad", ["emailZq9", "=Zq9", "  =Zq9", "email="])
def test_a_malformed_key_is_a_usage_error_that_does_not_echo_it(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, bad: str
) -> None:
    done = run("realtime", "lookup", fake.collections[0].id, "--key", bad)
    assert done.code == 2 and "NAME=VALUE" in done.err
    assert "Zq9" not in done.out + done.err


def test_lookup_needs_keys(run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity) -> None:
    done = run("realtime", "lookup", fake.collections[0].id)
    assert done.code == 2 and "--keys-file" in done.err


def test_lookup_help_warns_about_shell_history(run: Run) -> None:
    done = run("realtime", "lookup", "--help")
    assert "shell history" in " ".join(done.out.split())


def test_realtime_profile_segments_and_members(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity
) -> None:
    segment = fake.collections[0].segments[0]
    owner = segment.profile_ids[0]
    members = run("realtime", "members", segment.id, "--format", "jsonl")
    assert members.code == 0, members.err
    assert [r["profile_id"] for r in _jsonl(members.out)] == list(segment.profile_ids)
    segments = run("realtime", "segments", segment.collection_id, owner, "--format", "jsonl")
    assert segment.id in [r["segment_id"] for r in _jsonl(segments.out)]
    profile = run(
        "realtime", "profile", segment.collection_id, owner, "--enrich", "--format", "json"
    )
    assert json.loads(profile.out)["profile_id"] == owner
