"""Result summaries as Neo4j 5.26 reports them: the statement type, notifications, plans and dbms.components."""
from __future__ import annotations

import pytest
from packaging.version import Version


@pytest.mark.parametrize(("query", "query_type"), [
    ("MATCH (n) RETURN n", "r"),
    ("CREATE (:T)", "w"),
    ("MATCH (n) SET n.x = 1", "w"),
    ("MERGE (n:T {k: 1})", "w"),
    ("MATCH (n) DETACH DELETE n", "w"),
    ("CREATE (n:T) RETURN n", "rw"),
    ("MERGE (n:T {k: 1}) RETURN n.k", "rw"),
    ("UNWIND [1, 2] AS i CREATE (:T {i: i})", "w"),
    ("CALL db.labels()", "r"),
    ("EXPLAIN CREATE (:T)", "w"),
    ("CREATE INDEX FOR (n:T) ON (n.k)", "s"),
])
def test_a_write_without_rows_is_w_and_with_rows_rw(session, query, query_type):
    assert session.run(query).consume().query_type == query_type


def test_dbms_components_report_a_version_packaging_parses(session):
    record = session.run("CALL dbms.components() YIELD name, versions, edition RETURN *").single()
    assert record["name"] == "Neo4j Kernel" and record["edition"] == "community"
    assert Version(record["versions"][0]) == Version("5.26.0")
