"""Output files under hostile conditions: two writers at once, planted links, permissions."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from amperity_api.models import Segment

from amperity_facade._cli._csv import declared_columns
from amperity_facade.testing import FakeAmperity, Fault

from .conftest import SMALL, Run, process_env


@contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def test_two_exports_to_one_path_both_succeed_whole(tmp_path: Path) -> None:
    with FakeAmperity(**SMALL) as fake:
        # every page slow, so the two exports are surely writing at the same time
        fake.inject(Fault("slow", delay=0.3, operation="list-segment", times=6))
        env = process_env(
            AMPERITY_TENANT=fake.tenant, AMPERITY_TOKEN=fake.token, AMPERITY_BASE_URL=fake.base_url
        )
        argv = [sys.executable, "-m", "amperity_facade", "segments", "list", "--limit", "10"]
        target = tmp_path / "segments.jsonl"
        both = [
            subprocess.Popen(
                [*argv, "--output", str(target)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(2)
        ]
        results = [process.communicate(timeout=60) for process in both]
        assert fake.count("list-segment") == 6
    for process, (_, err) in zip(both, results, strict=True):
        assert process.returncode == 0, err
        assert err == f"wrote 30 segments (3 pages) to {target}\n"
    assert len(ids(target)) == 30 and len(set(ids(target))) == 30
    assert [p.name for p in tmp_path.iterdir()] == ["segments.jsonl"]


def test_a_planted_part_symlink_is_left_alone(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    target = tmp_path / "segments.jsonl"
    planted = tmp_path / "segments.jsonl.part"
    planted.symlink_to(victim)

    result = run("segments", "list", "--output", str(target))
    assert result.code == 0, result.err
    assert victim.read_text() == "precious\n"
    assert planted.is_symlink() and planted.readlink() == victim
    assert not target.is_symlink() and len(ids(target)) == 30
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "segments.jsonl",
        "segments.jsonl.part",
        "victim.txt",
    ]


def test_a_replaced_file_keeps_its_permissions(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "segments.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    with umask(0o022):
        result = run("segments", "list", "--output", str(target))
    assert result.code == 0, result.err
    assert target.read_text().startswith(",".join(declared_columns(Segment)) + "\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_file_follows_the_umask(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path, mask: int, mode: int
) -> None:
    target = tmp_path / "segments.csv"
    with umask(mask):
        result = run("segments", "list", "--output", str(target))
    assert result.code == 0, result.err
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_an_appended_file_follows_the_umask_when_new(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "segments.jsonl"
    with umask(0o027):
        result = run("segments", "list", "--output", str(target), "--append")
    assert result.code == 0, result.err
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_directory_as_output_is_a_usage_error(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    result = run("segments", "list", "--output", str(tmp_path))
    assert (result.code, result.err) == (2, f"error: cannot write {tmp_path}: it is a directory\n")
    assert list(tmp_path.iterdir()) == []
