"""`python -m scripts.bench --quick` runs end to end and writes its JSON report (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = {
    "server_ceiling",
    "per_call_loopback",
    "per_call_loopback_async",
    "per_call_in_memory",
    "per_call_in_memory_async",
    "export_sync",
    "export_async",
    "raw_export_sync",
    "raw_export_async",
    "memory",
    "throttled_sync",
    "throttled_async",
    "throttled_async_warm",
    "async_fanout",
    "import_time",
    "realtime_lookup",
    "streaming_ingest",
}
# Every side-by-side scenario reports both ratios, from the samples it keeps.
COMPARISONS = {name for name in SCENARIOS if name.startswith(("per_call", "export"))}


@pytest.mark.slow  # several seconds even with --quick
def test_quick_bench_writes_report(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--quick", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(output.read_text())
    assert set(report["scenarios"]) == SCENARIOS
    assert report["quick"] is True
    assert {"platform", "cpu_model", "cpu_count", "python"} <= set(report["machine"])
    assert {"load_average_start", "load_average_end"} <= set(report["machine"])
    for name, scenario in report["scenarios"].items():
        assert "pass" in scenario and "what" in scenario, name
    for name in COMPARISONS | {"raw_export_sync", "raw_export_async"}:
        scenario = report["scenarios"][name]
        if scenario.get("available") is False:  # Paginator.as_dicts() not there: said so
            assert scenario["pass"] is None and "not available" in scenario["note"], name
            continue
        assert {"wall_ratio", "cpu_ratio", "sides", "targets"} <= set(scenario), name
        assert all(
            len(side["wall"]) == len(side["cpu"]) >= 1 for side in scenario["sides"].values()
        )
    for name in ("export_sync", "export_async"):
        assert set(report["scenarios"][name]["sides"]) == {"facade", "httpx", "httpx_models"}
    for name in ("per_call_in_memory", "per_call_in_memory_async"):
        assert "overhead_us" in report["scenarios"][name]
    lookup = report["scenarios"]["realtime_lookup"]
    assert set(lookup["sides"]) == {"facade", "httpx", "facade_unlimited"}
    for side, samples in lookup["sides"].items():
        assert {f"{side}_req_per_s", f"{side}_p50_ms", f"{side}_p99_ms"} <= set(lookup), side
        for sample in samples:  # every lookup reached the server, and every one was valid
            assert sample["requests"] >= 1 and not sample["server"]["bad"], side
            assert sample["server"]["requests"] == sample["requests"], side
    assert {"throughput_ratio", "server_busiest_1s", "server_over_limit"} <= set(lookup)
    check_streaming(report["scenarios"]["streaming_ingest"])
    assert "PASS" in done.stdout or "MISS" in done.stdout


def check_streaming(stream: dict) -> None:
    """Every part ran, sync and async; delivery is judged exactly (no timing in it)."""
    assert set(stream["parts"]) == {"delivery", "throughput", "limited", "memory"}
    records = stream["delivery"]["records"]
    assert sum(stream["delivery"]["faults_planned"].values()) == round(records * 0.05)
    for mode in ("sync", "async"):
        d = stream["delivery"][mode]
        assert d["sent"] == records and d["accepted"] + d["rejected"] == records, mode
        assert d["lost"] == d["double_accepted_two_ids"] == d["unaccounted"] == 0, (mode, d)
        assert d["stray"] == 0 and d["stored_records"] + d["rejected"] >= records, mode
        fired = d["faults_fired"]
        assert fired["503"] + fired["429"] + fired["dropped"] == round(records * 0.05), mode
        t = stream["throughput"][mode]
        assert set(t["sides"]) == {"facade", "httpx"} and t["ratio"] > 0, mode
        assert all(len(side["wall"]) >= 1 for side in t["sides"].values()), mode
        limited = stream["limited"][mode]
        assert limited["accepted"] == limited["sent"] >= 1 and not limited["server"]["bad"]
        assert {"pct_of_limit", "server_429s", "busiest_1s"} <= set(limited), mode
    memory = stream["memory"]["sync"]
    assert memory["accepted"] == memory["server_admitted"] == stream["sizes"]["memory_records"]
    assert {"rss_at_mark_mb", "peak_end_mb", "growth_mb"} <= set(memory)
    assert stream["pass"] in (True, False) and stream["targets"]
