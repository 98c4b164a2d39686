"""Bulk writes: compact adjacency (lists that grow into dicts) and the cyclic collector held off meanwhile."""
import gc

import pytest

from graphplex.databases.storage import Storage
from graphplex.databases.storage.collector_pause import BULK, PAUSE
from graphplex.databases.storage.records import SMALL_BUCKET


def _hub(storage, degree):
    txn = storage.begin()
    hub = txn.create_vertex(("Hub",))
    others = [txn.create_vertex(("Leaf",), {"n": n}) for n in range(degree)]
    edges = [txn.create_edge(hub, other, "LINK") for other in others]
    txn.commit()
    return hub, edges


@pytest.mark.parametrize("degree", [1, SMALL_BUCKET, SMALL_BUCKET + 1, 3 * SMALL_BUCKET])
def test_relationships_keep_their_order_and_deletes_across_bucket_sizes(degree):
    storage = Storage()
    hub, edges = _hub(storage, degree)
    txn = storage.begin()
    assert [edge for edge, _ in txn.expand(hub)] == edges
    assert [edge for edge, _ in txn.expand(edges[0].dst, "in")] == [edges[0]]
    txn.commit()
    doomed = edges[::2]
    txn = storage.begin()
    for edge in doomed:
        txn.delete_edge(edge)
    txn.commit()
    storage.gc.collect()
    txn = storage.begin()
    assert [edge for edge, _ in txn.expand(hub)] == edges[1::2]
    txn.commit()
    assert all(storage.edges.get(edge.gid) is None for edge in doomed)
    assert all(not edge.dst.inc for edge in doomed)


def test_rolled_back_relationships_leave_every_bucket():
    storage = Storage()
    hub, edges = _hub(storage, SMALL_BUCKET)
    txn = storage.begin()
    extra = [txn.create_edge(hub, edge.dst, "LINK") for edge in edges]
    assert len(txn.expand(hub)) == 2 * SMALL_BUCKET
    txn.rollback()
    txn = storage.begin()
    assert [edge for edge, _ in txn.expand(hub)] == edges
    assert all(storage.edges.get(edge.gid) is None for edge in extra)


def test_detach_delete_of_a_hub_removes_its_relationships():
    storage = Storage()
    hub, edges = _hub(storage, 2 * SMALL_BUCKET)
    txn = storage.begin()
    assert len(txn.delete_vertex(hub, detach=True)) == len(edges)
    txn.commit()
    storage.gc.collect()
    assert not storage.edges and hub.gid not in storage.vertices
    assert all(not edge.dst.inc for edge in edges)


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_a_bulk_transaction_holds_off_the_cyclic_collector_until_it_ends(end):
    assert gc.isenabled() and PAUSE.holders == 0
    storage = Storage()
    txn = storage.begin()
    for _ in range(BULK - 1):
        txn.create_vertex()
    assert gc.isenabled()
    txn.create_vertex()
    assert not gc.isenabled()
    other = storage.begin()
    for _ in range(BULK):
        other.create_vertex()
    other.commit()
    assert not gc.isenabled(), "the first bulk transaction is still open"
    getattr(txn, end)()
    assert gc.isenabled() and PAUSE.holders == 0


def test_a_collector_the_application_switched_off_stays_off():
    gc.disable()
    try:
        storage = Storage()
        txn = storage.begin()
        for _ in range(BULK):
            txn.create_vertex()
        txn.commit()
        assert not gc.isenabled()
    finally:
        gc.enable()
