"""The write lock a relationship's creation takes on its end nodes without a version (`Vertex.locker`): a writer
of such a node waits or conflicts exactly as if the creating transaction had written it."""
import threading

import pytest

from graphplex.databases.errors import TransientError
from graphplex.databases.storage import Storage

OUTDATED = "Neo.TransientError.Transaction.Outdated"


def _graph(isolation: str = "SNAPSHOT_ISOLATION"):
    storage = Storage(isolation_level=isolation)
    setup = storage.begin()
    nodes = [setup.create_vertex(("P",), {"id": n}) for n in range(3)]
    setup.commit()
    return storage, nodes


def _create(txn, nodes, bulk: bool) -> None:
    if bulk:
        txn.create_edges("R", [(nodes[0], nodes[1])])
    else:
        txn.create_edge(nodes[0], nodes[1], "R")


@pytest.mark.parametrize("bulk", [False, True])
def test_an_end_node_locked_by_an_open_transaction_conflicts_under_snapshot_isolation(bulk):
    storage, nodes = _graph()
    creator = storage.begin()
    _create(creator, nodes, bulk)
    assert nodes[1].head.older is None  # no version stacked for the lock
    deleter = storage.begin()
    with pytest.raises(TransientError) as caught:
        deleter.delete_vertex(nodes[1], detach=True)
    assert caught.value.code == OUTDATED
    deleter.rollback()
    creator.commit()


@pytest.mark.parametrize("bulk", [False, True])
def test_an_end_node_locked_by_a_commit_after_the_snapshot_conflicts(bulk):
    storage, nodes = _graph()
    writer = storage.begin()  # its snapshot is older than the relationship
    creator = storage.begin()
    _create(creator, nodes, bulk)
    creator.commit()
    with pytest.raises(TransientError) as caught:
        writer.set_property(nodes[0], "x", 1)
    assert caught.value.code == OUTDATED
    writer.rollback()
    later = storage.begin()  # a snapshot after the commit writes the node freely
    later.set_property(nodes[0], "x", 1)
    later.commit()


@pytest.mark.parametrize("bulk", [False, True])
def test_a_rolled_back_lock_bars_nobody(bulk):
    storage, nodes = _graph()
    writer = storage.begin()
    creator = storage.begin()
    _create(creator, nodes, bulk)
    creator.rollback()
    writer.set_property(nodes[1], "x", 1)
    writer.commit()


@pytest.mark.parametrize("bulk", [False, True])
def test_a_read_committed_writer_waits_for_the_lock(bulk):
    storage, nodes = _graph("READ_COMMITTED")
    creator = storage.begin()
    _create(creator, nodes, bulk)
    done = threading.Event()

    def write():
        writer = storage.begin()
        writer.set_property(nodes[1], "x", 1)
        writer.commit()
        done.set()
    thread = threading.Thread(target=write)
    thread.start()
    assert not done.wait(0.2)  # held until the creator ends
    creator.commit()
    thread.join(5)
    assert done.is_set()


def test_a_node_locked_by_another_transaction_is_locked_one_by_one_in_bulk():
    storage, nodes = _graph("READ_COMMITTED")
    first = storage.begin()
    first.create_edges("R", [(nodes[1], nodes[2])])
    second = storage.begin()
    threading.Timer(0.2, first.commit).start()
    created = second.create_edges("R", [(nodes[0], nodes[1])])  # waits at nodes[1] for the first
    second.commit()
    check = storage.begin()
    assert [edge.gid for edge, _ in check.expand(nodes[1], "BOTH")] == sorted(
        [created[0].gid, created[0].gid - 1])
    check.commit()
