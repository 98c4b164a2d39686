"""Bulk writes: compact adjacency (lists that grow into dicts) and the cyclic collector held off meanwhile."""
import gc
import weakref

import pytest

from graphplex.databases.storage import SchemaChange, Storage
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


def test_collecting_lock_versions_keeps_their_index_entries():
    storage = Storage()
    setup = storage.begin()
    nodes = [setup.create_vertex(("P",), {"id": n}) for n in range(4)]
    setup.commit()
    index_txn = storage.begin()
    index_txn.change_schema(SchemaChange("create_index", "p_id", "NODE", "P", ("id",)))
    index_txn.commit()
    reader = storage.begin()  # an older snapshot keeps the versions below the locks alive until it ends
    txn = storage.begin()
    for node in nodes[:3]:
        assert txn.lock(node)  # a version stacked on each, with the same labels and map
    txn.commit()
    assert nodes[1].head.older is not None
    reader.commit()
    storage.gc.collect()
    assert all(node.head.older is None for node in nodes)
    check = storage.begin()
    assert [list(check.vertices_by_property("P", "id", n)) for n in range(4)] == [[node] for node in nodes]
    assert set(check.vertices_with_label("P")) == set(nodes)
    check.commit()


def test_a_bulk_commit_whose_log_sync_fails_gives_the_collector_back():
    storage = Storage()

    def failing_sync():
        raise OSError("disk gone")
    storage.add_publish_hook(lambda txn, ts: failing_sync)
    txn = storage.begin()
    for _ in range(BULK):
        txn.create_vertex()
    assert not gc.isenabled()
    with pytest.raises(OSError):
        txn.commit()
    assert gc.isenabled() and PAUSE.holders == 0


def test_a_bad_value_in_a_bulk_creation_creates_nothing():
    """create_vertices / create_edges check every map before creating anything: a value the store refuses in a
    later row leaves no earlier row behind (a failure leaves no partial change)."""
    from graphplex.databases.errors import Neo4jError
    from graphplex.databases.storage import Storage
    storage = Storage()
    txn = storage.begin()
    ends = txn.create_vertices([(("L",), {"i": 0}), (("L",), {"i": 1})])
    vertices, edges = len(storage.vertices), len(storage.edges)
    with pytest.raises(Neo4jError) as raised:
        txn.create_vertices([(("L",), {"i": 2}), (("L",), {"i": {"nested": 1}})])
    assert raised.value.code.startswith("Neo.ClientError.")
    with pytest.raises(Neo4jError):
        txn.create_edges("T", [(ends[0], ends[1]), (ends[1], ends[0])], [{"w": 1}, {"w": {"nested": 1}}])
    assert (len(storage.vertices), len(storage.edges)) == (vertices, edges)
    txn.rollback()


class _Cyclic:
    """An object the cyclic collector tracks, made into a cycle of one."""

    def __init__(self) -> None:
        self.me = self


def test_what_a_pause_allocated_is_settled_unscanned_and_its_cycles_still_collected() -> None:
    if not gc.isenabled():
        pytest.skip("the collector is off for this process")
    PAUSE.hold()
    try:
        cycle = _Cyclic()
        garbage = weakref.ref(cycle)
    finally:
        PAUSE.release()
    assert any(found is cycle for found in gc.get_objects(generation=2))  # moved, not walked by young collections
    del cycle
    gc.collect()
    assert garbage() is None
