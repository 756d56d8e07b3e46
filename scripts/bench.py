"""Benchmark amperity-facade against plain httpx, on a FakeAmperity over loopback and in memory.

    .venv/bin/python -m scripts.bench                 # full run (about two minutes)
    .venv/bin/python -m scripts.bench --quick         # smoke run: tiny sizes, few repetitions
    .venv/bin/python -m scripts.bench --scale         # scale run: 10k / 100k / 1M items
    .venv/bin/python -m scripts.bench --scale --quick # quick scale run: 1k / 5k items
    .venv/bin/python -m scripts.bench --output x.json # where the JSON report goes

Every comparison runs its sides in this one process, against the same fake, interleaving
repetitions (facade, httpx, facade, httpx, ...; for exports a triple with httpx + json +
the generated models) and reporting ratios of medians, for wall time and for the client's
CPU (time.process_time() in this process). Over loopback the fake runs in a child process
of its own (scripts.bench_measure.FakeProcess), so no thread of the fake runs here and this
process's CPU is the client's alone; each scenario checks that. In memory, the fake runs in
this process behind fake.transport() on both sides, so both pay for it and the difference
is the facade's own microseconds. Plain httpx sends the same three headers the facade sends
(Authorization, amperity-tenant, api-version) over one keep-alive connection, as the facade
does.

The facade runs with rate_limit=None in the overhead, export and fan-out scenarios (its
limiter is measured on its own, in the throttled scenarios, with the default of 10/s).
A benchmark asserts nothing: it prints what it measured against its targets, PASS or MISS.
Everything goes to the JSON report (bench-results.json); a scale run replaces only its
"scale" section there, and a main run keeps an earlier scale section.

Parts: bench_measure (fake process, timing, machine), bench_compare (facade vs httpx),
bench_throttle (rate limiter), bench_lookup (Real-Time lookups at 2,000/s, own server),
bench_send (Streaming Ingest send_many: faults, throughput, 1,000/s, memory),
bench_scale (fresh-process runs: scale and memory), bench_context (server ceiling, fan-out,
import time).
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import bench_compare as compare
from . import bench_context as context
from . import bench_lookup as lookup
from . import bench_scale as scaling
from . import bench_send as send
from . import bench_throttle as throttle
from .bench_measure import (
    FULL,
    QUICK,
    FakeProcess,
    describe_machine,
    load_average,
    machine,
    serve,
    verdict,
)

# -- report ------------------------------------------------------------------------------------


def per_call_row(o: dict[str, Any], in_memory: bool) -> str:
    figures = (
        f"({o['facade_us_per_call']:.1f} vs {o['httpx_us_per_call']:.1f} us, "
        f"cpu {o['facade_cpu_us_per_call']:.1f} vs {o['httpx_cpu_us_per_call']:.1f} us)"
    )
    if in_memory:
        return (
            f"{o['overhead_us']:+.1f} us/call, wall {o['wall_ratio']:.3f}x, "
            f"cpu {o['cpu_ratio']:.3f}x {figures}"
        )
    return (
        f"wall {o['wall_ratio']:.3f}x, cpu {o['cpu_ratio']:.3f}x, "
        f"{o['overhead_us']:+.1f} us/call {figures}"
    )


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    s = results["scenarios"]
    out: list[tuple[str, str, str, str]] = []

    def add(name: str, measured: str, target: str, ok: bool | None) -> None:
        out.append((name, measured, target, verdict(ok)))

    c = s["server_ceiling"]
    add(
        "fake server ceiling (raw httpx)",
        f"{c['trivial_get_req_per_s']:,.0f} GET/s; {c['page_req_per_s']:,.0f} pages/s "
        f"= {c['page_items_per_s']:,.0f} items/s",
        "(context)",
        None,
    )
    for key, label, target in (
        ("per_call_loopback", "per call, loopback, sync", "wall <= 1.05x"),
        ("per_call_loopback_async", "per call, loopback, async", "wall <= 1.05x"),
        ("per_call_in_memory", "per call, in memory, sync", "<= 15 us/call"),
        ("per_call_in_memory_async", "per call, in memory, async", "<= 15 us/call"),
    ):
        o = s[key]
        add(label, per_call_row(o, "in_memory" in key), target, o["pass"])
    for key, label in (
        ("export_sync", "typed export, sync"),
        ("export_async", "typed export, async"),
    ):
        e = s[key]
        add(
            label,
            f"wall {e['wall_ratio']:.3f}x, cpu {e['cpu_ratio']:.3f}x "
            f"({e['facade_items_per_s']:,.0f} vs {e['httpx_items_per_s']:,.0f} items/s)",
            "wall <= 1.10x, cpu <= 1.40x",
            e["pass"],
        )
        add(
            "  same, vs httpx + json + models",
            f"wall {e['wall_ratio_vs_models']:.3f}x, cpu {e['cpu_ratio_vs_models']:.3f}x "
            f"(models side {e['httpx_models_s']:.3f} s)",
            "(side by side, info)",
            None,
        )
    for key, label in (
        ("raw_export_sync", "raw export, sync"),
        ("raw_export_async", "raw export, async"),
    ):
        r = s[key]
        measured = (
            f"wall {r['wall_ratio']:.3f}x, cpu {r['cpu_ratio']:.3f}x "
            f"({r['facade_s']:.3f} vs {r['httpx_s']:.3f} s)"
        )
        add(label + " (as_dicts)", measured, "wall <= 1.02x", r["pass"])
    m = s["memory"]
    add(
        "memory (peak RSS, small vs large)",
        f"sync {m['sync_growth_mb']:+.1f} MB ({m['sync_peak_small_mb']:.1f} vs "
        f"{m['sync_peak_large_mb']:.1f}), async {m['async_growth_mb']:+.1f} MB "
        f"({m['async_peak_small_mb']:.1f} vs {m['async_peak_large_mb']:.1f})",
        "<= +5 MB each",
        m["pass"],
    )
    for key, label in (
        ("throttled_sync", "sync, 4 threads"),
        ("throttled_async", "async, 4 tasks, cold"),
        ("throttled_async_warm", "async, 4 tasks, warm"),
    ):
        t = s[key]
        add(
            f"throttled export ({label})",
            f"{t['pct_of_ideal']:.1f}% of 10 req/s, {t['server_429s']} x 429 "
            f"({t['requests_seen_by_server']} req in {t['elapsed_s']:.1f} s)",
            ">= 99%, 0 x 429",
            t["pass"],
        )
    for name, measured, target, ok in lookup.rows(s["realtime_lookup"]):
        add(name, measured, target, ok)
    for name, measured, target, ok in send.rows(s["streaming_ingest"]):
        add(name, measured, target, ok)
    f = s["async_fanout"]
    add(
        "async fan-out (5 listings)",
        f"{f['concurrent_s'] * 1000:.0f} ms gather vs {f['sequential_s'] * 1000:.0f} ms "
        f"sequential ({f['speedup']:.2f}x)",
        "(report)",
        None,
    )
    i = s["import_time"]
    add(
        "import amperity_facade vs import httpx",
        f"{i['ratio']:.2f}x ({i['facade_ms']:.0f} vs {i['httpx_ms']:.0f} ms)",
        "<= 2x",
        i["pass"],
    )
    return out


def render(results: dict[str, Any]) -> str:
    table = rows(results)
    header = ("scenario", "measured", "target", "result")
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    text = [
        "amperity-facade benchmark"
        + (" (QUICK smoke run: sizes too small to judge)" if results["quick"] else ""),
        *describe_machine(results["machine"]),
        f"command: {results['command']}",
        "ratios: facade / plain httpx + json, medians of interleaved repetitions in this run; "
        "cpu = client process CPU (the fake runs in a child process)",
        "in memory: the fake runs in this process behind fake.transport() on both sides (both "
        "pay it); us/call = facade minus httpx",
        "facade rate_limit=None except in the throttled scenarios (default 10/s); "
        "real-time lookups: realtime_rate_limit=2000 (the default) unless said",
        "",
        fmt.format(*header),
        line,
        *(fmt.format(*r) for r in table),
        line,
        f"total {results['elapsed_s']:.1f} s; JSON: {results['output']}",
    ]
    extra = notes(results)
    if extra:
        text += ["", "notes:", *(f"- {n}" for n in extra)]
    return "\n".join(text)


def notes(results: dict[str, Any]) -> list[str]:
    """What limits a missed target, from what was measured."""
    s = results["scenarios"]
    out: list[str] = []
    m = results["machine"]
    loads = [*(m.get("load_average_start") or []), *(m.get("load_average_end") or [])][::3]
    if loads and m["cpu_count"] and max(loads) > m["cpu_count"] / 2:
        out.append(
            f"load average {'/'.join(f'{x:.1f}' for x in loads)} (start/end) on "
            f"{m['cpu_count']} cores: other processes shared the CPU; wall ratios swing more "
            "than CPU ratios under load (a side that loses the core mid-run pays in wall only)"
        )
    for key in ("export_sync", "export_async"):
        e = s[key]
        if not e["pass"]:
            out.append(
                f"{key}: httpx + json + the generated models the facade returns "
                f"(SegmentList.from_dict), side by side, costs "
                f"{e['httpx_models_s'] / e['httpx_s']:.2f}x plain httpx + json: that much of "
                "the gap is building typed objects, which plain json skips; the facade costs "
                f"{e['wall_ratio_vs_models']:.2f}x wall, {e['cpu_ratio_vs_models']:.2f}x cpu "
                "that models side"
            )
    for key in ("throttled_sync", "throttled_async", "throttled_async_warm"):
        t = s[key]
        if t["server_429s"]:
            out.append(
                f"{key}: {t['server_429s']} x 429 (busiest second at the fake: "
                f"{t['busiest_second']} requests), retried by the facade "
                f"({t['facade_retries']} retries); no item was lost or repeated"
                if t["items"] == t["items_expected"]
                else f"{key}: {t['server_429s']} x 429 and items missing"
            )
    cold = s["throttled_async"]
    if cold["server_429s"] and not s["throttled_async_warm"]["server_429s"]:
        out.append(
            "cold async: the limiter stamps a slot when it is reserved, before httpcore's first "
            "async connection imports anyio (~20 ms, once per process); when that delay exceeds "
            "the limiter's 20 ms margin, the whole first burst reaches the fake late and the "
            "11th request lands less than 1 s after the 1st"
        )
    if not s["memory"]["pass"]:
        out.append(
            "memory: make bench-scale runs plain httpx + json over the same pages too, to show "
            "how much of a growth is httpx's own"
        )
    out += lookup.notes(s["realtime_lookup"])
    out += send.notes(s["streaming_ingest"])
    i = s["import_time"]
    if not i["pass"]:
        top = ", ".join(f"{k} {v:.0f}" for k, v in list(i["self_ms_by_package"].items())[:6])
        out.append(f"import: self time by package under -X importtime (ms): {top}")
    return out


SCENARIOS: dict[str, str] = {
    "server_ceiling": "fake server ceiling",
    "per_call_loopback": "per call, loopback, sync",
    "export_sync": "typed export, sync",
    "raw_export_sync": "raw export, sync",
    "throttled_sync": "throttled export, sync",
    "throttled_async": "throttled export, async (cold)",
    "throttled_async_warm": "throttled export, async (warm)",
    "per_call_loopback_async": "per call, loopback, async",
    "export_async": "typed export, async",
    "raw_export_async": "raw export, async",
    "realtime_lookup": "real-time lookups (own server)",
    "streaming_ingest": "streaming ingest (fake with faults, own server)",
    "async_fanout": "async fan-out",
    "per_call_in_memory": "per call, in memory, sync",
    "per_call_in_memory_async": "per call, in memory, async",
    "memory": "memory",
    "import_time": "import time",
}


def run(quick: bool, output: Path) -> dict[str, Any]:
    sizes = QUICK if quick else FULL
    began = time.perf_counter()
    about = machine()
    scenarios: dict[str, Any] = {}

    def step(key: str, fn: Callable[[], dict[str, Any]]) -> None:
        print(f"  {SCENARIOS[key]} ...", end="", flush=True, file=sys.stderr)
        t = time.perf_counter()
        scenarios[key] = fn()
        print(f" {time.perf_counter() - t:.1f} s", file=sys.stderr)

    print("running benchmark scenarios:", file=sys.stderr)
    big = {"segments": sizes.export_items, "max_page_size": max(1000, sizes.export_page)}
    with FakeProcess(**big) as fake:
        step("server_ceiling", lambda: context.server_ceiling(fake, sizes))
        step("per_call_loopback", lambda: compare.per_call_loopback(fake, sizes))
        step("export_sync", lambda: compare.export_sync(fake, sizes))
        step("raw_export_sync", lambda: compare.raw_export_sync(fake, sizes))
        # Before any other async scenario: the cold one is this process's first async request.
        with FakeProcess(segments=sizes.throttled_pages * 100, rate_limit=10) as limited:
            step("throttled_sync", lambda: throttle.throttled_sync(limited, sizes))
            step("throttled_async", lambda: throttle.throttled_async(limited, sizes, cold=True))
            step(
                "throttled_async_warm",
                lambda: throttle.throttled_async(limited, sizes, cold=False),
            )
        step("per_call_loopback_async", lambda: compare.per_call_loopback_async(fake, sizes))
        step("export_async", lambda: compare.export_async(fake, sizes))
        step("raw_export_async", lambda: compare.raw_export_async(fake, sizes))
    step("realtime_lookup", lambda: lookup.realtime_lookup(quick))
    step("streaming_ingest", lambda: send.streaming_ingest(quick))
    n = sizes.fanout_items
    counts = {k: n for k in ("segments", "campaigns", "campaign_drafts", "audit_events")}
    with FakeProcess(**counts, workflows=n) as fake:
        step("async_fanout", lambda: context.fanout(fake, sizes))
    # In process from here: the fake's code is imported into this process (never started).
    step("per_call_in_memory", lambda: compare.per_call_in_memory(sizes))
    step("per_call_in_memory_async", lambda: compare.per_call_in_memory_async(sizes))
    step("memory", lambda: scaling.memory(sizes))
    step("import_time", lambda: context.import_time(sizes))
    about["load_average_end"] = load_average()
    return {
        "machine": about,
        "command": command(),
        "quick": quick,
        "output": str(output),
        "elapsed_s": time.perf_counter() - began,
        "scenarios": scenarios,
    }


def run_scale(quick: bool) -> dict[str, Any]:
    began = time.perf_counter()
    about = machine()
    print("running the scale benchmark:", file=sys.stderr)
    result = scaling.scale(quick)
    about["load_average_end"] = load_average()
    return {
        "machine": about,
        "command": command(),
        "quick": quick,
        "elapsed_s": time.perf_counter() - began,
        **result,
    }


def render_scale(result: dict[str, Any], output: Path) -> str:
    return "\n".join(
        [
            "amperity-facade scale benchmark"
            + (" (QUICK: sizes too small to judge)" if result["quick"] else ""),
            *describe_machine(result["machine"]),
            f"command: {result['command']}",
            "",
            *scaling.render_scale(result),
            f"total {result['elapsed_s']:.1f} s; JSON: {output} (section 'scale')",
        ]
    )


def command() -> str:
    return shlex.join([Path(sys.executable).name, "-m", "scripts.bench", *sys.argv[1:]])


def previous(output: Path) -> dict[str, Any]:
    """The report already at `output`, or {} if there is none or it is not ours."""
    try:
        report = json.loads(output.read_text())
    except (OSError, ValueError):
        return {}
    return report if isinstance(report, dict) else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes")
    parser.add_argument("--scale", action="store_true", help="scale run (with --quick: 1k/5k)")
    parser.add_argument("--output", type=Path, default=Path("bench-results.json"))
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--scale-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        return serve(json.loads(args.serve))
    if args.scale_child is not None:
        return scaling.library_child(json.loads(args.scale_child))
    report = previous(args.output)
    if args.scale:
        scale = run_scale(args.quick)
        report["scale"] = scale
        args.output.write_text(json.dumps(report, indent=2) + "\n")
        print(render_scale(scale, args.output))
        return 0
    facade_log = logging.getLogger("amperity_facade")
    facade_log.addHandler(throttle.RETRIES)
    facade_log.setLevel(logging.INFO)
    results = run(args.quick, args.output)
    if "scale" in report:
        results["scale"] = report["scale"]
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
