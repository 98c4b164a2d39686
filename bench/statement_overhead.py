"""The fixed cost of one statement (issue 18), in CPU time, so that two versions of the code can be compared on a
shared, loaded machine: wall-clock figures there swing by 2x from one run to the next, while the CPU time of the
measuring thread (`time.thread_time`) does not count the moments the process waits for a core.

    python bench/statement_overhead.py [--part statements|durable] [--against DIR --python PY] [--rounds 8]

`statements`: the least microseconds per operation over 25 samples of 300 operations, for `RETURN 1`, W2's point
read and W1's point write through `Database.execute` (as `cypher_bench` calls them) and through `Session.run`
(the DBMS transaction, routing, privileges and the driver-shaped result), and W6's explicit transaction of five
writes and five reads through a session. `durable`: the CPU time of a W1 commit with the log flushed, and with it
synced (the thread's CPU only: the wait for the disk is not in it); then graphplex's and SQLite's (WAL,
synchronous=FULL) durable commits alternating one by one in the same process, so that both see the same state of
the disk (its flush time swings by 10x from minute to minute), as microseconds each and SQLite's time over
graphplex's (the throughput ratio).

With `--against DIR --python PY` the same part runs in alternating processes of this checkout and of the checkout
DIR (with the interpreter PY, whose `graphplex` is DIR's), and each figure is printed with the median over the
rounds of its ratio this ÷ DIR, each ratio taken between two runs made one after the other."""
from __future__ import annotations

import argparse
import gc
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.cypher_queries import CREATE_PERSON, POINT_READ  # noqa: E402

NODES = 20_000


def person(i: int) -> dict:
    return {"id": i, "name": f"p{i}", "age": i % 90}


def least(work, operations: int = 300, samples: int = 25) -> float:
    """The least CPU microseconds per call of `work` over `samples` samples of `operations` calls."""
    work()
    best = float("inf")
    for _ in range(samples):
        start = time.thread_time()
        for _ in range(operations):
            work()
        best = min(best, (time.thread_time() - start) / operations * 1e6)
    return best


def statements() -> dict[str, float]:
    from graphplex import DBMS
    from graphplex.databases import Database
    figures = {}
    ids = iter(range(10 ** 6, 10 ** 8))
    db = Database()
    db.execute("CREATE INDEX person_id FOR (p:Person) ON (p.id)").consume()
    db.execute(f"UNWIND range(0, {NODES - 1}) AS i CREATE (:Person {{id: i, name: 'p' + i, age: i % 90}})").consume()
    figures["database RETURN 1"] = least(lambda: list(db.execute("RETURN 1")))
    figures["database W2"] = least(lambda: list(db.execute(POINT_READ, {"id": 777})))
    figures["database W1"] = least(lambda: db.execute(CREATE_PERSON, person(next(ids))).consume())
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run("CREATE INDEX person_id FOR (p:Person) ON (p.id)").consume()
        session.run(f"UNWIND range(0, {NODES - 1}) AS i CREATE (:Person {{id: i, name: 'p' + i, age: i % 90}})"
                    ).consume()
        figures["session RETURN 1"] = least(lambda: list(session.run("RETURN 1")))
        figures["session W2"] = least(lambda: list(session.run(POINT_READ, {"id": 777})))
        figures["session W1"] = least(lambda: session.run(CREATE_PERSON, person(next(ids))).consume())

        def explicit() -> None:
            with session.begin_transaction() as tx:
                for _ in range(5):
                    tx.run(CREATE_PERSON, person(next(ids))).consume()
                for i in range(5):
                    list(tx.run(POINT_READ, {"id": i}))
        figures["session W6"] = least(explicit, 30, 15)
    return figures


def _commit_cpu(durability: str, commits: int) -> float:
    from graphplex.databases import Database
    with tempfile.TemporaryDirectory() as directory:
        db = Database(directory=directory, durability=durability)
        records = [person(i) for i in range(commits + 100)]
        for record in records[:100]:
            db.execute(CREATE_PERSON, record).consume()
        gc.collect()
        start = time.thread_time()
        for record in records[100:]:
            db.execute(CREATE_PERSON, record).consume()
        seconds = time.thread_time() - start
        db.close(checkpoint=False)
    return seconds / commits * 1e6


def durable(commits: int = 1000) -> dict[str, float]:
    from graphplex.databases import Database
    figures = {"W1 flush, CPU a commit": min(_commit_cpu("flush", 1400) for _ in range(3)),
               "W1 fsync, CPU a commit": _commit_cpu("fsync", 700)}
    with tempfile.TemporaryDirectory() as directory:
        db = Database(directory=directory, durability="fsync")
        sqlite = sqlite3.connect(os.path.join(directory, "w1.sqlite"), isolation_level=None)
        sqlite.execute("PRAGMA journal_mode=WAL")
        sqlite.execute("PRAGMA synchronous=FULL")
        sqlite.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL)")
        ours = theirs = 0.0
        clock = time.perf_counter
        for i in range(commits):
            record = person(i)
            start = clock()
            db.execute(CREATE_PERSON, record).consume()
            middle = clock()
            sqlite.execute("INSERT INTO person (id, name, age) VALUES (?, ?, ?)", (i, record["name"], record["age"]))
            ours, theirs = ours + middle - start, theirs + clock() - middle
        sqlite.close()
        db.close(checkpoint=False)
    figures["W1 durable alternating, graphplex us"] = ours / commits * 1e6
    figures["W1 durable alternating, SQLite us"] = theirs / commits * 1e6
    figures["W1 durable alternating, graphplex ÷ SQLite throughput"] = theirs / ours
    return figures


def against(part: str, other: str, python: str, rounds: int) -> None:
    """Alternating processes of this checkout and `other`; medians and the median of the per-round ratios."""
    runs: dict[str, list[dict]] = {"this": [], "other": []}
    for round_ in range(rounds):
        order = [("this", sys.executable, ROOT), ("other", python, other)]
        for name, interpreter, checkout in (order if round_ % 2 == 0 else order[::-1]):
            done = subprocess.run([interpreter, os.path.join(ROOT, "bench", "statement_overhead.py"), "--part", part],
                                  cwd=checkout, capture_output=True, text=True, check=True)
            runs[name].append(json.loads(done.stdout))
    for key in runs["this"][0]:
        mine, theirs = [run[key] for run in runs["this"]], [run[key] for run in runs["other"]]
        ratios = [a / b for a, b in zip(mine, theirs)]
        print(f"| {key} | {statistics.median(theirs):.2f} | {statistics.median(mine):.2f} | "
              f"{statistics.median(ratios):.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["statements", "durable"], default="statements")
    parser.add_argument("--against", help="another checkout to compare with, in alternating processes")
    parser.add_argument("--python", help="the interpreter whose graphplex is the --against checkout's")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    if args.against:
        against(args.part, args.against, args.python or sys.executable, args.rounds)
        return
    print(json.dumps(statements() if args.part == "statements" else durable()))


if __name__ == "__main__":
    main()
