"""Maps as property values and nested-property indexes through Memgraph's own client (pymgclient over Bolt 4.x)
against `graphplex serve`: the Memgraph client stores nested maps and lists of maps, makes, seeks, lists and drops a
nested index, and a Neo4j driver on the same server reads the maps it wrote but may not write one (Neo4j's
TypeError)."""
from __future__ import annotations

import neo4j
import pytest

mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")

NESTED = {"b": 1, "c": "x", "d": {"e": [1, 2]}, "g": [{"h": 1}, {"h": 2}]}


@pytest.fixture
def cursor(served):
    """An autocommit pymgclient connection's cursor to `graphplex serve` (`served` of tests/dbms/conftest.py)."""
    connection = mgclient.connect(host="127.0.0.1", port=served)
    connection.autocommit = True
    yield connection.cursor()
    connection.close()


def fetch(cursor, query: str, parameters: dict | None = None) -> list[tuple]:
    cursor.execute(query, parameters or {})
    return cursor.fetchall()


def test_memgraphs_client_writes_maps_and_seeks_a_nested_index(cursor):
    fetch(cursor, "CREATE INDEX ON :L(a.d.e);")
    fetch(cursor, "CREATE (:L {a: $a}), (:L {a: {d: {e: 5}}});", {"a": NESTED})
    fetch(cursor, "MATCH (n:L) WHERE n.a.d.e = 5 SET n.m = {k: [1, 2]};")
    assert fetch(cursor, "MATCH (n:L) WHERE n.a.d.e = [1, 2] RETURN n.a;") == [(NESTED,)]
    assert fetch(cursor, "MATCH (n:L) WHERE n.a.d.e = 5 RETURN n.m;") == [({"k": [1, 2]},)]
    assert fetch(cursor, "SHOW INDEX INFO;") == [("label+property", "L", "a.d.e", 2)]
    fetch(cursor, "DROP INDEX ON :L(a.d.e);")
    assert fetch(cursor, "SHOW INDEX INFO;") == []


def test_a_neo4j_driver_reads_the_maps_but_may_not_write_one(served, cursor):
    fetch(cursor, "CREATE (:L {a: $a});", {"a": NESTED})
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{served}", auth=("neo4j", "unused")) as driver:
        records, _, _ = driver.execute_query("MATCH (n:L) RETURN n.a AS a, n AS n")
        assert records[0]["a"] == NESTED and dict(records[0]["n"]) == {"a": NESTED}
        with pytest.raises(neo4j.exceptions.CypherTypeError) as raised:
            driver.execute_query("CREATE (:L {a: {b: 1}})")
        assert raised.value.code == "Neo.ClientError.Statement.TypeError"
