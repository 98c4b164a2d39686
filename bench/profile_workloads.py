"""Where the time of one workload goes: runs a `cypher_bench` workload (same data, statements and checks) with
cProfile switched on for its timed block only, and prints markdown tables of the functions with the most own time
and of own time per source file, each with its share of the total. `bench/PROFILE.md` keeps such tables from before
and after a change.

    python bench/profile_workloads.py W5 [--scale 0.2] [--top 25] [--engine graphplex] [--repeat 1]

Workloads: W1 (in-memory point writes), W1_durable (fsync each commit), W2, W3, W4, W5, W6, W8. For W2, W4, W5, W6
and W8 the W3 graph is loaded first, unprofiled. Profiling slows Python code several-fold (C code much less), so the
shares, not the profiled ops/s, are the figure; the GC line gives the seconds of CPython's cyclic collector inside
the block, which cProfile charges to whichever function happened to allocate.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import cypher_bench as bench  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = ("W1", "W1_durable", "W2", "W3", "W4", "W5", "W6", "W8")
READ_ONLY = ("W2", "W4", "W5", "W8")
ON_W3_GRAPH = {"W2": bench.w2_point_read, "W4": bench.w4_two_hop, "W8": bench.w8_shortest_path}


def run_workload(name: str, engine_cls, sizes, inputs, node_batches, rel_batches,
                 repeat: int = 1) -> tuple[int, float]:
    """Runs the workload (its timed block profiled through `TimedBlockProfiler`; a read-only workload's block
    `repeat` times on the same graph); returns its ops and seconds."""
    bench.check(repeat == 1 or name in READ_ONLY, f"--repeat is for the read-only workloads {READ_ONLY}")
    if name == "W1":
        return len(inputs.writes), bench.w1_point_write(engine_cls, inputs)
    if name == "W1_durable":
        bench.check(engine_cls is bench.GraphplexEngine, "W1_durable is profiled on graphplex only")
        return len(inputs.writes), bench.w1_durable(inputs)
    if name == "W3":
        engine, seconds = bench.w3_bulk_load(engine_cls, sizes, node_batches, rel_batches)
        bench.verify_w3(engine, sizes)
        return sizes.nodes + sizes.rels, seconds
    profiler, bench.TimedBlockProfiler.profiler = bench.TimedBlockProfiler.profiler, None
    engine, _ = bench.w3_bulk_load(engine_cls, sizes, node_batches, rel_batches)
    bench.TimedBlockProfiler.profiler = profiler
    if name == "W6":
        return len(inputs.txs), bench.w6_explicit_tx(engine, inputs, sizes)
    if name == "W5":
        return repeat * sizes.scans, sum(bench.w5_aggregate_scan(engine, inputs, sizes) for _ in range(repeat))
    queries = {"W2": inputs.read_ids, "W4": inputs.two_hop_ids, "W8": inputs.path_pairs}[name]
    return repeat * len(queries), sum(ON_W3_GRAPH[name](engine, inputs) for _ in range(repeat))


def place(filename: str) -> str:
    """A short name for a source file: relative to the checkout, to site-packages, or the builtin marker."""
    if filename.startswith(ROOT + os.sep):
        return os.path.relpath(filename, ROOT)
    if "site-packages" in filename:
        return filename.split("site-packages" + os.sep, 1)[1]
    if filename.startswith("<") or filename == "~":
        return "(builtin)"
    return os.path.basename(filename)


def tables(stats: pstats.Stats, top: int) -> str:
    """Markdown: the `top` functions by own time, then own time per file, with shares of the profiled total."""
    rows = [(place(file), line, func, calls, own, cumulative)
            for (file, line, func), (_, calls, own, cumulative, _) in stats.stats.items()]
    total = sum(row[4] for row in rows) or 1.0
    rows.sort(key=lambda row: row[4], reverse=True)
    out = ["| # | function | own s | share | calls | cumulative s |", "| --- | --- | --- | --- | --- | --- |"]
    for rank, (file, line, func, calls, own, cumulative) in enumerate(rows[:top], 1):
        where = f"{file}:{line} `{func}`" if line else f"`{func}`"
        out.append(f"| {rank} | {where} | {own:.3f} | {own / total:.1%} | {calls} | {cumulative:.3f} |")
    per_file: dict[str, float] = defaultdict(float)
    for file, _, _, _, own, _ in rows:
        per_file[file] += own
    out += ["", "| file | own s | share |", "| --- | --- | --- |"]
    for file, own in sorted(per_file.items(), key=lambda item: item[1], reverse=True)[:top]:
        out.append(f"| {file} | {own:.3f} | {own / total:.1%} |")
    return "\n".join(out)


def head_commit() -> str:
    proc = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return proc.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("--scale", type=float, default=0.2, help="fraction of the WORKLOADS.md sizes")
    parser.add_argument("--top", type=int, default=25, help="rows per table")
    parser.add_argument("--engine", choices=["graphplex", "kuzu", "networkx"], default="graphplex")
    parser.add_argument("--repeat", type=int, default=1,
                        help="W2, W4, W5, W8: run the timed loop this many times on the same graph (a steady-state "
                             "profile; the first run alone pays one-time costs such as building columns)")
    args = parser.parse_args()

    commit, started = head_commit(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())  # the code this run loads
    engine_cls = bench.ENGINES[args.engine]
    sizes, node_batches, rel_batches, inputs, _ = bench.prepare(args.scale)
    bench.warm_up(engine_cls)  # imports and the Cypher parser stay out of the profile, as in cypher_bench

    profiler = cProfile.Profile()
    bench.TimedBlockProfiler.profiler = profiler
    ops, seconds = run_workload(args.workload, engine_cls, sizes, inputs, node_batches, rel_batches, args.repeat)
    bench.TimedBlockProfiler.profiler = None
    gc_seconds = bench.TimedBlockProfiler.gc_seconds
    stats = pstats.Stats(profiler)
    repeated = f" --repeat {args.repeat}" if args.repeat > 1 else ""
    print(f"### {args.workload} on {args.engine}, --scale {args.scale}{repeated} (commit {commit}, {started})\n")
    print(f"Timed block under cProfile: {ops} ops in {seconds:.2f} s ({ops / seconds:,.1f} ops/s profiled); "
          f"cyclic GC {gc_seconds:.2f} s of it ({gc_seconds / seconds:.0%}); "
          f"profiled own time {stats.total_tt:.2f} s.\n")
    print(tables(stats, args.top))


if __name__ == "__main__":
    main()
