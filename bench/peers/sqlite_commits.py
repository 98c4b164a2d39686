"""SQLite as the durable-commit yardstick of issue 18: W1's records, one INSERT per transaction, in WAL mode with
`synchronous=FULL` (the WAL is synced at every commit), beside graphplex's durable W1 in the same run."""
from __future__ import annotations

import gc
import os
import sqlite3
import tempfile

from bench.common import check, timed

SCHEMA = "CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL)"
INSERT = "INSERT INTO person (id, name, age) VALUES (?, ?, ?)"


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)  # autocommit: each INSERT commits on its own
    check(connection.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",), "sqlite did not enter WAL mode")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def durable_point_commits(records: list[dict]) -> float:
    """Seconds for one committed, synced INSERT per record, after checking what a new connection reads back."""
    with tempfile.TemporaryDirectory(prefix="cypher_bench_sqlite_") as directory:
        path = os.path.join(directory, "w1.sqlite")
        connection = _connect(path)
        connection.execute(SCHEMA)
        gc.collect()
        with timed() as timer:
            for record in records:
                connection.execute(INSERT, (record["id"], record["name"], record["age"]))
        connection.close()
        reopened = sqlite3.connect(path)
        count = reopened.execute("SELECT count(*) FROM person").fetchone()
        last = reopened.execute("SELECT name, age FROM person WHERE id = ?", (records[-1]["id"],)).fetchone()
        reopened.close()
    check(count == (len(records),) and last == (records[-1]["name"], records[-1]["age"]),
          f"sqlite durable W1 read back {count} rows, last record {last}")
    return timer.seconds
