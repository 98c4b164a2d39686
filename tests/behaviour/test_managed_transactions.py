"""Managed transactions: `execute_read` / `execute_write` commit unless the work raises, and retry transient
errors (but not client errors, not `Terminated`). (API.md "Sessions"; SEMANTICS.md "Sessions and bookmarks".)"""
from __future__ import annotations

import pytest

from behaviour_support import count
from graphplex.errors import ClientError, TransientError

CONFLICT = ("Cannot resolve conflicting transactions. You can retry this transaction when the conflicting transaction "
            "is finished")


def test_execute_write_commits_and_returns_the_work_result(dbms, session):
    value = session.execute_write(lambda tx: tx.run("CREATE (n:Managed {v: 7}) RETURN n.v AS v").single()["v"])
    assert value == 7
    assert count(dbms, "Managed") == 1


def test_execute_write_passes_arguments_to_the_work(dbms, session):
    def work(tx, label, *, value):
        return tx.run(f"CREATE (n:{label} {{v: $v}}) RETURN n.v AS v", v=value).single()["v"]
    assert session.execute_write(work, "Managed", value=3) == 3
    assert count(dbms, "Managed") == 1


def test_execute_read_returns_the_work_result(session):
    session.run("UNWIND range(1, 4) AS x CREATE (:Managed)").consume()
    assert session.execute_read(lambda tx: tx.run("MATCH (n:Managed) RETURN count(n)").single()[0]) == 4


def test_execute_read_in_a_read_session(dbms, session):
    session.run("CREATE (:Managed)").consume()
    with dbms.session(default_access_mode="READ") as s:
        assert s.execute_read(lambda tx: tx.run("MATCH (n:Managed) RETURN count(n) AS c").single()["c"]) == 1


def test_execute_write_writes_even_in_a_read_session(dbms):
    with dbms.session(default_access_mode="READ") as s:
        s.execute_write(lambda tx: tx.run("CREATE (:Managed)").consume())
        with pytest.raises(ClientError) as caught:
            s.run("CREATE (:Refused)").consume()
    assert caught.value.code == "Neo.ClientError.Statement.AccessMode"
    assert count(dbms, "Managed") == 1


def test_execute_read_refuses_writes_and_does_not_retry(dbms, session):
    attempts = []

    def work(tx):
        attempts.append(1)
        tx.run("CREATE (:Managed)").consume()

    with pytest.raises(ClientError) as caught:
        session.execute_read(work)
    assert caught.value.code == "Neo.ClientError.Statement.AccessMode"
    assert len(attempts) == 1
    assert count(dbms, "Managed") == 0


def test_an_exception_in_the_work_rolls_back_and_propagates_without_retry(dbms, session):
    attempts = []

    def work(tx):
        attempts.append(1)
        tx.run("CREATE (:Managed)").consume()
        raise ValueError("application failure")

    with pytest.raises(ValueError, match="application failure"):
        session.execute_write(work)
    assert len(attempts) == 1
    assert count(dbms, "Managed") == 0


def test_execute_write_retries_a_transient_error_and_keeps_only_the_successful_attempt(dbms, session):
    attempts = []

    def work(tx):
        attempts.append(1)
        tx.run("CREATE (:Managed {attempt: $n})", n=len(attempts)).consume()
        if len(attempts) == 1:
            raise TransientError("simulated deadlock", "Neo.TransientError.Transaction.DeadlockDetected")
        return "done"

    assert session.execute_write(work) == "done"
    assert len(attempts) == 2
    with dbms.session() as s:
        assert s.run("MATCH (n:Managed) RETURN n.attempt AS a").value() == [2]


def test_execute_write_does_not_retry_a_client_error(dbms, session):
    attempts = []

    def work(tx):
        attempts.append(1)
        tx.run("CREATE (:Managed)").consume()
        tx.run("RETURN 1 / 0").consume()

    with pytest.raises(ClientError) as caught:
        session.execute_write(work)
    assert caught.value.code == "Neo.ClientError.Statement.ArithmeticError"
    assert len(attempts) == 1
    assert count(dbms, "Managed") == 0


def test_execute_write_does_not_retry_a_terminated_transaction(session):
    attempts = []

    def work(tx):
        attempts.append(1)
        raise TransientError("The transaction has been terminated.", "Neo.TransientError.Transaction.Terminated")

    with pytest.raises(TransientError):
        session.execute_write(work)
    assert len(attempts) == 1


def test_execute_write_retries_a_real_write_write_conflict(dbms, session):
    session.run("CREATE (:Counter {v: 0})").consume()
    holder = dbms.session()
    blocking = holder.begin_transaction()
    blocking.run("MATCH (c:Counter) SET c.v = 10").consume()
    attempts, errors = [], []

    def increment(tx):
        attempts.append(1)
        try:
            return tx.run("MATCH (c:Counter) SET c.v = c.v + 1 RETURN c.v AS v").single()["v"]
        except TransientError as error:
            errors.append(error)
            raise
        finally:
            if len(attempts) == 1:
                blocking.commit()  # the conflicting transaction finishes; the retry can succeed

    with dbms.session() as s:
        assert s.execute_write(increment) == 11
    assert len(attempts) == 2
    assert errors[0].code == "Neo.TransientError.Transaction.Outdated"
    assert errors[0].message == CONFLICT
    holder.close()


def test_work_may_run_several_statements_in_one_transaction(dbms, session):
    def work(tx):
        tx.run("CREATE (:Managed)").consume()
        tx.run("CREATE (:Managed)").consume()
        return tx.run("MATCH (n:Managed) RETURN count(n) AS c").single()["c"]
    assert session.execute_write(work) == 2
    assert count(dbms, "Managed") == 2


def test_managed_transaction_may_read_two_databases_and_write_one(dbms, session, other_db):
    dbms.session(database="other").run("CREATE (:Remote {v: 5})").consume()

    def work(tx):
        v = tx.run("USE other MATCH (n:Remote) RETURN n.v AS v").single()["v"]
        tx.run("CREATE (:Copy {v: $v})", v=v).consume()

    session.execute_write(work)
    with dbms.session() as s:
        assert s.run("MATCH (n:Copy) RETURN n.v AS v").single()["v"] == 5
