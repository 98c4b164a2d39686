"""Errors Neo4j's semantic analysis finds before execution fail `run` itself with
`Neo.ClientError.Statement.SyntaxError` and change nothing; errors found while running keep their runtime codes
and surface when the result is read (issue 15). Writes followed by SKIP/LIMIT all happen, as Neo4j's
ExhaustiveLimit has them."""
from __future__ import annotations

import pytest

from graphplex.errors import Neo4jError

SYNTAX_ERROR = "Neo.ClientError.Statement.SyntaxError"


def compile_error(session, query: str, **parameters) -> Neo4jError:
    """The error `session.run` itself raises (planning, before any row): none is raised later."""
    with pytest.raises(Neo4jError) as caught:
        session.run(query, **parameters)
    return caught.value


@pytest.mark.parametrize("query", [
    "RETURN missing",
    "CREATE (b {name: missing}) RETURN b",
    "MATCH (a) WITH a MATCH (a)-[a]->() RETURN a",
    "MATCH (n) RETURN length(n)",
    "MATCH (r) RETURN type(r)",
    "MATCH p = (a) RETURN labels(p)",
    "MATCH p = (a)-[*]->(b) RETURN size(p)",
    "MATCH (n) MATCH r = (n)-[*]->() WHERE r.name = 'apa' RETURN r",
    "MATCH (n) WHERE (n) RETURN n",
    "RETURN properties('Cypher')",
    "RETURN 1 IN 123",
    "RETURN any(x IN ['Clara'] WHERE x % 2 = 0)",
    "RETURN [x IN [1, 2] | count(x)]",
    "RETURN count(rand())",
    "RETURN true AND [1]",
    "MATCH (me)--(you) RETURN me.age + you.age, me.age + you.age + count(*)",
    "MATCH (me)--(you) RETURN me.age + you.age, count(*) AS c ORDER BY me.age + you.age + count(*)",
    "MERGE (a)-[:T*2]->(b)",
    "MERGE (a)-[r $props]->(b)",
    "RETURN shortestPath((a)-->(b))",
    "MATCH ()-[rs*2]->() WITH rs MATCH ()-[rs*]->() RETURN rs",
    "RETURN toUpper(1)",
])
def test_semantic_errors_fail_at_compile_time_as_syntax_errors(session, query):
    assert compile_error(session, query).code == SYNTAX_ERROR
    assert session.run("MATCH (n) RETURN count(n) AS c").single()["c"] == 0


def test_statically_fine_expressions_still_run(session):
    record = session.run("MATCH p = ()-[r]->() RETURN 1 AS one LIMIT 1").consume()
    assert record is not None
    row = session.run("WITH [1, 2] AS l, 'ab' AS s RETURN size(l) AS a, size(s) AS b, "
                      "[x IN l WHERE x % 2 = 0 | x * 2] AS c, 1 IN l AS d").single()
    assert (row["a"], row["b"], row["c"], row["d"]) == (2, 2, [4], True)
    assert session.run("MATCH p = (a) WITH 1 AS p WHERE p % 2 = 1 RETURN p").data() == []
    assert session.run("UNWIND [1, 2] AS x RETURN x, x + count(*) AS c ORDER BY x").values() == [[1, 2], [2, 3]]


@pytest.mark.parametrize("query, code", [
    ("RETURN 1 / 0", "Neo.ClientError.Statement.ArithmeticError"),
    ("WITH 'a' AS s RETURN s % 2", "Neo.ClientError.Statement.TypeError"),
    ("UNWIND [1] AS x RETURN x LIMIT $l", "Neo.ClientError.Statement.ArgumentError"),
])
def test_errors_found_while_running_surface_when_the_result_is_read(session, query, code):
    result = session.run(query, l=-1)
    with pytest.raises(Neo4jError) as caught:
        result.consume()
    assert caught.value.code == code


def test_a_procedure_called_without_arguments_misses_its_parameters_at_compile_time(session):
    error = compile_error(session, "CALL algo.shortest_path")
    assert error.code == "Neo.ClientError.Statement.ParameterMissing"


@pytest.mark.parametrize("query, rows", [
    ("UNWIND range(1, 10) AS i CREATE (n:N) RETURN n LIMIT 1", 1),
    ("UNWIND range(1, 10) AS i CREATE (n:N) RETURN n LIMIT 0", 0),
    ("UNWIND range(1, 10) AS i CREATE (n:N) WITH n SKIP 3 LIMIT 2 RETURN n", 2),
])
def test_writes_followed_by_skip_or_limit_all_happen(session, query, rows):
    result = session.run(query)
    assert len(list(result)) == rows
    assert result.consume().counters.nodes_created == 10
    assert session.run("MATCH (n:N) RETURN count(n) AS c").single()["c"] == 10


def test_merge_does_not_match_a_node_deleted_before_it(session):
    session.run("CREATE (:A {v: 1})").consume()
    summary = session.run("MATCH (n:A) DELETE n MERGE (m:A {v: 1}) RETURN m").consume()
    assert (summary.counters.nodes_deleted, summary.counters.nodes_created) == (1, 1)
    assert session.run("MATCH (n:A) RETURN count(n) AS c").single()["c"] == 1
