"""DBMS transactions spanning databases: lazy per-database children, a single writer, workload categories,
routing of administration commands and of `USE`. (SEMANTICS.md "DBMS transactions (many databases)".)"""
from __future__ import annotations

import pytest

from behaviour_support import count
from graphplex.errors import ClientError, Forbidden, TransactionError, TransientError

SECOND_WRITER = ("Writing to more than one database per transaction is not allowed. Attempted write to {db}, "
                 "currently writing to {other}")


@pytest.fixture
def third_db(dbms, other_db):
    with dbms.session() as s:
        s.run("CREATE DATABASE third").consume()
    return "third"


# --- reading many databases, writing one ------------------------------------------------------------------------


def test_transaction_reading_two_databases_and_writing_one_commits_all(dbms, session, other_db, third_db):
    dbms.session(database="other").run("CREATE (:Source {v: 2})").consume()
    dbms.session(database="third").run("CREATE (:Source {v: 3})").consume()
    with session.begin_transaction() as tx:
        a = tx.run("USE other MATCH (n:Source) RETURN n.v AS v").single()["v"]
        b = tx.run("USE third MATCH (n:Source) RETURN n.v AS v").single()["v"]
        tx.run("CREATE (:Sum {v: $v})", v=a + b).consume()
    with dbms.session() as s:
        assert s.run("MATCH (n:Sum) RETURN n.v AS v").single()["v"] == 5


def test_writing_only_another_database_through_use_commits(dbms, session, other_db):
    with session.begin_transaction() as tx:
        tx.run("MATCH (n) RETURN count(n)").consume()
        tx.run("USE other CREATE (:Remote)").consume()
    assert count(dbms, "Remote", "other") == 1
    assert count(dbms, "Remote") == 0


def test_reading_a_database_after_writing_another_is_allowed(dbms, session, other_db):
    with session.begin_transaction() as tx:
        tx.run("CREATE (:Local)").consume()
        assert tx.run("USE other MATCH (n) RETURN count(n) AS c").single()["c"] == 0
    assert count(dbms, "Local") == 1


def test_writing_twice_to_the_same_database_through_use_and_session_default_is_one_writer(dbms, session):
    with session.begin_transaction() as tx:
        tx.run("CREATE (:Twice)").consume()
        tx.run("USE neo4j CREATE (:Twice)").consume()
    assert count(dbms, "Twice") == 2


def test_a_second_written_database_fails_with_access_mode_error(session, other_db):
    tx = session.begin_transaction()
    tx.run("CREATE (:First)").consume()
    with pytest.raises(ClientError) as caught:
        tx.run("USE other CREATE (:Second)").consume()
    assert caught.value.code == "Neo.ClientError.Statement.AccessMode"
    assert caught.value.message == SECOND_WRITER.format(db="other", other="neo4j")
    tx.rollback()


def test_second_writer_message_names_both_databases_the_other_way_round(session, other_db):
    tx = session.begin_transaction()
    tx.run("USE other CREATE (:First)").consume()
    with pytest.raises(ClientError) as caught:
        tx.run("CREATE (:Second)").consume()
    assert caught.value.message == SECOND_WRITER.format(db="neo4j", other="other")
    tx.rollback()


def test_a_read_child_upgraded_by_a_write_counts_as_the_writer(session, other_db):
    tx = session.begin_transaction()
    tx.run("USE other MATCH (n) RETURN count(n)").consume()
    tx.run("MATCH (n) RETURN count(n)").consume()
    tx.run("USE other CREATE (:Upgraded)").consume()
    with pytest.raises(ClientError) as caught:
        tx.run("CREATE (:Refused)").consume()
    assert caught.value.message == SECOND_WRITER.format(db="neo4j", other="other")
    tx.rollback()


def test_after_a_second_writer_error_the_whole_transaction_failed(dbms, session, other_db):
    tx = session.begin_transaction()
    tx.run("CREATE (:First)").consume()
    with pytest.raises(ClientError) as original:
        tx.run("USE other CREATE (:Second)").consume()
    with pytest.raises(TransactionError) as on_run:
        tx.run("MATCH (n) RETURN n")
    assert on_run.value.__cause__ is original.value
    with pytest.raises(TransactionError) as on_commit:
        tx.commit()
    assert on_commit.value.message == "Transaction failed"
    assert on_commit.value.__cause__ is original.value
    assert count(dbms, "First") == 0
    assert count(dbms, "Second", "other") == 0


def test_a_commit_time_failure_of_the_writer_rolls_back_everything(dbms, session, other_db):
    session.run("CREATE (:Holder)-[:LINK]->(:Target)").consume()
    tx = session.begin_transaction()
    tx.run("USE other MATCH (n) RETURN count(n)").consume()
    tx.run("CREATE (:Explicit)").consume()
    tx.run("MATCH (n:Holder) DELETE n").consume()
    with pytest.raises(ClientError) as caught:
        tx.commit()
    assert caught.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
    assert count(dbms, "Explicit") == 0
    assert count(dbms, "Holder") == 1


def test_consecutive_implicit_statements_may_write_different_databases(dbms, session, other_db):
    session.run("USE other CREATE (:Remote)").consume()
    session.run("CREATE (:Local)").consume()
    assert count(dbms, "Remote", "other") == 1
    assert count(dbms, "Local") == 1


# --- workload categories ----------------------------------------------------------------------------------------

READ = "MATCH (n) RETURN count(n)"
WRITE = "CREATE (:Workload)"
SCHEMA = "CREATE INDEX FOR (n:Workload) ON (n.k)"
ADMIN = "CREATE DATABASE fromtx"
SHOW = "SHOW DATABASES"

TYPE_NAMES = {READ: "Read query", WRITE: "Write query", SCHEMA: "Schema modification", ADMIN: "Administration command",
              SHOW: "Administration command"}


@pytest.mark.parametrize(("first", "second"), [
    pytest.param(READ, WRITE, id="read-then-write"),
    pytest.param(WRITE, READ, id="write-then-read"),
    pytest.param(READ, SCHEMA, id="read-then-schema"),
    pytest.param(SCHEMA, READ, id="schema-then-read"),
    pytest.param(SHOW, ADMIN, id="admin-then-admin"),
])
def test_allowed_workload_combinations_commit(dbms, session, first, second):
    with session.begin_transaction() as tx:
        tx.run(first).consume()
        tx.run(second).consume()
    assert tx.closed()


@pytest.mark.parametrize(("first", "second"), [
    pytest.param(WRITE, SCHEMA, id="write-then-schema"),
    pytest.param(SCHEMA, WRITE, id="schema-then-write"),
    pytest.param(READ, ADMIN, id="read-then-admin"),
    pytest.param(ADMIN, READ, id="admin-then-read"),
    pytest.param(WRITE, ADMIN, id="write-then-admin"),
    pytest.param(ADMIN, WRITE, id="admin-then-write"),
    pytest.param(SCHEMA, ADMIN, id="schema-then-admin"),
    pytest.param(ADMIN, SCHEMA, id="admin-then-schema"),
    pytest.param(SHOW, READ, id="show-databases-then-read"),
    pytest.param(READ, SHOW, id="read-then-show-databases"),
])
def test_forbidden_workload_combinations_fail_with_forbidden_due_to_transaction_type(session, first, second):
    tx = session.begin_transaction()
    tx.run(first).consume()
    with pytest.raises(ClientError) as caught:
        tx.run(second).consume()
    assert caught.value.code == "Neo.ClientError.Transaction.ForbiddenDueToTransactionType"
    assert caught.value.message == f"Tried to execute {TYPE_NAMES[second]} after executing {TYPE_NAMES[first]}"
    tx.rollback()


def test_schema_after_a_read_upgraded_by_a_write_is_forbidden_as_after_a_write(session):
    tx = session.begin_transaction()
    tx.run(READ).consume()
    tx.run(WRITE).consume()
    with pytest.raises(ClientError) as caught:
        tx.run(SCHEMA).consume()
    assert caught.value.message == "Tried to execute Schema modification after executing Write query"
    tx.rollback()


def test_write_after_a_read_that_became_schema_is_forbidden_as_after_schema(session):
    tx = session.begin_transaction()
    tx.run(READ).consume()
    tx.run(SCHEMA).consume()
    tx.run(READ).consume()
    with pytest.raises(ClientError) as caught:
        tx.run(WRITE).consume()
    assert caught.value.message == "Tried to execute Write query after executing Schema modification"
    tx.rollback()


def test_workload_categories_span_databases(session, other_db):
    tx = session.begin_transaction()
    tx.run("USE other CREATE (:Workload)").consume()
    with pytest.raises(ClientError) as caught:
        tx.run(SCHEMA).consume()
    assert caught.value.message == "Tried to execute Schema modification after executing Write query"
    tx.rollback()


def test_a_forbidden_combination_fails_the_whole_transaction(dbms, session):
    tx = session.begin_transaction()
    tx.run(WRITE).consume()
    with pytest.raises(ClientError) as original:
        tx.run(SCHEMA).consume()
    with pytest.raises(TransactionError) as caught:
        tx.commit()
    assert caught.value.__cause__ is original.value
    assert count(dbms, "Workload") == 0


def test_forbidden_due_to_transaction_type_is_raised_as_forbidden(session):
    tx = session.begin_transaction()
    tx.run(WRITE).consume()
    with pytest.raises(Forbidden):
        tx.run(SCHEMA).consume()
    tx.rollback()


# --- routing -----------------------------------------------------------------------------------------------------


def test_administration_commands_from_a_session_on_another_database_are_routed_to_system(dbms, other_db):
    with dbms.session(database="other") as s:
        summary = s.run("CREATE DATABASE routed").consume()
        assert summary.database == "system"
        assert s.run("SHOW DATABASES YIELD name WHERE name = 'routed' RETURN name").value() == ["routed"]


def test_show_databases_is_routed_to_system(session):
    assert session.run("SHOW DATABASES").consume().database == "system"


def test_graph_query_against_system_fails_with_semantic_error(dbms):
    with dbms.session(database="system") as s:
        with pytest.raises(ClientError) as caught:
            s.run("MATCH (n) RETURN n").consume()
    assert caught.value.code == "Neo.ClientError.Statement.SemanticError"
    assert caught.value.message == ("Not a recognised system command or procedure. This Cypher command can only be "
                                    "executed in a user database: MATCH (n) RETURN n")


def test_graph_query_using_system_fails_with_semantic_error(session):
    with pytest.raises(ClientError) as caught:
        session.run("USE system CREATE (:Nope)").consume()
    assert caught.value.code == "Neo.ClientError.Statement.SemanticError"
    assert caught.value.message.endswith("This Cypher command can only be executed in a user database: "
                                         "USE system CREATE (:Nope)")


def test_use_addresses_another_database(dbms, session, other_db):
    session.run("USE other CREATE (:Used)").consume()
    assert count(dbms, "Used", "other") == 1
    assert count(dbms, "Used") == 0
    assert session.run("USE other MATCH (n:Used) RETURN count(n) AS c").single()["c"] == 1


def test_use_prefix_on_a_schema_command_addresses_that_database(session, other_db):
    session.run("USE other CREATE INDEX remote_idx FOR (n:P) ON (n.x)").consume()
    with pytest.raises(ClientError):
        session.run("USE other CREATE INDEX remote_idx FOR (n:P) ON (n.x)").consume()
    session.run("CREATE INDEX remote_idx FOR (n:P) ON (n.x)").consume()


def test_use_of_an_unknown_database_fails_with_database_not_found(session):
    with pytest.raises(ClientError) as caught:
        session.run("USE nowhere MATCH (n) RETURN n").consume()
    assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"
    assert caught.value.message == "Database does not exist. Database name: 'nowhere'."


def test_use_of_a_stopped_database_fails_with_database_unavailable(session, other_db):
    session.run("STOP DATABASE other").consume()
    with pytest.raises(TransientError) as caught:
        session.run("USE other MATCH (n) RETURN n").consume()
    assert caught.value.code == "Neo.TransientError.General.DatabaseUnavailable"
    assert caught.value.message == "Database 'other' is unavailable."


def test_use_in_an_explicit_transaction_of_an_unknown_database_fails_the_transaction(session):
    tx = session.begin_transaction()
    with pytest.raises(ClientError) as original:
        tx.run("USE nowhere MATCH (n) RETURN n").consume()
    assert original.value.code == "Neo.ClientError.Database.DatabaseNotFound"
    with pytest.raises(TransactionError):
        tx.commit()
