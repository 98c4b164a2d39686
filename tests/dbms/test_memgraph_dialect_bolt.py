"""Memgraph's dialect over Bolt against `graphplex serve`: Memgraph's clients (pymgclient, known by its user agent)
see SHOW / TERMINATE TRANSACTIONS in Memgraph's columns, Memgraph's abort message and Memgraph's statistics, while
the neo4j driver on the same server keeps Neo4j's; `--client-dialect` forces one for every connection. The server
runs in its own process: pymgclient's connect() holds the GIL while it connects."""
from __future__ import annotations

import pytest

from mgclient_support import fetch

mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")
neo4j = pytest.importorskip("neo4j")

MEMGRAPH_COLUMNS = ["username", "transaction_id", "query", "status", "metadata", "start_time", "elapsed_ms"]
MEMGRAPH_STATS = {"nodes-created": 1, "nodes-deleted": 0, "relationships-created": 0, "relationships-deleted": 0,
                  "labels-added": 1, "labels-removed": 0, "properties-set": 1}


def observer(port: int, **options):
    connection = mgclient.connect(host="127.0.0.1", port=port, **options)
    connection.autocommit = True
    return connection


def test_pymgclient_terminates_a_pymgclient_transaction_in_memgraph_s_words(serve):
    port = serve()
    victim = mgclient.connect(host="127.0.0.1", port=port)     # not autocommit: BEGIN sent as Cypher
    victim_cursor = victim.cursor()
    victim_cursor.execute("CREATE (:Lost)")
    victim_cursor.execute("MATCH (n:Lost) RETURN count(n)")
    watcher = observer(port)
    cursor = watcher.cursor()
    cursor.execute("SHOW TRANSACTIONS;")
    assert [column.name for column in cursor.description] == MEMGRAPH_COLUMNS
    rows = [dict(zip(MEMGRAPH_COLUMNS, row)) for row in cursor.fetchall()]
    victim_row, = [row for row in rows if row["query"] != ["SHOW TRANSACTIONS;"]]
    assert victim_row["query"] == ["CREATE (:Lost)", "MATCH (n:Lost) RETURN count(n)"]
    assert (victim_row["username"], victim_row["status"], victim_row["metadata"]) == ("", "running", {})
    assert victim_row["transaction_id"].isdigit()
    assert fetch(cursor, "TERMINATE TRANSACTIONS $id;", {"id": victim_row["transaction_id"]}) == [
        {"transaction_id": victim_row["transaction_id"], "killed": True}]
    with pytest.raises(mgclient.DatabaseError) as stopped:
        victim_cursor.execute("RETURN 1")
    assert str(stopped.value) == "Transaction was asked to abort by another user."
    victim.rollback()
    assert fetch(cursor, "MATCH (n:Lost) RETURN count(n) AS c;") == [{"c": 0}]
    watcher.close()
    victim.close()


def test_the_neo4j_driver_on_the_same_server_keeps_neo4j_s_shape_and_words(serve):
    port = serve()
    watcher = observer(port)
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=None) as driver, driver.session() as session:
        tx = session.begin_transaction()
        tx.run("RETURN 1").consume()
        result = driver.execute_query("SHOW TRANSACTIONS")
        assert result.keys[:2] == ["database", "transactionId"]
        memgraph_id, = [row["transaction_id"] for row in fetch(watcher.cursor(), "SHOW TRANSACTIONS;")
                        if row["query"] == ["RETURN 1"]]
        assert fetch(watcher.cursor(), "TERMINATE TRANSACTIONS $id;", {"id": memgraph_id}) == [
            {"transaction_id": memgraph_id, "killed": True}]
        with pytest.raises(neo4j.exceptions.ClientError) as stopped:
            tx.run("RETURN 2").consume()
        assert stopped.value.code == "Neo.ClientError.Transaction.Terminated"
        tx.close()
    watcher.close()


def test_a_memgraph_connection_gets_memgraph_s_statistics(serve):
    port = serve()
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=None, user_agent="mgclient/1.7.0") as driver:
        summary = driver.execute_query("CREATE (:S {v: 1})").summary
        assert summary.metadata["stats"] == MEMGRAPH_STATS
        assert summary.counters.nodes_created == 1
        with driver.session() as session:   # an auto-commit transaction: Memgraph refuses it in explicit ones
            assert session.run("SHOW TRANSACTIONS").keys() == MEMGRAPH_COLUMNS
        with pytest.raises(neo4j.exceptions.ClientError) as refused:
            driver.execute_query("SHOW TRANSACTIONS")
        assert "not allowed in multicommand transactions" in refused.value.message
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=None) as driver:
        summary = driver.execute_query("CREATE (:S {v: 1})").summary
        assert summary.metadata["stats"] == {"nodes-created": 1, "labels-added": 1, "properties-set": 1,
                                             "contains-updates": True}


def test_gqlalchemy_s_client_name_is_memgraph_s(serve):
    port = serve()
    connection = observer(port, client_name="GQLAlchemy")
    rows = fetch(connection.cursor(), "SHOW TRANSACTIONS;")
    assert list(rows[0]) == MEMGRAPH_COLUMNS and rows[0]["query"] == ["SHOW TRANSACTIONS;"]
    connection.close()


@pytest.mark.parametrize("forced, pymgclient_columns, driver_columns", [
    ("neo4j", ["database", "transactionId"], ["database", "transactionId"]),
    ("memgraph", MEMGRAPH_COLUMNS[:2], MEMGRAPH_COLUMNS[:2]),
])
def test_client_dialect_forces_one_dialect_for_every_connection(serve, forced, pymgclient_columns, driver_columns):
    port = serve("--client-dialect", forced)
    connection = observer(port)
    cursor = connection.cursor()
    cursor.execute("SHOW TRANSACTIONS;")
    assert [column.name for column in cursor.description][:2] == pymgclient_columns
    cursor.fetchall()
    connection.close()
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=None) as driver, driver.session() as session:
        assert session.run("SHOW TRANSACTIONS").keys()[:2] == driver_columns
