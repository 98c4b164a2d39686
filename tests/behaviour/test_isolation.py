"""Isolation levels and their statements, and write-write conflicts. (SEMANTICS.md "Concurrency and isolation".)"""
from __future__ import annotations

import pytest

from graphplex import DBMS
from graphplex.errors import TransactionError, TransientError

CONFLICT = ("Cannot resolve conflicting transactions. You can retry this transaction when the conflicting transaction "
            "is finished")


@pytest.fixture
def counter(session):
    session.run("CREATE (:Counter {v: 0})").consume()


def _reads_twice_around_a_commit(dbms, tx_session, **begin):
    """Reads the counter in an explicit transaction of `tx_session`, commits a change from another session, and
    reads it again in the same transaction: (first read, second read)."""
    with tx_session.begin_transaction(**begin) as tx:
        first = tx.run("MATCH (c:Counter) RETURN c.v AS v").single()["v"]
        with dbms.session() as writer:
            writer.run("MATCH (c:Counter) SET c.v = c.v + 1").consume()
        second = tx.run("MATCH (c:Counter) RETURN c.v AS v").single()["v"]
    return first, second


def test_snapshot_isolation_is_the_default_and_does_not_see_a_commit_made_mid_transaction(dbms, session, counter):
    assert _reads_twice_around_a_commit(dbms, session) == (0, 0)


def test_set_session_read_committed_sees_a_commit_made_mid_transaction(dbms, session, counter):
    session.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    assert _reads_twice_around_a_commit(dbms, session) == (0, 1)
    assert _reads_twice_around_a_commit(dbms, session) == (1, 2)


def test_set_session_snapshot_isolation_restores_repeatable_reads(dbms, session, counter):
    session.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    session.run("SET SESSION TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION").consume()
    assert _reads_twice_around_a_commit(dbms, session) == (0, 0)


def test_set_next_transaction_isolation_level_applies_to_the_next_transaction_only(dbms, session, counter):
    session.run("SET NEXT TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    assert _reads_twice_around_a_commit(dbms, session) == (0, 1)
    assert _reads_twice_around_a_commit(dbms, session) == (1, 1)


def test_set_session_isolation_level_does_not_affect_other_sessions(dbms, session, counter):
    session.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    with dbms.session() as other:
        assert _reads_twice_around_a_commit(dbms, other) == (0, 0)


def test_set_global_isolation_level_affects_new_sessions(dbms, session, counter):
    session.run("SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    with dbms.session() as other:
        assert _reads_twice_around_a_commit(dbms, other) == (0, 1)


def test_begin_transaction_takes_an_isolation_level(dbms, session, counter):
    assert _reads_twice_around_a_commit(dbms, session, isolation_level="READ_COMMITTED") == (0, 1)
    assert _reads_twice_around_a_commit(dbms, session) == (1, 1)


def test_isolation_level_setting_of_the_dbms_is_the_global_default():
    with DBMS.in_memory(isolation_level="READ_COMMITTED") as dbms:
        with dbms.session() as s:
            s.run("CREATE (:Counter {v: 0})").consume()
            assert _reads_twice_around_a_commit(dbms, s) == (0, 1)


def test_isolation_level_cannot_be_changed_inside_a_begun_transaction(session):
    session.run("BEGIN")
    with pytest.raises(TransactionError) as caught:
        session.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
    assert caught.value.message == "Isolation level cannot be modified in multicommand transactions."
    session.run("ROLLBACK")


def test_snapshot_isolation_sees_no_phantom(dbms, session):
    with session.begin_transaction() as tx:
        assert tx.run("MATCH (n:Phantom) RETURN count(n) AS c").single()["c"] == 0
        dbms.session().run("CREATE (:Phantom)").consume()
        assert tx.run("MATCH (n:Phantom) RETURN count(n) AS c").single()["c"] == 0


def test_write_write_conflict_under_snapshot_isolation_fails_the_later_writer_at_once(dbms, session, counter):
    first, second = dbms.session(), dbms.session()
    tx1, tx2 = first.begin_transaction(), second.begin_transaction()
    tx1.run("MATCH (c:Counter) SET c.v = 1").consume()
    with pytest.raises(TransientError) as caught:
        tx2.run("MATCH (c:Counter) SET c.v = 2").consume()
    assert caught.value.code == "Neo.TransientError.Transaction.Outdated"
    assert caught.value.message == CONFLICT
    assert caught.value.is_retryable()
    tx2.rollback()
    tx1.commit()
    assert session.run("MATCH (c:Counter) RETURN c.v AS v").single()["v"] == 1
    first.close()
    second.close()
