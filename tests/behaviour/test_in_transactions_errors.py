"""How `CALL { … } IN TRANSACTIONS` reports a failure, as Neo4j 5 does: a statement error raised while such a
query runs carries the suffix "(Transactions committed: N)", N being the batches committed before it (they stay
committed); ON ERROR CONTINUE and BREAK report a failed batch in REPORT STATUS instead, without the suffix; errors
of the transaction itself (TransactionStartFailed in an explicit transaction) carry none.

The wording is the Neo4j Cypher manual's (subqueries/subqueries-in-transactions.adoc, "Error behavior":
`/ by zero (Transactions committed: 1)`); Neo4j appends it to every Cypher error of a query that starts
transactions (TransactionCommittedCounterIterator in the interpreted and slotted runtimes)."""
from __future__ import annotations

import pytest

from graphplex.errors import ClientError, DatabaseError


def values(session, query: str) -> list:
    return session.run(query).value()


def failure(session, query: str, **parameters) -> ClientError:
    with pytest.raises(ClientError) as caught:
        session.run(query, **parameters).consume()
    return caught.value


def test_a_failed_batch_names_how_many_batches_committed_and_those_stay(session):
    error = failure(session, "UNWIND [1, 2, 0, 4] AS x CALL { WITH x CREATE (:N {v: 1 / x}) } "
                             "IN TRANSACTIONS OF 1 ROW")
    assert error.code == "Neo.ClientError.Statement.ArithmeticError"
    assert error.message == "/ by zero (Transactions committed: 2)"
    assert sorted(values(session, "MATCH (n:N) RETURN n.v")) == [0, 1]


def test_the_manuals_example_of_a_failed_second_batch(session):
    error = failure(session, "UNWIND [4, 2, 1, 0] AS i CALL (i) { CREATE (:Person {num: 100 / i}) } "
                             "IN TRANSACTIONS OF 2 ROWS RETURN i")
    assert error.message == "/ by zero (Transactions committed: 1)"
    assert sorted(values(session, "MATCH (e:Person) RETURN e.num")) == [25, 50]


def test_on_error_fail_said_explicitly_reports_the_same(session):
    error = failure(session, "UNWIND [1, 0, 2, 4] AS i CALL (i) { CREATE (n:Person {num: 100 / i}) RETURN n } "
                             "IN TRANSACTIONS OF 1 ROW ON ERROR FAIL RETURN n.num")
    assert error.message == "/ by zero (Transactions committed: 1)"
    assert values(session, "MATCH (e:Person) RETURN e.num") == [100]


def test_a_failed_first_batch_names_no_commit(session):
    error = failure(session, "UNWIND [0, 1] AS x CALL { WITH x CREATE (:N {v: 1 / x}) } IN TRANSACTIONS OF 1 ROW")
    assert error.message == "/ by zero (Transactions committed: 0)"
    assert values(session, "MATCH (n:N) RETURN count(n)") == [0]


def test_an_error_after_the_batches_names_every_committed_batch(session):
    error = failure(session, "UNWIND [1, 2] AS x CALL { WITH x CREATE (:N) } IN TRANSACTIONS OF 1 ROW "
                             "WITH count(*) AS c RETURN 1 / (c - 2)")
    assert error.message == "/ by zero (Transactions committed: 2)"
    assert values(session, "MATCH (n:N) RETURN count(n)") == [2]


def test_an_invalid_batch_size_names_no_commit(session):
    error = failure(session, "UNWIND [1] AS x CALL { WITH x CREATE (:N) } IN TRANSACTIONS OF $n ROWS", n=0)
    assert error.code == "Neo.ClientError.Statement.ArgumentError"
    assert error.message == ("Invalid input. '0' is not a valid value. Must be a positive integer. "
                             "(Transactions committed: 0)")


def test_on_error_continue_counts_only_the_batches_that_committed(session):
    error = failure(session, "UNWIND [1, 0, 2] AS x CALL { WITH x CREATE (:N {v: 1 / x}) } "
                             "IN TRANSACTIONS OF 1 ROW ON ERROR CONTINUE WITH count(*) AS c RETURN 1 / (c - 3)")
    assert error.message == "/ by zero (Transactions committed: 2)"


def test_on_error_continue_and_break_report_the_bare_message_in_the_status(session):
    for on_error in ("CONTINUE", "BREAK"):
        statuses = values(session, "UNWIND [1, 0] AS x CALL { WITH x CREATE (:N {v: 1 / x}) } "
                                   f"IN TRANSACTIONS OF 1 ROW ON ERROR {on_error} REPORT STATUS AS s "
                                   "RETURN s.errorMessage")
        assert statuses == [None, "/ by zero"]


def test_on_error_break_binds_nulls_from_the_failed_batch_on_and_starts_no_more(session):
    found = session.run("UNWIND [1, 0, 2, 4] AS i CALL (i) { CREATE (n:Person {num: 100 / i}) RETURN n } "
                        "IN TRANSACTIONS OF 1 ROW ON ERROR BREAK REPORT STATUS AS s "
                        "RETURN n.num AS num, s.started AS started, s.committed AS committed").data()
    assert found == [{"num": 100, "started": True, "committed": True},
                     {"num": None, "started": True, "committed": False},
                     {"num": None, "started": False, "committed": False},
                     {"num": None, "started": False, "committed": False}]
    assert values(session, "MATCH (e:Person) RETURN e.num") == [100]


def test_report_status_with_on_error_fail_is_refused(session):
    error = failure(session, "UNWIND [1] AS x CALL { WITH x CREATE (:N) } IN TRANSACTIONS "
                             "ON ERROR FAIL REPORT STATUS AS s RETURN s")
    assert error.code == "Neo.ClientError.Statement.SyntaxError"
    assert "REPORT STATUS can only be used when specifying ON ERROR CONTINUE or ON ERROR BREAK" in error.message


def test_report_status_may_come_before_on_error(session):
    statuses = values(session, "UNWIND [1, 0] AS x CALL { WITH x CREATE (:N {v: 1 / x}) } IN TRANSACTIONS "
                               "OF 1 ROW REPORT STATUS AS s ON ERROR CONTINUE RETURN s.committed")
    assert statuses == [True, False]


def test_concurrent_transactions_may_leave_the_concurrency_to_the_database(session):
    session.run("UNWIND [1, 2] AS x CALL { WITH x CREATE (:N) } IN CONCURRENT TRANSACTIONS OF 1 ROW").consume()
    assert values(session, "MATCH (n:N) RETURN count(n)") == [2]


def test_in_an_explicit_transaction_the_refusal_carries_no_suffix(session):
    tx = session.begin_transaction()
    with pytest.raises(DatabaseError) as caught:
        tx.run("UNWIND [1] AS x CALL { WITH x CREATE (:N) } IN TRANSACTIONS").consume()
    tx.rollback()
    assert caught.value.code == "Neo.DatabaseError.Transaction.TransactionStartFailed"
    assert caught.value.message == ("A query with 'CALL { ... } IN TRANSACTIONS' can only be executed in an "
                                    "implicit transaction, but tried to execute in an explicit transaction.")


def test_a_query_without_in_transactions_carries_no_suffix(session):
    error = failure(session, "UNWIND [1, 0] AS x CREATE (:N {v: 1 / x})")
    assert error.message == "/ by zero"


@pytest.mark.parametrize("on_error", ["CONTINUE", "BREAK"])
def test_the_counters_leave_out_what_a_rolled_back_batch_wrote(session, on_error):
    counters = session.run("UNWIND [1, 0] AS x CALL { WITH x CREATE (:A) CREATE (:N {v: 1 / x}) } "
                           f"IN TRANSACTIONS OF 1 ROW ON ERROR {on_error}").consume().counters
    assert (counters.nodes_created, counters.labels_added, counters.properties_set) == (2, 2, 1)
    assert values(session, "MATCH (n) RETURN count(n)") == [2]
