"""Memgraph's GRANT/DENY/REVOKE TRANSACTION_MANAGEMENT and QUERY MEMORY LIMIT through Memgraph's own client
(pymgclient over Bolt 4.x) against `graphplex serve` with authentication on. The server runs in its own process:
pymgclient's connect() holds the GIL while it connects."""
from __future__ import annotations

import pytest

from mgclient_support import fetch

mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")


@pytest.fixture
def served(serve) -> int:
    """A `graphplex serve --in-memory` process, its admin `neo4j` with password pw."""
    return serve(password="pw")


def connect(port: int, user: str, password: str, autocommit: bool = True):
    connection = mgclient.connect(host="127.0.0.1", port=port, username=user, password=password)
    connection.autocommit = autocommit
    return connection


def usernames(cursor) -> list[str]:
    return sorted(row["username"] for row in fetch(cursor, "SHOW TRANSACTIONS;"))


def test_transaction_management_granted_denied_and_revoked_over_pymgclient(served):
    admin = connect(served, "neo4j", "pw").cursor()
    for name in ("worker", "watcher"):
        fetch(admin, f"CREATE USER {name} SET PASSWORD 'pw-1' CHANGE NOT REQUIRED;")
        fetch(admin, f"GRANT ROLE reader TO {name};")
    worker = connect(served, "worker", "pw-1", autocommit=False).cursor()   # BEGIN sent as Cypher: stays open
    fetch(worker, "MATCH (n) RETURN count(n);")
    watcher = connect(served, "watcher", "pw-1").cursor()
    assert usernames(watcher) == ["watcher"]

    fetch(admin, "GRANT TRANSACTION_MANAGEMENT TO watcher;")
    assert usernames(watcher) == ["watcher", "worker"]
    fetch(admin, "DENY TRANSACTION_MANAGEMENT TO watcher;")
    assert usernames(watcher) == ["watcher"]
    fetch(admin, "REVOKE TRANSACTION_MANAGEMENT FROM watcher;")
    assert usernames(watcher) == ["watcher"]
    assert fetch(admin, "SHOW USER watcher PRIVILEGES YIELD role, action WHERE role = 'watcher';") == []

    fetch(admin, "GRANT TRANSACTION_MANAGEMENT TO watcher;")
    victim, = [row["transaction_id"] for row in fetch(watcher, "SHOW TRANSACTIONS;") if row["username"] == "worker"]
    assert fetch(watcher, "TERMINATE TRANSACTIONS $id;", {"id": victim}) == [
        {"transaction_id": victim, "killed": True}]
    with pytest.raises(mgclient.DatabaseError, match="asked to abort by another user"):
        fetch(worker, "MATCH (n) RETURN count(n);")


def test_a_query_over_its_memory_limit_fails_over_pymgclient_and_changes_nothing(served):
    cursor = connect(served, "neo4j", "pw").cursor()
    create = "UNWIND range(1, 1000) AS i CREATE (:Bulk {i: i})"
    with pytest.raises(mgclient.DatabaseError, match="Memory limit exceeded!"):
        fetch(cursor, f"{create} QUERY MEMORY LIMIT 10 KB;")
    assert fetch(cursor, "MATCH (n:Bulk) RETURN count(n) AS n;") == [{"n": 0}]
    fetch(cursor, f"{create} QUERY MEMORY UNLIMITED;")
    assert fetch(cursor, "MATCH (n:Bulk) RETURN count(n) AS n;") == [{"n": 1000}]
