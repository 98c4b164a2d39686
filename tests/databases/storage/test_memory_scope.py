"""MemoryScope: a tighter limit that counts only what the tracker allocates while the scope is entered."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from graphplex.databases.cypher.working_memory import within
from graphplex.databases.errors import TransientError
from graphplex.databases.storage.memory import MemoryScope, MemoryTracker, readable_size


def test_a_scope_counts_only_what_is_allocated_while_it_is_entered():
    tracker = MemoryTracker()
    tracker.allocate(10_000)           # before: not the scope's
    scope = MemoryScope(1_000, memgraph=True)
    tracker.enter(scope)
    tracker.allocate(600)
    tracker.leave(scope)
    tracker.allocate(10_000)           # between two entries: not the scope's either
    tracker.enter(scope)
    with pytest.raises(TransientError) as caught:
        tracker.allocate(500)
    tracker.leave(scope)
    assert caught.value.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
    assert caught.value.message == ("Memory limit exceeded! Attempting to allocate a chunk of 500B which would put "
                                    "the current use to 1.07KiB, while the maximum allowed size for allocation is "
                                    "set to 1000B.")
    assert tracker.used == 20_600 and not tracker.bounded


def test_outside_memgraph_s_dialect_the_scope_fails_in_neo4j_s_words():
    tracker = MemoryTracker()
    tracker.enter(MemoryScope(1_000, "PROCEDURE MEMORY LIMIT"))
    tracker.allocate(900)
    with pytest.raises(TransientError) as caught:
        tracker.allocate(2_048)
    assert caught.value.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
    assert caught.value.message == ("The allocation of an extra 2.0 KiB would use more than the limit 1000 B. "
                                    "Currently using 900 B. PROCEDURE MEMORY LIMIT threshold reached")


def test_the_transaction_limit_still_applies_inside_a_scope():
    tracker = MemoryTracker(limit=1_000)
    tracker.enter(MemoryScope(10_000))
    with pytest.raises(TransientError, match="db.memory.transaction.max"):
        tracker.allocate(2_000)


def test_within_enters_the_scope_for_each_pull_only():
    tracker = MemoryTracker()

    def rows():
        for _ in range(3):
            tracker.allocate(400)
            yield tracker.bounded

    ctx = SimpleNamespace(txn=SimpleNamespace(memory=tracker), host=None)
    assert list(within(rows(), ctx, 2_000, "QUERY MEMORY LIMIT")) == [True, True, True]
    assert tracker.scopes == []
    with pytest.raises(TransientError, match="QUERY MEMORY LIMIT threshold reached"):
        list(within(rows(), ctx, 1_000, "QUERY MEMORY LIMIT"))
    assert tracker.scopes == []


@pytest.mark.parametrize("size, text", [(0, "0B"), (1023, "1023B"), (1024, "1.00KiB"), (10 * 1024 * 1024, "10.00MiB"),
                                        (3 * 1024 ** 3, "3.00GiB")])
def test_sizes_read_as_memgraph_writes_them(size, text):
    assert readable_size(size) == text
