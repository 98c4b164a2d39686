"""`Transaction.vertices_by_property` through one probe of the index (`transaction._probe`) finds what the general
path (`TransactionState._by_property`: the index's candidates, each through `view`) finds: for values whose index
keys are equal but which are not equal in Cypher's sense, for null and NaN, for a node relabelled or deleted, for the
reader's own uncommitted writes, and for another writer's, which only a READ_UNCOMMITTED reader sees."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from graphplex.databases.storage import Storage
from graphplex.databases.storage.schema import SchemaChange
from graphplex.databases.storage.transaction_state import TransactionState

VALUES = (0, 1, -1, 1.0, 0.0, -0.0, 2 ** 53, 2.0 ** 53, 2 ** 53 + 1, True, False, "1", "", math.nan, math.inf, None,
          [1], [1.0])


def _storage() -> Storage:
    storage = Storage()
    txn = storage.begin()
    assert txn.change_schema(SchemaChange("create_index", label="L", properties=("k",)))
    txn.commit()
    return storage


def _outcome(find, txn, value):
    try:
        return list(find(txn, "L", "k", value))
    except Exception as error:  # an unsupported value: both paths refuse it alike
        return type(error)


@settings(max_examples=60, deadline=None)
@given(stored=st.lists(st.sampled_from(VALUES), min_size=3, max_size=8),
       own=st.lists(st.tuples(st.integers(0, 7), st.sampled_from(VALUES)), max_size=3),
       other=st.lists(st.tuples(st.integers(0, 7), st.sampled_from(VALUES)), max_size=3),
       level=st.sampled_from(["SNAPSHOT_ISOLATION", "READ_COMMITTED", "READ_UNCOMMITTED"]))
def test_the_probe_finds_what_the_general_path_finds(stored, own, other, level):
    storage = _storage()
    setup = storage.begin()
    vertices = [setup.create_vertex(["L"], {} if value is None else {"k": value})
                for value in stored if not isinstance(value, list)]
    if len(vertices) < 3:
        return
    setup.commit()
    holder = storage.begin()  # keeps the index's entries of the versions before the relabelling and the deletion
    change = storage.begin()
    change.remove_labels(vertices[0], ["L"])
    change.delete_vertex(vertices.pop())
    change.commit()
    writer = storage.begin()
    reader = storage.begin(level)
    try:
        # The writer writes the nodes at even places, the reader those at odd ones: neither waits for the other.
        for txn, writes, pool in ((writer, other, vertices[::2]), (reader, own, vertices[1::2])):
            for index, value in writes:
                if not isinstance(value, list):
                    txn.set_property(pool[index % len(pool)], "k", value)
        for value in VALUES:
            probed = _outcome(type(reader).vertices_by_property, reader, value)
            assert probed == _outcome(TransactionState.vertices_by_property, reader, value), value
    finally:
        reader.rollback()
        writer.rollback()
        holder.rollback()


def test_the_probe_is_taken_and_null_and_nan_find_nothing(monkeypatch):
    """Not vacuous: the probe answers (the general path is not called), and null and NaN equal nothing."""
    storage = _storage()
    setup = storage.begin()
    found = setup.create_vertex(["L"], {"k": 1})
    setup.create_vertex(["L"], {"k": math.nan})
    setup.commit()
    monkeypatch.setattr(TransactionState, "_by_property", lambda *arguments: pytest.fail("general path taken"))
    reader = storage.begin()
    assert list(reader.vertices_by_property("L", "k", 1.0)) == [found]
    assert list(reader.vertices_by_property("L", "k", None)) == []
    assert list(reader.vertices_by_property("L", "k", math.nan)) == []
    reader.rollback()
