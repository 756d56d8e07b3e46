"""Issue 10, hostile review B: output paths that are not plain files.

`-o` onto a FIFO must feed its reader, not replace it with a regular file; a symlink is
followed like the shell's `>` (the link stays, its target is replaced); a replaced file
keeps only its permission bits, never setuid/setgid/sticky; an Excel CSV with a byte
order mark can be appended to.
"""

from __future__ import annotations

import contextlib
import csv
import os
import stat
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from amperity_facade import Amperity
from amperity_facade.testing import FakeAmperity

from .conftest import Run

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and modes are POSIX")


@contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def finish(reader: threading.Thread, fifo: Path) -> None:
    """Wait for the FIFO's reader; if nothing ever opened the FIFO to write, let it go."""
    reader.join(timeout=5)
    if reader.is_alive():
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=5)


@posix_only
def test_review_issue10_a_fifo_gets_the_data_and_stays_a_fifo(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = run("segments", "list", "--max-items", "3", "-o", str(fifo))
    finish(reader, fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a file"
    assert result.code == 0, result.err
    assert len(received[0].decode().splitlines()) == 3
    assert sorted(os.listdir(tmp_path)) == ["pipe.jsonl"]


@posix_only
def test_review_issue10_next_token_onto_a_fifo_is_not_refused_as_an_existing_file(
    env: pytest.MonkeyPatch, run: Run, fake: FakeAmperity, tmp_path: Path
) -> None:
    with Amperity(tenant=fake.tenant, token=fake.token, base_url=fake.base_url) as client:
        cursor = next(iter(client.segments.list(limit=2).pages())).next_token
    assert cursor
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("segments", "list", "--max-items", "2", "-o", str(fifo), "--next-token", cursor)
    finish(reader, fifo)
    assert result.code == 0, result.err
    assert len(received[0].decode().splitlines()) == 2


@posix_only
def test_review_issue10_a_symlink_target_is_replaced_and_loses_setuid(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "program"
    target.write_text("old")
    os.chmod(target, 0o4755 | stat.S_ISGID)
    link = tmp_path / "out.csv"
    link.symlink_to(target.name)
    result = run("segments", "list", "-o", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink() and os.readlink(link) == target.name
    assert stat.S_IMODE(target.stat().st_mode) == 0o755  # no setuid, no setgid
    assert target.read_text().startswith("id,name,status")
    assert sorted(os.listdir(tmp_path)) == ["out.csv", "program"]


@posix_only
def test_review_issue10_a_world_writable_target_keeps_its_mode_under_umask_077(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "shared.csv"
    target.write_text("old")
    os.chmod(target, 0o666)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    plain = tmp_path / "plain.csv"
    plain.write_text("old")
    os.chmod(plain, 0o666)
    with umask(0o077):
        through_link = run("segments", "list", "-o", str(link))
        direct = run("segments", "list", "-o", str(plain))
    assert through_link.code == 0 and direct.code == 0
    assert link.is_symlink()
    assert stat.S_IMODE(target.stat().st_mode) == 0o666
    assert stat.S_IMODE(plain.stat().st_mode) == 0o666
    assert target.read_text().startswith("id,name,status")


@posix_only
def test_review_issue10_a_dangling_symlink_creates_its_target(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    link = tmp_path / "out.jsonl"
    link.symlink_to("made.jsonl")
    with umask(0o022):
        result = run("segments", "list", "--max-items", "2", "-o", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink()
    made = tmp_path / "made.jsonl"
    assert len(made.read_text().splitlines()) == 2
    assert stat.S_IMODE(made.stat().st_mode) == 0o644


@posix_only
def test_review_issue10_append_through_a_dangling_symlink_that_fails_keeps_the_link(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    link = tmp_path / "out.jsonl"
    link.symlink_to("made.jsonl")
    result = run("segments", "list", "-o", str(link), "--append", "--next-token", "bogus")
    assert result.code == 1
    assert link.is_symlink(), "the failed export removed the user's link"
    assert not (tmp_path / "made.jsonl").exists()


def test_review_issue10_append_to_a_csv_with_a_byte_order_mark(
    env: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "excel.csv"
    target.write_bytes(b"\xef\xbb\xbfid,name,status\r\nseg-1,Old,active\r\n")
    result = run("segments", "list", "--max-items", "2", "-o", str(target), "--append")
    assert result.code == 0, result.err
    assert "left out" not in result.err  # no column lost to a header misread
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["id", "name", "status"]
    assert len(rows) == 4
    assert all(row[0].startswith("seg-") and row[1] and row[2] for row in rows[1:])
