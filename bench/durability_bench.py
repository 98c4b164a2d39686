"""Durability benchmarks: durable commits per second with 1 and 8 committing threads next to SQLite (WAL mode,
synchronous=FULL, one insert per transaction) in the same run, and the time to recover a log.

    python bench/durability_bench.py [--scale 1.0]
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report, timed  # noqa: E402
from graphplex.databases import Database  # noqa: E402


def graphplex_commits(directory: str, count: int, threads: int) -> float:
    db = Database("bench", directory=directory)
    per_thread = count // threads

    def work(offset: int) -> None:
        for i in range(per_thread):
            db.execute("CREATE (:Event {id: $id})", {"id": offset + i}).consume()

    workers = [threading.Thread(target=work, args=(n * per_thread,)) for n in range(threads)]
    with timed() as t:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    check(list(db.execute("MATCH (e:Event) RETURN count(e)"))[0][0] == per_thread * threads, "graphplex count")
    db.close()
    return t.seconds


def sqlite_commits(path: str, count: int) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("CREATE TABLE event (id INTEGER PRIMARY KEY)")
    with timed() as t:
        for i in range(count):
            connection.execute("BEGIN")
            connection.execute("INSERT INTO event (id) VALUES (?)", (i,))
            connection.execute("COMMIT")
    check(connection.execute("SELECT count(*) FROM event").fetchone()[0] == count, "sqlite count")
    connection.close()
    return t.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    count = max(200, int(5000 * args.scale))
    with tempfile.TemporaryDirectory() as root:
        graphplex_commits(os.path.join(root, "warm-up"), 50, 1)  # builds the Cypher parser outside the timings
        one = graphplex_commits(os.path.join(root, "one"), count, 1)
        report("durable_commit_1_thread", args.scale, count, one)
        eight = graphplex_commits(os.path.join(root, "eight"), count, 8)
        report("durable_commit_8_threads", args.scale, count, eight, vs_1_thread=round(one / eight, 2))
        lite = sqlite_commits(os.path.join(root, "sqlite.db"), count)
        report("sqlite_wal_full_commit", args.scale, count, lite, graphplex_vs_sqlite=round(lite / one, 2))
        recovery_count = max(1000, int(100_000 * args.scale))
        db = Database("bench", directory=os.path.join(root, "recovery"), durability="flush")
        for i in range(recovery_count):
            db.execute("CREATE (:Event {id: $id})", {"id": i}).consume()
        db.close(checkpoint=False)
        with timed() as t:
            again = Database("bench", directory=os.path.join(root, "recovery"))
        check(list(again.execute("MATCH (e:Event) RETURN count(e)"))[0][0] == recovery_count, "recovered count")
        report("recovery_from_log", args.scale, recovery_count, t.seconds)
        elements = max(10_000, int(1_000_000 * args.scale))
        again.execute("UNWIND range(1, $n) AS i CREATE (:Bulk {i: i})", {"n": elements - recovery_count}).consume()
        with timed() as t:
            again.log.checkpoint()
        report("checkpoint", args.scale, elements, t.seconds)
        again.close(checkpoint=False)
        with timed() as t:
            Database("bench", directory=os.path.join(root, "recovery")).close(checkpoint=False)
        report("recovery_from_snapshot", args.scale, elements, t.seconds)


if __name__ == "__main__":
    main()
