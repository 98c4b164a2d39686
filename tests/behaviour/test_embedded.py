"""The embedded API: thread-confined, flat nested transactions (API.md, SEMANTICS.md "The embedded API")."""
import threading

import pytest

from graphplex import DBMS
from graphplex.errors import ClientError, TransactionError, TransactionFailureError


@pytest.fixture
def dbms():
    with DBMS.in_memory() as instance:
        yield instance


def labels(dbms):
    with dbms.session() as session:
        return session.run("MATCH (n) RETURN labels(n)[0] AS l ORDER BY l").value()


def test_top_level_commits_only_when_marked_successful(dbms):
    db = dbms.database("neo4j")
    with db.begin_tx() as tx:
        tx.execute("CREATE (:A)")
    assert labels(dbms) == []
    with db.begin_tx() as tx:
        tx.execute("CREATE (:A)")
        tx.success()
    assert labels(dbms) == ["A"]


def test_nested_transaction_joins_the_top_level_one(dbms):
    db = dbms.database("neo4j")
    with db.begin_tx() as tx:
        tx.execute("CREATE (:A)")
        with db.begin_tx() as inner:
            assert inner.nested and inner.top is tx
            inner.execute("CREATE (:B)")
            inner.success()
        tx.success()
    assert labels(dbms) == ["A", "B"]


def test_failure_in_a_nested_transaction_dooms_the_whole(dbms):
    db = dbms.database("neo4j")
    with pytest.raises(TransactionFailureError) as caught:
        with db.begin_tx() as tx:
            tx.execute("CREATE (:A)")
            with db.begin_tx() as inner:
                inner.execute("CREATE (:B)")
                inner.failure()
            tx.success()
    assert caught.value.message == ("Transaction was marked as successful, but unable to commit transaction so "
                                    "rolled back.")
    assert labels(dbms) == []


def test_nested_close_without_success_marks_the_top_for_rollback(dbms):
    db = dbms.database("neo4j")
    with pytest.raises(TransactionFailureError):
        with db.begin_tx() as tx:
            with db.begin_tx() as inner:
                inner.execute("CREATE (:B)")
            tx.success()
    assert labels(dbms) == []


def test_a_transaction_marked_for_rollback_refuses_writes_but_reads(dbms):
    db = dbms.database("neo4j")
    with db.begin_tx() as tx:
        tx.failure()
        assert tx.execute("RETURN 1 AS one").single()["one"] == 1
        with pytest.raises(TransactionError):
            tx.execute("CREATE (:A)")


def test_an_exception_rolls_back(dbms):
    db = dbms.database("neo4j")
    with pytest.raises(RuntimeError):
        with db.begin_tx() as tx:
            tx.execute("CREATE (:A)")
            tx.success()
            raise RuntimeError("boom")
    assert labels(dbms) == []


def test_use_from_another_thread_raises(dbms):
    tx = dbms.database("neo4j").begin_tx()
    errors = []

    def other():
        try:
            tx.execute("RETURN 1")
        except ClientError as error:
            errors.append(error)
    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert errors and errors[0].code == "Neo.ClientError.Transaction.TransactionAccessedConcurrently"
    tx.close()


def test_each_thread_has_its_own_top_level_transaction(dbms):
    db = dbms.database("neo4j")
    tops = []

    def work(label):
        with db.begin_tx() as tx:
            tops.append(tx)
            assert not tx.nested
            tx.execute(f"CREATE (:{label})")
            tx.success()
    threads = [threading.Thread(target=work, args=(label,)) for label in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert labels(dbms) == ["A", "B"]
