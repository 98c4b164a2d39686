"""Memgraph's schema statements through Memgraph's own client (pymgclient over Bolt 4.x), as Memgraph's OGM sends
them: `SHOW INDEX INFO` and `SHOW CONSTRAINT INFO` rows in Memgraph's columns, indexes and constraints made and
dropped by schema, and `degree()`."""
from __future__ import annotations

import pytest

from mgclient_support import fetch

mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")


def test_memgraphs_schema_statements_over_pymgclient(cursor):
    for query in ("CREATE INDEX ON :Person(name);", "CREATE INDEX ON :Person(name, age);",
                  "CREATE CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE;",
                  "CREATE CONSTRAINT ON (n:Person) ASSERT EXISTS (n.name);",
                  "CREATE CONSTRAINT ON (n:Person) ASSERT EXISTS (n.name);",
                  "CREATE (:Person {name: 'a', age: 1, email: 'x'})-[:KNOWS]->(:Person {name: 'b', email: 'y'});"):
        fetch(cursor, query)
    assert fetch(cursor, "SHOW INDEX INFO;") == [
        {"index type": "label+property", "label": "Person", "property": "name", "count": 2},
        {"index type": "label+property", "label": "Person", "property": ["name", "age"], "count": 1},
    ]
    assert fetch(cursor, "SHOW CONSTRAINT INFO;") == [
        {"constraint type": "exists", "label": "Person", "properties": "name", "data_type": ""},
        {"constraint type": "unique", "label": "Person", "properties": ["email"], "data_type": ""},
    ]
    with pytest.raises(mgclient.DatabaseError):
        fetch(cursor, "CREATE (:Person {name: 'c', email: 'x'});")
    assert fetch(cursor, "MATCH (p:Person {name: 'a'}) RETURN degree(p) AS d, outDegree(p) AS o;") == [{"d": 1, "o": 1}]
    for query in ("DROP INDEX ON :Person(name);", "DROP INDEX ON :Person(name, age);",
                  "DROP CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE;",
                  "DROP CONSTRAINT ON (n:Person) ASSERT EXISTS (n.name);"):
        fetch(cursor, query)
    assert fetch(cursor, "SHOW INDEX INFO;") == [] and fetch(cursor, "SHOW CONSTRAINT INFO;") == []
