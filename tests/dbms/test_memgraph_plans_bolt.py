"""What a Memgraph client reads of plans and errors from `graphplex serve`: EXPLAIN's `QUERY PLAN` rows and PROFILE's
table as Memgraph's server answers them, and FAILURE codes in Memgraph's form
(`Memgraph.<classification>.MemgraphError.MemgraphError`), through pymgclient (known by its user agent) and through
the neo4j driver with `--client-dialect memgraph`; the neo4j driver in the default dialect is unchanged."""
from __future__ import annotations

import re

import pytest

from mgclient_support import fetch

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")

MEMGRAPH_CLIENT = "Memgraph.ClientError.MemgraphError.MemgraphError"
MEMGRAPH_TRANSIENT = "Memgraph.TransientError.MemgraphError.MemgraphError"
OVER_LIMIT = "UNWIND range(1, 1000) AS i CREATE (:Bulk {i: i}) QUERY MEMORY LIMIT 10 KB"


def driver_to(port: int):
    return neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=None)


def test_pymgclient_reads_explain_and_profile_rows(cursor):
    fetch(cursor, "CREATE (:Person {name: 'a'})-[:KNOWS]->(:Person {name: 'b'});")
    assert fetch(cursor, "EXPLAIN MATCH (n:Person)-[r:KNOWS]->(m) RETURN m;") == [
        {"QUERY PLAN": " * Produce {m}"}, {"QUERY PLAN": " * Expand (n)-[r:KNOWS]->(m)"},
        {"QUERY PLAN": " * ScanAllByLabel (n :Person)"}, {"QUERY PLAN": " * Once"}]
    rows = fetch(cursor, "PROFILE MATCH (n:Person)-[r:KNOWS]->(m) RETURN m;")
    assert [(row["OPERATOR"], row["ACTUAL HITS"]) for row in rows] == [
        ("* Produce {m}", 1), ("* Expand (n)-[r:KNOWS]->(m)", 1), ("* ScanAllByLabel (n :Person)", 2), ("* Once", 1)]
    assert all(re.fullmatch(r" *\d+\.\d{6} %", row["RELATIVE TIME"]) for row in rows)
    assert all(re.fullmatch(r" *\d+\.\d{6} ms", row["ABSOLUTE TIME"]) for row in rows)


def test_pymgclient_errors_keep_graphplex_s_message(cursor):
    mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")
    with pytest.raises(mgclient.DatabaseError, match="/ by zero"):
        fetch(cursor, "RETURN 1 / 0;")
    with pytest.raises(mgclient.DatabaseError, match="Memory limit exceeded!"):
        fetch(cursor, OVER_LIMIT + ";")
    assert fetch(cursor, "RETURN 1 AS one;") == [{"one": 1}]


def test_the_neo4j_driver_as_a_memgraph_client_reads_plan_rows(serve):
    with driver_to(serve("--client-dialect", "memgraph")) as driver, driver.session() as session:
        result = session.run("EXPLAIN MATCH (n) RETURN n")
        assert result.keys() == ["QUERY PLAN"]
        assert [record["QUERY PLAN"] for record in result] == [" * Produce {n}", " * ScanAll (n)", " * Once"]
        summary = result.consume()
        assert summary.plan is None and summary.profile is None
        result = session.run("PROFILE RETURN 1 AS one")
        assert result.keys() == ["OPERATOR", "ACTUAL HITS", "RELATIVE TIME", "ABSOLUTE TIME"]
        assert [record["OPERATOR"] for record in result] == ["* Produce {one}", "* Once"]
        assert result.consume().profile is None


def test_the_neo4j_driver_as_a_memgraph_client_reads_memgraph_s_codes(serve):
    with driver_to(serve("--client-dialect", "memgraph")) as driver, driver.session() as session:
        with pytest.raises(neo4j.exceptions.ClientError) as refused:
            session.run("RETURN 1 / 0").consume()
        assert (refused.value.code, refused.value.message) == (MEMGRAPH_CLIENT, "/ by zero")
        with pytest.raises(neo4j.exceptions.ClientError) as syntax:
            session.run("RETURN (").consume()
        assert syntax.value.code == MEMGRAPH_CLIENT
        with pytest.raises(neo4j.exceptions.TransientError) as exceeded:
            session.run(OVER_LIMIT).consume()
        assert exceeded.value.code == MEMGRAPH_TRANSIENT and exceeded.value.is_retryable()
        assert exceeded.value.message.startswith("Memory limit exceeded!")
        tx = session.begin_transaction()
        with pytest.raises(neo4j.exceptions.TransientError) as in_explicit:
            tx.run(OVER_LIMIT).consume()
        tx.close()
        assert in_explicit.value.code == MEMGRAPH_TRANSIENT
        assert session.run("MATCH (n:Bulk) RETURN count(n) AS n").single()["n"] == 0


def test_the_neo4j_driver_in_neo4j_s_dialect_is_unchanged(serve):
    with driver_to(serve()) as driver, driver.session() as session:
        result = session.run("EXPLAIN MATCH (n) RETURN n")
        assert result.keys() == ["n"] and list(result) == []
        assert result.consume().plan["operatorType"].startswith("ProduceResults")
        with pytest.raises(neo4j.exceptions.ClientError) as refused:
            session.run("RETURN 1 / 0").consume()
        assert refused.value.code == "Neo.ClientError.Statement.ArithmeticError"
        with pytest.raises(neo4j.exceptions.TransientError) as exceeded:
            session.run(OVER_LIMIT).consume()
        assert exceeded.value.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"


def test_a_memgraph_client_refused_at_login_reads_memgraph_s_unauthenticated(serve):
    port = serve("--client-dialect", "memgraph", password="s3cret-Passw0rd")
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=("neo4j", "wrong")) as driver:
        with pytest.raises(neo4j.exceptions.ClientError) as refused:
            driver.verify_connectivity()
    assert refused.value.code == "Memgraph.ClientError.Security.Unauthenticated"
