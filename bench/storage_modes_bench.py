"""Storage modes: the W3 bulk load through Cypher in each mode, and memory while loading a large graph on disk.

    python bench/storage_modes_bench.py [--scale 1.0] [--disk-relationships 5000000]

Each W3 load runs in a fresh process (peak memory is per process) on a durable database (`durability="fsync"`),
so IN_MEMORY_TRANSACTIONAL logs every batch, IN_MEMORY_ANALYTICAL logs nothing and ON_DISK_TRANSACTIONAL writes
SQLite. The on-disk line loads `--disk-relationships` relationships between 100,000 nodes in transactions of
10,000 and reports resident memory after the first and the last batch.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, peak_rss_mb, report, timed  # noqa: E402

MODES = ("IN_MEMORY_TRANSACTIONAL", "IN_MEMORY_ANALYTICAL", "ON_DISK_TRANSACTIONAL")
BATCH = 10_000


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def w3_child(mode: str, directory: str, nodes: int, relationships: int) -> None:
    from graphplex.databases import Database
    db = Database(directory=directory, storage_mode=mode)
    db.execute("CREATE INDEX person_id FOR (p:Person) ON (p.id)").consume()
    rng = random.Random(42)
    people = [{"id": i, "name": f"p{i}", "age": i % 90} for i in range(nodes)]
    pairs = [{"a": rng.randrange(nodes), "b": rng.randrange(nodes)} for _ in range(relationships)]
    with timed() as t:
        for start in range(0, nodes, BATCH):
            db.execute("UNWIND $rows AS r CREATE (:Person {id: r.id, name: r.name, age: r.age})",
                       {"rows": people[start:start + BATCH]}).consume()
        for start in range(0, relationships, BATCH):
            db.execute("UNWIND $pairs AS p MATCH (a:Person {id: p.a}), (b:Person {id: p.b}) "
                       "CREATE (a)-[:KNOWS]->(b)", {"pairs": pairs[start:start + BATCH]}).consume()
    counted = list(db.execute("MATCH ()-[r:KNOWS]->() RETURN count(r)"))[0][0]
    db.close()
    print(json.dumps({"seconds": t.seconds, "relationships": counted, "peak_mb": peak_rss_mb()}))


def disk_child(directory: str, nodes: int, relationships: int) -> None:
    from graphplex.databases import Database
    db = Database(directory=directory, storage_mode="ON_DISK_TRANSACTIONAL", durability="flush")
    txn = db.begin()
    for i in range(nodes):
        txn.create_vertex(("Person",), {"id": i})
    txn.commit()
    rng = random.Random(42)
    first = None
    with timed() as t:
        for _ in range(relationships // BATCH):
            txn = db.begin()
            for _ in range(BATCH):
                txn.create_edge(txn.vertex(rng.randrange(nodes)), txn.vertex(rng.randrange(nodes)), "KNOWS")
            txn.commit()
            first = first or resident_mb()
    stored = db.storage.counts()[1]
    db.close()
    print(json.dumps({"seconds": t.seconds, "relationships": stored, "first_mb": first, "last_mb": resident_mb()}))


def in_child(*arguments: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", *arguments], capture_output=True, text=True,
                            check=True).stdout
    return json.loads(output.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--disk-relationships", type=int, default=None)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "w3":
            w3_child(rest[0], rest[1], int(rest[2]), int(rest[3]))
        else:
            disk_child(rest[0], int(rest[1]), int(rest[2]))
        return
    nodes, relationships = max(1000, int(100_000 * args.scale)), max(5000, int(500_000 * args.scale))
    with tempfile.TemporaryDirectory() as root:
        baseline = None
        for mode in MODES:
            result = in_child("w3", mode, os.path.join(root, mode), str(nodes), str(relationships))
            check(result["relationships"] == relationships, f"{mode} W3 stored {result['relationships']}")
            baseline = baseline or result["seconds"]
            report("W3_bulk_load", args.scale, nodes + relationships, result["seconds"], storage_mode=mode,
                   durability="fsync", vs_transactional=round(baseline / result["seconds"], 2),
                   loader_peak_rss_mb=round(result["peak_mb"], 1))
        disk_relationships = args.disk_relationships or max(BATCH, int(5_000_000 * args.scale))
        disk_relationships -= disk_relationships % BATCH
        result = in_child("disk", os.path.join(root, "disk"), "100000", str(disk_relationships))
        check(result["relationships"] == disk_relationships, f"on-disk load stored {result['relationships']}")
        report("on_disk_load", args.scale, disk_relationships, result["seconds"],
               rss_after_first_batch_mb=round(result["first_mb"], 1),
               rss_after_last_batch_mb=round(result["last_mb"], 1))


if __name__ == "__main__":
    main()
