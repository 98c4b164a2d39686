"""FalkorDB-lite's W2 point reads, the peer of `bench/bolt_bench.py`'s one-connection Bolt reads: a C server behind
a (Unix) socket, queried through its own Python client, one query per round trip as the `neo4j` driver does.

FalkorDB-lite needs Python >= 3.12, so `bolt_bench.py` runs this file with another interpreter (a venv holding
`falkordblite`) and imports nothing of graphplex. After loading it prints `ready`, then times one round of the reads
for each line read from stdin and prints it as a JSON line (`bench/common.py`'s format), so that the caller can
interleave its rounds with graphplex's on a noisy machine.

    echo go | python3.12 bench/bolt_falkordb_peer.py --people 100000 --reads 20000
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=20_000)
    parser.add_argument("--scale", type=float, default=1.0, help="only echoed in the result line")
    args = parser.parse_args()
    from redislite.falkordb_client import FalkorDB

    rng = random.Random(42)
    ids = [rng.randrange(args.people) for _ in range(args.reads)]
    with tempfile.TemporaryDirectory() as directory:
        db = FalkorDB(f"{directory}/peer.db")
        try:
            graph = db.select_graph("w2")
            graph.query("CREATE INDEX FOR (p:Person) ON (p.id)")
            for start in range(0, args.people, 10_000):
                graph.query("UNWIND range($a, $b) AS i CREATE (:Person {id: i, name: 'p' + toString(i)})",
                            {"a": start, "b": min(start + 10_000, args.people) - 1})
            for i in ids[:50]:  # warm-up, as the graphplex side has
                graph.query("MATCH (p:Person {id: $id}) RETURN p.name AS name", {"id": i})
            print("ready", flush=True)
            for _ in sys.stdin:
                seconds = _round(graph, ids)
                print(json.dumps({"workload": "point_read_falkordblite", "scale": args.scale, "ops": len(ids),
                                  "seconds": round(seconds, 6), "ops_per_s": round(len(ids) / seconds, 1),
                                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
                                  "engine": "falkordblite"}), flush=True)
        finally:
            db.close()


def _round(graph, ids: list[int]) -> float:
    """Seconds to read every id, each answer verified."""
    started = time.perf_counter()
    for i in ids:
        rows = graph.query("MATCH (p:Person {id: $id}) RETURN p.name AS name", {"id": i}).result_set
        if rows != [[f"p{i}"]]:
            raise SystemExit(f"verification failed: FalkorDB-lite answered {rows!r} for {i}")
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
