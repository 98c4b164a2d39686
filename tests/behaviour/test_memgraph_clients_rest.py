"""What Memgraph's clients (GQLAlchemy, LangChain's MemgraphGraph) still met (issue 16): Memgraph's syntax keeps a
label-property index and a uniqueness constraint of one schema apart, a Memgraph session reads constraint
violations in Memgraph's words, and the name `memgraph` reaches the default database."""
from __future__ import annotations

import pytest

from graphplex import DBMS
from graphplex.errors import ClientError, ConstraintError


def rows(session, query: str) -> list[dict]:
    return [dict(record) for record in session.run(query)]


def run(session, *queries: str) -> None:
    for query in queries:
        session.run(query).consume()


INDEX = "CREATE INDEX ON :User(id)"
UNIQUE = "CREATE CONSTRAINT ON (n:User) ASSERT n.id IS UNIQUE"


@pytest.mark.parametrize("order", [(INDEX, UNIQUE), (UNIQUE, INDEX)])
def test_memgraphs_index_and_uniqueness_constraint_of_one_schema_coexist(session, order):
    counters = [session.run(query).consume().counters for query in order]
    assert [c.indexes_added + c.constraints_added for c in counters] == [1, 1]
    assert rows(session, "SHOW INDEX INFO") == [
        {"index type": "label+property", "label": "User", "property": "id", "count": 0}]
    assert rows(session, "SHOW CONSTRAINT INFO") == [
        {"constraint type": "unique", "label": "User", "properties": ["id"], "data_type": ""}]
    run(session, "CREATE (:User {id: 1})")
    with pytest.raises(ConstraintError):
        run(session, "CREATE (:User {id: 1})")


def test_dropping_the_index_beside_a_constraint_keeps_the_constraint(session):
    run(session, INDEX, UNIQUE, "DROP INDEX ON :User(id)")
    assert rows(session, "SHOW INDEX INFO") == []
    run(session, "CREATE (:User {id: 1})")
    with pytest.raises(ConstraintError):
        run(session, "CREATE (:User {id: 1})")
    run(session, "DROP CONSTRAINT ON (n:User) ASSERT n.id IS UNIQUE", INDEX)
    assert rows(session, "SHOW CONSTRAINT INFO") == []
    assert len(rows(session, "SHOW INDEX INFO")) == 1


def test_neo4js_syntax_keeps_neo4js_clashes(session):
    run(session, "CREATE INDEX FOR (n:User) ON (n.id)")
    with pytest.raises(ClientError, match="There already exists an index"):
        run(session, "CREATE CONSTRAINT FOR (n:User) REQUIRE n.id IS UNIQUE")
    run(session, "CREATE CONSTRAINT FOR (n:Admin) REQUIRE n.id IS UNIQUE")
    with pytest.raises(ClientError, match="There is a uniqueness constraint"):
        run(session, "CREATE INDEX FOR (n:Admin) ON (n.id)")


@pytest.mark.parametrize("storage_mode", ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"])
def test_an_index_beside_a_constraint_survives_restarts(tmp_path, storage_mode):
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
        run(session, "CREATE CONSTRAINT FOR (n:User) REQUIRE n.id IS UNIQUE", INDEX, "CREATE (:User {id: 1})")
    for _ in range(2):  # replayed from the log, then recreated from what the first reopening left
        with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
            assert [(r["label"], r["property"]) for r in rows(session, "SHOW INDEX INFO")] == [("User", "id")]
            assert [r["constraint type"] for r in rows(session, "SHOW CONSTRAINT INFO")] == ["unique"]
            with pytest.raises(ConstraintError):
                run(session, "CREATE (:User {id: 1})")


# --- Memgraph's words for a violated constraint ----------------------------------------------------------------

@pytest.mark.parametrize("schema, write, message", [
    ("CREATE CONSTRAINT ON (n:User) ASSERT n.id IS UNIQUE", "CREATE (:User {id: 1}), (:User {id: 1})",
     "Unable to commit due to unique constraint violation on :User(id)"),
    ("CREATE CONSTRAINT ON (n:User) ASSERT n.a, n.b IS UNIQUE", "CREATE (:User {a: 1, b: 2}), (:User {a: 1, b: 2})",
     "Unable to commit due to unique constraint violation on :User(a, b)"),
    ("CREATE CONSTRAINT ON (n:User) ASSERT EXISTS (n.id)", "CREATE (:User)",
     "Unable to commit due to existence constraint violation on :User(id)"),
    ("CREATE CONSTRAINT ON (n:User) ASSERT n.at IS TYPED ZONEDDATETIME", "CREATE (:User {at: 1})",
     "IS TYPED ZONED DATE TIME violation on User(at)"),
])
def test_a_memgraph_session_reads_memgraphs_words_for_a_violation(dbms, schema, write, message):
    with dbms.session(dialect="memgraph") as session:
        run(session, schema)
        with pytest.raises(ConstraintError) as raised:
            run(session, write)
    assert raised.value.message == message
    assert raised.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"


def test_a_memgraph_session_reads_memgraphs_words_for_deleting_a_connected_node(dbms):
    with dbms.session(dialect="memgraph") as session:
        run(session, "CREATE (:A)-[:R]->(:B)")
        with pytest.raises(ConstraintError) as raised:
            run(session, "MATCH (a:A) DELETE a")
    assert raised.value.message == ("Failed to remove node because of its existing connections. Consider using "
                                    "DETACH DELETE.")


def test_a_memgraph_sessions_explicit_transaction_reads_them_at_commit(dbms):
    with dbms.session(dialect="memgraph") as session:
        run(session, "CREATE CONSTRAINT ON (n:User) ASSERT EXISTS (n.id)")
        with session.begin_transaction() as tx:
            tx.run("CREATE (:User)").consume()
            with pytest.raises(ConstraintError) as raised:
                tx.commit()
    assert raised.value.message == "Unable to commit due to existence constraint violation on :User(id)"


def test_a_neo4j_session_keeps_neo4js_words(session):
    run(session, UNIQUE)
    with pytest.raises(ConstraintError, match="already exists with label `User` and property `id` = 1"):
        run(session, "CREATE (:User {id: 1}), (:User {id: 1})")


# --- the default database as Memgraph names it ------------------------------------------------------------------

def test_memgraph_names_the_default_database(dbms):
    with dbms.session(database="memgraph") as session:
        run(session, "CREATE (:Here)")
    with dbms.session() as session:
        assert rows(session, "MATCH (n:Here) RETURN count(n) AS n") == [{"n": 1}]
        assert rows(session, "USE memgraph MATCH (n:Here) RETURN count(n) AS n") == [{"n": 1}]
        assert [r["name"] for r in rows(session, "SHOW DATABASES YIELD name")] == ["neo4j", "system"]


def test_a_database_named_memgraph_is_itself(dbms):
    with dbms.session(database="system") as system:
        run(system, "CREATE DATABASE memgraph WAIT")
    with dbms.session(database="memgraph") as session:
        run(session, "CREATE (:There)")
    with dbms.session() as session:
        assert rows(session, "MATCH (n:There) RETURN count(n) AS n") == [{"n": 0}]
