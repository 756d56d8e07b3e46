"""Streaming Ingest (`streams.send_many`): delivery under faults, throughput against plain
httpx, the 1,000/s limit, and memory over a million records (issue 15's targets).

    .venv/bin/python -m scripts.bench_send [--quick] [--only PART,...] [--output F.json]
    .venv/bin/python -m scripts.bench_send --memory-records 1000000 --memory-async

Parts (`make bench` runs all four as the scenario "streaming_ingest"):

- delivery (scripts/bench_send_delivery.py): 20,000 records against FakeAmperity in a child
  process injecting faults into 5% of the requests (503, 429, "drop", "drop-after-accept"),
  sync and async; every record must be stored under exactly one request id (a repeat under
  the same id is a duplicate downstream can spot, counted) or reported rejected.
- throughput, limit and memory (scripts/bench_send_load.py) on a minimal keep-alive server in
  a child process (scripts/bench_send_server.py): send_many without a limit against plain
  httpx with the same concurrency (>= 0.90x); with the default 1,000/s limit against a server
  answering 429 above 1,000 in any second, for 10 s (>= 95% of 1,000/s, no 429); a fresh
  process sending a generator of 1,000,000 records (peak RSS <= 10 MB over its RSS after
  10,000).

A benchmark asserts nothing: targets are printed PASS or MISS.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from . import bench_send_delivery as delivery_
from . import bench_send_load as load
from .bench_measure import (
    Target,
    judge,
    load_average,
    machine,
    report_text,
)

PARTS = ("delivery", "throughput", "limited", "memory")
MODES = ("sync", "async")
RATIO, PCT, GROWTH_MB = 0.90, 95.0, 10.0


def streaming_ingest(
    quick: bool,
    parts: tuple[str, ...] = PARTS,
    memory_records: int | None = None,
    memory_modes: tuple[str, ...] = ("sync",),
    progress: bool = False,
) -> dict[str, Any]:
    """Every part asked for, then its figures flattened for the targets."""
    sizes = load.QUICK if quick else load.FULL
    if memory_records:
        sizes = dataclasses.replace(
            sizes,
            memory_records=memory_records,
            memory_mark=min(sizes.memory_mark, memory_records // 2),
        )
    out: dict[str, Any] = {"quick": quick, "parts": list(parts)}
    steps = {
        "delivery": lambda: delivery_.delivery(quick),
        "throughput": lambda: load.throughput(sizes),
        "limited": lambda: load.limited(sizes),
        "memory": lambda: load.memory(sizes, memory_modes),
    }
    for part in parts:
        began = time.perf_counter()
        if progress:
            print(f"  {part} ...", end="", flush=True, file=sys.stderr)
        out[part] = steps[part]()
        if progress:
            print(f" {time.perf_counter() - began:.1f} s", file=sys.stderr)
    what = [f"{sizes.concurrency} threads (sync) or tasks (async) a side"]
    if "delivery" in out:
        what.insert(0, out["delivery"]["what"])
    if "throughput" in out:
        what.append(
            f"throughput: {sizes.records:,} records a side and repetition, {sizes.reps} "
            "interleaved repetitions, streaming_rate_limit=None, vs plain httpx"
        )
    if "limited" in out:
        what.append(f"limit: {sizes.limit:,}/s at client and server, {sizes.seconds:g} s a side")
    if "memory" in out:
        what.append(
            f"memory: {sizes.memory_records:,} records in a fresh process, RSS after "
            f"{sizes.memory_mark:,} vs the peak at the end"
        )
    out["what"] = "; ".join(what)
    out["sizes"] = dataclasses.asdict(sizes)
    return judge(out, flatten(out))


def flatten(out: dict[str, Any]) -> list[Target]:
    """Copies each judged figure to the top level (judge() reads them there)."""
    targets: list[Target] = []
    for mode in MODES:
        if (d := out.get("delivery", {}).get(mode)) is not None:
            for key, label in (
                ("lost", "lost"),
                ("double_accepted_two_ids", "under two ids"),
                ("unaccounted", "unaccounted"),
            ):
                out[f"delivery_{mode}_{key}"] = d[key]
                targets.append(Target(f"delivery_{mode}_{key}", "<=", 0, f"{mode} {label}"))
        if (t := out.get("throughput", {}).get(mode)) is not None:
            out[f"throughput_{mode}_ratio"] = t["ratio"]
            targets.append(Target(f"throughput_{mode}_ratio", ">=", RATIO, f"{mode} vs httpx"))
        if (lim := out.get("limited", {}).get(mode)) is not None:
            out[f"limited_{mode}_pct"] = lim["pct_of_limit"]
            out[f"limited_{mode}_429s"] = lim["server_429s"]
            targets.append(Target(f"limited_{mode}_pct", ">=", PCT, f"{mode} % of limit"))
            targets.append(Target(f"limited_{mode}_429s", "<=", 0, f"{mode} 429s"))
        if (m := out.get("memory", {}).get(mode)) is not None:
            out[f"memory_{mode}_growth_mb"] = m["growth_mb"]
            targets.append(Target(f"memory_{mode}_growth_mb", "<=", GROWTH_MB, f"{mode} MB"))
    return targets


# -- report ------------------------------------------------------------------------------------


def rows(r: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(scenario, measured, target, pass) rows for bench.py's table."""
    verdicts = {t["figure"]: t["pass"] for t in r["targets"]}

    def ok(*figures: str) -> bool:
        return all(verdicts[f] for f in figures)

    out: list[tuple[str, str, str, bool | None]] = []
    d = r.get("delivery", {})
    for mode in MODES:
        if mode not in d:
            continue
        x = d[mode]
        out.append(
            (
                f"stream delivery, 5% faults, {mode}",
                f"{x['sent']:,} sent: {x['accepted']:,} accepted, {x['rejected']} rejected, "
                f"{x['retried']:,} retries, {x['duplicates_same_id']} dup same id, "
                f"{x['lost']} lost, {x['double_accepted_two_ids']} under 2 ids "
                f"({x['records_per_s']:,.0f} rec/s)",
                "0 lost, 0 under 2 ids",
                ok(*(f"delivery_{mode}_{k}" for k in ("lost", "double_accepted_two_ids"))),
            )
        )
    concurrency = r["sizes"]["concurrency"]
    for mode, t in r.get("throughput", {}).items():
        unit = "threads" if mode == "sync" else "tasks"
        out.append(
            (
                f"stream send_many vs httpx, {mode} ({concurrency} {unit})",
                f"{t['ratio']:.3f}x ({t['facade_records_per_s']:,.0f} vs "
                f"{t['httpx_records_per_s']:,.0f} rec/s), cpu/record {t['cpu_ratio']:.3f}x "
                f"({t['facade_cpu_us_per_record']:,.0f} vs {t['httpx_cpu_us_per_record']:,.0f} us)",
                f">= {RATIO:.2f}x",
                ok(f"throughput_{mode}_ratio"),
            )
        )
    limit = r["sizes"]["limit"]
    for mode, lim in r.get("limited", {}).items():
        out.append(
            (
                f"stream at {limit:,}/s limit, {mode}",
                f"{lim['pct_of_limit']:.1f}% ({lim['sustained_per_s']:,.0f}/s sustained), "
                f"{lim['server_429s']} x 429, busiest 1 s {lim['busiest_1s']:,}; "
                f"{lim['accepted']:,} records in {lim['wall_s']:.1f} s",
                f">= {PCT:g}%, 0 x 429",
                ok(f"limited_{mode}_pct", f"limited_{mode}_429s"),
            )
        )
    records = r["sizes"]["memory_records"]
    for mode, m in r.get("memory", {}).items():
        out.append(
            (
                f"stream memory, {records:,} records, {mode}",
                f"{m['growth_mb']:+.1f} MB (peak {m['peak_end_mb']:.1f} MB at end vs "
                f"{m['rss_at_mark_mb']:.1f} MB after {r['sizes']['memory_mark']:,}), "
                f"{m['records_per_s']:,.0f} rec/s",
                f"<= +{GROWTH_MB:g} MB",
                ok(f"memory_{mode}_growth_mb"),
            )
        )
    return out


def notes(r: dict[str, Any]) -> list[str]:
    """What limits a missed target, from what was measured."""
    out: list[str] = []
    limit, unlimited = r["sizes"]["limit"], r.get("throughput", {})
    for mode, lim in r.get("limited", {}).items():
        if lim["pct_of_limit"] >= PCT:
            continue
        free = unlimited.get(mode, {}).get("facade_records_per_s")
        plain = unlimited.get(mode, {}).get("httpx_records_per_s")
        if free is not None and free < limit * PCT / 100:
            out.append(
                f"stream limit, {mode}: client-bound, not limiter-bound: without a limit "
                f"send_many ran at {free:,.0f} rec/s here (plain httpx {plain:,.0f}), below "
                f"{limit * PCT / 100:,.0f}/s; the client used {lim['client_busy']:.0%} of a core "
                f"at {lim['cpu_us_per_record']:,.0f} us CPU a record"
            )
        else:
            out.append(
                f"stream limit, {mode}: sustained {lim['sustained_per_s']:,.0f}/s; the limiter "
                "holds a slot until 1 s after its answer, so it sustains limit / (1 s + latency)"
            )
    for mode, lim in r.get("limited", {}).items():
        if lim["server_429s"]:
            out.append(
                f"stream limit, {mode}: the server answered {lim['server_429s']} x 429 (busiest "
                f"second {lim['busiest_1s']:,}); send_many retried them ({lim['retried']} retries)"
            )
    for mode, t in unlimited.items():
        if t["ratio"] < RATIO:
            out.append(
                f"stream throughput, {mode}: send_many spent {t['cpu_ratio']:.2f}x plain httpx's "
                f"CPU a record ({t['facade_cpu_us_per_record']:,.0f} vs "
                f"{t['httpx_cpu_us_per_record']:,.0f} us) and throughput follows CPU on the "
                "client's one core"
            )
    for mode in MODES:
        if (d := r.get("delivery", {}).get(mode)) is not None and d["rejected"]:
            out.append(
                f"stream delivery, {mode}: {d['rejected']} rejected (faults on every attempt), "
                f"{d['rejected_but_stored']} of them stored anyway: {d['rejections'][:2]}"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes")
    parser.add_argument("--only", default=",".join(PARTS), help=f"parts: {', '.join(PARTS)}")
    parser.add_argument("--memory-records", type=int, help="records in the memory part")
    parser.add_argument("--memory-async", action="store_true", help="memory part async too")
    parser.add_argument("--output", type=Path, help="write the scenario's JSON here")
    args = parser.parse_args(argv)
    parts = tuple(p for p in args.only.split(",") if p)
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    about = machine()
    modes = MODES if args.memory_async else ("sync",)
    result = streaming_ingest(args.quick, parts, args.memory_records, modes, progress=True)
    about["load_average_end"] = load_average()
    print(report_text(about, result["what"], rows(result), notes(result)))
    if args.output:
        report = {"machine": about, "streaming_ingest": result}
        args.output.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
