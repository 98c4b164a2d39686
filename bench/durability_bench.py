"""Durability benchmarks: W1 durable (implicit transactions, each `CREATE (:Person {id, name, age})`, the log
synced before each commit returns) next to SQLite in WAL mode with synchronous=FULL inserting the same records one
transaction each, with 1 and 4 committing threads; then the time to recover a log and to write a snapshot.

A synced commit costs about one disk flush, and the flush time of a shared machine swings by 10x from minute to
minute, so graphplex and SQLite run in alternating rounds (each round a fresh database of each, the order flipped
every round) and a ratio is taken per round, between runs seconds apart: the line reports the median and the
lowest. `--profile` adds where a single-thread commit's time goes (the log's sync, its write, the rest).

    python bench/durability_bench.py [--scale 1.0] [--rounds 4] [--threads 1 4] [--profile]
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report, timed  # noqa: E402
from bench.cypher_queries import COUNT_NODES, CREATE_PERSON, READ_RECORD  # noqa: E402
from graphplex.databases import Database  # noqa: E402
from graphplex.databases.durability import wal  # noqa: E402
from graphplex.databases.durability.log import TransactionLog  # noqa: E402


def person(i: int) -> dict:
    """W1's record (as `cypher_bench.person`)."""
    return {"id": i, "name": f"p{i}", "age": i % 90}


def split(records: list[dict], threads: int) -> list[list[dict]]:
    return [records[n::threads] for n in range(threads)]


def run_threads(work, arguments: list[tuple]) -> float:
    """Seconds for `work(*args)` on one thread each of `arguments`, all started together."""
    workers = [threading.Thread(target=work, args=args) for args in arguments]
    with timed() as t:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    return t.seconds


def graphplex_commits(directory: str, records: list[dict], threads: int) -> float:
    db = Database("bench", directory=directory, durability="fsync")

    def work(part: list[dict]) -> None:
        for record in part:
            db.execute(CREATE_PERSON, record).consume()

    seconds = run_threads(work, [(part,) for part in split(records, threads)])
    db.close(checkpoint=False)
    reopened = Database("bench", directory=directory)  # what recovery finds is what was acknowledged
    check(list(reopened.execute(COUNT_NODES)) == [(len(records),)], "graphplex recovered count")
    for record in records[::max(1, len(records) // 20)]:
        got = list(reopened.execute(READ_RECORD, {"id": record["id"]}))
        check(got == [(record["name"], record["age"])], f"graphplex record {record['id']}: {got}")
    reopened.close(checkpoint=False)
    return seconds


def sqlite_connection(path: str, synchronous: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    return connection


def sqlite_commits(path: str, records: list[dict], threads: int, synchronous: str = "FULL") -> float:
    """The same records, one transaction each (BEGIN IMMEDIATE: concurrent writers queue for the lock rather
    than fail on upgrading it), a connection a thread."""
    setup = sqlite_connection(path, synchronous)
    setup.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)")
    connections = [sqlite_connection(path, synchronous) for _ in range(threads)]

    def work(part: list[dict], connection: sqlite3.Connection) -> None:
        for record in part:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO person (id, name, age) VALUES (?, ?, ?)",
                               (record["id"], record["name"], record["age"]))
            connection.execute("COMMIT")

    seconds = run_threads(work, list(zip(split(records, threads), connections)))
    check(setup.execute("SELECT count(*) FROM person").fetchone()[0] == len(records), "sqlite count")
    for connection in (setup, *connections):
        connection.close()
    return seconds


def compare(root: str, count: int, threads: int, rounds: int, scale: float) -> None:
    """Alternating rounds of graphplex and SQLite; one result line each, and the per-round ratios."""
    records = [person(i) for i in range(count)]
    ours: list[float] = []
    theirs: list[float] = []
    for round_ in range(rounds):
        base = os.path.join(root, f"t{threads}-r{round_}")
        runs = [lambda: ours.append(graphplex_commits(base + "-graphplex", records, threads)),
                lambda: theirs.append(sqlite_commits(base + "-sqlite.db", records, threads))]
        for run in runs if round_ % 2 == 0 else reversed(runs):
            run()
    ratios = [sqlite_s / graphplex_s for graphplex_s, sqlite_s in zip(ours, theirs)]
    report(f"W1_durable_{threads}_thread{'s' if threads > 1 else ''}", scale, count, statistics.median(ours),
           engine="graphplex", rounds=rounds)
    report(f"W1_durable_{threads}_thread{'s' if threads > 1 else ''}", scale, count, statistics.median(theirs),
           engine="sqlite_wal_full", graphplex_vs_sqlite_median=round(statistics.median(ratios), 2),
           graphplex_vs_sqlite_lowest=round(min(ratios), 2), per_round=[round(r, 2) for r in ratios])


def profile_single_thread(root: str, count: int, scale: float) -> None:
    """Where one thread's durable commit goes, microseconds a commit: the log's sync, the rest of the log's publish
    hook (the record built, framed and written), the rest (the statement and the commit); beside it SQLite's
    commit with synchronous=OFF, its cost without the sync."""
    spent = {"sync": 0.0, "log": 0.0}
    sync, hook = wal._sync, TransactionLog._append

    def timed_sync(fd: int) -> None:
        start = time.perf_counter()
        sync(fd)
        spent["sync"] += time.perf_counter() - start

    def timed_hook(log: TransactionLog, txn, commit_ts: int):
        start = time.perf_counter()
        try:
            return hook(log, txn, commit_ts)
        finally:
            spent["log"] += time.perf_counter() - start

    wal._sync, TransactionLog._append = timed_sync, timed_hook  # the hook is bound when the database opens
    try:
        seconds = graphplex_commits(os.path.join(root, "profile"), [person(i) for i in range(count)], 1)
    finally:
        wal._sync, TransactionLog._append = sync, hook
    per = {name: value / count * 1e6 for name, value in spent.items()}
    total = seconds / count * 1e6
    unsynced = sqlite_commits(os.path.join(root, "profile-sqlite.db"), [person(i) for i in range(count)], 1, "OFF")
    report("W1_durable_profile", scale, count, seconds, us_per_commit=round(total, 1), us_sync=round(per["sync"], 1),
           us_log_record_and_write=round(per["log"], 1), us_rest=round(total - per["sync"] - per["log"], 1),
           sqlite_us_per_commit_unsynced=round(unsynced / count * 1e6, 1))


def recovery_and_checkpoint(root: str, scale: float) -> None:
    recovery_count = max(1000, int(100_000 * scale))
    db = Database("bench", directory=os.path.join(root, "recovery"), durability="flush")
    for i in range(recovery_count):
        db.execute("CREATE (:Event {id: $id})", {"id": i}).consume()
    db.close(checkpoint=False)
    with timed() as t:
        again = Database("bench", directory=os.path.join(root, "recovery"))
    check(list(again.execute("MATCH (e:Event) RETURN count(e)"))[0][0] == recovery_count, "recovered count")
    report("recovery_from_log", scale, recovery_count, t.seconds)
    elements = max(10_000, int(1_000_000 * scale))
    again.execute("UNWIND range(1, $n) AS i CREATE (:Bulk {i: i})", {"n": elements - recovery_count}).consume()
    with timed() as t:
        again.log.checkpoint()
    report("checkpoint", scale, elements, t.seconds)
    again.close(checkpoint=False)
    with timed() as t:
        Database("bench", directory=os.path.join(root, "recovery")).close(checkpoint=False)
    report("recovery_from_snapshot", scale, elements, t.seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of W1's 20,000 commits")
    parser.add_argument("--rounds", type=int, default=8, help="alternating rounds of each engine (the commits "
                        "are split among them)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--profile", action="store_true", help="also time the parts of a single-thread commit")
    parser.add_argument("--no-recovery", action="store_true", help="skip the recovery and checkpoint timings")
    args = parser.parse_args()
    count = max(200, int(20_000 * args.scale)) // args.rounds
    with tempfile.TemporaryDirectory() as root:
        graphplex_commits(os.path.join(root, "warm-up"), [person(i) for i in range(50)], 1)  # the parser, outside
        for threads in args.threads:
            compare(root, count, threads, args.rounds, args.scale)
        if args.profile:
            profile_single_thread(root, count, args.scale)
        if not args.no_recovery:
            recovery_and_checkpoint(root, args.scale)


if __name__ == "__main__":
    main()
