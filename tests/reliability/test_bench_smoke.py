"""`python -m scripts.bench --quick` runs end to end and writes its JSON report (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = {
    "server_ceiling",
    "per_call_overhead",
    "export_throughput",
    "memory",
    "throttled_sync",
    "throttled_async",
    "throttled_async_warm",
    "async_fanout",
    "import_time",
}


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
    assert {"platform", "cpu_count", "python"} <= set(report["machine"])
    for name, scenario in report["scenarios"].items():
        assert "pass" in scenario and "what" in scenario, name
    assert "PASS" in done.stdout or "MISS" in done.stdout
