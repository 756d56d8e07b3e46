"""`python -m scripts.bench --scale --quick` runs end to end and writes the scale section of
its JSON report, keeping what was there (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KINDS = {"library_sync", "library_async", "cli", "httpx_sync", "httpx_async"}


@pytest.mark.slow  # several seconds: a dozen child processes
def test_quick_scale_writes_its_section(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    output.write_text(json.dumps({"scenarios": {"kept": {}}}))
    done = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--scale", "--quick", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(output.read_text())
    assert report["scenarios"] == {"kept": {}}  # a scale run replaces only its own section
    scale = report["scale"]
    assert scale["quick"] is True
    assert {"cpu_model", "cpu_count", "python", "platform"} <= set(scale["machine"])
    assert {"load_average_start", "load_average_end"} <= set(scale["machine"])
    sizes = scale["sizes"]
    assert len(sizes) >= 2 and sizes == sorted(sizes)
    assert set(scale["runs"]) == KINDS == set(scale["flags"]) | set(scale["baselines"])
    for kind, runs in scale["runs"].items():
        assert [run["items"] for run in runs] == sizes, kind
        for run in runs:
            assert {"us_per_item", "cpu_us_per_item", "peak_rss_mb"} <= set(run), kind
            assert run["peak_rss_mb"] > 0, kind
    for kind, flags in scale["flags"].items():
        assert isinstance(flags["flat"], bool), kind
        # None: the CLI's export cost is within its start-up's noise (quick sizes)
        assert flags["linear"] in (True, False, None), kind
    for kind in KINDS:
        assert kind in done.stdout
    assert "rules:" in done.stdout
