"""apoc.schema.assert through the official driver: APOC 5.26's rows and actions, its schema commands run through the
DBMS transaction's door (no mixing with data writes, the caller's schema privileges)."""
from __future__ import annotations

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
from neo4j.exceptions import ClientError  # noqa: E402

from graphplex import DBMS  # noqa: E402
from graphplex.bolt import BoltServer  # noqa: E402

# langchain-neo4j, tests/integration_tests/graphs/test_neo4j.py (test_neo4j_add_data and the four tests after it):
# "Remove all constraints" before importing graph documents.
LANGCHAIN_CLEAR_SCHEMA = "CALL apoc.schema.assert({}, {})"


def _rows(session, query: str, **parameters) -> list[dict]:
    return [record.data() for record in session.run(query, parameters)]


def test_an_empty_assert_drops_every_index_and_constraint(driver):
    with driver.session() as session:
        session.run("CREATE CONSTRAINT FOR (b:__Entity__) REQUIRE b.id IS UNIQUE").consume()
        session.run("CREATE INDEX person_name FOR (p:Person) ON (p.name)").consume()
        session.run("CREATE INDEX FOR ()-[r:KNOWS]-() ON (r.since, r.place)").consume()
        rows = _rows(session, LANGCHAIN_CLEAR_SCHEMA)
        assert sorted(rows, key=lambda row: row["label"]) == [
            {"label": "KNOWS", "key": None, "keys": ["since", "place"], "unique": False, "action": "DROPPED"},
            {"label": "Person", "key": "name", "keys": ["name"], "unique": False, "action": "DROPPED"},
            {"label": "__Entity__", "key": "id", "keys": ["id"], "unique": True, "action": "DROPPED"},
        ]
        assert _rows(session, "SHOW CONSTRAINTS YIELD name") == []
        assert [row["type"] for row in _rows(session, "SHOW INDEXES YIELD type")] == ["LOOKUP", "LOOKUP"]


def test_assert_keeps_what_it_names_creates_what_is_missing_and_counts_it(driver):
    with driver.session() as session:
        session.run("CREATE INDEX FOR (p:Person) ON (p.name)").consume()
        session.run("CREATE INDEX FOR (p:Person) ON (p.age)").consume()
        session.run("CREATE CONSTRAINT FOR (m:Movie) REQUIRE m.id IS UNIQUE").consume()
        result = session.run("CALL apoc.schema.assert({Person: ['name', ['first', 'last']]}, "
                             "{Movie: ['id'], Book: ['isbn', ['title', 'year']]}, false)")
        rows = [record.data() for record in result]
        counters = result.consume().counters
        assert rows == [
            {"label": "Person", "key": "name", "keys": ["name"], "unique": False, "action": "KEPT"},
            {"label": "Person", "key": "age", "keys": ["age"], "unique": False, "action": "KEPT"},
            {"label": "Person", "key": None, "keys": ["first", "last"], "unique": False, "action": "CREATED"},
            {"label": "Movie", "key": "id", "keys": ["id"], "unique": True, "action": "KEPT"},
            {"label": "Book", "key": "isbn", "keys": ["isbn"], "unique": True, "action": "CREATED"},
            {"label": "Book", "key": None, "keys": ["title", "year"], "unique": True, "action": "CREATED"},
        ]
        assert (counters.indexes_added, counters.constraints_added) == (1, 2)
        constraints = _rows(session, "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
                                     "RETURN type, labelsOrTypes[0] AS label, properties ORDER BY label, type")
        assert constraints == [
            {"type": "NODE_KEY", "label": "Book", "properties": ["title", "year"]},
            {"type": "UNIQUENESS", "label": "Book", "properties": ["isbn"]},
            {"type": "UNIQUENESS", "label": "Movie", "properties": ["id"]},
        ]
        again = _rows(session, "CALL apoc.schema.assert({Person: ['name']}, {Movie: ['id']}) "
                               "YIELD label, keys, action RETURN label, keys, action")
        assert again == [
            {"label": "Person", "keys": ["name"], "action": "KEPT"},
            {"label": "Person", "keys": ["age"], "action": "DROPPED"},
            {"label": "Person", "keys": ["first", "last"], "action": "DROPPED"},
            {"label": "Movie", "keys": ["id"], "action": "KEPT"},
            {"label": "Book", "keys": ["isbn"], "action": "DROPPED"},
            {"label": "Book", "keys": ["title", "year"], "action": "DROPPED"},
        ]


def test_assert_does_not_change_the_schema_in_a_transaction_that_wrote_data(driver):
    with driver.session() as session:
        session.run("CREATE INDEX FOR (p:Person) ON (p.name)").consume()
        tx = session.begin_transaction()
        tx.run("CREATE (:Person {name: 'Ann'})").consume()
        with pytest.raises(ClientError) as caught:
            tx.run(LANGCHAIN_CLEAR_SCHEMA).consume()
        assert caught.value.code == "Neo.ClientError.Transaction.ForbiddenDueToTransactionType"
        tx.close()
        assert len(_rows(session, "SHOW INDEXES WHERE type = 'RANGE'")) == 1
        with session.begin_transaction() as tx:  # nothing to change: no schema write, so the data write may follow
            assert tx.run("CALL apoc.schema.assert({Person: ['name']}, {})").single()["action"] == "KEPT"
            tx.run("CREATE (:Person {name: 'Bob'})").consume()
            tx.commit()


def test_assert_needs_the_callers_schema_privileges():
    with DBMS.in_memory(auth_enabled=True, initial_password="s3cret") as dbms, BoltServer(dbms, port=0) as server:
        with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", "s3cret")) as admin:
            admin.execute_query("CREATE USER writer SET PASSWORD 'w' CHANGE NOT REQUIRED")
            admin.execute_query("GRANT ROLE editor TO writer")  # writes data, no schema
            admin.execute_query("CREATE INDEX FOR (p:Person) ON (p.name)")
            with neo4j.GraphDatabase.driver(server.uri, auth=("writer", "w")) as writer:
                with pytest.raises(ClientError) as caught:
                    writer.execute_query(LANGCHAIN_CLEAR_SCHEMA)
                assert caught.value.code == "Neo.ClientError.Security.Forbidden"
                assert writer.execute_query("CALL apoc.schema.assert({Person: ['name']}, {})").records[0][
                    "action"] == "KEPT"
            assert len(admin.execute_query("SHOW INDEXES WHERE type = 'RANGE'").records) == 1
