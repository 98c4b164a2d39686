"""Focused tests of storage transactions: visibility of own writes, rollback, constraints checked at commit,
DELETE of related nodes, deadlocks and waiting writers under READ_COMMITTED, the memory limit, garbage collection
and index seeks over values of mixed types.

The conformance suite: tests taking `engine` (tests/databases/storage/conftest.py) run against the in-memory and
the on-disk engine; assertions about one engine's internals are guarded by `engine.memory`. Entity handles are
valid in the transaction that returned them, so a later transaction resolves them by id (`node`, `rel`)."""
import threading
import time

import pytest

from graphplex.databases.errors import ClientError, ConstraintError, DatabaseError, TransactionError, TransientError
from graphplex.databases.storage import BOTH, EXISTENCE, OUT, UNIQUENESS, SchemaChange, Status, Storage

SI = "SNAPSHOT_ISOLATION"
RC = "READ_COMMITTED"
HAS_RELATIONSHIPS = ("Cannot delete node<{}>, because it still has relationships. To delete this node, you must "
                     "first delete its relationships.")


def node(txn, entity):
    """`entity` (a node or its id) as `txn` sees it."""
    return txn.vertex(getattr(entity, "gid", entity))


def rel(txn, entity):
    return txn.edge(getattr(entity, "gid", entity))


def committed(storage, fn):
    txn = storage.begin()
    result = fn(txn)
    txn.commit()
    return result


def schema(storage, change):
    txn = storage.begin()
    assert txn.change_schema(change)
    txn.commit()


def create_index(storage, label="L", key="k"):
    schema(storage, SchemaChange("create_index", label=label, properties=(key,)))


def constraint(kind, label="Book", key="isbn"):
    return SchemaChange("create_constraint", label=label, properties=(key,), kind=kind)


def related_pair(txn):
    """(:A)-[:R]->(:B): the two nodes and the relationship."""
    a, b = txn.create_vertex(["A"]), txn.create_vertex(["B"])
    return a, b, txn.create_edge(a, b, "R")


def gids(entities):
    return sorted(entity.gid for entity in entities)


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.001)


def run_in_thread(fn):
    """Starts `fn` in a thread; returns (thread, outcome) where outcome gets 'result' or 'error'."""
    outcome = {}

    def target():
        try:
            outcome["result"] = fn()
        except BaseException as error:  # checked by the test
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, outcome


# --- own writes, isolation, rollback ---------------------------------------------------------------------------


@pytest.mark.parametrize("level", [SI, RC])
def test_own_writes_are_visible_to_the_writer_only_until_commit(engine, level):
    storage = engine(isolation_level=level)
    create_index(storage)
    a = committed(storage, lambda t: t.create_vertex(["L"], {"k": 1})).gid
    writer = storage.begin()
    other = storage.begin()
    writer.set_property(node(writer, a), "k", 2)
    b = writer.create_vertex(["L", "M"], {"k": 5})
    edge = writer.create_edge(node(writer, a), b, "R", {"w": 1})

    assert writer.property(node(writer, a), "k") == 2
    assert writer.vertex(b.gid) is b and writer.edge(edge.gid) is edge
    assert gids(writer.vertices()) == [a, b.gid]
    assert gids(writer.vertices_with_label("M")) == [b.gid]
    assert gids(writer.vertices_by_property("L", "k", 5)) == [b.gid]
    assert gids(writer.vertices_by_property("L", "k", 2)) == [a]
    assert gids(writer.vertices_by_property("L", "k", 1)) == []
    assert [(e.gid, o.gid) for e, o in writer.expand(node(writer, a), OUT)] == [(edge.gid, b.gid)]
    assert writer.properties(edge) == {"w": 1}

    for reader in (other, storage.begin()):
        assert reader.property(node(reader, a), "k") == 1
        assert reader.vertex(b.gid) is None and reader.edge(edge.gid) is None
        assert gids(reader.vertices()) == [a]
        assert gids(reader.vertices_by_property("L", "k", 1)) == [a]
        assert gids(reader.vertices_by_property("L", "k", 5)) == []
        assert list(reader.expand(node(reader, a), BOTH)) == []

    writer.commit()
    # A snapshot keeps its view; READ_COMMITTED sees the commit at its next read.
    expected = 1 if level == SI else 2
    assert other.property(node(other, a), "k") == expected
    assert gids(other.vertices()) == ([a] if level == SI else [a, b.gid])
    later = storage.begin()
    assert later.property(node(later, a), "k") == 2 and gids(later.vertices_with_label("M")) == [b.gid]
    assert [(e.gid, o.gid) for e, o in later.expand(node(later, b), BOTH)] == [(edge.gid, a)]


def test_rollback_removes_created_vertex_and_edge_from_storage_and_indexes(engine):
    storage = engine()
    create_index(storage)
    a = committed(storage, lambda t: t.create_vertex(["L"], {"k": 1})).gid
    txn = storage.begin()
    v = txn.create_vertex(["L", "M"], {"k": 2})
    loop = txn.create_edge(v, v, "S")
    edge = txn.create_edge(node(txn, a), v, "R")
    txn.set_property(node(txn, a), "k", 3)
    if engine.memory:
        assert v.gid in storage.vertices and edge.gid in storage.edges
    txn.rollback()
    assert txn.status is Status.ROLLED_BACK

    assert storage.counts() == (1, 0)
    if engine.memory:
        assert v.gid not in storage.vertices
        assert edge.gid not in storage.edges and loop.gid not in storage.edges
        assert v not in storage.indexes.vertices_by_label.get("L", {})
        assert v not in storage.indexes.vertices_by_label.get("M", {})
        assert edge not in storage.indexes.edges_by_type.get("R", {})
        assert loop not in storage.indexes.edges_by_type.get("S", {})
        index = storage.indexes.find("NODE", "L", ("k",))
        assert {key[1]: [e.gid for e in index.seek(key)] for key in index.entries} == {1: [a]}
        vertex = storage.vertices[a]
        assert not vertex.out or not any(vertex.out.values())
        assert vertex.head.older is None and vertex.head.props == {"k": 1}
    reader = storage.begin()
    assert gids(reader.vertices()) == [a] and list(reader.edges()) == []
    assert gids(reader.vertices_by_property("L", "k", 2)) == []
    assert gids(reader.vertices_by_property("L", "k", 1)) == [a]
    assert list(reader.expand(node(reader, a), BOTH)) == [] and reader.property(node(reader, a), "k") == 1
    with pytest.raises(TransactionError):
        txn.create_vertex()
    with pytest.raises(TransactionError):
        txn.commit()
    txn.rollback()  # idempotent


def test_snapshot_write_conflicts_fail_at_once_and_mark_for_rollback(engine):
    storage = engine()
    a, b = committed(storage, lambda t: (t.create_vertex(["L"], {"n": 0}).gid, t.create_vertex(["L"], {"n": 0}).gid))
    first, second, late = storage.begin(), storage.begin(), storage.begin()
    first.set_property(node(first, a), "n", 1)
    with pytest.raises(TransientError) as caught:
        second.set_property(node(second, a), "n", 2)  # a is written by an open transaction
    assert caught.value.code == "Neo.TransientError.Transaction.Outdated"
    assert caught.value.is_retryable()
    assert second.status is Status.MARKED_FOR_ROLLBACK
    with pytest.raises(TransactionError):
        second.set_property(node(second, b), "n", 2)
    assert second.property(node(second, a), "n") == 0  # reads still work
    with pytest.raises(TransactionError):
        second.commit()
    assert second.status is Status.ROLLED_BACK

    first.commit()
    with pytest.raises(TransientError) as caught:
        late.create_edge(node(late, b), node(late, a), "R")  # a was committed after `late` began; an edge writes a
    assert caught.value.code == "Neo.TransientError.Transaction.Outdated"
    late.rollback()
    reader = storage.begin()
    assert reader.property(node(reader, a), "n") == 1 and reader.property(node(reader, b), "n") == 0
    assert list(reader.edges()) == []
    if engine.memory:
        assert storage.vertices[b].head.older is None


# --- constraints and DELETE, checked at commit ----------------------------------------------------------------


def test_uniqueness_violation_fails_the_commit_and_leaves_nothing(engine):
    storage = engine()
    schema(storage, constraint(UNIQUENESS))
    first = committed(storage, lambda t: t.create_vertex(["Book"], {"isbn": "1449356265"}))
    assert first.gid == 0
    txn = storage.begin()
    other = txn.create_vertex(["Other"])
    duplicate = txn.create_vertex(["Book"], {"isbn": "1449356265", "title": "Graph Databases"})
    with pytest.raises(ConstraintError) as caught:
        txn.commit()
    assert caught.value.message == "Node(0) already exists with label `Book` and property `isbn` = '1449356265'"
    assert caught.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
    assert txn.status is Status.ROLLED_BACK
    assert storage.counts() == (1, 0)
    if engine.memory:
        assert other.gid not in storage.vertices and duplicate.gid not in storage.vertices
    reader = storage.begin()
    assert gids(reader.vertices()) == [0]
    assert reader.vertex(other.gid) is None and reader.vertex(duplicate.gid) is None
    assert gids(reader.vertices_by_property("Book", "isbn", "1449356265")) == [0]


def test_existence_constraint_violation_message(engine):
    storage = engine()
    schema(storage, constraint(EXISTENCE))
    book = committed(storage, lambda t: t.create_vertex(["Book"], {"isbn": "1"})).gid
    txn = storage.begin()
    missing = txn.create_vertex(["Book"], {"title": "no isbn"})
    with pytest.raises(ConstraintError) as caught:
        txn.commit()
    assert caught.value.message == f"Node({missing.gid}) with label `Book` must have the property `isbn`"
    assert storage.counts() == (1, 0)

    txn = storage.begin()
    txn.set_property(node(txn, book), "isbn", None)
    with pytest.raises(ConstraintError) as caught:
        txn.commit()
    assert caught.value.message == f"Node({book}) with label `Book` must have the property `isbn`"
    reader = storage.begin()
    assert reader.property(node(reader, book), "isbn") == "1"


@pytest.mark.parametrize("kind, detail", [
    (UNIQUENESS, "Both Node(0) and Node(1) have the label `Book` and property `isbn` = '1'"),
    (EXISTENCE, "Node(2) with label `Book` must have the property `isbn`"),
])
def test_constraint_on_violating_data_fails_and_creates_nothing(engine, kind, detail):
    storage = engine()
    committed(storage, lambda t: [t.create_vertex(["Book"], {"isbn": "1"}), t.create_vertex(["Book"], {"isbn": "1"}),
                                  t.create_vertex(["Book"], {"title": "no isbn"})])
    txn = storage.begin()
    assert txn.change_schema(constraint(kind))
    with pytest.raises(DatabaseError) as caught:
        txn.commit()
    assert caught.value.code == "Neo.DatabaseError.Schema.ConstraintCreationFailed"
    # Neo4j names the constraint in the uniqueness check only (it checks existence by the schema alone).
    assert caught.value.message.startswith("Unable to create Constraint( name='" if kind == UNIQUENESS
                                           else "Unable to create Constraint( type='NODE PROPERTY EXISTENCE'")
    assert caught.value.message.endswith(detail + ". Note that only the first found violation is shown.")
    assert txn.status is Status.ROLLED_BACK
    assert storage.schema.constraints == {}
    assert storage.indexes.by_name == {}
    # Nothing stops the data the constraint would have refused.
    committed(storage, lambda t: t.create_vertex(["Book"], {"isbn": "1"}))


def test_delete_of_a_node_with_relationships_fails_at_commit(engine):
    storage = engine()
    a, b, edge = (entity.gid for entity in committed(storage, related_pair))
    txn = storage.begin()
    assert txn.delete_vertex(node(txn, b)) == []  # accepted for now: the check is at commit
    assert txn.vertex(b) is None
    with pytest.raises(ConstraintError) as caught:
        txn.commit()
    assert caught.value.message == HAS_RELATIONSHIPS.format(b)
    assert txn.status is Status.ROLLED_BACK
    reader = storage.begin()
    assert gids(reader.vertices()) == [a, b] and gids(reader.edges()) == [edge]
    reader.commit()

    # Deleting the relationship first, in the same transaction, makes the DELETE valid.
    txn = storage.begin()
    relationship = rel(txn, edge)
    assert txn.delete_edge(relationship) is True
    assert txn.delete_edge(relationship) is False
    txn.delete_vertex(node(txn, b))
    txn.commit()
    reader = storage.begin()
    assert gids(reader.vertices()) == [a] and list(reader.edges()) == []
    assert list(reader.expand(node(reader, a), BOTH)) == []
    reader.commit()
    assert storage.counts() == (1, 0)
    if engine.memory:
        assert not any((storage.vertices[a].out or {}).values())


def test_detach_delete_removes_every_relationship_once(engine):
    storage = engine()

    def build(t):
        a, b = t.create_vertex(["A"]), t.create_vertex(["B"])
        return a.gid, b.gid, [t.create_edge(a, b, "R").gid, t.create_edge(b, a, "S").gid,
                              t.create_edge(a, a, "LOOP").gid]
    a, b, edges = committed(storage, build)
    txn = storage.begin()
    deleted = node(txn, a)
    removed = txn.delete_vertex(deleted, detach=True)
    assert gids(removed) == sorted(edges)
    assert txn.delete_vertex(deleted, detach=True) == []
    assert list(txn.edges()) == [] and gids(txn.vertices()) == [b]
    txn.commit()
    reader = storage.begin()
    assert gids(reader.vertices()) == [b] and list(reader.edges()) == []
    assert list(reader.expand(node(reader, b), BOTH)) == []
    reader.commit()
    assert storage.counts() == (1, 0)
    if engine.memory:
        survivor = storage.vertices[b]
        assert not any((survivor.out or {}).values()) and not any((survivor.inc or {}).values())


# --- READ_COMMITTED: waiting writers, deadlocks, timeouts ------------------------------------------------------


def test_deadlock_is_detected_and_the_victim_is_marked_for_rollback(engine):
    storage = engine(isolation_level=RC, lock_acquisition_timeout=10.0)
    a, b = committed(storage, lambda t: (t.create_vertex(["X"], {"n": 0}), t.create_vertex(["X"], {"n": 0})))
    t1, t2 = storage.begin(), storage.begin()
    assert t1.lock(a) and t2.lock(b)
    thread, outcome = run_in_thread(lambda: t1.lock(b))
    wait_until(lambda: t1.waiting_for is t2)

    with pytest.raises(TransientError) as caught:
        t2.lock(a)
    assert caught.value.code == "Neo.TransientError.Transaction.DeadlockDetected"
    assert caught.value.is_retryable()
    assert t2.status is Status.MARKED_FOR_ROLLBACK
    with pytest.raises(TransactionError):
        t2.set_property(b, "n", 2)
    assert thread.is_alive()  # t1 still waits for t2's lock on b

    t2.rollback()
    thread.join(5)
    assert outcome == {"result": True}
    t1.set_property(b, "n", 1)
    t1.set_property(a, "n", 1)
    t1.commit()
    reader = storage.begin()
    assert (reader.property(a, "n"), reader.property(b, "n")) == (1, 1)


def test_read_committed_writers_wait_and_lose_no_update(engine):
    storage = engine(isolation_level=RC, lock_acquisition_timeout=30.0)
    counter = committed(storage, lambda t: t.create_vertex(["Counter"], {"n": 0}))
    errors = []

    def increment(times):
        try:
            for _ in range(times):
                txn = storage.begin()
                assert txn.lock(counter)
                txn.set_property(counter, "n", txn.property(counter, "n") + 1)
                txn.commit()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=increment, args=(50,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    reader = storage.begin()
    assert reader.property(counter, "n") == 200
    reader.commit()
    assert storage.gc.pending == 0 and counter.head.older is None


def test_read_committed_writer_times_out_waiting_for_a_lock(engine):
    storage = engine(isolation_level=RC, lock_acquisition_timeout=0.05)
    a = committed(storage, lambda t: t.create_vertex(["X"], {"n": 0}))
    holder, waiter = storage.begin(), storage.begin()
    holder.set_property(a, "n", 1)
    started = time.monotonic()
    with pytest.raises(TransientError) as caught:
        waiter.set_property(a, "n", 2)
    assert time.monotonic() - started >= 0.04
    assert caught.value.code == "Neo.TransientError.Transaction.LockAcquisitionTimeout"
    assert caught.value.message.startswith("Unable to acquire lock within configured timeout")
    assert f"NODE with id: {a.gid} within 50 millis" in caught.value.message
    assert waiter.status is Status.MARKED_FOR_ROLLBACK
    # Reads of the waiter see the newest committed state, not the holder's uncommitted write.
    assert waiter.property(a, "n") == 0
    holder.commit()
    assert waiter.property(a, "n") == 1
    waiter.rollback()
    assert storage.begin().property(a, "n") == 1


def test_read_committed_detach_delete_after_waiting_for_a_concurrent_relationship_delete(engine):
    storage = engine(isolation_level=RC, lock_acquisition_timeout=10.0)
    a, b, edge = committed(storage, related_pair)
    deleter = storage.begin()
    assert deleter.delete_edge(edge)
    detacher = storage.begin()
    thread, outcome = run_in_thread(lambda: detacher.delete_vertex(a, detach=True))
    wait_until(lambda: detacher.waiting_for is deleter)
    deleter.commit()
    thread.join(5)
    # The relationship is already gone: DETACH DELETE has nothing left to detach and must succeed.
    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"] == []
    detacher.commit()
    reader = storage.begin()
    assert gids(reader.vertices()) == [b.gid] and list(reader.edges()) == []


# --- memory limit, garbage collection --------------------------------------------------------------------------


def test_memory_limit_fails_the_transaction(engine):
    storage = engine()
    txn = storage.begin(memory_limit=2000)
    with pytest.raises(TransientError) as caught:
        for i in range(1000):
            txn.create_vertex(["Big"], {"i": i, "text": "x" * 20})
    assert caught.value.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
    assert caught.value.message.startswith("The allocation of an extra")
    assert "would use more than the limit 2.0 KiB" in caught.value.message
    assert caught.value.message.endswith("db.memory.transaction.max threshold reached")
    assert 0 < i < 1000
    assert txn.status is Status.MARKED_FOR_ROLLBACK
    with pytest.raises(TransactionError):
        txn.commit()
    assert storage.counts() == (0, 0)
    if engine.memory:
        assert storage.indexes.vertices_by_label.get("Big", {}) == {}
    # A transaction within its limit commits.
    small = storage.begin(memory_limit=2000)
    small.create_vertex(["Big"], {"i": 0})
    assert small.commit() is not None


def test_gc_keeps_one_version_after_many_committed_updates(engine):
    storage = engine()
    v = committed(storage, lambda t: t.create_vertex(["C"], {"n": 0})).gid
    for i in range(1, 1001):
        txn = storage.begin()
        txn.set_property(node(txn, v), "n", i)
        txn.commit()
    if engine.memory:
        assert storage.vertices[v].head.older is None
        assert storage.gc.pending == 0
    reader = storage.begin()
    assert reader.property(node(reader, v), "n") == 1000


def test_gc_keeps_what_an_open_snapshot_sees_and_drops_it_afterwards(engine):
    storage = engine()
    create_index(storage, "C", "n")
    v, gone = committed(storage, lambda t: (t.create_vertex(["C"], {"n": 0}).gid,
                                            t.create_vertex(["C"], {"n": -1}).gid))
    snapshot = storage.begin()
    for i in range(1, 101):
        txn = storage.begin()
        txn.set_property(node(txn, v), "n", i)
        txn.commit()
    committed(storage, lambda t: t.delete_vertex(node(t, gone)))
    if engine.memory:
        assert storage.vertices[v].head.older is not None and storage.gc.pending > 0
    assert snapshot.property(node(snapshot, v), "n") == 0
    assert gids(snapshot.vertices_by_property("C", "n", 0)) == [v]
    assert gids(snapshot.vertices()) == [v, gone]
    snapshot.commit()
    if engine.memory:
        assert storage.gc.pending == 0
        assert storage.vertices[v].head.older is None
        assert gone not in storage.vertices
        assert all(vertex.gid != gone for vertex in storage.indexes.vertices_by_label.get("C", {}))
    reader = storage.begin()
    assert gids(reader.vertices_by_property("C", "n", 100)) == [v]
    assert gids(reader.vertices_by_property("C", "n", 0)) == []


# --- index seeks over mixed value types -------------------------------------------------------------------------

MIXED = [0, 1, 1.0, 2, 2.5, -1, True, False, "1", "a", "ab", "abc", "b", [1]]


def mixed_graph(engine, with_index):
    storage = engine()
    if with_index:
        create_index(storage)
    nodes = committed(storage, lambda t: {i: t.create_vertex(["L"], {"k": value}) for i, value in enumerate(MIXED)})
    committed(storage, lambda t: [t.create_vertex(["L"]), t.create_vertex(["Other"], {"k": 1})])
    return storage, nodes


def positions(nodes, found):
    by_gid = {v.gid: i for i, v in nodes.items()}
    return sorted(by_gid[v.gid] for v in found)


@pytest.mark.parametrize("with_index", [False, True], ids=["scan", "index"])
def test_equality_seek_follows_cypher_equality(engine, with_index):
    storage, nodes = mixed_graph(engine, with_index)
    txn = storage.begin()
    assert txn.has_index("L", ("k",)) is with_index

    def seek(value):
        return [MIXED[i] for i in positions(nodes, txn.vertices_by_property("L", "k", value))]
    assert seek(1) == [1, 1.0]  # 1 = 1.0
    assert seek(1.0) == [1, 1.0]
    assert seek(True) == [True]  # true <> 1
    assert seek(False) == [False]
    assert seek(0) == [0]
    assert seek("1") == ["1"]  # strings never equal numbers
    assert seek([1]) == [[1]]
    assert seek([1.0]) == [[1]]
    assert seek(3) == [] and seek(None) == []


@pytest.mark.parametrize("with_index", [False, True], ids=["scan", "index"])
def test_range_and_prefix_seeks_stay_within_one_type_group(engine, with_index):
    storage, nodes = mixed_graph(engine, with_index)
    txn = storage.begin()

    def by_range(*args):
        return [MIXED[i] for i in positions(nodes, txn.vertices_by_range("L", "k", *args))]

    def by_prefix(prefix):
        return [MIXED[i] for i in positions(nodes, txn.vertices_by_prefix("L", "k", prefix))]
    assert by_range(1) == [1, 1.0, 2, 2.5]
    assert by_range(1, None, False) == [2, 2.5]
    assert by_range(None, 1) == [0, 1, 1.0, -1]
    assert by_range(None, 1, True, False) == [0, -1]
    assert by_range(0, 2, True, False) == [0, 1, 1.0]
    assert by_range(0.5, 2.5, False, True) == [1, 1.0, 2, 2.5]
    assert by_range(-1.5, 0.0) == [0, -1]
    assert by_range("a") == ["a", "ab", "abc", "b"]
    assert by_range(None, "ab") == ["1", "a", "ab"]
    assert by_range("a", "b", False, False) == ["ab", "abc"]
    assert by_range(False, True) == [True, False]
    assert by_range(True) == [True]
    assert by_prefix("a") == ["a", "ab", "abc"]
    assert by_prefix("ab") == ["ab", "abc"]
    assert by_prefix("1") == ["1"]  # not the number 1
    assert by_prefix("") == ["1", "a", "ab", "abc", "b"]
    assert by_prefix("z") == []


@pytest.mark.parametrize("with_index", [False, True], ids=["scan", "index"])
def test_seeks_see_own_uncommitted_values_and_not_others(engine, with_index):
    storage, nodes = mixed_graph(engine, with_index)
    zero = nodes[MIXED.index(0)]
    writer, reader = storage.begin(), storage.begin()
    writer.set_property(node(writer, zero), "k", "abz")
    assert zero.gid in gids(writer.vertices_by_prefix("L", "k", "ab"))
    assert zero.gid not in gids(writer.vertices_by_range("L", "k", -1, 0))
    assert zero.gid not in gids(writer.vertices_by_property("L", "k", 0))
    assert zero.gid not in gids(reader.vertices_by_prefix("L", "k", "ab"))
    assert zero.gid in gids(reader.vertices_by_range("L", "k", -1, 0))
    assert zero.gid in gids(reader.vertices_by_property("L", "k", 0))
    writer.commit()
    assert zero.gid in gids(reader.vertices_by_property("L", "k", 0))  # still its snapshot
    later = storage.begin()
    assert zero.gid in gids(later.vertices_by_prefix("L", "k", "ab"))
    assert zero.gid not in gids(later.vertices_by_range("L", "k", -1, 0))


@pytest.mark.parametrize("with_index", [
    False,
    True,
], ids=["scan", "index"])
def test_range_seek_with_both_bounds_open_returns_every_value(engine, with_index):
    storage, nodes = mixed_graph(engine, with_index)
    txn = storage.begin()
    assert len(list(txn.vertices_by_range("L", "k"))) == len(MIXED)


def test_indexes_hold_no_entries_for_overwritten_values_once_collected():
    storage = Storage()
    create_index(storage)
    v = committed(storage, lambda t: t.create_vertex(["L"], {"k": 0}))
    txn = storage.begin()
    txn.set_property(v, "k", 1)
    txn.set_property(v, "k", 2)
    txn.add_labels(v, ["M"])
    txn.remove_labels(v, ["M"])
    txn.commit()
    txn = storage.begin()
    txn.set_property(v, "k", 3)
    txn.rollback()
    index = storage.indexes.find("NODE", "L", ("k",))
    assert storage.gc.pending == 0 and v.head.older is None
    assert [key[1] for key in index.entries] == [2]
    assert v not in storage.indexes.vertices_by_label.get("M", {})

    committed(storage, lambda t: t.delete_vertex(v))
    assert storage.counts() == (0, 0)
    assert index.entries == {}
    assert all(not members for members in storage.indexes.vertices_by_label.values())


@pytest.mark.parametrize("with_index", [False, True], ids=["scan", "index"])
def test_nan_equals_nothing_in_an_equality_seek(engine, with_index):
    storage = engine()
    if with_index:
        create_index(storage)
    txn = storage.begin()
    txn.create_vertex(["L"], {"k": float("nan")})
    assert list(txn.vertices_by_property("L", "k", float("nan"))) == []


def test_an_index_created_after_a_snapshot_began_does_not_hide_its_nodes_from_it(engine):
    storage = engine()
    old = committed(storage, lambda t: t.create_vertex(["L"], {"k": 0})).gid
    snapshot = storage.begin()
    create_index(storage)
    assert gids(snapshot.vertices_by_property("L", "k", 0)) == [old]
    later = storage.begin()
    assert gids(later.vertices_by_property("L", "k", 0)) == [old]


def test_a_node_given_an_indexed_label_is_found_by_its_own_transaction_seek(engine):
    storage = engine()
    create_index(storage)
    unlabelled = committed(storage, lambda t: t.create_vertex([], {"k": 0})).gid
    txn = storage.begin()
    assert txn.add_labels(node(txn, unlabelled), ["L"]) == 1
    assert gids(txn.vertices_by_property("L", "k", 0)) == [unlabelled]
    assert gids(txn.vertices_by_range("L", "k", 0, 0)) == [unlabelled]
    txn.commit()
    reader = storage.begin()
    assert gids(reader.vertices_by_property("L", "k", 0)) == [unlabelled]


@pytest.mark.parametrize("with_index", [False, True], ids=["scan", "index"])
def test_relationship_seeks_find_relationships_only(engine, with_index):
    storage = engine()
    if with_index:
        schema(storage, SchemaChange("create_index", label="R", properties=("k",), entity_type="RELATIONSHIP"))
    old = committed(storage, lambda t: t.create_edge(t.create_vertex(["R"], {"k": 1}), t.create_vertex(), "R",
                                                     {"k": 1}).gid)
    txn = storage.begin()
    namesake = txn.create_vertex(["R"], {"k": 1})  # a node whose label is the relationship type
    new = txn.create_edge(namesake, namesake, "R", {"k": 1})
    assert txn.has_index("R", ("k",), "RELATIONSHIP") is with_index
    assert gids(txn.edges_by_property("R", "k", 1)) == [old, new.gid]
    assert all(isinstance(edge, type(new)) for edge in txn.edges_by_property("R", "k", 1))
    assert gids(txn.edges_by_property("R", "k", 2)) == []
    txn.commit()
    reader = storage.begin()
    assert gids(reader.edges_by_property("R", "k", 1)) == [old, new.gid]


def test_a_transaction_whose_read_point_moved_on_may_write_what_was_committed_before_it(engine):
    """`CALL { } IN TRANSACTIONS` moves the outer transaction's read point past its batches' commits; it may then
    write what they wrote (its snapshot includes them), but not what commits after the new read point."""
    storage = engine()
    a, b = committed(storage, lambda t: (t.create_vertex(["L"], {"n": 0}).gid, t.create_vertex(["L"], {"n": 0}).gid))
    outer = storage.begin()
    batch = storage.begin()
    batch.set_property(node(batch, a), "n", 1)
    outer.read_ts = batch.commit()
    assert outer.property(node(outer, a), "n") == 1
    outer.set_property(node(outer, a), "n", 2)
    committed(storage, lambda t: t.set_property(node(t, b), "n", 1))
    with pytest.raises(TransientError) as caught:
        outer.set_property(node(outer, b), "n", 2)
    assert caught.value.code == "Neo.TransientError.Transaction.Outdated"
    outer.rollback()
