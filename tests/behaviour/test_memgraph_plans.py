"""EXPLAIN and PROFILE in a session of Memgraph's dialect answer rows, as Memgraph does (one `QUERY PLAN` line per
operator under Memgraph's names; PROFILE's `OPERATOR`, `ACTUAL HITS`, `RELATIVE TIME`, `ABSOLUTE TIME`), not a plan
in the summary; Neo4j's sessions keep the plan in the summary. Errors of an embedded session keep Neo4j's codes."""
import re

import pytest

from graphplex import DBMS
from graphplex.errors import ClientError, TransientError

PROFILE_COLUMNS = ["OPERATOR", "ACTUAL HITS", "RELATIVE TIME", "ABSOLUTE TIME"]


@pytest.fixture
def dbms():
    with DBMS.in_memory() as instance:
        with instance.session() as session:
            session.run("CREATE INDEX FOR (p:Person) ON (p.name)").consume()
            session.run("CREATE (:Person {name: 'a', age: 3})-[:KNOWS]->(:Person {name: 'b', age: 5}), "
                        "(:Person {name: 'c'})").consume()
        yield instance


def explain(dbms, query: str, **parameters) -> list[str]:
    with dbms.session(dialect="memgraph") as session:
        result = session.run(f"EXPLAIN {query}", parameters)
        assert result.keys() == ["QUERY PLAN"]
        lines = [row["QUERY PLAN"] for row in result]
        summary = result.consume()
    assert summary.plan is None and summary.profile is None
    return lines


def test_explain_answers_memgraph_s_plan_lines(dbms):
    assert explain(dbms, "MATCH (n) RETURN n") == [" * Produce {n}", " * ScanAll (n)", " * Once"]


def test_explain_names_scans_expands_and_projections_as_memgraph_does(dbms):
    assert explain(dbms, "MATCH (n:Person)-[r:KNOWS]->(m) WHERE m.age > 1 "
                         "RETURN n.name AS x, count(*) AS c ORDER BY x LIMIT 2") == [
        " * Produce {x, c}",
        " * Limit",
        " * OrderBy {x, c}",
        " * Aggregate {c} {x}",
        " * Filter {m.age}",
        " * Expand (n)-[r:KNOWS]->(m)",
        " * ScanAllByLabel (n :Person)",
        " * Once",
    ]
    assert explain(dbms, "MATCH (p:Person {name: $name}) RETURN p", name="a") == [
        " * Produce {p}", " * ScanAllByLabelProperties (p :Person {name})", " * Once"]
    for ranged in ("p.name > $name", "p.name >= $name AND p.name < 'z'", "p.name STARTS WITH $name"):
        assert explain(dbms, f"MATCH (p:Person) WHERE {ranged} RETURN p", name="a") == [
            " * Produce {p}", " * ScanAllByLabelProperties (p :Person {name})", " * Once"]
    assert explain(dbms, "CALL db.labels() YIELD label RETURN label") == [
        " * Produce {label}", " * CallProcedure<db.labels> {label}", " * Once"]


def test_a_subquery_is_a_branch_of_its_own(dbms):
    assert explain(dbms, "MATCH (n) CALL { WITH n RETURN n.age AS age } RETURN age") == [
        " * Produce {age}",
        " * Apply",
        " |\\ ",
        " | * Produce {age}",
        " | * Produce {n}",
        " | * Once",
        " * ScanAll (n)",
        " * Once",
    ]


def test_explain_of_a_write_changes_nothing_and_ends_in_an_empty_result(dbms):
    lines = explain(dbms, "MATCH (n) DETACH DELETE n")
    assert lines == [" * EmptyResult", " * Delete", " * Accumulate", " * ScanAll (n)", " * Once"]
    with dbms.session() as session:
        assert session.run("MATCH (n) RETURN count(n) AS c").single()["c"] == 3


def test_profile_runs_the_query_and_answers_memgraph_s_table(dbms):
    with dbms.session(dialect="memgraph") as session:
        result = session.run("PROFILE MATCH (n:Person)-[r]->(m) RETURN m.name AS name")
        assert result.keys() == PROFILE_COLUMNS
        rows = [row.values() for row in result]
        summary = result.consume()
    assert summary.plan is None and summary.profile is None
    assert [(operator, hits) for operator, hits, _, _ in rows] == [
        ("* Produce {name}", 1), ("* Expand (n)-[r]->(m)", 1), ("* ScanAllByLabel (n :Person)", 3), ("* Once", 1)]
    for _, _, relative, absolute in rows:
        assert re.fullmatch(r" *\d+\.\d{6} %", relative) and len(relative) >= 12
        assert re.fullmatch(r" *\d+\.\d{6} ms", absolute) and len(absolute) >= 13
    assert sum(float(relative[:-2]) for _, _, relative, _ in rows) == pytest.approx(100, abs=0.01)


def test_profile_of_a_write_writes(dbms):
    with dbms.session(dialect="memgraph") as session:
        rows = session.run("PROFILE CREATE (:Made)").values()
        assert [row[0] for row in rows] == ["* EmptyResult", "* Create", "* Once"]
        assert session.run("MATCH (n:Made) RETURN count(n) AS c").single()["c"] == 1


def test_a_neo4j_session_keeps_the_plan_in_the_summary(dbms):
    with dbms.session() as session:
        result = session.run("EXPLAIN MATCH (n) RETURN n")
        assert result.keys() == ["n"] and result.values() == []
        assert result.consume().plan["operatorType"] == "ProduceResults@neo4j"
        result = session.run("PROFILE MATCH (n) RETURN n")
        assert len(result.values()) == 3
        assert result.consume().profile["rows"] == 3


def test_an_embedded_memgraph_session_keeps_neo4j_s_codes(dbms):
    with dbms.session(dialect="memgraph") as session:
        with pytest.raises(ClientError) as refused:
            session.run("RETURN 1 / 0").consume()
        assert refused.value.code == "Neo.ClientError.Statement.ArithmeticError"
        with pytest.raises(TransientError) as exceeded:
            session.run("UNWIND range(1, 1000) AS i CREATE (:Bulk {i: i}) QUERY MEMORY LIMIT 10 KB").consume()
        assert exceeded.value.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
        assert exceeded.value.message.startswith("Memory limit exceeded!")
        assert exceeded.value.is_retryable()


def test_call_in_transactions_is_memgraph_s_periodic_subquery(dbms):
    lines = explain(dbms, "UNWIND range(1, 3) AS i CALL { WITH i CREATE (:Q) } IN TRANSACTIONS OF 1 ROWS")
    assert lines[:3] == [" * EmptyResult", " * PeriodicSubquery", " |\\ "]
