"""Explicit transactions: `session.begin_transaction()`, the `with` block, failure, commit and rollback.
(API.md "Sessions"; SEMANTICS.md "Transactions".)"""
from __future__ import annotations

import re

import pytest

from behaviour_support import count
from graphplex.errors import ClientError, ConstraintError, ResultConsumedError, TransactionError


def test_leaving_the_with_block_commits(dbms, session):
    with session.begin_transaction() as tx:
        tx.run("CREATE (:Explicit)")
        tx.run("CREATE (:Explicit)")
    assert tx.closed()
    assert count(dbms, "Explicit") == 2


def test_an_exception_in_the_with_block_rolls_back_and_propagates(dbms, session):
    with pytest.raises(RuntimeError, match="application failure"):
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Explicit)").consume()
            raise RuntimeError("application failure")
    assert tx.closed()
    assert count(dbms, "Explicit") == 0


def test_a_failing_statement_in_the_with_block_rolls_back_and_propagates(dbms, session):
    with pytest.raises(ClientError) as caught:
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Explicit)").consume()
            tx.run("RETURN 1 / 0").consume()
    assert caught.value.code == "Neo.ClientError.Statement.ArithmeticError"
    assert count(dbms, "Explicit") == 0


def test_changes_are_invisible_to_other_sessions_until_commit(dbms, session):
    tx = session.begin_transaction()
    tx.run("CREATE (:Explicit)").consume()
    assert count(dbms, "Explicit") == 0
    tx.commit()
    assert count(dbms, "Explicit") == 1


def test_a_transaction_sees_its_own_uncommitted_changes(session):
    with session.begin_transaction() as tx:
        tx.run("CREATE (:Own {v: 1})").consume()
        assert tx.run("MATCH (n:Own) RETURN n.v AS v").single()["v"] == 1


def test_rollback_discards_every_statement(dbms, session):
    tx = session.begin_transaction()
    tx.run("CREATE (:Explicit)").consume()
    tx.run("CREATE (:Explicit)").consume()
    tx.rollback()
    assert tx.closed()
    assert count(dbms, "Explicit") == 0


def test_close_rolls_back_an_open_transaction(dbms, session):
    tx = session.begin_transaction()
    tx.run("CREATE (:Explicit)").consume()
    tx.close()
    assert tx.closed()
    assert count(dbms, "Explicit") == 0


def test_commit_consumes_a_pending_result_and_commits_it(dbms, session):
    tx = session.begin_transaction()
    tx.run("UNWIND range(1, 3) AS x CREATE (:Explicit {x: x}) RETURN x")
    tx.commit()
    assert count(dbms, "Explicit") == 3


# --- after a failed statement ---------------------------------------------------------------------------------


def _failed_transaction(session):
    tx = session.begin_transaction()
    tx.run("CREATE (:Explicit)").consume()
    with pytest.raises(ClientError) as original:
        tx.run("RETURN 1 / 0").consume()
    return tx, original.value


def test_after_a_failed_statement_run_raises_transaction_error_caused_by_the_original_error(session):
    tx, original = _failed_transaction(session)
    with pytest.raises(TransactionError) as caught:
        tx.run("RETURN 1")
    assert caught.value.message == "Transaction failed"
    assert caught.value.__cause__ is original
    assert original.code == "Neo.ClientError.Statement.ArithmeticError"
    tx.rollback()


def test_after_a_failed_statement_commit_raises_transaction_error_caused_by_the_original_error(dbms, session):
    tx, original = _failed_transaction(session)
    with pytest.raises(TransactionError) as caught:
        tx.commit()
    assert caught.value.message == "Transaction failed"
    assert caught.value.__cause__ is original
    assert count(dbms, "Explicit") == 0


def test_after_a_failed_statement_rollback_is_allowed(dbms, session):
    tx, _ = _failed_transaction(session)
    tx.rollback()
    assert tx.closed()
    assert count(dbms, "Explicit") == 0
    assert session.run("RETURN 1 AS x").single()["x"] == 1


def test_after_a_failed_statement_close_is_allowed(dbms, session):
    tx, _ = _failed_transaction(session)
    tx.close()
    assert tx.closed()
    assert count(dbms, "Explicit") == 0


def test_after_a_failed_statement_nothing_of_the_transaction_is_committed(dbms, session):
    tx, _ = _failed_transaction(session)
    tx.close()
    assert count(dbms, "Explicit") == 0


def test_leaving_the_with_block_normally_after_a_swallowed_failure_raises_transaction_error(dbms, session):
    with pytest.raises(TransactionError) as caught:
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Explicit)").consume()
            try:
                tx.run("RETURN 1 / 0").consume()
            except ClientError:
                pass
    assert caught.value.message == "Transaction failed"
    assert count(dbms, "Explicit") == 0


# --- failure at commit: all or nothing -------------------------------------------------------------------------


def test_a_commit_time_failure_rolls_back_the_whole_transaction(dbms, session):
    session.run("CREATE (:Holder)-[:LINK]->(:Target)").consume()
    tx = session.begin_transaction()
    tx.run("CREATE (:Explicit)").consume()
    tx.run("MATCH (n:Holder) DELETE n").consume()
    with pytest.raises(ConstraintError) as caught:
        tx.commit()
    assert caught.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
    assert re.fullmatch(r"Cannot delete node<\d+>, because it still has relationships\. To delete this node, you "
                        r"must first delete its relationships\.", caught.value.message)
    assert tx.closed()
    assert count(dbms, "Explicit") == 0
    assert count(dbms, "Holder") == 1


def test_a_unique_constraint_violation_leaves_nothing(dbms, session):
    session.run("CREATE CONSTRAINT FOR (n:Unique) REQUIRE n.k IS UNIQUE").consume()
    with pytest.raises(ConstraintError) as caught:
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Unique {k: 1})").consume()
            tx.run("CREATE (:Unique {k: 1})").consume()
    assert caught.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
    assert re.fullmatch(r"Node\(\d+\) already exists with label `Unique` and property `k` = 1", caught.value.message)
    assert count(dbms, "Unique") == 0


# --- closed transactions ----------------------------------------------------------------------------------------


def test_run_after_commit_raises_transaction_error(session):
    tx = session.begin_transaction()
    tx.commit()
    with pytest.raises(TransactionError):
        tx.run("RETURN 1")


def test_commit_after_commit_raises_transaction_error(session):
    tx = session.begin_transaction()
    tx.commit()
    with pytest.raises(TransactionError):
        tx.commit()


def test_rollback_and_close_after_commit_do_nothing(dbms, session):
    tx = session.begin_transaction()
    tx.run("CREATE (:Explicit)").consume()
    tx.commit()
    tx.rollback()
    tx.close()
    assert count(dbms, "Explicit") == 1


def test_run_after_rollback_raises_transaction_error(session):
    tx = session.begin_transaction()
    tx.rollback()
    with pytest.raises(TransactionError):
        tx.run("RETURN 1")


def test_closed_reports_the_state(session):
    tx = session.begin_transaction()
    assert not tx.closed()
    tx.commit()
    assert tx.closed()


def test_a_result_cannot_be_used_after_its_transaction_committed(session):
    tx = session.begin_transaction()
    result = tx.run("UNWIND [1, 2, 3] AS x RETURN x")
    tx.commit()
    with pytest.raises(ResultConsumedError):
        list(result)


def test_earlier_results_of_an_open_transaction_stay_readable_after_the_next_statement(session):
    with session.begin_transaction() as tx:
        first = tx.run("UNWIND [1, 2, 3] AS x RETURN x")
        tx.run("RETURN 1").consume()
        assert [record["x"] for record in first] == [1, 2, 3]


def test_transaction_id_names_the_database(session):
    with session.begin_transaction() as tx:
        assert re.fullmatch(r"neo4j-transaction-\d+", tx.id)


def test_transactions_of_one_session_get_distinct_ids(session):
    first = session.begin_transaction()
    first_id = first.id
    first.rollback()
    second = session.begin_transaction()
    assert second.id != first_id
    second.rollback()


def test_begin_transaction_accepts_metadata_and_timeout(dbms, session):
    with session.begin_transaction(metadata={"app": "tests"}, timeout=30.0) as tx:
        tx.run("CREATE (:Explicit)")
    assert count(dbms, "Explicit") == 1
