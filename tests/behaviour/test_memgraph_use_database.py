"""Memgraph's USE DATABASE and SHOW [CURRENT] DATABASE on an embedded session: the session's statements that
follow run on the database it names; a refused switch changes nothing."""
from __future__ import annotations

import pytest

from behaviour_support import count, user_session
from graphplex.errors import ClientError, Neo4jError


@pytest.fixture
def session(dbms):
    """A session in Memgraph's dialect, as Memgraph's clients get."""
    with dbms.session(dialect="memgraph") as s:
        yield s


def rows(result) -> list[list]:
    return [list(record) for record in result]


def test_use_database_switches_the_session(dbms, session, other_db):
    result = session.run("USE DATABASE other")
    assert result.keys() == ["STATUS"]
    assert rows(result) == [["Using other"]]
    session.run("CREATE (:Moved)").consume()
    assert rows(session.run("SHOW DATABASE")) == [["other"]]
    assert rows(session.run("USE DATABASE other")) == [["Already using other"]]
    assert rows(session.run("USE DATABASE neo4j;")) == [["Using neo4j"]]
    assert rows(session.run("SHOW CURRENT DATABASE")) == [["neo4j"]]
    assert count(dbms, "Moved", "other") == 1
    assert count(dbms, "Moved", "neo4j") == 0


def test_memgraphs_name_of_the_default_database(session, other_db):
    session.run("USE DATABASE other").consume()
    assert rows(session.run("USE DATABASE memgraph")) == [["Using memgraph"]]
    assert rows(session.run("USE DATABASE Memgraph")) == [["Already using memgraph"]]
    assert session.run("SHOW DATABASE").single()[0] == "neo4j"


def test_show_database_names_the_column_current(session):
    result = session.run("SHOW DATABASE")
    assert result.keys() == ["Current"]
    assert rows(result) == [["neo4j"]]


def test_database_named_by_a_parameter(session, other_db):
    assert rows(session.run("USE DATABASE $name", name="other")) == [["Using other"]]
    assert session.run("SHOW DATABASE").single()[0] == "other"


def test_unknown_database_changes_nothing(session):
    with pytest.raises(ClientError) as raised:
        session.run("USE DATABASE nowhere")
    assert raised.value.code == "Neo.ClientError.Database.DatabaseNotFound"
    assert session.run("SHOW DATABASE").single()[0] == "neo4j"


def test_refused_inside_an_explicit_transaction(session, other_db):
    tx = session.begin_transaction()
    with pytest.raises(Neo4jError) as raised:
        tx.run("USE DATABASE other")
    tx.rollback()
    assert raised.value.code == "Neo.ClientError.Transaction.ForbiddenDueToTransactionType"
    assert raised.value.message.startswith("Switching the currently active database is not allowed in multicommand "
                                           "transactions.")
    session.run("BEGIN").consume()
    with pytest.raises(Neo4jError) as raised:
        session.run("USE DATABASE other")
    assert raised.value.code == "Neo.ClientError.Transaction.ForbiddenDueToTransactionType"
    session.run("ROLLBACK").consume()
    assert session.run("SHOW DATABASE").single()[0] == "neo4j"


def test_access_privilege_applies(secure, admin):
    admin.run("CREATE DATABASE other").consume()
    with user_session(secure, admin, "walker", "GRANT ACCESS ON DATABASE neo4j") as walker:
        with pytest.raises(Neo4jError) as raised:
            walker.run("USE DATABASE other")
        assert raised.value.code == "Neo.ClientError.Security.Forbidden"
        assert walker.run("SHOW CURRENT DATABASE").single()[0] == "neo4j"
        with secure.session(auth=("walker", "pw-1"), dialect="memgraph") as memgraph_walker:
            assert rows(memgraph_walker.run("SHOW DATABASES")) == [["neo4j", "HOT", "ready"]]
        admin.run("GRANT ACCESS ON DATABASE other TO walker_role").consume()
        assert rows(walker.run("USE DATABASE other")) == [["Using other"]]


def test_neo4j_use_clause_of_a_database_named_database_stays_a_query(session):
    session.run("CREATE DATABASE database").consume()
    session.run("USE database CREATE (:Here)").consume()
    assert session.run("USE database MATCH (n:Here) RETURN count(n)").single()[0] == 1
    assert session.run("SHOW DATABASE").single()[0] == "neo4j"


def test_show_databases_in_memgraphs_columns(dbms, session, other_db):
    session.run("STOP DATABASE other").consume()
    result = session.run("SHOW DATABASES")
    assert result.keys() == ["Name", "State", "Health"]
    assert rows(result) == [["neo4j", "HOT", "ready"], ["other", "COLD", "ready"]]
    assert session.run("SHOW DATABASES YIELD name WHERE name = 'other' RETURN name").value() == ["other"]


def test_neo4j_dialect_show_database_lists_every_database(dbms, other_db):
    with dbms.session() as neo4j_session:
        result = neo4j_session.run("SHOW DATABASE")
        assert "currentStatus" in result.keys()
        assert sorted(record["name"] for record in result) == ["neo4j", "other", "system"]
        assert rows(neo4j_session.run("SHOW CURRENT DATABASE")) == [["neo4j"]]
