"""The statement-end uniqueness check of a storage transaction (`begin_statement` / `end_statement`), on both
engines: only what the statement wrote is checked, against the transaction's own writes and the newest committed
state; existence waits for the commit; a violation fails the transaction."""
import pytest

from graphplex.databases.errors import ConstraintError, TransactionError
from graphplex.databases.storage import EXISTENCE, KEY, UNIQUENESS, SchemaChange, Status


def committed(storage, fn):
    txn = storage.begin()
    result = fn(txn)
    txn.commit()
    return result


def with_constraint(engine, kind=UNIQUENESS, properties=("isbn",)):
    storage = engine()
    committed(storage, lambda t: t.change_schema(
        SchemaChange("create_constraint", label="Book", properties=properties, kind=kind)))
    return storage


def statement(txn, fn):
    txn.begin_statement()
    result = fn(txn)
    txn.end_statement()
    return result


def test_a_duplicate_of_a_committed_value_fails_at_the_statement_end(engine):
    storage = with_constraint(engine)
    first = committed(storage, lambda t: t.create_vertex(["Book"], {"isbn": "1"}))
    txn = storage.begin()
    txn.begin_statement()
    txn.create_vertex(["Book"], {"isbn": "1"})
    with pytest.raises(ConstraintError) as caught:
        txn.end_statement()
    assert caught.value.message == f"Node({first.gid}) already exists with label `Book` and property `isbn` = '1'"
    assert txn.status is Status.MARKED_FOR_ROLLBACK
    with pytest.raises(TransactionError):
        txn.create_vertex(["Book"])
    txn.rollback()


def test_a_duplicate_of_an_own_earlier_write_fails(engine):
    storage = with_constraint(engine)
    txn = storage.begin()
    statement(txn, lambda t: t.create_vertex(["Book"], {"isbn": "1"}))
    later = statement(txn, lambda t: t.create_vertex(["Book"], {"title": "x"}))
    txn.begin_statement()
    txn.set_property(later, "isbn", "1")
    with pytest.raises(ConstraintError):
        txn.end_statement()
    txn.rollback()


def test_a_label_added_later_is_checked(engine):
    storage = with_constraint(engine)
    committed(storage, lambda t: t.create_vertex(["Book"], {"isbn": "1"}))
    txn = storage.begin()
    other = statement(txn, lambda t: t.create_vertex(["Paper"], {"isbn": "1"}))
    txn.begin_statement()
    txn.add_labels(other, ["Book"])
    with pytest.raises(ConstraintError):
        txn.end_statement()
    txn.rollback()


def test_an_uncommitted_duplicate_of_another_transaction_waits_for_the_commit(engine):
    storage = with_constraint(engine)
    other = storage.begin()
    statement(other, lambda t: t.create_vertex(["Book"], {"isbn": "1"}))
    txn = storage.begin()
    statement(txn, lambda t: t.create_vertex(["Book"], {"isbn": "1"}))   # invisible: no failure yet
    other.commit()
    with pytest.raises(ConstraintError):
        txn.commit()


def test_values_moved_within_the_transaction_pass(engine):
    storage = with_constraint(engine)
    book = committed(storage, lambda t: t.create_vertex(["Book"], {"isbn": "1"}))
    txn = storage.begin()
    statement(txn, lambda t: t.set_property(t.vertex(book.gid), "isbn", "2"))
    statement(txn, lambda t: t.create_vertex(["Book"], {"isbn": "1"}))
    txn.commit()


def test_existence_waits_for_the_commit_and_keys_check_their_values(engine):
    storage = with_constraint(engine, KEY, ("isbn", "edition"))
    committed(storage, lambda t: t.change_schema(
        SchemaChange("create_constraint", label="Author", properties=("name",), kind=EXISTENCE)))
    txn = storage.begin()
    statement(txn, lambda t: (t.create_vertex(["Author"]), t.create_vertex(["Book"], {"isbn": "1"})))
    statement(txn, lambda t: t.create_vertex(["Book"], {"isbn": "1", "edition": 1}))
    txn.begin_statement()
    txn.create_vertex(["Book"], {"isbn": "1", "edition": 1})
    with pytest.raises(ConstraintError) as caught:
        txn.end_statement()
    assert caught.value.message.endswith("with label `Book` and properties `isbn` = '1', `edition` = 1")
    txn.rollback()
    txn = storage.begin()
    statement(txn, lambda t: t.create_vertex(["Author"]))
    with pytest.raises(ConstraintError) as caught:
        txn.commit()
    assert caught.value.message.endswith("with label `Author` must have the property `name`")


def test_without_begin_statement_nothing_is_noted(engine):
    storage = with_constraint(engine)
    committed(storage, lambda t: t.create_vertex(["Book"], {"isbn": "1"}))
    txn = storage.begin()
    txn.create_vertex(["Book"], {"isbn": "1"})
    txn.end_statement()   # the "commit" mode: the statement noted nothing, the commit decides
    with pytest.raises(ConstraintError):
        txn.commit()
