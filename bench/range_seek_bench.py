"""Range and prefix seeks against the label scan they replace, in one run, in memory and on disk.

    python bench/range_seek_bench.py [--scale 1.0] [--modes IN_MEMORY_TRANSACTIONAL,ON_DISK_TRANSACTIONAL]

Two databases of each storage mode hold the same :Item nodes (`scale` × 50,000; `k` an integer, `name` a string),
one with range indexes on :Item(k) and :Item(name), one without. Each query runs with random bounds that select
about 0.1 % of the nodes: `k > $x` (an open range near the top), `k >= $a AND k < $b`, `name STARTS WITH $p`.
Each plan runs twice, interleaved with the other, and its best time counts. Prints one JSON line per query, mode and plan (`bench/common.py`'s format plus `mode`, `query`, `operator`) and one
`ratio` line per query and mode (seek ops/s divided by scan ops/s). Every answer of the seek is checked against the
scan's, and the seek's plan must show NodeIndexSeekByRange.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report, timed  # noqa: E402

SEED = 7
QUERIES = {
    "open_range": "MATCH (n:Item) WHERE n.k > $x RETURN n.k AS k",
    "closed_range": "MATCH (n:Item) WHERE n.k >= $a AND n.k < $b RETURN n.k AS k",
    "prefix": "MATCH (n:Item) WHERE n.name STARTS WITH $p RETURN n.k AS k",
}


def _database(mode: str, index: bool, nodes: int, directory: str):
    from graphplex.databases import Database
    db = Database(storage_mode=mode, directory=directory) if mode.startswith("ON_DISK") else Database()
    if index:
        db.execute("CREATE INDEX item_k FOR (n:Item) ON (n.k)").consume()
        db.execute("CREATE INDEX item_name FOR (n:Item) ON (n.name)").consume()
    for start in range(0, nodes, 10_000):
        db.execute("UNWIND range($start, $end - 1) AS i CREATE (:Item {k: i, name: 'item' + toString(i)})",
                   {"start": start, "end": min(nodes, start + 10_000)}).consume()
    return db


def _parameters(nodes: int, runs: int) -> dict[str, list[dict]]:
    rng = random.Random(SEED)
    width = max(1, nodes // 1000)
    closed = []
    for _ in range(runs):
        a = rng.randrange(nodes - width)
        closed.append({"a": a, "b": a + width})
    # `item123` prefixes: a prefix of 4 digits past `item` picks about one node in 1,000 at scale 1 (and its tens).
    prefixes = [{"p": f"item{rng.randrange(1000, 10_000)}"} for _ in range(runs)]
    return {"open_range": [{"x": nodes - width} for _ in range(runs)], "closed_range": closed, "prefix": prefixes}


def _operator(db, query: str, params: dict) -> str:
    tree = db.execute("EXPLAIN " + query, params).plan_description()
    while tree["children"]:
        tree = tree["children"][0]
    return tree["operatorType"].partition("@")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--modes", default="IN_MEMORY_TRANSACTIONAL,ON_DISK_TRANSACTIONAL")
    parser.add_argument("--runs", type=int, default=200, help="queries per plan in memory (times the scale)")
    parser.add_argument("--disk-runs", type=int, default=5, help="queries per plan on disk, whose label scan is slow")
    options = parser.parse_args()
    nodes = max(2_000, int(50_000 * options.scale))
    runs = max(10, int(options.runs * options.scale))
    parameters = _parameters(nodes, runs)
    for mode in options.modes.split(","):
        with tempfile.TemporaryDirectory() as seek_dir, tempfile.TemporaryDirectory() as scan_dir:
            seek_db = _database(mode, True, nodes, seek_dir)
            scan_db = _database(mode, False, nodes, scan_dir)
            for name, query in QUERIES.items():
                operator = _operator(seek_db, query, parameters[name][0])
                check(operator == "NodeIndexSeekByRange", f"{mode} {name}: the seek's plan starts with {operator}")
                chosen = parameters[name][:runs if mode.startswith("IN_MEMORY") else options.disk_runs]
                seconds = {"seek": float("inf"), "scan": float("inf")}
                answers = {}
                for _ in range(2):  # interleaved, best of two: the machine is shared
                    for plan, db in (("seek", seek_db), ("scan", scan_db)):
                        gc.collect()
                        with timed() as timer:
                            answers[plan] = [sorted(db.execute(query, params)) for params in chosen]
                        seconds[plan] = min(seconds[plan], timer.seconds)
                for plan, db in (("seek", seek_db), ("scan", scan_db)):
                    report(f"range_seek_{name}", options.scale, len(chosen), seconds[plan], mode=mode, query=query,
                           plan=plan, operator=_operator(db, query, chosen[0]), nodes=nodes)
                check(answers["seek"] == answers["scan"], f"{mode} {name}: the seek and the scan disagree")
                print(json.dumps({"ratio": f"range_seek_{name}", "mode": mode,
                                  "seek_over_scan": round(seconds["scan"] / seconds["seek"], 1)}), flush=True)
            for db in (seek_db, scan_db):
                db.close()


if __name__ == "__main__":
    main()
