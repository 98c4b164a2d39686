"""What every benchmark runner shares: seeded data, timing, peak memory and the JSON line format of
`../shared/bench/WORKLOADS.md` (`{"workload", "scale", "ops", "seconds", "ops_per_s", "peak_rss_mb"}`)."""
from __future__ import annotations

import json
import resource
import sys
import time
from contextlib import contextmanager
from typing import Iterator


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Timer:
    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[Timer]:
    timer = Timer()
    start = time.perf_counter()
    try:
        yield timer
    finally:
        timer.seconds = time.perf_counter() - start


def report(workload: str, scale: float, ops: int, seconds: float, **extra: object) -> dict:
    """Prints and returns one result line."""
    line = {"workload": workload, "scale": scale, "ops": ops, "seconds": round(seconds, 6),
            "ops_per_s": round(ops / seconds, 1) if seconds > 0 else None, "peak_rss_mb": round(peak_rss_mb(), 1)}
    line.update(extra)
    print(json.dumps(line), flush=True)
    return line


def check(condition: bool, message: str) -> None:
    """A fast wrong answer is a failure: stop the run."""
    if not condition:
        print(f"verification failed: {message}", file=sys.stderr)
        raise SystemExit(1)
