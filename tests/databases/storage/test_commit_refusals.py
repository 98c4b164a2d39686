"""The refusals of a commit, which a read-only commit now tests for in one step (issue 18): a terminated, failed,
committed or rolled-back transaction still cannot commit, in both engines, and a refused commit rolls back."""
import pytest

from graphplex.databases.errors import ClientError, TransactionError
from graphplex.databases.storage import Status

TERMINATED = ClientError("Explicitly terminated by the user.", "Neo.ClientError.Transaction.Terminated")


@pytest.mark.parametrize("writes", [False, True])
def test_a_terminated_transaction_commits_nothing_and_is_rolled_back(engine, writes):
    storage = engine()
    txn = storage.begin()
    if writes:
        txn.create_vertex(["Person"], {"id": 1})
    txn.terminate(TERMINATED)
    with pytest.raises(ClientError) as raised:
        txn.commit()
    assert raised.value is TERMINATED
    assert txn.status is Status.ROLLED_BACK
    assert storage.active_transactions() == []
    reader = storage.begin()
    assert list(reader.vertices()) == []
    reader.commit()


@pytest.mark.parametrize("writes", [False, True])
def test_a_failed_transaction_commits_nothing_and_names_its_failure(engine, writes):
    storage = engine()
    txn = storage.begin()
    if writes:
        txn.create_vertex(["Person"], {"id": 1})
    failure = ClientError("boom", "Neo.ClientError.Statement.ExecutionFailed")
    txn.mark_failed(failure)
    with pytest.raises(TransactionError) as raised:
        txn.commit()
    assert raised.value.__cause__ is failure
    assert txn.status is Status.ROLLED_BACK
    assert storage.active_transactions() == []


def test_a_terminated_and_failed_transaction_raises_its_termination(engine):
    storage = engine()
    txn = storage.begin()
    txn.mark_failed(ClientError("boom", "Neo.ClientError.Statement.ExecutionFailed"))
    txn.terminate(TERMINATED)
    with pytest.raises(ClientError) as raised:
        txn.commit()
    assert raised.value is TERMINATED
    assert txn.status is Status.ROLLED_BACK


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_an_ended_transaction_cannot_commit_again(engine, end):
    storage = engine()
    txn = storage.begin()
    getattr(txn, end)()
    with pytest.raises(TransactionError, match=f"is {txn.status.value} and cannot be committed"):
        txn.commit()
    assert not txn.is_open


def test_a_read_only_commit_leaves_no_open_transaction(engine):
    storage = engine()
    txns = [storage.begin() for _ in range(3)]
    assert all(txn.is_open for txn in txns)
    for txn in txns:
        assert txn.commit() is None
        assert txn.status is Status.COMMITTED and not txn.is_open
    assert storage.active_transactions() == []
