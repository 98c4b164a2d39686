"""SHOW TRANSACTIONS, TERMINATE TRANSACTIONS and timeouts (SEMANTICS.md "SHOW / TERMINATE TRANSACTIONS")."""
import threading
import time

import pytest

from graphplex import DBMS
from graphplex.errors import Neo4jError, TransactionError

TERMINATED = ("The transaction has been terminated. Retry your operation in a new transaction, and you should see a "
              "successful result. Explicitly terminated by the user. ")


@pytest.fixture
def dbms():
    with DBMS.in_memory() as instance:
        yield instance


def test_show_transactions_lists_open_transactions_with_metadata_and_query(dbms):
    with dbms.session() as owner, dbms.session() as observer:
        tx = owner.begin_transaction(metadata={"app": "billing"})
        tx.run("CREATE (:A)").consume()
        rows = observer.run("SHOW TRANSACTIONS YIELD * WHERE metaData.app = 'billing' "
                            "RETURN transactionId, currentQuery, username, status").data()
        assert rows == [{"transactionId": tx.id, "currentQuery": "CREATE (:A)", "username": "neo4j",
                         "status": "Running"}]
        tx.rollback()


def test_show_transactions_default_columns(dbms):
    with dbms.session() as owner, dbms.session() as observer:
        tx = owner.begin_transaction()
        tx.run("RETURN 1").consume()
        result = observer.run("SHOW TRANSACTIONS")
        assert result.keys() == ["database", "transactionId", "currentQueryId", "connectionId", "clientAddress",
                                 "username", "currentQuery", "startTime", "status", "elapsedTime"]
        ids = [r["transactionId"] for r in result]
        assert tx.id in ids and len(ids) == 2, "the owner's transaction and the SHOW's own"
        assert tx.id.startswith("neo4j-transaction-")
        tx.rollback()


def test_terminate_stops_the_victim_and_rolls_it_back(dbms):
    with dbms.session() as victim, dbms.session() as admin:
        tx = victim.begin_transaction()
        tx.run("CREATE (:Lost)").consume()
        rows = admin.run("TERMINATE TRANSACTIONS $ids", ids=[tx.id, "neo4j-transaction-0"]).data()
        assert rows == [{"transactionId": tx.id, "username": "neo4j", "message": "Transaction terminated."},
                        {"transactionId": "neo4j-transaction-0", "username": None,
                         "message": "Transaction not found."}]
        with pytest.raises(Neo4jError) as caught:
            tx.run("RETURN 1").consume()
        assert caught.value.code == "Neo.ClientError.Transaction.Terminated"
        assert caught.value.message == TERMINATED
        tx.rollback()
        assert admin.run("MATCH (n:Lost) RETURN count(n)").single()[0] == 0


def test_terminate_interrupts_a_running_statement(dbms):
    errors = []
    started = threading.Event()

    def long_running():
        with dbms.session() as session:
            tx = session.begin_transaction(metadata={"job": "long"})
            started.set()
            try:
                tx.run("UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b WITH a WHERE a < 0 RETURN count(a)").consume()
            except (Neo4jError, TransactionError) as error:
                errors.append(error)
            tx.rollback()

    thread = threading.Thread(target=long_running)
    thread.start()
    started.wait()
    with dbms.session() as admin:
        deadline = time.monotonic() + 5
        ids = []
        while not ids and time.monotonic() < deadline:
            ids = admin.run("SHOW TRANSACTIONS YIELD transactionId, metaData WHERE metaData.job = 'long' "
                            "RETURN transactionId").value()
        admin.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
    thread.join(30)
    assert not thread.is_alive()
    assert errors and errors[0].code == "Neo.ClientError.Transaction.Terminated"


def test_client_timeout_terminates_with_the_client_configuration_code(dbms):
    with dbms.session() as session:
        tx = session.begin_transaction(timeout=0.1)
        with pytest.raises(Neo4jError) as caught:
            tx.run("UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b WITH a WHERE a < 0 RETURN count(a)").consume()
        assert caught.value.code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
        tx.rollback()


def test_global_timeout_setting_uses_its_own_code():
    with DBMS.in_memory(transaction_timeout=0.1) as dbms, dbms.session() as session:
        with pytest.raises(Neo4jError) as caught:
            session.run("UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b WITH a WHERE a < 0 RETURN count(a)").consume()
        assert caught.value.code == "Neo.ClientError.Transaction.TransactionTimedOut"


def test_memory_limit_fails_the_transaction():
    with DBMS.in_memory(transaction_memory_max=50_000) as dbms, dbms.session() as session:
        with pytest.raises(Neo4jError) as caught:
            session.run("UNWIND range(1, 10000) AS x CREATE (:N {x: x})").consume()
        assert caught.value.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
        assert "db.memory.transaction.max threshold reached" in caught.value.message
        assert session.run("MATCH (n) RETURN count(n)").single()[0] == 0


def test_show_transactions_lists_its_own_transaction(dbms):
    with dbms.session() as session:
        assert session.run("SHOW TRANSACTIONS YIELD currentQuery").value() == ["SHOW TRANSACTIONS YIELD currentQuery"]


def test_begin_inside_an_explicit_transaction_is_refused(dbms):
    with dbms.session() as session:
        tx = session.begin_transaction()
        with pytest.raises(TransactionError) as caught:
            tx.run("BEGIN")
        assert caught.value.message == "Nested transactions are not supported."
        tx.rollback()


def test_bookmarks_from_another_session_are_seen_at_once(dbms):
    with dbms.session() as writer:
        writer.run("CREATE (:Seen)").consume()
        bookmarks = writer.last_bookmarks()
    with dbms.session(bookmarks=bookmarks) as reader:
        assert reader.run("MATCH (n:Seen) RETURN count(n)").single()[0] == 1


def test_a_bookmark_of_a_commit_not_yet_visible_times_out():
    with DBMS.in_memory(bookmark_ready_timeout=0.05) as dbms:
        with dbms.session() as writer:
            writer.run("CREATE (:A)").consume()
            prefix, uuid, ts = writer.last_bookmarks()[0].split(":")
        with dbms.session(bookmarks=[f"{prefix}:{uuid}:{int(ts) + 100}"]) as reader:
            with pytest.raises(Neo4jError) as caught:
                reader.run("RETURN 1").consume()
        assert caught.value.code == "Neo.TransientError.Transaction.BookmarkTimeout"


def test_a_malformed_bookmark_is_refused(dbms):
    with dbms.session(bookmarks=["not a bookmark"]) as session:
        with pytest.raises(Neo4jError) as caught:
            session.run("RETURN 1").consume()
    assert caught.value.code == "Neo.ClientError.Transaction.InvalidBookmark"


@pytest.mark.parametrize("storage_mode", ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"])
def test_active_lock_count_counts_what_the_transaction_wrote(storage_mode):
    with DBMS.in_memory(storage_mode=storage_mode) as dbms, dbms.session() as owner, dbms.session() as observer:
        tx = owner.begin_transaction()
        tx.run("CREATE (:A)-[:R]->(:B)").consume()
        rows = observer.run("SHOW TRANSACTIONS YIELD transactionId, activeLockCount "
                            "WHERE transactionId = $id RETURN activeLockCount", id=tx.id).data()
        assert rows == [{"activeLockCount": 3}]
        tx.rollback()
