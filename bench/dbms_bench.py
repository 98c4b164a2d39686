"""Coordinator benchmarks: W9 (many databases) and W10 (DBMS transactions across databases), plus the cost of a
DBMS transaction touching 1, 3 and 10 databases and create+drop of a database per second.

    python bench/dbms_bench.py [--scale 1.0]
"""
from __future__ import annotations

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report, timed  # noqa: E402
from graphplex import DBMS  # noqa: E402


def create_drop(dbms: DBMS, cycles: int) -> float:
    with dbms.session() as session, timed() as t:
        for i in range(cycles):
            session.run("CREATE DATABASE $name", name=f"tmp{i}").consume()
            session.run("DROP DATABASE $name", name=f"tmp{i}").consume()
    check(sorted(dbms.database_names()) == ["neo4j", "system"], "databases left behind")
    return t.seconds


def multi_graph(dbms: DBMS, databases: int, nodes: int, reads: int) -> tuple[float, float]:
    names = [f"graph{i}" for i in range(databases)]
    with dbms.session() as session, timed() as created:
        for name in names:
            session.run("CREATE DATABASE $name", name=name).consume()
            session.run(f"USE {name} UNWIND range(1, $n) AS i CREATE (:Item {{id: i}})", n=nodes).consume()
            session.run(f"USE {name} CREATE INDEX FOR (i:Item) ON (i.id)").consume()
    picks = [(random.choice(names), random.randint(1, nodes)) for _ in range(reads)]
    with dbms.session() as session, timed() as read:
        for name, item in picks:
            found = session.run(f"USE {name} MATCH (i:Item {{id: $id}}) RETURN i.id AS id", id=item).single()
            check(found is not None and found["id"] == item, f"W9 read {name}/{item}")
    return created.seconds, read.seconds


def spanning_transactions(dbms: DBMS, touched: int, count: int) -> float:
    """DBMS transactions that read from `touched - 1` databases and write to one."""
    names = [f"graph{i}" for i in range(touched)]
    with dbms.session() as session, timed() as t:
        for n in range(count):
            with session.begin_transaction() as tx:
                total = 0
                for name in names[1:]:
                    total += tx.run(f"USE {name} MATCH (i:Item {{id: 1}}) RETURN i.id AS id").single()["id"]
                tx.run(f"USE {names[0]} CREATE (:Log {{n: $n, seen: $total}})", n=n, total=total).consume()
    with dbms.session(database=names[0]) as session:
        check(session.run("MATCH (l:Log) RETURN count(l) AS c").single()["c"] >= count, "W10 writes")
    return t.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    random.seed(42)
    scale = args.scale
    with DBMS.in_memory() as dbms:
        cycles = max(20, int(1000 * scale))
        seconds = create_drop(dbms, cycles)
        report("create_drop_database", scale, cycles, seconds)
    with DBMS.in_memory() as dbms:
        databases, nodes, reads = max(10, int(100 * scale)), max(100, int(1000 * scale)), max(100, int(1000 * scale))
        created, read = multi_graph(dbms, databases, nodes, reads)
        report("W9_multi_graph_create", scale, databases, created, nodes_per_database=nodes)
        report("W9_multi_graph_read", scale, reads, read)
        count = max(50, int(1000 * scale))
        baseline = None
        for touched in (1, 3, 10):
            seconds = spanning_transactions(dbms, touched, count)
            baseline = baseline or seconds
            report(f"W10_dbms_tx_{touched}_databases", scale, count, seconds,
                   cost_vs_one_database=round(seconds / baseline, 2))


if __name__ == "__main__":
    main()
