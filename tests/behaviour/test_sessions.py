"""Sessions: implicit (auto-commit) transactions, READ sessions, thread confinement, BEGIN/COMMIT/ROLLBACK
statements, `Query` objects. (API.md "Sessions"; SEMANTICS.md "Transactions", "Sessions and bookmarks".)"""
from __future__ import annotations

import threading
import time

import pytest

from behaviour_support import count
from graphplex import Query
from graphplex.errors import ClientError, Neo4jError, SessionError, TransactionError

# --- implicit transactions commit ----------------------------------------------------------------------------


def test_implicit_transaction_is_not_visible_to_others_before_its_result_is_consumed(dbms, session):
    session.run("CREATE (:Implicit)")
    assert count(dbms, "Implicit") == 0


def test_implicit_transaction_commits_when_its_result_is_consumed(dbms, session):
    session.run("CREATE (:Implicit)").consume()
    assert count(dbms, "Implicit") == 1


def test_implicit_transaction_commits_when_its_result_is_exhausted_by_iteration(dbms, session):
    result = session.run("UNWIND [1, 2] AS x CREATE (:Implicit {x: x}) RETURN x")
    assert [record["x"] for record in result] == [1, 2]
    assert count(dbms, "Implicit") == 2


def test_implicit_transaction_commits_when_the_session_runs_its_next_statement(dbms, session):
    session.run("CREATE (:Implicit)")
    session.run("RETURN 1")
    assert count(dbms, "Implicit") == 1


def test_implicit_transaction_commits_when_the_session_closes(dbms):
    s = dbms.session()
    s.run("CREATE (:Implicit)")
    s.close()
    assert count(dbms, "Implicit") == 1


def test_implicit_transaction_commits_when_a_with_block_session_ends(dbms):
    with dbms.session() as s:
        s.run("CREATE (:Implicit)")
    assert count(dbms, "Implicit") == 1


def test_implicit_transaction_commits_when_the_session_begins_an_explicit_transaction(dbms, session):
    session.run("CREATE (:Implicit)")
    tx = session.begin_transaction()
    assert count(dbms, "Implicit") == 1
    tx.rollback()
    assert count(dbms, "Implicit") == 1


def test_previous_implicit_result_stays_readable_after_the_next_statement_runs(session):
    first = session.run("UNWIND [1, 2, 3] AS x RETURN x")
    session.run("RETURN 1 AS one")
    assert [record["x"] for record in first] == [1, 2, 3]


# --- a failing implicit statement leaves nothing -------------------------------------------------------------


def test_failing_implicit_statement_leaves_nothing(dbms, session):
    with pytest.raises(ClientError) as caught:
        session.run("CREATE (:Broken) WITH 1 AS one RETURN 1 / 0 AS boom").consume()
    assert caught.value.code == "Neo.ClientError.Statement.ArithmeticError"
    assert caught.value.message == "/ by zero"
    assert count(dbms, "Broken") == 0


def test_failing_implicit_statement_leaves_nothing_even_after_records_were_streamed(dbms, session):
    result = session.run("UNWIND range(1, 10) AS x CREATE (:Streamed {x: x}) RETURN 10 / (x - 5) AS y")
    assert [record["y"] for record in result.fetch(3)] == [-2, -3, -5]
    with pytest.raises(ClientError) as caught:
        result.consume()
    assert caught.value.code == "Neo.ClientError.Statement.ArithmeticError"
    assert count(dbms, "Streamed") == 0


def test_failing_implicit_statement_leaves_the_session_usable(dbms, session):
    with pytest.raises(ClientError):
        session.run("RETURN 1 / 0").consume()
    session.run("CREATE (:After)").consume()
    assert count(dbms, "After") == 1


def test_missing_parameter_fails_with_parameter_missing(session):
    with pytest.raises(ClientError) as caught:
        session.run("RETURN $missing AS x").consume()
    assert caught.value.code == "Neo.ClientError.Statement.ParameterMissing"
    assert caught.value.message == "Expected parameter(s): missing"


# --- parameters and Query --------------------------------------------------------------------------------------


def test_run_takes_parameters_as_a_dict_and_as_keywords(session):
    record = session.run("RETURN $a AS a, $b AS b", {"a": 1}, b="two").single()
    assert (record["a"], record["b"]) == (1, "two")


def test_keyword_parameters_take_precedence_over_the_dict(session):
    assert session.run("RETURN $a AS a", {"a": 1}, a=2).single()["a"] == 2


def test_run_accepts_a_query_object_with_metadata_and_timeout(dbms, session):
    query = Query("CREATE (:Q {v: $v}) RETURN $v AS v", metadata={"app": "tests"}, timeout=10.0)
    assert session.run(query, {"v": 7}).single()["v"] == 7
    assert count(dbms, "Q") == 1


# --- session lifecycle and explicit transactions -------------------------------------------------------------


def test_run_on_a_closed_session_raises_session_error(dbms):
    s = dbms.session()
    s.close()
    with pytest.raises(SessionError):
        s.run("RETURN 1")


def test_closing_a_session_twice_is_allowed(dbms):
    s = dbms.session()
    s.close()
    s.close()


def test_closing_a_session_rolls_back_its_open_explicit_transaction(dbms):
    s = dbms.session()
    tx = s.begin_transaction()
    tx.run("CREATE (:Abandoned)").consume()
    s.close()
    assert count(dbms, "Abandoned") == 0


def test_session_run_while_an_explicit_transaction_is_open_raises_transaction_error(session):
    tx = session.begin_transaction()
    with pytest.raises(TransactionError):
        session.run("RETURN 1")
    tx.rollback()
    assert session.run("RETURN 1 AS x").single()["x"] == 1


def test_only_one_explicit_transaction_at_a_time_per_session(session):
    tx = session.begin_transaction()
    with pytest.raises(TransactionError):
        session.begin_transaction()
    tx.rollback()
    session.begin_transaction().rollback()


def test_session_database_defaults_to_the_default_database(session):
    assert session.run("RETURN 1").consume().database == "neo4j"


def test_session_on_an_unknown_database_fails_with_database_not_found(dbms):
    with dbms.session(database="missing") as s:
        with pytest.raises(ClientError) as caught:
            s.run("RETURN 1").consume()
    assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"
    assert caught.value.message == "Database does not exist. Database name: 'missing'."


# --- READ sessions ---------------------------------------------------------------------------------------------


def test_read_session_refuses_writes_with_access_mode_error(dbms):
    with dbms.session(default_access_mode="READ") as s:
        with pytest.raises(ClientError) as caught:
            s.run("CREATE (:Refused)").consume()
    assert caught.value.code == "Neo.ClientError.Statement.AccessMode"
    assert caught.value.message.startswith("Writing in read access mode not allowed.")
    assert caught.value.message == "Writing in read access mode not allowed. Attempted write to neo4j"
    assert count(dbms, "Refused") == 0


def test_read_session_refuses_writes_in_explicit_transactions(dbms):
    with dbms.session(default_access_mode="READ") as s:
        tx = s.begin_transaction()
        with pytest.raises(ClientError) as caught:
            tx.run("CREATE (:Refused)").consume()
        tx.rollback()
    assert caught.value.code == "Neo.ClientError.Statement.AccessMode"


def test_read_session_refuses_schema_commands(dbms):
    with dbms.session(default_access_mode="READ") as s:
        with pytest.raises(ClientError) as caught:
            s.run("CREATE INDEX FOR (n:P) ON (n.x)").consume()
    assert caught.value.code == "Neo.ClientError.Statement.AccessMode"


def test_read_session_runs_reads(dbms, session):
    session.run("CREATE (:Readable)").consume()
    with dbms.session(default_access_mode="READ") as s:
        assert s.run("MATCH (n:Readable) RETURN count(n) AS c").single()["c"] == 1


# --- BEGIN / COMMIT / ROLLBACK statements (Memgraph) -----------------------------------------------------------


def test_begin_commit_statements_commit_the_statements_between_them(dbms, session):
    session.run("BEGIN")
    session.run("CREATE (:Scripted)")
    session.run("CREATE (:Scripted)")
    assert count(dbms, "Scripted") == 0
    session.run("COMMIT")
    assert count(dbms, "Scripted") == 2


def test_begin_rollback_statements_leave_nothing(dbms, session):
    session.run("BEGIN")
    session.run("CREATE (:Scripted)")
    session.run("ROLLBACK")
    assert count(dbms, "Scripted") == 0


def test_begin_inside_a_begun_transaction_is_refused(session):
    session.run("BEGIN")
    with pytest.raises(TransactionError) as caught:
        session.run("BEGIN")
    assert caught.value.message == "Nested transactions are not supported."
    session.run("ROLLBACK")


def test_commit_statement_without_a_transaction_is_refused(session):
    with pytest.raises(TransactionError) as caught:
        session.run("COMMIT")
    assert caught.value.message == "No current transaction to commit."


def test_rollback_statement_without_a_transaction_is_refused(session):
    with pytest.raises(TransactionError) as caught:
        session.run("ROLLBACK")
    assert caught.value.message == "No current transaction to rollback."


def test_after_a_failed_statement_in_a_begun_transaction_further_statements_fail_and_rollback_works(dbms, session):
    session.run("BEGIN")
    session.run("CREATE (:Scripted)").consume()
    with pytest.raises(ClientError) as original:
        session.run("RETURN 1 / 0").consume()
    with pytest.raises(TransactionError) as caught:
        session.run("RETURN 1").consume()
    assert caught.value.message == "Transaction failed"
    assert caught.value.__cause__ is original.value
    session.run("ROLLBACK")
    assert count(dbms, "Scripted") == 0
    assert session.run("RETURN 2 AS x").single()["x"] == 2


def test_commit_statement_after_a_failed_statement_raises_transaction_error_chained_to_it(dbms, session):
    session.run("BEGIN")
    session.run("CREATE (:Scripted)").consume()
    with pytest.raises(ClientError) as original:
        session.run("RETURN 1 / 0").consume()
    with pytest.raises(TransactionError) as caught:
        session.run("COMMIT")
    assert caught.value.message == "Transaction failed"
    assert caught.value.__cause__ is original.value
    assert count(dbms, "Scripted") == 0


def test_rollback_statement_stays_allowed_after_a_refused_commit(session):
    session.run("BEGIN")
    with pytest.raises(ClientError):
        session.run("RETURN 1 / 0").consume()
    with pytest.raises(TransactionError):
        session.run("COMMIT")
    session.run("ROLLBACK")


def test_closing_a_session_rolls_back_a_begun_transaction(dbms):
    s = dbms.session()
    s.run("BEGIN")
    s.run("CREATE (:Scripted)").consume()
    s.close()
    assert count(dbms, "Scripted") == 0


# --- thread confinement ------------------------------------------------------------------------------------------


def test_session_used_from_two_threads_at_once_raises_session_error(dbms):
    shared = dbms.session()
    seen: list[Exception] = []
    stop = threading.Event()
    deadline = time.monotonic() + 5.0

    def hammer() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                shared.run("UNWIND range(1, 50) AS x RETURN sum(x) AS s")
            except SessionError as error:
                seen.append(error)
                stop.set()
            except Exception as error:  # anything else is a failure of the test
                seen.append(error)
                stop.set()

    threads = [threading.Thread(target=hammer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    shared.close()
    assert seen, "two threads used one session concurrently for 5 s without any error"
    assert all(isinstance(error, SessionError) for error in seen), seen
    assert all(isinstance(error, Neo4jError) and error.code.startswith("Neo.") for error in seen)


# --- the DBMS lifecycle as sessions see it ------------------------------------------------------------------------


def test_closing_the_dbms_twice_is_allowed(dbms):
    dbms.close()
    dbms.close()


def test_a_closed_dbms_opens_no_session(dbms):
    dbms.close()
    with pytest.raises(Neo4jError):
        dbms.session()


# --- no transaction is left behind ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("access_mode", "query"), [
    ("READ", "CREATE (:Refused)"),
    ("WRITE", "USE nowhere MATCH (n) RETURN n"),
    ("WRITE", "RETURN $missing"),
])
def test_a_failed_implicit_statement_leaves_no_open_transaction(dbms, access_mode, query):
    with dbms.session(default_access_mode=access_mode) as s:
        with pytest.raises(ClientError):
            s.run(query).consume()
    with dbms.session() as observer:
        rows = observer.run("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery").value()
    assert query not in rows
