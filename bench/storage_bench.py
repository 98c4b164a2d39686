"""Storage-level parts of the benchmark workloads (W1 point writes, W2 indexed point reads, W3 bulk load,
W4 two-hop expansion), next to the pure-Python floor: a dict insert and lookup of the same record.

    python bench/storage_bench.py [--scale 1.0]

Ratios are printed as `x_dict` (engine time per operation / dict time per operation), measured in this run.
"""
from __future__ import annotations

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report, timed  # noqa: E402
from graphplex.databases.storage import SchemaChange, Storage  # noqa: E402


def dict_floor(n: int) -> tuple[float, float]:
    """Seconds for n dict inserts of a W1 record, then n lookups (the pure-Python floor)."""
    table: dict = {}
    with timed() as write:
        for i in range(n):
            table[i] = {"id": i, "name": f"p{i}", "age": i % 90}
    keys = [random.randrange(n) for _ in range(n)]
    with timed() as read:
        for key in keys:
            table[key]["name"]
    return write.seconds, read.seconds


def point_writes(n: int) -> tuple[Storage, float]:
    storage = Storage()
    with timed() as t:
        for i in range(n):
            txn = storage.begin()
            txn.create_vertex(("Person",), {"id": i, "name": f"p{i}", "age": i % 90})
            txn.commit()
    check(len(storage.vertices) == n, "W1 node count")
    return storage, t.seconds


def point_reads(storage: Storage, n: int, population: int) -> float:
    txn = storage.begin()
    txn.change_schema(SchemaChange("create_index", label="Person", properties=("id",)))
    txn.commit()
    ids = [random.randrange(population) for _ in range(n)]
    with timed() as t:
        for i in ids:
            txn = storage.begin()
            names = [txn.property(v, "name") for v in txn.vertices_by_property("Person", "id", i)]
            txn.commit()
            if names != [f"p{i}"]:
                check(False, f"W2 read of {i} gave {names}")
    return t.seconds


def bulk_load(nodes: int, rels: int, batch: int = 10_000) -> tuple[Storage, float]:
    storage = Storage()
    txn = storage.begin()
    txn.change_schema(SchemaChange("create_index", label="Person", properties=("id",)))
    txn.commit()
    pairs = [(random.randrange(nodes), random.randrange(nodes)) for _ in range(rels)]
    with timed() as t:
        for start in range(0, nodes, batch):
            txn = storage.begin()
            for i in range(start, min(nodes, start + batch)):
                txn.create_vertex(("Person",), {"id": i, "name": f"p{i}", "age": i % 90})
            txn.commit()
        for start in range(0, rels, batch):
            txn = storage.begin()
            for a, b in pairs[start:start + batch]:
                src = next(txn.vertices_by_property("Person", "id", a))
                dst = next(txn.vertices_by_property("Person", "id", b))
                txn.create_edge(src, dst, "KNOWS")
            txn.commit()
    check(storage.counts() == (nodes, rels), "W3 counts")
    return storage, t.seconds


def two_hop(storage: Storage, queries: int, nodes: int) -> float:
    ids = [random.randrange(nodes) for _ in range(queries)]
    with timed() as t:
        for i in ids:
            txn = storage.begin()
            reached = set()
            for start in txn.vertices_by_property("Person", "id", i):
                for _, middle in txn.expand(start, "out", ("KNOWS",)):
                    for _, end in txn.expand(middle, "out", ("KNOWS",)):
                        reached.add(end)
            txn.commit()
    return t.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the WORKLOADS.md sizes")
    args = parser.parse_args()
    random.seed(42)
    n = max(100, int(20_000 * args.scale))
    dict_write, dict_read = dict_floor(n)
    report("floor_dict_insert", args.scale, n, dict_write)
    report("floor_dict_lookup", args.scale, n, dict_read)
    storage, seconds = point_writes(n)
    report("W1_point_write_storage", args.scale, n, seconds, x_dict=round(seconds / dict_write, 1))
    seconds = point_reads(storage, n, n)
    report("W2_point_read_storage", args.scale, n, seconds, x_dict=round(seconds / dict_read, 1))
    nodes, rels = max(1000, int(100_000 * args.scale)), max(5000, int(500_000 * args.scale))
    storage, seconds = bulk_load(nodes, rels)
    report("W3_bulk_load_storage", args.scale, nodes + rels, seconds)
    queries = max(100, int(2_000 * args.scale))
    report("W4_two_hop_storage", args.scale, queries, two_hop(storage, queries, nodes))


if __name__ == "__main__":
    main()
