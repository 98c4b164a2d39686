"""`CALL { … } IN TRANSACTIONS` through the public API: every batch is a child of the DBMS transaction, so it is
guarded by the user's privileges, limited by `transaction_memory_max`, listed by SHOW TRANSACTIONS and stopped by
TERMINATE and timeouts (SEMANTICS.md "Transactions" and "SHOW / TERMINATE TRANSACTIONS"); and `USE` inside a
subquery is refused on a standard database, as in Neo4j 5."""
from __future__ import annotations

import threading
import time

import pytest

from behaviour_support import user_session
from graphplex import DBMS, Query
from graphplex.errors import Forbidden, Neo4jError

LOAD = "UNWIND range(1, 150000) AS x CALL { WITH x CREATE (:Load {x: x}) } IN TRANSACTIONS OF 100 ROWS"
MULTIPLE_GRAPHS = ("Multiple graph references in the same query is not supported on standard databases. "
                   "This capability is supported on composite databases only.")


def count(dbms_or_session, label: str) -> int:
    if isinstance(dbms_or_session, DBMS):
        with dbms_or_session.session() as session:
            return count(session, label)
    return dbms_or_session.run(f"MATCH (n:{label}) RETURN count(n)").single()[0]


class Load:
    """The batched load of LOAD, run on a thread of its own in an implicit transaction."""

    def __init__(self, dbms, query) -> None:
        self.dbms = dbms
        self.errors: list[Neo4jError] = []
        self.thread = threading.Thread(target=self._run, args=(query,))
        self.thread.start()

    def _run(self, query) -> None:
        with self.dbms.session() as session:
            try:
                session.run(query).consume()
            except Neo4jError as error:
                self.errors.append(error)

    def wait_for_a_committed_batch(self) -> None:
        deadline = time.monotonic() + 10
        while count(self.dbms, "Load") == 0:
            assert time.monotonic() < deadline, "no batch committed within 10 s"
            time.sleep(0.005)

    def join(self) -> None:
        self.thread.join(30)
        assert not self.thread.is_alive()


# --- guarded: the user's privileges apply inside every batch ------------------------------------------------------

def test_a_user_denied_delete_deletes_nothing_in_batches(secure, admin):
    admin.run("UNWIND range(1, 5) AS i CREATE (:Item {i: i})").consume()
    session = user_session(secure, admin, "clerk", "GRANT MATCH {*} ON GRAPH * NODES *",
                           "GRANT CREATE ON GRAPH * NODES *", "DENY DELETE ON GRAPH * NODES *", role="nodelete")
    with pytest.raises(Forbidden) as caught:
        session.run("CALL { MATCH (n) DETACH DELETE n } IN TRANSACTIONS").consume()
    assert caught.value.message.startswith("Delete node with labels 'Item' is not allowed for user 'clerk'")
    with pytest.raises(Forbidden):
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 1 ROW").consume()
    assert count(admin, "Item") == 5


def test_a_node_denied_traverse_is_invisible_inside_the_batches(secure, admin):
    admin.run("CREATE (:Person {name: 'Ann'}), (:Secret {name: 'Spy'})").consume()
    session = user_session(secure, admin, "lim", "GRANT MATCH {*} ON GRAPH * NODES *",
                           "DENY TRAVERSE ON GRAPH * NODES Secret", role="limited")
    assert session.run("MATCH (n) RETURN n.name").value() == ["Ann"]
    assert session.run("CALL { MATCH (n) RETURN n.name AS name } IN TRANSACTIONS RETURN name").value() == ["Ann"]
    assert session.run("UNWIND [1, 2] AS i CALL { MATCH (s:Secret) RETURN count(s) AS c } IN TRANSACTIONS "
                       "OF 1 ROW RETURN c").value() == [0, 0]


# --- limited: transaction_memory_max applies to each batch -----------------------------------------------------------

def test_the_memory_limit_applies_to_each_batch():
    with DBMS.in_memory(transaction_memory_max=50_000) as dbms, dbms.session() as session:
        with pytest.raises(Neo4jError) as caught:
            session.run("UNWIND range(1, 10000) AS x CALL { WITH x CREATE (:N {x: x}) } "
                        "IN TRANSACTIONS OF 10000 ROWS").consume()
        assert caught.value.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
        assert "db.memory.transaction.max threshold reached" in caught.value.message
        assert count(session, "N") == 0


def test_small_batches_each_stay_under_the_memory_limit():
    """As in Neo4j, the limit is per transaction: batches that each fit commit, however many there are."""
    with DBMS.in_memory(transaction_memory_max=50_000) as dbms, dbms.session() as session:
        session.run("UNWIND range(1, 10000) AS x CALL { WITH x CREATE (:N {x: x}) } IN TRANSACTIONS OF 20 ROWS"
                    ).consume()
        assert count(session, "N") == 10000


# --- registered: SHOW TRANSACTIONS lists the running batch ----------------------------------------------------------

def test_show_transactions_lists_the_running_batch_with_its_outer_transaction(dbms):
    load = Load(dbms, Query(LOAD, metadata={"job": "load"}))
    load.wait_for_a_committed_batch()
    with dbms.session() as observer:
        inner: list = []
        while not inner:  # between two batches none is running
            assert load.thread.is_alive(), "the load ended before a batch was seen"
            rows = observer.run("SHOW TRANSACTIONS YIELD transactionId, outerTransactionId, username, database, "
                                "currentQuery WHERE currentQuery = $q RETURN *", q=LOAD).data()
            outer = [row for row in rows if row["outerTransactionId"] == ""]
            inner = [row for row in rows if row["outerTransactionId"] != ""]
        assert len(outer) == 1 and len(inner) == 1, rows
        assert inner[0]["outerTransactionId"] == outer[0]["transactionId"]
        assert inner[0]["transactionId"] != outer[0]["transactionId"]
        assert inner[0]["transactionId"].startswith("neo4j-transaction-")
        assert (inner[0]["username"], inner[0]["database"]) == ("neo4j", "neo4j")
        observer.run("TERMINATE TRANSACTIONS $id", id=outer[0]["transactionId"]).consume()
    load.join()


def test_report_status_names_the_batch_as_show_transactions_does(dbms):
    with dbms.session() as session:
        ids = session.run("UNWIND range(1, 4) AS i CALL { WITH i CREATE (:N) } IN TRANSACTIONS OF 2 ROWS "
                          "ON ERROR CONTINUE REPORT STATUS AS s RETURN DISTINCT s.transactionId").value()
        numbers = [int(i.rsplit("-", 1)[1]) for i in ids]
        assert len(ids) == 2 and all(i.startswith("neo4j-transaction-") for i in ids)
        after = session.run("SHOW TRANSACTIONS YIELD transactionId").value()[0]
        assert numbers[0] < numbers[1] < int(after.rsplit("-", 1)[1]), "ids of the DBMS's one sequence"


def test_the_bookmarks_name_the_last_committed_batch(dbms):
    with dbms.session() as writer:
        before = writer.last_bookmarks()
        writer.run("UNWIND range(1, 5) AS i CALL { WITH i CREATE (:N) } IN TRANSACTIONS OF 2 ROWS").consume()
        after = writer.last_bookmarks()
    assert after and after != before
    with dbms.session(bookmarks=after) as reader:
        assert count(reader, "N") == 5


# --- stopped: TERMINATE and timeouts stop the batches at their next check ---------------------------------------

def test_terminate_stops_a_batched_load_promptly(dbms):
    load = Load(dbms, Query(LOAD, metadata={"job": "load"}))
    load.wait_for_a_committed_batch()
    with dbms.session() as admin:
        ids = admin.run("SHOW TRANSACTIONS YIELD transactionId, outerTransactionId, metaData "
                        "WHERE metaData.job = 'load' AND outerTransactionId = '' RETURN transactionId").value()
        assert len(ids) == 1
        stopped_at = time.monotonic()
        assert admin.run("TERMINATE TRANSACTIONS $ids", ids=ids).single()["message"] == "Transaction terminated."
    load.join()
    assert time.monotonic() - stopped_at < 2
    assert [e.code for e in load.errors] == ["Neo.ClientError.Transaction.Terminated"]
    committed = count(dbms, "Load")
    assert 0 < committed < 150000, "batches committed before TERMINATE stay committed; the rest never run"
    assert committed % 100 == 0, "the batch that was running is rolled back whole"
    with dbms.session() as observer:
        assert observer.run("SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery = $q RETURN *",
                            q=LOAD).data() == []


def test_closing_the_dbms_stops_a_running_batched_load_at_once():
    """`DBMS.close()` ends open transactions: a running statement is stopped at its next check, not waited for."""
    instance = DBMS.in_memory()
    load = Load(instance, LOAD)
    load.wait_for_a_committed_batch()
    closing = time.monotonic()
    instance.close()
    assert time.monotonic() - closing < 2
    load.join()
    assert [e.code for e in load.errors] == ["Neo.TransientError.Transaction.Terminated"]
    assert "shutdown" in load.errors[0].message


def test_terminating_the_batch_stops_the_whole_statement(dbms):
    load = Load(dbms, LOAD)
    load.wait_for_a_committed_batch()
    with dbms.session() as admin:
        messages = []
        while "Transaction terminated." not in messages:  # a batch may commit between SHOW and TERMINATE
            assert load.thread.is_alive(), "the load ended before one of its batches could be terminated"
            ids = admin.run("SHOW TRANSACTIONS YIELD transactionId, outerTransactionId, currentQuery "
                            "WHERE currentQuery = $q AND outerTransactionId <> '' RETURN transactionId",
                            q=LOAD).value()
            messages = admin.run("TERMINATE TRANSACTIONS $ids YIELD message", ids=ids).value()
    load.join()
    assert [e.code for e in load.errors] == ["Neo.ClientError.Transaction.Terminated"]
    assert count(dbms, "Load") < 150000


def test_on_error_continue_does_not_swallow_a_termination(dbms):
    query = LOAD + " ON ERROR CONTINUE"
    load = Load(dbms, query)
    load.wait_for_a_committed_batch()
    with dbms.session() as admin:
        ids = admin.run("SHOW TRANSACTIONS YIELD transactionId, outerTransactionId, currentQuery "
                        "WHERE currentQuery = $q AND outerTransactionId = '' RETURN transactionId", q=query).value()
        admin.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
    load.join()
    assert [e.code for e in load.errors] == ["Neo.ClientError.Transaction.Terminated"]
    assert count(dbms, "Load") < 150000


def test_a_client_timeout_stops_a_batched_load(dbms):
    with dbms.session() as session:
        started = time.monotonic()
        with pytest.raises(Neo4jError) as caught:
            session.run(Query(LOAD, timeout=0.5)).consume()
        assert caught.value.code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
        assert time.monotonic() - started < 2.5
    committed = count(dbms, "Load")
    assert committed < 150000 and committed % 100 == 0


def test_the_global_timeout_stops_a_batched_load():
    with DBMS.in_memory(transaction_timeout=0.5) as dbms, dbms.session() as session:
        with pytest.raises(Neo4jError) as caught:
            session.run(LOAD).consume()
        assert caught.value.code == "Neo.ClientError.Transaction.TransactionTimedOut"
        assert count(session, "Load") < 150000


# --- USE inside CALL { } --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "CALL { USE other CREATE (:X) }",
    "CALL { USE other CREATE (:X) } IN TRANSACTIONS",
    "UNWIND [1] AS i CALL { USE other MATCH (n) RETURN count(n) AS c } RETURN c",
])
def test_use_of_another_database_inside_call_is_refused(dbms, query):
    with dbms.session() as session:
        session.run("CREATE DATABASE other").consume()
        with pytest.raises(Neo4jError) as caught:
            session.run(query).consume()
        assert caught.value.code == "Neo.ClientError.Statement.SemanticError"
        assert caught.value.message == MULTIPLE_GRAPHS
    assert count(dbms, "X") == 0
    with dbms.session(database="other") as other:
        assert count(other, "X") == 0


def test_use_of_another_database_than_the_outer_use_is_refused(dbms):
    with dbms.session() as session:
        session.run("CREATE DATABASE other").consume()
        with pytest.raises(Neo4jError) as caught:
            session.run("USE neo4j CALL { USE other CREATE (:X) } RETURN 1").consume()
        assert caught.value.code == "Neo.ClientError.Statement.SyntaxError"
        assert caught.value.message.startswith(MULTIPLE_GRAPHS)
    assert count(dbms, "X") == 0


def test_use_of_the_same_database_inside_call_is_allowed(dbms):
    with dbms.session() as session:
        session.run("CALL { USE neo4j CREATE (:X) }").consume()
        session.run("CALL { USE NEO4J CREATE (:X) } IN TRANSACTIONS").consume()
        session.run("USE neo4j CALL { USE neo4j CREATE (:X) }").consume()
        assert count(session, "X") == 3


def test_use_inside_call_naming_an_unknown_database(dbms):
    with dbms.session() as session:
        with pytest.raises(Neo4jError) as caught:
            session.run("CALL { USE nowhere RETURN 1 AS x } RETURN x").consume()
        assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"
        assert caught.value.message == "Database does not exist. Database name: 'nowhere'."
