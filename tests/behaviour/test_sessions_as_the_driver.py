"""Sessions, transactions and results as the `neo4j` driver has them: thread confinement, what a failed explicit
transaction leaves behind, closing results, and statements that open no transaction of their own. (API.md
"Sessions", "Results", "The embedded API"; SEMANTICS.md "Transactions", "Sessions and bookmarks".)"""
from __future__ import annotations

import threading
import time

import pytest

from behaviour_support import count
from graphplex import Query
from graphplex.errors import ClientError, Neo4jError, SessionError, TransactionError


def _hammer(work, threads: int = 2, seconds: float = 5.0) -> list[BaseException]:
    """Runs `work` in a loop on several threads until one raises (or time runs out); returns what was raised."""
    seen: list[BaseException] = []
    stop = threading.Event()
    deadline = time.monotonic() + seconds

    def loop() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                work()
            except BaseException as error:  # anything, so that a bare Python error is seen too
                seen.append(error)
                stop.set()

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return seen


def _only_session_errors(seen: list[BaseException]) -> None:
    assert seen, "two threads shared a session for 5 s without any error"
    assert all(isinstance(error, SessionError) for error in seen), [repr(error) for error in seen]
    assert all(error.code.startswith("Neo.ClientError.") for error in seen)


# --- thread confinement ------------------------------------------------------------------------------------------


def test_an_explicit_transaction_used_by_two_threads_at_once_is_refused_with_session_error(dbms, session):
    tx = session.begin_transaction()
    seen = _hammer(lambda: [r for r in tx.run("UNWIND range(1, 200) AS x CREATE (:Shared {x: x}) RETURN x")])
    _only_session_errors(seen)
    tx.rollback()
    assert count(dbms, "Shared") == 0


def test_one_result_read_by_two_threads_at_once_is_refused_with_session_error(session):
    tx = session.begin_transaction()

    def read_a_new_result() -> None:
        result = tx.run("UNWIND range(1, 20000) AS x RETURN x")   # long enough for the two to meet
        reader = threading.Thread(target=lambda: errors.extend(_drain(result)))
        reader.start()
        errors.extend(_drain(result))
        reader.join()
        if errors:
            raise errors[0]

    errors: list[BaseException] = []
    _only_session_errors(_hammer(read_a_new_result, threads=1))
    tx.rollback()


def _drain(result) -> list[BaseException]:
    try:
        for _ in result:
            pass
    except BaseException as error:
        return [error]
    return []


def test_threads_sharing_a_session_see_session_errors_only(session):
    def mixed() -> None:
        session.run("UNWIND range(1, 100) AS x RETURN x").value()
        with session.begin_transaction() as tx:
            tx.run("UNWIND range(1, 100) AS x RETURN x").value()
    seen = _hammer(mixed, threads=3)
    # A thread whose session.run or begin_transaction lands while another's explicit transaction is open (and
    # idle) gets the refusal the driver gives there too: the session's rule, not a failure of the engine.
    assert seen, "three threads shared a session for 5 s without any error"
    refusals = ("Explicit transaction is open", "Explicit transaction already open")
    others = [e for e in seen
              if not (isinstance(e, TransactionError) and any(refusal in e.message for refusal in refusals))]
    assert all(isinstance(e, SessionError) and e.code.startswith("Neo.ClientError.") for e in others), \
        [repr(error) for error in others]


def test_an_explicit_transaction_handed_from_one_thread_to_another_keeps_working(dbms, session):
    tx = session.begin_transaction()
    tx.run("CREATE (:HandedOver)").consume()
    errors: list[BaseException] = []

    def elsewhere() -> None:
        try:
            tx.run("CREATE (:HandedOver)").consume()
            tx.commit()
        except BaseException as error:
            errors.append(error)
    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert errors == []
    assert count(dbms, "HandedOver") == 2


def test_an_embedded_lazy_result_read_on_another_thread_is_refused_and_runs_nothing_there(dbms):
    tx = dbms.database("neo4j").begin_tx()
    result = tx.execute("UNWIND range(1, 3) AS x CREATE (:Lazy) RETURN x")
    errors: list[BaseException] = []

    def elsewhere() -> None:
        try:
            result.consume()
        except BaseException as error:
            errors.append(error)
    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert len(errors) == 1 and isinstance(errors[0], ClientError), errors
    assert errors[0].code == "Neo.ClientError.Transaction.TransactionAccessedConcurrently"
    assert tx.execute("MATCH (n:Lazy) RETURN count(n) AS c").single()["c"] == 0
    assert result.value() == [1, 2, 3]
    tx.success()
    tx.close()
    assert count(dbms, "Lazy") == 3


# --- after a failed statement in an explicit transaction ------------------------------------------------------


def _failed(session):
    tx = session.begin_transaction()
    tx.run("CREATE (:Failed)").consume()
    with pytest.raises(ClientError) as original:
        tx.run("RETURN 1 / 0").consume()
    return tx, original.value


def test_after_a_failed_statement_session_run_works_again(dbms, session):
    tx, _ = _failed(session)
    assert session.run("RETURN 2 AS x").single()["x"] == 2
    session.run("CREATE (:After)").consume()
    assert count(dbms, "After") == 1
    assert count(dbms, "Failed") == 0


def test_after_a_failed_statement_a_new_transaction_can_begin(dbms, session):
    _failed(session)
    with session.begin_transaction() as tx:
        tx.run("CREATE (:After)").consume()
    assert count(dbms, "After") == 1


def test_after_a_failed_statement_the_failed_transaction_still_refuses_run_and_commit(session):
    tx, original = _failed(session)
    session.run("RETURN 1").consume()
    with pytest.raises(TransactionError) as caught:
        tx.run("RETURN 1")
    assert caught.value.message == "Transaction failed" and caught.value.__cause__ is original
    with pytest.raises(TransactionError) as caught:
        tx.commit()
    assert caught.value.message == "Transaction failed" and caught.value.__cause__ is original


def test_after_a_failed_statement_rollback_and_close_are_fine_and_leave_the_session_alone(dbms, session):
    tx, _ = _failed(session)
    newer = session.begin_transaction()
    tx.rollback()
    tx.close()
    newer.run("CREATE (:Newer)").consume()
    newer.commit()
    assert count(dbms, "Newer") == 1


def test_a_failed_transaction_is_rolled_back_at_once_and_holds_no_lock(dbms, session):
    session.run("CREATE (:Account {id: 1, balance: 0})").consume()
    tx = session.begin_transaction()
    tx.run("MATCH (a:Account {id: 1}) SET a.balance = 10").consume()
    with pytest.raises(ClientError):
        tx.run("RETURN 1 / 0").consume()
    with dbms.session() as other:
        other.run("MATCH (a:Account {id: 1}) SET a.balance = 20").consume()
        assert other.run("MATCH (a:Account {id: 1}) RETURN a.balance AS b").single()["b"] == 20


def test_a_statement_failing_while_its_records_stream_frees_the_session_too(session):
    tx = session.begin_transaction()
    with pytest.raises(ClientError):
        for _ in tx.run("UNWIND [1, 2, 0] AS x RETURN 10 / x AS y"):
            pass
    assert session.run("RETURN 3 AS x").single()["x"] == 3


# --- statements that open no transaction of their own ----------------------------------------------------------


def test_show_transactions_run_with_a_query_shows_its_own_metadata(session):
    rows = session.run(Query("SHOW TRANSACTIONS YIELD metaData, currentQuery", metadata={"probe": "me"})).data()
    own = [row for row in rows if row["currentQuery"].startswith("SHOW TRANSACTIONS")]
    assert [row["metaData"] for row in own] == [{"probe": "me"}]


def _next_level(session) -> str:
    rows = session.run("SHOW STORAGE INFO").data()
    return {row["storage info"]: row["value"] for row in rows}["next_session_isolation_level"]


def test_next_isolation_level_is_not_used_up_by_show_storage_info_or_show_transactions(dbms, session):
    session.run("SET NEXT TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    assert _next_level(session) == "READ_COMMITTED"
    session.run("SHOW TRANSACTIONS").consume()
    assert _next_level(session) == "READ_COMMITTED"
    tx = session.begin_transaction()
    with dbms.session() as observer:
        levels = observer.run("SHOW TRANSACTIONS YIELD transactionId, isolationLevel WHERE transactionId = $id "
                              "RETURN isolationLevel", id=tx.id).value()
    tx.rollback()
    assert levels == ["READ_COMMITTED"]
    assert _next_level(session) == ""


# --- closing results -----------------------------------------------------------------------------------------------


def test_closed_is_false_until_the_result_is_consumed(session):
    result = session.run("UNWIND [1, 2] AS x RETURN x")
    assert result.closed() is False
    result.consume()
    assert result.closed() is True


def test_a_result_is_closed_once_its_transaction_ends(session):
    tx = session.begin_transaction()
    result = tx.run("UNWIND [1, 2] AS x RETURN x")
    tx.commit()
    assert result.closed() is True


def test_closing_an_unconsumed_implicit_result_commits_its_transaction(dbms, session):
    result = session.run("UNWIND range(1, 3) AS x CREATE (:Closed) RETURN x")
    assert result.fetch(1)[0]["x"] == 1
    result.close()
    assert result.closed() is True
    assert count(dbms, "Closed") == 3


def test_reading_a_closed_result_raises_result_consumed_error(session):
    from graphplex.errors import ResultConsumedError
    result = session.run("UNWIND [1, 2] AS x RETURN x")
    result.close()
    with pytest.raises(ResultConsumedError):
        result.fetch(1)


def test_closing_a_result_twice_is_allowed(session):
    result = session.run("RETURN 1")
    result.close()
    result.close()


def test_last_bookmarks_name_an_implicit_write_committed_by_closing_its_result(dbms, session):
    before = session.last_bookmarks()
    session.run("CREATE (:Bookmarked)").close()
    after = session.last_bookmarks()
    assert after and after != before


def test_the_embedded_transaction_answers_to_finish(dbms):
    tx = dbms.database("neo4j").begin_tx()
    tx.execute("CREATE (:Finished)")
    tx.success()
    tx.finish()
    assert count(dbms, "Finished") == 1


def test_no_bare_python_error_escapes_a_session_shared_with_a_closing_thread(dbms):
    shared = dbms.session()
    seen: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(200):
                shared.run("UNWIND range(1, 50) AS x RETURN x").value()
        except BaseException as error:
            seen.append(error)
    worker = threading.Thread(target=reader)
    worker.start()
    time.sleep(0.01)
    try:
        shared.close()
    except BaseException as error:
        seen.append(error)
    worker.join()
    assert all(isinstance(error, Neo4jError) and error.code.startswith("Neo.") for error in seen), seen


# --- IN_MEMORY_ANALYTICAL takes no locks ---------------------------------------------------------------------------


def test_analytical_writers_to_the_same_node_do_not_wait_for_each_other():
    from graphplex import DBMS
    with DBMS.in_memory(storage_mode="IN_MEMORY_ANALYTICAL", lock_acquisition_timeout=2.0) as analytical:
        with analytical.session() as first, analytical.session() as second:
            first.run("CREATE (:Counter {id: 1})").consume()
            tx = first.begin_transaction()
            tx.run("MATCH (c:Counter {id: 1}) SET c.a = 1").consume()
            started = time.monotonic()
            second.run("MATCH (c:Counter {id: 1}) SET c.b = 2").consume()
            assert time.monotonic() - started < 1.0
            tx.commit()
            row = second.run("MATCH (c:Counter {id: 1}) RETURN c.a AS a, c.b AS b").single()
            assert (row["a"], row["b"]) == (1, 2)


def test_an_analytical_writer_rolled_back_under_a_concurrent_writer_leaves_the_rest_alone():
    from graphplex import DBMS
    with DBMS.in_memory(storage_mode="IN_MEMORY_ANALYTICAL", lock_acquisition_timeout=2.0) as analytical:
        with analytical.session() as first, analytical.session() as second:
            first.run("CREATE (:Counter {id: 1, n: 0})").consume()
            tx = first.begin_transaction()
            tx.run("MATCH (c:Counter {id: 1}) SET c.n = c.n + 1").consume()
            second.run("MATCH (c:Counter {id: 1}) SET c.b = 2").consume()
            tx.rollback()
            row = second.run("MATCH (c:Counter {id: 1}) RETURN c.b AS b, count(*) AS k").single()
            assert (row["b"], row["k"]) == (2, 1)
            second.run("MATCH (c:Counter {id: 1}) SET c.n = 10").consume()
            assert second.run("MATCH (c:Counter {id: 1}) RETURN c.n AS n").single()["n"] == 10


def test_a_long_explicit_transaction_of_consumed_results_commits_them_all(dbms, session):
    with session.begin_transaction() as tx:
        for i in range(200):
            tx.run("CREATE (:Many {i: $i})", i=i).consume()
        unread = tx.run("CREATE (:Many {i: -1}) RETURN 1")
    assert count(dbms, "Many") == 201
    assert unread.closed()
