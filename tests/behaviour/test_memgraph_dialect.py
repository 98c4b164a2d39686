"""A session of Memgraph's dialect (`DBMS.session(dialect="memgraph")`): SHOW / TERMINATE TRANSACTIONS in Memgraph's
columns and ids, and a stopped transaction failing with Memgraph's message as a retryable transient error (with a
Neo4j code: Memgraph's form of the code is what its Bolt clients read); Neo4j's sessions unchanged."""
import datetime as dt
import time

import pytest

from behaviour_support import ADMIN_PASSWORD
from graphplex import DBMS, Query
from graphplex.errors import ClientError, TransientError

MEMGRAPH_COLUMNS = ["username", "transaction_id", "query", "status", "metadata", "start_time", "elapsed_ms"]
# An embedded session keeps Neo4j's codes; Memgraph's Bolt clients read Memgraph's form of this one.
ABORTED_CODE = "Neo.TransientError.General.TransientError"


@pytest.fixture
def dbms():
    with DBMS.in_memory() as instance:
        yield instance


def test_a_session_speaks_neo4j_unless_it_names_memgraph(dbms):
    with dbms.session() as neo4j, dbms.session(dialect="memgraph") as memgraph, \
            dbms.session(dialect="neo4j") as named:
        assert neo4j.run("SHOW TRANSACTIONS").keys()[:2] == ["database", "transactionId"]
        assert named.run("SHOW TRANSACTIONS").keys()[:2] == ["database", "transactionId"]
        assert memgraph.run("SHOW TRANSACTIONS").keys() == MEMGRAPH_COLUMNS
    with pytest.raises(ClientError) as refused:
        dbms.session(dialect="cypher")
    assert refused.value.code == "Neo.ClientError.General.InvalidArguments"


def test_show_transactions_lists_every_statement_of_a_transaction_in_memgraph_s_shape(dbms):
    with dbms.session(dialect="memgraph") as owner, dbms.session(dialect="memgraph") as observer:
        tx = owner.begin_transaction(metadata={"app": "billing"})
        tx.run("CREATE (:A)").consume()
        tx.run("MATCH (a:A) RETURN count(a)").consume()
        rows = {row["transaction_id"]: row for row in observer.run("SHOW TRANSACTIONS;").data()}
        assert set(rows) == {tx.id, *(i for i, row in rows.items() if row["query"] == ["SHOW TRANSACTIONS;"])}
        assert len(rows) == 2, "the owner's transaction and the SHOW's own"
        row = rows[tx.id]
        assert row["username"] == "", "Memgraph knows no user while authentication is off"
        assert row["query"] == ["CREATE (:A)", "MATCH (a:A) RETURN count(a)"]
        assert (row["status"], row["metadata"]) == ("running", {"app": "billing"})
        assert isinstance(row["start_time"], dt.datetime) and row["start_time"].tzinfo is not None
        assert isinstance(row["elapsed_ms"], int) and row["elapsed_ms"] >= 0
        assert int(tx.id) > 1 << 63, "Memgraph numbers its transactions from 2^63"
        tx.rollback()


def test_a_memgraph_session_terminates_by_memgraph_s_ids_and_its_victim_hears_memgraph_s_words(dbms):
    with dbms.session(dialect="memgraph") as victim, dbms.session(dialect="memgraph") as admin:
        tx = victim.begin_transaction()
        tx.run("CREATE (:Lost)").consume()
        rows = admin.run("TERMINATE TRANSACTIONS $id, '12'", id=tx.id).data()
        assert rows == [{"transaction_id": "12", "killed": False}, {"transaction_id": tx.id, "killed": True}]
        with pytest.raises(TransientError) as stopped:
            tx.run("RETURN 1")
        assert (stopped.value.code, stopped.value.message) == (ABORTED_CODE,
                                                               "Transaction was asked to abort by another user.")
        tx.rollback()
        assert admin.run("MATCH (n:Lost) RETURN count(n)").single()[0] == 0
        assert admin.run("TERMINATE TRANSACTIONS $id", id=tx.id).data() == [{"transaction_id": tx.id,
                                                                              "killed": False}]


def test_a_memgraph_session_manages_transactions_from_implicit_transactions_only(dbms):
    with dbms.session(dialect="memgraph") as memgraph, dbms.session() as neo4j:
        for session in (memgraph, neo4j):
            with session.begin_transaction() as tx:
                if session is neo4j:
                    assert tx.run("SHOW TRANSACTIONS").keys()[0] == "database"
                    continue
                with pytest.raises(ClientError) as refused:
                    tx.run("SHOW TRANSACTIONS").consume()
                assert refused.value.message.startswith("Querying transaction status is not allowed in multicommand "
                                                        "transactions.")
                tx.rollback()
        memgraph.run("BEGIN").consume()
        with pytest.raises(ClientError):
            memgraph.run("TERMINATE TRANSACTIONS '1'").consume()
        memgraph.run("ROLLBACK").consume()
        with memgraph.begin_transaction() as tx:
            tx.run("RETURN 1").consume()
            beside = memgraph.run("SHOW TRANSACTIONS").data()   # an implicit transaction beside the explicit one
            assert [row["query"] for row in beside if row["transaction_id"] == tx.id] == [["RETURN 1"]]


def test_memgraph_s_transaction_ids_are_strings_of_digits(dbms):
    with dbms.session(dialect="memgraph") as admin:
        with pytest.raises(ClientError) as refused:
            admin.run("TERMINATE TRANSACTIONS 'neo4j-transaction-1'").consume()
        assert refused.value.message == "'neo4j-transaction-1' is not a valid transaction id."
        with pytest.raises(ClientError) as refused:
            admin.run("TERMINATE TRANSACTIONS 12").consume()
        assert refused.value.message == "Transaction id must be a string."


def test_the_victim_s_dialect_decides_the_words_of_its_failure(dbms):
    with dbms.session() as victim, dbms.session(dialect="memgraph") as admin:
        tx = victim.begin_transaction()
        tx.run("RETURN 1").consume()
        memgraph_id = next(row["transaction_id"] for row in admin.run("SHOW TRANSACTIONS").data()
                           if row["query"] == ["RETURN 1"])
        assert admin.run("TERMINATE TRANSACTIONS $id", id=memgraph_id).data() == [{"transaction_id": memgraph_id,
                                                                                    "killed": True}]
        with pytest.raises(ClientError) as stopped:
            tx.run("RETURN 2")
        assert stopped.value.code == "Neo.ClientError.Transaction.Terminated"
        tx.rollback()


def test_terminate_all_stops_every_other_transaction_oldest_first(dbms):
    with dbms.session(dialect="memgraph") as first, dbms.session(dialect="memgraph") as second, \
            dbms.session(dialect="memgraph") as admin:
        older, newer = first.begin_transaction(), second.begin_transaction()
        older.run("RETURN 1").consume()
        newer.run("RETURN 2").consume()
        assert admin.run("TERMINATE TRANSACTIONS '*'").data() == [{"transaction_id": older.id, "killed": True},
                                                                  {"transaction_id": newer.id, "killed": True}]
        with pytest.raises(ClientError) as refused:
            admin.run("TERMINATE TRANSACTIONS '*', $id", id=older.id).consume()
        assert refused.value.message == "The '*' wildcard cannot be combined with transaction ids."
        older.rollback()
        newer.rollback()


def test_a_timed_out_memgraph_transaction_fails_with_memgraph_s_message(dbms):
    with dbms.session(dialect="memgraph") as session:
        tx = session.begin_transaction(timeout=0.05)
        tx.run("RETURN 1").consume()
        time.sleep(0.3)
        with pytest.raises(TransientError) as stopped:
            tx.run("RETURN 2")
        assert (stopped.value.code, stopped.value.message) == (
            ABORTED_CODE, "Transaction was asked to abort because of transaction timeout.")
        tx.rollback()
        with pytest.raises(TransientError) as stopped:
            session.run(Query("UNWIND range(1, 100000000) AS i RETURN count(i)", timeout=0.05)).consume()
        assert stopped.value.message == "Transaction was asked to abort because of transaction timeout."


def test_others_transactions_need_transaction_management():
    with DBMS.in_memory(auth_enabled=True, initial_password=ADMIN_PASSWORD) as secure:
        with secure.session(auth=("neo4j", ADMIN_PASSWORD)) as admin:
            for user in ("alice", "bob"):
                admin.run(f"CREATE USER {user} SET PASSWORD 'pw-1' CHANGE NOT REQUIRED").consume()
            admin.run("CREATE ROLE managers").consume()
            admin.run("GRANT ROLE managers TO bob").consume()
        with secure.session(auth=("alice", "pw-1"), dialect="memgraph") as alice, \
                secure.session(auth=("bob", "pw-1"), dialect="memgraph") as bob:
            tx = alice.begin_transaction()
            tx.run("RETURN 1").consume()
            assert [row["username"] for row in bob.run("SHOW TRANSACTIONS").data()] == ["bob"]
            assert bob.run("TERMINATE TRANSACTIONS $id", id=tx.id).data() == [{"transaction_id": tx.id,
                                                                                "killed": False}]
            with secure.session(auth=("neo4j", ADMIN_PASSWORD)) as admin:
                admin.run("GRANT TRANSACTION MANAGEMENT ON DATABASE * TO managers").consume()
            listed = bob.run("SHOW TRANSACTIONS YIELD username, transaction_id WHERE username = 'alice'").data()
            assert listed == [{"username": "alice", "transaction_id": tx.id}]
            assert bob.run("TERMINATE TRANSACTIONS $id", id=tx.id).data() == [{"transaction_id": tx.id,
                                                                                "killed": True}]
            tx.rollback()
