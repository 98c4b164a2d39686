"""Memgraph's schema statements (issue 16): Memgraph's clients (its OGM, GQLAlchemy) read and shape the schema with
`SHOW INDEX INFO`, `SHOW CONSTRAINT INFO`, `CREATE/DROP INDEX ON :L(p)` and `CREATE/DROP CONSTRAINT ON (n:L)
ASSERT …`; they are graphplex's indexes and constraints, under the same rules and privileges as Neo4j's syntax.
Memgraph's functions on a node's relationships (degree, inDegree, outDegree) too."""
from __future__ import annotations

import pytest

from behaviour_support import user_session
from graphplex.errors import ClientError, Neo4jError


def rows(session, query: str) -> list[dict]:
    return [dict(record) for record in session.run(query)]


def run(session, *queries: str) -> None:
    for query in queries:
        session.run(query).consume()


def test_show_index_info_has_memgraphs_columns(session):
    result = session.run("SHOW INDEX INFO")
    assert result.keys() == ["index type", "label", "property", "count"]
    assert list(result) == []


def test_created_indexes_are_listed_with_their_entries(session):
    run(session, "CREATE (:Person {name: 'a', age: 1}), (:Person {name: 'b'}), (:Person)",
        "CREATE INDEX ON :Person(name)", "CREATE INDEX ON :Person(name, age)")
    assert rows(session, "SHOW INDEX INFO") == [      # Memgraph's order: a property before a composite's list
        {"index type": "label+property", "label": "Person", "property": "name", "count": 2},
        {"index type": "label+property", "label": "Person", "property": ["name", "age"], "count": 1},
    ]


def test_an_index_made_in_neo4js_syntax_is_listed_too(session):
    run(session, "CREATE INDEX knows_since FOR ()-[r:KNOWS]-() ON (r.since)", "CREATE TEXT INDEX FOR (b:Book) ON (b.t)")
    assert rows(session, "SHOW INDEX INFO") == [
        {"index type": "edge-type+property", "label": "KNOWS", "property": "since", "count": 0},
        {"index type": "text", "label": "Book", "property": "t", "count": 0},
    ]


def test_creating_an_index_is_counted_and_an_existing_one_is_a_note(session):
    assert session.run("CREATE INDEX ON :Person(name)").consume().counters.indexes_added == 1
    again = session.run("CREATE INDEX ON :Person(name)").consume()
    assert again.counters.indexes_added == 0
    assert [n["code"] for n in again.notifications] == ["Neo.ClientNotification.Schema.IndexOrConstraintAlreadyExists"]
    assert len(rows(session, "SHOW INDEXES YIELD type WHERE type = 'RANGE'")) == 1


def test_dropping_an_index_by_its_schema(session):
    run(session, "CREATE INDEX named FOR (p:Person) ON (p.name)")
    assert session.run("DROP INDEX ON :Person(name)").consume().counters.indexes_removed == 1
    assert rows(session, "SHOW INDEX INFO") == []
    missing = session.run("DROP INDEX ON :Person(name)").consume()
    assert missing.counters.indexes_removed == 0
    assert [n["code"] for n in missing.notifications] == ["Neo.ClientNotification.Schema.IndexOrConstraintDoesNotExist"]


def test_a_composite_index_is_dropped_only_by_its_own_properties(session):
    run(session, "CREATE INDEX ON :Person(name, age)", "DROP INDEX ON :Person(name)")
    assert len(rows(session, "SHOW INDEX INFO")) == 1
    run(session, "DROP INDEX ON :Person(name, age)")
    assert rows(session, "SHOW INDEX INFO") == []


def test_a_memgraph_index_serves_match_as_a_neo4j_one_does(session):
    run(session, "UNWIND range(1, 50) AS i CREATE (:Person {name: 'p' + i})", "CREATE INDEX ON :Person(name)")
    memgraph_plan = session.run("EXPLAIN MATCH (p:Person) WHERE p.name = 'p7' RETURN p").consume().plan
    run(session, "DROP INDEX ON :Person(name)", "CREATE INDEX FOR (p:Person) ON (p.name)")
    neo4j_plan = session.run("EXPLAIN MATCH (p:Person) WHERE p.name = 'p7' RETURN p").consume().plan
    assert "NodeIndexSeek" in str(memgraph_plan)
    assert str(memgraph_plan).replace(_index_name(session), "") == str(neo4j_plan).replace(_index_name(session), "")
    assert rows(session, "MATCH (p:Person) WHERE p.name = 'p7' RETURN p.name AS name") == [{"name": "p7"}]


def _index_name(session) -> str:
    return session.run("SHOW INDEXES YIELD name, type WHERE type = 'RANGE' RETURN name").single()["name"]


def test_constraints_in_memgraphs_syntax(session):
    run(session, "CREATE CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE",
        "CREATE CONSTRAINT ON (n:Person) ASSERT n.first, n.last IS UNIQUE",
        "CREATE CONSTRAINT ON (n:Person) ASSERT EXISTS (n.name)",
        "CREATE CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED INTEGER")
    result = session.run("SHOW CONSTRAINT INFO")
    assert result.keys() == ["constraint type", "label", "properties", "data_type"]
    assert [dict(r) for r in result] == [      # Memgraph's order: existence, uniqueness, type constraints
        {"constraint type": "exists", "label": "Person", "properties": "name", "data_type": ""},
        {"constraint type": "unique", "label": "Person", "properties": ["email"], "data_type": ""},
        {"constraint type": "unique", "label": "Person", "properties": ["first", "last"], "data_type": ""},
        {"constraint type": "data_type", "label": "Person", "properties": "age", "data_type": "INTEGER"},
    ]
    assert rows(session, "SHOW INDEX INFO") == []     # a uniqueness constraint's own index is not Memgraph's


def test_memgraph_constraints_are_enforced(session):
    run(session, "CREATE CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE",
        "CREATE CONSTRAINT ON (n:Person) ASSERT EXISTS (n.name)", "CREATE (:Person {name: 'a', email: 'x'})")
    with pytest.raises(ClientError) as duplicate:
        session.run("CREATE (:Person {name: 'b', email: 'x'})").consume()
    assert duplicate.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
    with pytest.raises(ClientError) as missing:
        session.run("CREATE (:Person {email: 'y'})").consume()
    assert missing.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
    assert rows(session, "MATCH (p:Person) RETURN count(p) AS n") == [{"n": 1}]


def test_dropping_constraints_by_their_rule(session):
    run(session, "CREATE CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE",
        "CREATE CONSTRAINT ON (n:Person) ASSERT EXISTS (n.email)")
    dropped = session.run("DROP CONSTRAINT ON (n:Person) ASSERT EXISTS (n.email)").consume()
    assert dropped.counters.constraints_removed == 1
    assert rows(session, "SHOW CONSTRAINT INFO") == [
        {"constraint type": "unique", "label": "Person", "properties": ["email"], "data_type": ""}]
    run(session, "DROP CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE")
    assert rows(session, "SHOW CONSTRAINT INFO") == []
    missing = session.run("DROP CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE").consume()
    assert missing.counters.constraints_removed == 0
    assert [n["code"] for n in missing.notifications] == ["Neo.ClientNotification.Schema.IndexOrConstraintDoesNotExist"]


def test_dropping_an_index_by_schema_leaves_a_constraints_index(session):
    run(session, "CREATE CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE")
    assert session.run("DROP INDEX ON :Person(email)").consume().counters.indexes_removed == 0
    assert len(rows(session, "SHOW CONSTRAINT INFO")) == 1


def test_a_failing_constraint_leaves_no_change(session):
    run(session, "CREATE (:Person {email: 'x'}), (:Person {email: 'x'})")
    with pytest.raises(Neo4jError):
        session.run("CREATE CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE").consume()
    assert rows(session, "SHOW CONSTRAINT INFO") == []
    assert rows(session, "SHOW INDEXES YIELD type WHERE type = 'RANGE'") == []


def test_schema_statements_in_a_transaction_are_seen_there_and_undone_by_rollback(session):
    with session.begin_transaction() as tx:
        tx.run("CREATE INDEX ON :Person(name)").consume()
        tx.run("DROP INDEX ON :Person(name)").consume()
        tx.run("CREATE INDEX ON :Person(age)").consume()
        tx.rollback()
    assert rows(session, "SHOW INDEX INFO") == []


def test_memgraph_schema_statements_need_the_schema_privileges(secure, admin):
    reader = user_session(secure, admin, "reader", "GRANT ACCESS ON DATABASE neo4j", "GRANT MATCH {*} ON GRAPH neo4j")
    with reader:
        for query in ("CREATE INDEX ON :Person(name)", "CREATE CONSTRAINT ON (n:P) ASSERT EXISTS (n.p)",
                      "SHOW INDEX INFO"):
            with pytest.raises(ClientError) as refused:
                reader.run(query).consume()
            assert refused.value.code == "Neo.ClientError.Security.Forbidden"
    shower = user_session(secure, admin, "shower", "GRANT ACCESS ON DATABASE neo4j",
                          "GRANT SHOW INDEX ON DATABASE neo4j", "GRANT CREATE INDEX ON DATABASE neo4j",
                          "GRANT DROP INDEX ON DATABASE neo4j")
    with shower:
        run(shower, "CREATE INDEX ON :Person(name)")
        assert rows(shower, "SHOW INDEX INFO")[0]["property"] == "name"
        run(shower, "DROP INDEX ON :Person(name)")


def test_point_and_edge_type_indexes(session):
    run(session, "CREATE POINT INDEX ON :Place(at)", "CREATE EDGE INDEX ON :KNOWS(since)",
        "CREATE (:Place {at: point({x: 1, y: 2})})-[:KNOWS {since: 1}]->(:Place)")
    assert rows(session, "SHOW INDEX INFO") == [
        {"index type": "edge-type+property", "label": "KNOWS", "property": "since", "count": 1},
        {"index type": "point", "label": "Place", "property": "at", "count": 1},
    ]
    assert rows(session, "SHOW INDEXES YIELD type, entityType WHERE type <> 'LOOKUP' RETURN type, entityType ORDER BY type") == [
        {"type": "POINT", "entityType": "NODE"}, {"type": "RANGE", "entityType": "RELATIONSHIP"}]
    run(session, "DROP POINT INDEX ON :Place(at)", "DROP EDGE INDEX ON :KNOWS(since)")
    assert rows(session, "SHOW INDEX INFO") == []


def test_the_same_constraint_again_is_a_note_in_memgraphs_syntax_only(session):
    run(session, "CREATE CONSTRAINT ON (n:Person) ASSERT EXISTS (n.name)")
    again = session.run("CREATE CONSTRAINT ON (n:Person) ASSERT EXISTS (n.name)").consume()
    assert again.counters.constraints_added == 0
    assert [n["code"] for n in again.notifications] == ["Neo.ClientNotification.Schema.IndexOrConstraintAlreadyExists"]
    with pytest.raises(ClientError) as equivalent:
        session.run("CREATE CONSTRAINT FOR (n:Person) REQUIRE n.name IS NOT NULL").consume()
    assert equivalent.value.code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"


def test_edge_stays_a_name(session):
    assert rows(session, "WITH 1 AS edge RETURN edge") == [{"edge": 1}]


def test_degree_functions(session):
    run(session, "CREATE (a:A)-[:R]->(b:B), (a)-[:R]->(a), (b)-[:R]->(a)")
    assert rows(session, "MATCH (n) RETURN labels(n)[0] AS l, degree(n) AS d, inDegree(n) AS i, outDegree(n) AS o "
                         "ORDER BY l") == [{"l": "A", "d": 4, "i": 2, "o": 2}, {"l": "B", "d": 2, "i": 1, "o": 1}]
    assert rows(session, "RETURN degree(null) AS d") == [{"d": None}]
    with pytest.raises(ClientError) as wrong:
        session.run("RETURN outDegree(1)").consume()
    assert wrong.value.code == "Neo.ClientError.Statement.TypeError"
