"""`amperity streams send`: files of records into a stream, rejects kept, resumable."""

from __future__ import annotations

import csv
import io
import json
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from amperity_facade.testing import FakeAmperity, Fault

from .conftest import Run, process_env
from .test_cli_resume import wait_for

STREAM = "is-cli0001"


def jsonl(path: Path, count: int, bad: dict[int, str] | None = None) -> Path:
    """`count` records, 1-based input numbers; `bad` replaces some lines by other text."""
    bad = bad or {}
    with path.open("w", encoding="utf-8") as handle:
        for number in range(1, count + 1):
            handle.write(bad.get(number, json.dumps({"n": number})) + "\n")
    return path


def stored(fake: FakeAmperity) -> list[int]:
    return sorted(record["n"] for _, record in fake.stream_records(STREAM))


def test_a_file_is_sent_and_its_bad_lines_are_rejected_with_their_numbers(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    source = jsonl(tmp_path / "in.jsonl", 50, {7: "not json", 20: "[1, 2]"})
    rejects = tmp_path / "rejects.jsonl"
    done = run("streams", "send", STREAM, "--file", str(source), "--rejects", str(rejects))
    assert done.code == 1, done.err
    assert "48 records accepted by is-cli0001; 2 rejected (records 7, 20), written to" in done.err
    assert stored(fake) == [n for n in range(1, 51) if n not in (7, 20)]
    lines = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(r["record"], r["message"]) for r in lines] == [
        (7, "not JSON"),
        (20, "not a JSON object"),
    ]
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600


def test_csv_rows_and_stdin(
    run: Run,
    env: pytest.MonkeyPatch,
    fake: FakeAmperity,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["n", "city"])
    writer.writerows([[n, f"Town {n}"] for n in range(1, 6)])
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(table.getvalue().encode())))
    done = run("streams", "send", STREAM, "--file", "-", "--input-format", "csv")
    assert done.code == 0, done.err
    records = [record for _, record in fake.stream_records(STREAM)]
    assert sorted(records, key=lambda r: int(r["n"])) == [
        {"n": str(n), "city": f"Town {n}"} for n in range(1, 6)
    ]


def test_skip_starts_after_the_records_already_sent(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    source = jsonl(tmp_path / "in.jsonl", 30, {3: "{broken"})
    done = run("streams", "send", STREAM, "--file", str(source), "--skip", "10")
    assert done.code == 0, done.err
    assert stored(fake) == list(range(11, 31))


@pytest.mark.parametrize(
    "argv", [["--skip", "-1"], ["--concurrency", "0"], ["--concurrency", "300"], ["--file"]]
)
def test_bad_options_are_usage_errors(run: Run, env: pytest.MonkeyPatch, argv: list[str]) -> None:
    assert (
        run("streams", "send", STREAM, *(argv if "--file" in argv else ["--file", "x", *argv])).code
        == 2
    )


def test_a_malformed_stream_id_sends_nothing(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    source = jsonl(tmp_path / "in.jsonl", 3)
    done = run("streams", "send", "not-a-stream", "--file", str(source))
    assert done.code == 2 and "stream" in done.err
    assert fake.count(operation="post-stream-data") == 0


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_send_resumes_with_skip_and_sends_each_record_once(
    tmp_path: Path, signum: int
) -> None:
    count = 400
    source = jsonl(tmp_path / "in.jsonl", count)
    with FakeAmperity() as fake:
        fake.inject(Fault("slow", delay=8, operation="post-stream-data", request_number=120))
        env = process_env(
            AMPERITY_TENANT=fake.tenant, AMPERITY_TOKEN=fake.token, AMPERITY_BASE_URL=fake.base_url
        )
        argv = [sys.executable, "-m", "amperity_facade", "streams", "send", STREAM]
        argv += ["--file", str(source), "--concurrency", "4"]
        process = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: fake.count(operation="post-stream-data") >= 120)
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 128 + signum, err
        # one numbering, the input's: not the library's own note, counted from 0 in this run
        assert "send_many:" not in err and "this run: " in err, err
        assert "stopping: waiting for the records in flight" in err  # said at once
        skip = int(err.rsplit("--skip ", 1)[1].split()[0])
        first = stored(fake)
        assert first == list(range(1, len(first) + 1)) or set(range(1, skip + 1)) <= set(first)
        resumed = subprocess.run(
            [*argv, "--skip", str(skip)], env=env, capture_output=True, text=True
        )
        assert resumed.returncode == 0, resumed.stderr
        assert sorted(stored(fake)) == list(range(1, count + 1))  # each once, none lost


def test_a_line_that_is_not_utf8_is_rejected_with_its_number(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"n": n}).encode() for n in range(1, 21)]
    lines[6] = b'{"n": "\xff\xfe"}'
    source.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")  # with a BOM, too
    rejects = tmp_path / "rejects.jsonl"
    done = run("streams", "send", STREAM, "--file", str(source), "--rejects", str(rejects))
    assert done.code == 1, done.err
    assert stored(fake) == [n for n in range(1, 21) if n != 7]
    (line,) = [json.loads(text) for text in rejects.read_text(encoding="utf-8").splitlines()]
    assert line["record"] == 7 and line["message"] == "not UTF-8 text"


def test_a_csv_line_that_is_not_utf8_stops_the_send_and_says_where_to_resume(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    rows = [b"n,city", *(f"{n},Town {n}".encode() for n in range(1, 41))]
    rows[25] = b"25,T\xffwn"
    source.write_bytes(b"\n".join(rows) + b"\n")
    done = run("streams", "send", STREAM, "--file", str(source), "--concurrency", "3")
    assert done.code == 1
    assert "record 25 of --file (line 26) is not UTF-8 text" in done.err
    assert "Traceback" not in done.err
    assert "resume with --skip 24" in done.err, done.err
    assert sorted(int(record["n"]) for _, record in fake.stream_records(STREAM)) == list(
        range(1, 25)
    )


def test_a_signal_after_the_last_record_does_not_hide_that_all_were_sent(
    run: Run,
    env: pytest.MonkeyPatch,
    fake: FakeAmperity,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from amperity_facade._cli import _stream_send

    record_rejects = _stream_send._record_rejects

    def signalled(source: Any, report: Any) -> None:
        signal.raise_signal(signal.SIGTERM)  # arrives as the rejects are being written
        record_rejects(source, report)

    monkeypatch.setattr(_stream_send, "_record_rejects", signalled)
    all_sent_despite_the_signal(run, fake, tmp_path)


def test_records_the_api_refuses_reach_the_rejects_file_with_their_numbers(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    fake.inject(Fault("status", status=400, operation="post-stream-data", times=3))
    source = jsonl(tmp_path / "in.jsonl", 12, {2: "not json"})
    rejects = tmp_path / "rejects.jsonl"
    done = run(
        "streams",
        "send",
        STREAM,
        "--file",
        str(source),
        "--rejects",
        str(rejects),
        "--concurrency",
        "1",
    )
    assert done.code == 1, done.err
    lines = [json.loads(text) for text in rejects.read_text(encoding="utf-8").splitlines()]
    refused = sorted(line["record"] for line in lines if line["status"] == 400)
    assert len(refused) == 3 and {line["record"] for line in lines} == {2, *refused}
    assert sorted([*stored(fake), *refused]) == [n for n in range(1, 13) if n != 2]


def test_lines_the_library_would_refuse_go_to_the_rejects_file_and_the_send_goes_on(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    deep = '{"a":' + "[" * 100_000 + "]" * 100_000 + "}"
    source = jsonl(tmp_path / "in.jsonl", 12, {5: deep, 8: '{"\\ud800x": "v"}'})
    rejects = tmp_path / "rejects.jsonl"
    done = run("streams", "send", STREAM, "--file", str(source), "--rejects", str(rejects))
    assert done.code == 1, done.err
    assert stored(fake) == [n for n in range(1, 13) if n not in (5, 8)]
    lines = [json.loads(text) for text in rejects.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["record"] for line in lines) == [5, 8]
    assert any("nested too deeply" in line["message"] for line in lines)
    assert any("lone surrogate" in line["message"] for line in lines)


def test_a_signal_as_the_library_returns_does_not_hide_that_all_were_sent(
    run: Run,
    env: pytest.MonkeyPatch,
    fake: FakeAmperity,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from amperity_facade import _sending

    finish = _sending.Ledger.finish

    def signalled(self: Any) -> Any:
        report = finish(self)
        signal.raise_signal(signal.SIGINT)  # after the report is made, before it is returned
        return report

    monkeypatch.setattr(_sending.Ledger, "finish", signalled)
    all_sent_despite_the_signal(run, fake, tmp_path)


def all_sent_despite_the_signal(run: Run, fake: FakeAmperity, tmp_path: Path) -> None:
    """A signal the test arranged came after every record was sent: the CLI says so."""
    source = jsonl(tmp_path / "in.jsonl", 40)
    done = run("streams", "send", STREAM, "--file", str(source), "--concurrency", "4")
    assert done.code == 0, done.err
    assert "40 records accepted" in done.err + done.out
    assert stored(fake) == list(range(1, 41))


def test_refused_credentials_stop_the_send_at_once(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    env.setenv("AMPERITY_TOKEN", "not-the-token")
    source = jsonl(tmp_path / "in.jsonl", 600)
    rejects = tmp_path / "rejects.jsonl"
    argv = ["streams", "send", STREAM, "--file", str(source), "--rejects", str(rejects)]
    done = run(*argv, "--concurrency", "4")
    assert done.code == 1
    assert "the API refused record" in done.err and "401" in done.err, done.err
    assert "no record is settled: rerun from the start" in done.err, done.err
    assert "counting from 0" not in done.err  # input record numbers only
    assert fake.count(operation="post-stream-data") < 50
    assert not rejects.exists() or rejects.read_text() == ""  # not the records' fault
    env.setenv("AMPERITY_TOKEN", fake.token)  # as advised: the right token, from the start
    assert run(*argv).code == 0
    assert stored(fake) == list(range(1, 601))


def test_without_a_rejects_file_the_summary_names_the_rejected_records(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    source = jsonl(tmp_path / "in.jsonl", 9, {2: "bad", 6: "[1]"})
    done = run("streams", "send", STREAM, "--file", str(source))
    assert done.code == 1
    assert "7 records accepted by is-cli0001; 2 rejected (records 2, 6); --rejects FILE" in (
        done.err
    ), done.err


def test_csv_rows_with_more_or_fewer_fields_than_the_header_are_rejected(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("n,city\n1,Town 1\n2\n\n3,Town 3,extra\n4,Town 4\n", encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    done = run("streams", "send", STREAM, "--file", str(source), "--rejects", str(rejects))
    assert done.code == 1, done.err
    sent = sorted((r["n"], r["city"]) for _, r in fake.stream_records(STREAM))
    assert sent == [("1", "Town 1"), ("4", "Town 4")]  # every value a string, none made up
    lines = [json.loads(text) for text in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(line["record"], line["message"]) for line in lines] == [
        (2, "has 1 field, the header has 2"),
        (3, "has 3 fields, the header has 2"),
    ]


def test_an_existing_rejects_file_others_could_read_is_made_private(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects.jsonl"
    rejects.write_text('{"record": 1}\n', encoding="utf-8")
    rejects.chmod(0o644)
    source = jsonl(tmp_path / "in.jsonl", 5, {3: "bad"})
    done = run("streams", "send", STREAM, "--file", str(source), "--rejects", str(rejects))
    assert done.code == 1
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    assert rejects.read_text(encoding="utf-8").startswith('{"record": 1}\n')  # appended


def test_the_cli_bound_on_concurrency_is_the_librarys() -> None:
    from amperity_facade._cli._family_commands import MAX_CONCURRENCY
    from amperity_facade._sending import MAX_CONCURRENCY as LIBRARY

    assert MAX_CONCURRENCY == LIBRARY


def test_credentials_refused_midway_resume_before_the_first_refused_record(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    fake.inject(Fault("status", status=403, operation="post-stream-data", request_number=30))
    source = jsonl(tmp_path / "in.jsonl", 200)
    done = run("streams", "send", STREAM, "--file", str(source), "--concurrency", "4")
    assert done.code == 1 and "403" in done.err
    skip = int(done.err.rsplit("--skip ", 1)[1].split()[0])
    first = stored(fake)
    refused = (set(range(1, max(first) + 1)) - set(first)).pop()  # the one answered 403
    assert skip == refused - 1 and set(range(1, skip + 1)) <= set(first)
    later = [n for n in first if n > skip]
    if later:  # accepted while the refused one was in flight: named, to be told apart
        assert f"records {', '.join(map(str, later))} were accepted too" in done.err


def test_a_csv_header_naming_a_column_twice_sends_nothing(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("email,name,email\na@x.com,Alice,b@x.com\n", encoding="utf-8")
    done = run("streams", "send", STREAM, "--file", str(source))
    assert done.code == 1 and "names 'email' twice" in done.err, done.err
    assert fake.count(operation="post-stream-data") == 0


def test_rejects_cannot_be_the_file_being_read(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    source = jsonl(tmp_path / "in.jsonl", 3, {2: "not json"})
    before = source.read_bytes()
    done = run("streams", "send", STREAM, "--file", str(source), "--rejects", str(source))
    assert done.code == 2 and "--rejects names the --file" in done.err
    assert source.read_bytes() == before and fake.count(operation="post-stream-data") == 0


def test_after_a_credentials_stop_only_rejections_before_the_resume_point_are_kept(
    run: Run, env: pytest.MonkeyPatch, fake: FakeAmperity, tmp_path: Path
) -> None:
    fake.inject(Fault("status", status=401, operation="post-stream-data", request_number=2))
    fake.inject(Fault("status", status=400, operation="post-stream-data", request_number=7))
    source = jsonl(tmp_path / "in.jsonl", 40)
    rejects = tmp_path / "rejects.jsonl"
    argv = ["streams", "send", STREAM, "--file", str(source), "--rejects", str(rejects)]
    done = run(*argv, "--concurrency", "8")
    assert done.code == 1
    skip = int(done.err.rsplit("--skip ", 1)[1].split()[0]) if "--skip " in done.err else 0
    kept = [json.loads(line)["record"] for line in rejects.read_text().splitlines()]
    assert all(number <= skip for number in kept), (kept, skip)  # the rerun sends the rest


def test_rejects_naming_the_pipe_being_read_is_refused_before_opening_it(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "amperity_facade", "streams", "send", STREAM]
    argv += ["--file", "/dev/stdin", "--rejects", "/dev/stdin"]
    env = process_env(AMPERITY_TENANT="acme", AMPERITY_TOKEN="t" * 20)
    done = subprocess.run(
        argv, input='{"n": 1}\n', env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2 and "--rejects names the --file" in done.stderr, done.stderr
