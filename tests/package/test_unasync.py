"""The sync code is exactly what scripts/unasync.py makes of the async code.

Each test works on a copy of the files involved, so the repository is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A repository holding just what the script reads: its code, its inputs, ruff's settings."""
    for folder in ("amperity_facade/_async", "amperity_facade/_sync"):
        shutil.copytree(
            REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "unasync.py", tmp_path / "scripts" / "unasync.py")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def unasync(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "unasync.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo,
    )


def test_the_committed_sync_code_is_in_step(copy: Path) -> None:
    result = unasync(copy, "--check")
    assert result.returncode == 0, result.stderr


def test_a_hand_edit_of_the_sync_client_fails_the_check_naming_the_file(copy: Path) -> None:
    client = copy / "amperity_facade" / "_sync" / "client.py"
    client.write_text(client.read_text().replace("timeout: float = 3600", "timeout: float = 60"))
    result = unasync(copy, "--check")
    assert result.returncode == 1
    assert "differs: amperity_facade/_sync/client.py" in result.stderr
    assert "timeout: float = 60" in result.stderr  # the diff shows what was changed
    assert "make generate" in result.stderr
    # Writing mode puts the generated text back.
    assert unasync(copy).returncode == 0
    assert unasync(copy, "--check").returncode == 0


def test_a_change_to_the_async_code_must_reach_the_sync_code(copy: Path) -> None:
    source = copy / "amperity_facade" / "_async" / "client.py"
    source.write_text(
        source.read_text().replace("poll_interval: float = 10", "poll_interval: float = 5")
    )
    result = unasync(copy, "--check")
    assert result.returncode == 1 and "amperity_facade/_sync/client.py" in result.stderr
    assert unasync(copy).returncode == 0
    assert (
        "poll_interval: float = 5" in (copy / "amperity_facade" / "_sync" / "client.py").read_text()
    )


def test_a_sync_module_without_an_async_source_is_named(copy: Path) -> None:
    (copy / "amperity_facade" / "_sync" / "extra.py").write_text('"""hand-written"""\n')
    result = unasync(copy, "--check")
    assert result.returncode == 1
    assert "no async source for: amperity_facade/_sync/extra.py" in result.stderr


def test_every_generated_file_says_where_it_comes_from() -> None:
    for path in sorted((REPO / "amperity_facade" / "_sync").glob("*.py")):
        first = path.read_text().splitlines()[0]
        assert first.startswith(f"# Generated from amperity_facade/_async/{path.name} "), path


def _recipe(target: str) -> str:
    """The commands of a Makefile target, as text."""
    lines = (REPO / "Makefile").read_text().splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"{target}:")))
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        body.append(line)
    return "\n".join(body)


def test_make_generate_writes_and_make_check_generated_checks_the_sync_code() -> None:
    assert "-m scripts.unasync\n" in _recipe("generate") + "\n"
    assert "-m scripts.unasync --check" in _recipe("check-generated")
    assert "check-generated" in next(
        line for line in (REPO / "Makefile").read_text().splitlines() if line.startswith("test:")
    )
