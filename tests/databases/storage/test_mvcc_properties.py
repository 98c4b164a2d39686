"""Property-based tests of the MVCC storage against a reference model.

A hypothesis state machine opens up to four transactions (mostly SNAPSHOT_ISOLATION, some READ_COMMITTED) and
interleaves their reads and writes in one thread. The model keeps every committed state by commit timestamp, the
timestamp of the last committed write of every entity, and each open transaction's own writes (an overlay of
whole entity records). From it the test predicts

* what every read of every open transaction returns (its snapshot, or the newest committed state under
  READ_COMMITTED, overlaid with its own writes);
* when a write must fail with a write-write conflict (SNAPSHOT_ISOLATION: the entity is written by another open
  transaction, or its last write committed after this transaction began);
* whether a commit fails (DELETE of a node that still has relationships), and the state after it;
* that the storage holds exactly the model's state, one version per entity, once no transaction is open.

READ_COMMITTED writers wait for other writers, which would block in one thread: the machine skips a READ_COMMITTED
write to an entity another open transaction has written, except once in some examples, where it expects the
wait to time out (the storage is made with a 50 ms lock timeout). Waiting that succeeds, and deadlocks, are covered
by threaded tests in test_transactions.py.

The machine runs against both engines (the conformance suite): `MemoryMVCCMachine` and `DiskMVCCMachine`; the disk
engine offers snapshot isolation only, so there every transaction is a SNAPSHOT_ISOLATION one. Entity handles are
resolved by id in each transaction (the disk engine loads its own per transaction).
"""
from __future__ import annotations

import shutil
import tempfile
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from graphplex.databases.errors import ConstraintError, TransactionError, TransientError
from graphplex.databases.storage import BOTH, IN, OUT, SchemaChange, Status, Storage
from graphplex.databases.storage.disk.storage import DiskStorage

SI = "SNAPSHOT_ISOLATION"
RC = "READ_COMMITTED"

LABELS = ("L", "M")
KEYS = ("k", "j")
TYPES = ("R", "S")
# Mixed types on purpose: 1 and 1.0 are equal, True and 1 are not, "1" and 1 are not.
VALUES = (0, 1, 2, 1.0, 2.5, True, False, "a", "ab", "b", "1")
# (lower, upper, lower_inclusive, upper_inclusive): bounds of one type group, at least one bound.
RANGES = (
    (1, None, True, True), (1, None, False, True), (None, 1, True, False), (None, 1.0, True, True),
    (0, 2, True, False), (0.5, 2.5, False, True), ("a", None, True, True), (None, "ab", True, True),
    ("a", "b", False, False), (False, True, True, True), (True, None, True, True),
)
PREFIXES = ("", "a", "ab", "1", "z")



class EngineStorage:
    """A storage of the named engine ("memory" or "disk", the latter in a directory of its own) and its removal."""

    def __init__(self, engine: str, lock_acquisition_timeout: float = 60.0) -> None:
        self.directory = None
        if engine == "memory":
            self.storage = Storage(lock_acquisition_timeout=lock_acquisition_timeout)
        else:
            self.directory = tempfile.mkdtemp(prefix="graphplex-mvcc-")
            self.storage = DiskStorage(Path(self.directory), "mvcc", lock_acquisition_timeout)

    def close(self) -> None:
        for txn in self.storage.active_transactions():
            if txn.is_open:
                txn.rollback()
        self.storage.close()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)


NodeRec = namedtuple("NodeRec", "labels props")
EdgeRec = namedtuple("EdgeRec", "type src dst props")

OUTDATED = "Neo.TransientError.Transaction.Outdated"
LOCK_TIMEOUT = "Neo.TransientError.Transaction.LockAcquisitionTimeout"
HAS_RELATIONSHIPS = ("Cannot delete node<{}>, because it still has relationships. To delete this node, you must "
                     "first delete its relationships.")


def group(value) -> int:
    """Cypher's comparability groups: booleans, numbers, strings never equal or order against each other."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, (int, float)):
        return 1
    return 2


def cypher_equal(a, b) -> bool:
    return a is not None and b is not None and group(a) == group(b) and a == b


def in_range(value, lower, upper, lower_inclusive, upper_inclusive) -> bool:
    if value is None:
        return False
    bound = lower if lower is not None else upper
    if group(value) != group(bound):
        return False
    if lower is not None and (value < lower or (value == lower and not lower_inclusive)):
        return False
    if upper is not None and (value > upper or (value == upper and not upper_inclusive)):
        return False
    return True


def typed(props: dict) -> dict:
    """Props with their types, so that 1, 1.0 and True are told apart."""
    return {key: (type(value), value) for key, value in props.items()}


@dataclass(eq=False)
class ModelTxn:
    txn: object
    isolation: str
    start_ts: int
    overlay: dict = field(default_factory=dict)  # ("n"|"e", gid) -> NodeRec | EdgeRec | None (deleted)
    deleted_without_detach: list = field(default_factory=list)


class MVCCMachine(RuleBasedStateMachine):
    MAX_OPEN = 4
    ENGINE = "memory"
    LEVELS = (SI, RC)  # the isolation levels the engine offers

    def __init__(self) -> None:
        super().__init__()
        self.engine = EngineStorage(self.ENGINE, lock_acquisition_timeout=0.05)
        self.storage = self.engine.storage
        self.history: dict[int, dict] = {0: {}}  # commit ts -> committed state {key: record}
        self.ts = 0
        self.last_write: dict[tuple, int] = {}  # key -> commit ts of its last committed write
        self.open: list[ModelTxn] = []
        self.vertex_objects: dict = {}
        self.edge_objects: dict = {}
        self.index_created = False
        self.failures = 0
        self.may_time_out = False  # one READ_COMMITTED write per example may wait for its lock and time out

    # --- model ---------------------------------------------------------------------------------------------

    @property
    def latest(self) -> dict:
        return self.history[self.ts]

    def base(self, t: ModelTxn) -> dict:
        return self.history[t.start_ts] if t.isolation == SI else self.latest

    def view(self, t: ModelTxn) -> dict:
        state = dict(self.base(t))
        for key, record in t.overlay.items():
            if record is None:
                state.pop(key, None)
            else:
                state[key] = record
        return state

    def conflicts(self, t: ModelTxn, key) -> bool:
        """Whether a SNAPSHOT_ISOLATION write of `key` by `t` must fail."""
        if key in t.overlay:
            return False
        if any(key in other.overlay for other in self.open if other is not t):
            return True
        return self.last_write.get(key, 0) > t.start_ts

    def would_wait(self, t: ModelTxn, keys) -> bool:
        """Whether a READ_COMMITTED write would wait for another open writer (skipped: one thread)."""
        return any(key not in t.overlay and any(key in other.overlay for other in self.open if other is not t)
                   for key in keys)

    def txn_at(self, index: int) -> ModelTxn:
        """The open transaction at `index` (modulo); begins one when none is open."""
        if not self.open:
            self.begin(SI)
        return self.open[index % len(self.open)]

    @staticmethod
    def pick(keys, index: int):
        keys = sorted(keys)
        return keys[index % len(keys)] if keys else None

    def visible(self, t: ModelTxn, kind: str) -> dict:
        return {key[1]: record for key, record in self.view(t).items() if key[0] == kind}

    def write(self, t: ModelTxn, keys, action):
        """Runs a write touching `keys`. Returns (True, result) when the model says it succeeds; when the model
        says it fails (a SNAPSHOT_ISOLATION conflict, or a READ_COMMITTED lock wait that times out), checks the
        error and that the transaction is marked for rollback, finishes it, and returns (False, None)."""
        if t.isolation == RC:
            if not self.would_wait(t, keys):
                return True, action()
            if not self.may_time_out:
                event("READ_COMMITTED write skipped: it would wait")
                return False, None
            self.may_time_out = False
            event("READ_COMMITTED write timed out waiting for its lock")
            expected_code = LOCK_TIMEOUT
        elif any(self.conflicts(t, key) for key in keys):
            event("write-write conflict")
            expected_code = OUTDATED
        else:
            return True, action()
        with pytest.raises(TransientError) as caught:
            action()
        assert caught.value.code == expected_code
        assert caught.value.is_retryable()
        assert t.txn.status is Status.MARKED_FOR_ROLLBACK
        with pytest.raises(TransactionError):
            t.txn.create_vertex(["L"])
        self.failures += 1
        self.open.remove(t)
        if self.failures % 2:
            with pytest.raises(TransactionError):
                t.txn.commit()  # a failed commit rolls back
        else:
            t.txn.rollback()
        assert t.txn.status is Status.ROLLED_BACK
        self.check_fresh_reader()
        return False, None

    # --- rules ---------------------------------------------------------------------------------------------

    @initialize(nodes=st.lists(st.tuples(st.sets(st.sampled_from(LABELS)),
                                         st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=2)),
                               min_size=1, max_size=4),
                edges=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.sampled_from(TYPES)), max_size=4),
                concurrent=st.lists(st.sampled_from((SI, RC)), min_size=1, max_size=3),
                may_time_out=st.sampled_from((True, False, False, False)))
    def initial_graph(self, nodes, edges, concurrent, may_time_out):
        """A committed graph that the concurrent transactions begun next all see (and fight over)."""
        t = self.txn_at(0)
        for labels, props in nodes:
            self.create_vertex(0, labels, props)
        for src, dst, type_ in edges:
            self.create_edge(0, src, dst, type_, {})
        self.commit(0)
        for isolation in concurrent:
            self.begin(isolation)
        assert t.txn.status is Status.COMMITTED
        self.may_time_out = may_time_out

    @precondition(lambda self: len(self.open) < self.MAX_OPEN)
    @rule(isolation=st.sampled_from((SI, SI, RC)))
    def begin(self, isolation):
        if isolation not in self.LEVELS:
            isolation = SI
        txn = self.storage.begin(isolation)
        assert txn.start_ts == self.ts
        self.open.append(ModelTxn(txn, isolation, self.ts))

    @rule(ti=st.integers(0, 3), labels=st.sets(st.sampled_from(LABELS)),
          props=st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=2))
    def create_vertex(self, ti, labels, props):
        t = self.txn_at(ti)
        vertex = t.txn.create_vertex(sorted(labels), props)
        assert vertex.gid not in self.vertex_objects
        self.vertex_objects[vertex.gid] = vertex
        t.overlay[("n", vertex.gid)] = NodeRec(frozenset(labels), dict(props))

    @rule(ti=st.integers(0, 3), pick=st.integers(0, 10**6), key=st.sampled_from(KEYS),
          value=st.sampled_from(VALUES + (None,)))
    def set_vertex_property(self, ti, pick, key, value):
        t = self.txn_at(ti)
        gid = self.pick(self.visible(t, "n"), pick)
        if gid is None:
            return
        record = self.view(t)[("n", gid)]
        done, _ = self.write(t, [("n", gid)],
                             lambda: t.txn.set_property(t.txn.vertex(gid), key, value))
        if done:
            props = dict(record.props)
            if value is None:
                props.pop(key, None)
            else:
                props[key] = value
            t.overlay[("n", gid)] = record._replace(props=props)

    @rule(ti=st.integers(0, 3), pick=st.integers(0, 10**6), label=st.sampled_from(LABELS), add=st.booleans())
    def change_label(self, ti, pick, label, add):
        t = self.txn_at(ti)
        gid = self.pick(self.visible(t, "n"), pick)
        if gid is None:
            return
        record = self.view(t)[("n", gid)]
        vertex = t.txn.vertex(gid)
        action = (lambda: t.txn.add_labels(vertex, [label])) if add else (lambda: t.txn.remove_labels(vertex, [label]))
        done, changed = self.write(t, [("n", gid)], action)
        if done:
            assert changed == int((label not in record.labels) if add else (label in record.labels))
            labels = record.labels | {label} if add else record.labels - {label}
            t.overlay[("n", gid)] = record._replace(labels=frozenset(labels))

    @rule(ti=st.integers(0, 3), pick=st.integers(0, 10**6))
    def lock_vertex(self, ti, pick):
        t = self.txn_at(ti)
        gid = self.pick(self.visible(t, "n"), pick)
        if gid is None:
            return
        record = self.view(t)[("n", gid)]
        done, locked = self.write(t, [("n", gid)], lambda: t.txn.lock(t.txn.vertex(gid)))
        if done:
            assert locked is True
            t.overlay[("n", gid)] = record

    @rule(ti=st.integers(0, 3), src=st.integers(0, 10**6), dst=st.integers(0, 10**6),
          type_=st.sampled_from(TYPES),
          props=st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=1))
    def create_edge(self, ti, src, dst, type_, props):
        t = self.txn_at(ti)
        nodes = self.visible(t, "n")
        src, dst = self.pick(nodes, src), self.pick(nodes, dst)
        if src is None:
            return
        view = self.view(t)
        keys = list(dict.fromkeys([("n", src), ("n", dst)]))
        done, edge = self.write(t, keys, lambda: t.txn.create_edge(
            t.txn.vertex(src), t.txn.vertex(dst), type_, props))
        if done:
            assert edge.gid not in self.edge_objects
            assert (edge.src.gid, edge.dst.gid, edge.type) == (src, dst, type_)
            self.edge_objects[edge.gid] = edge
            for key in keys:
                t.overlay[key] = view[key]
            t.overlay[("e", edge.gid)] = EdgeRec(type_, src, dst, dict(props))

    @rule(ti=st.integers(0, 3), pick=st.integers(0, 10**6), key=st.sampled_from(KEYS),
          value=st.sampled_from(VALUES + (None,)))
    def set_edge_property(self, ti, pick, key, value):
        t = self.txn_at(ti)
        gid = self.pick(self.visible(t, "e"), pick)
        if gid is None:
            return
        record = self.view(t)[("e", gid)]
        done, _ = self.write(t, [("e", gid)], lambda: t.txn.set_property(t.txn.edge(gid), key, value))
        if done:
            props = dict(record.props)
            if value is None:
                props.pop(key, None)
            else:
                props[key] = value
            t.overlay[("e", gid)] = record._replace(props=props)

    @rule(ti=st.integers(0, 3), pick=st.integers(0, 10**6))
    def delete_edge(self, ti, pick):
        t = self.txn_at(ti)
        gid = self.pick(self.visible(t, "e"), pick)
        if gid is None:
            return
        done, deleted = self.write(t, [("e", gid)], lambda: t.txn.delete_edge(t.txn.edge(gid)))
        if done:
            assert deleted is True
            t.overlay[("e", gid)] = None

    @rule(ti=st.integers(0, 3), pick=st.integers(0, 10**6), detach=st.booleans())
    def delete_vertex(self, ti, pick, detach):
        t = self.txn_at(ti)
        gid = self.pick(self.visible(t, "n"), pick)
        if gid is None:
            return
        incident = sorted(egid for egid, record in self.visible(t, "e").items() if gid in (record.src, record.dst))
        keys = [("n", gid)] + ([("e", egid) for egid in incident] if detach else [])
        done, removed = self.write(t, keys, lambda: t.txn.delete_vertex(t.txn.vertex(gid), detach=detach))
        if done:
            assert sorted(edge.gid for edge in removed) == (incident if detach else [])
            for key in keys:
                t.overlay[key] = None
            if not detach:
                t.deleted_without_detach.append(gid)

    @rule(ti=st.integers(0, 3))
    def commit(self, ti):
        t = self.txn_at(ti)
        self.open.remove(t)
        after = dict(self.latest)
        for key, record in t.overlay.items():
            if record is None:
                after.pop(key, None)
            else:
                after[key] = record
        still_related = [gid for gid in t.deleted_without_detach
                         if any(key[0] == "e" and gid in (record.src, record.dst) for key, record in after.items())]
        if still_related:
            event("commit refused: deleted node still has relationships")
            with pytest.raises(ConstraintError) as caught:
                t.txn.commit()
            assert caught.value.message == HAS_RELATIONSHIPS.format(still_related[0])
            assert t.txn.status is Status.ROLLED_BACK
        else:
            ts = t.txn.commit()
            assert t.txn.status is Status.COMMITTED
            if not t.overlay:
                assert ts is None
            else:
                event(f"commit of a {t.isolation} writer")
                assert ts == self.ts + 1
                self.ts = ts
                self.history[ts] = after
                for key in t.overlay:
                    self.last_write[key] = ts
        self.check_fresh_reader()

    @rule(ti=st.integers(0, 3))
    def rollback(self, ti):
        t = self.txn_at(ti)
        self.open.remove(t)
        t.txn.rollback()
        assert t.txn.status is Status.ROLLED_BACK
        self.check_fresh_reader()

    @precondition(lambda self: not self.index_created)
    @rule()
    def create_index(self):
        txn = self.storage.begin()
        assert txn.change_schema(SchemaChange("create_index", label="L", properties=("k",)))
        ts = txn.commit()
        assert ts == self.ts + 1
        self.ts = ts
        self.history[ts] = dict(self.history[ts - 1])
        self.index_created = True
        assert self.storage.indexes.find("NODE", "L", ("k",)) is not None

    @rule()
    def commit_all(self):
        while self.open:
            self.commit(0)

    # --- checks --------------------------------------------------------------------------------------------

    def check_fresh_reader(self):
        """Atomicity: a transaction begun now sees exactly the newest committed state, at either level."""
        for isolation in self.LEVELS:
            reader = ModelTxn(self.storage.begin(isolation), isolation, self.ts)
            self.check_reads(reader)
            assert reader.txn.commit() is None

    @invariant()
    def every_open_transaction_reads_its_view(self):
        for t in self.open:
            self.check_reads(t)

    def check_reads(self, t: ModelTxn):
        txn = t.txn
        view = self.view(t)
        nodes = {key[1]: record for key, record in view.items() if key[0] == "n"}
        edges = {key[1]: record for key, record in view.items() if key[0] == "e"}
        assert sorted(v.gid for v in txn.vertices()) == sorted(nodes)
        assert sorted(e.gid for e in txn.edges()) == sorted(edges)
        for gid, vertex in self.vertex_objects.items():
            assert (txn.vertex(gid) is not None) == (gid in nodes), gid
            if gid in nodes:  # one handle per entity in a transaction (in memory, one for all)
                assert txn.vertex(gid) is txn.vertex(gid)
                assert self.ENGINE != "memory" or txn.vertex(gid) is vertex
        for gid, edge in self.edge_objects.items():
            assert (txn.edge(gid) is not None) == (gid in edges), gid
            if gid in edges:
                assert self.ENGINE != "memory" or txn.edge(gid) is edge
        for gid, record in nodes.items():
            vertex = txn.vertex(gid)
            assert txn.labels(vertex) == record.labels
            assert typed(txn.properties(vertex)) == typed(record.props)
            for key in KEYS:
                assert typed({key: txn.property(vertex, key)}) == typed({key: record.props.get(key)})
            outgoing = sorted((e, r.dst) for e, r in edges.items() if r.src == gid)
            incoming = sorted((e, r.src) for e, r in edges.items() if r.dst == gid)
            both = sorted(outgoing + [(e, other) for e, other in incoming if edges[e].src != edges[e].dst])
            assert sorted((e.gid, o.gid) for e, o in txn.expand(vertex, OUT)) == outgoing
            assert sorted((e.gid, o.gid) for e, o in txn.expand(vertex, IN)) == incoming
            assert sorted((e.gid, o.gid) for e, o in txn.expand(vertex, BOTH)) == both
            assert txn.degree(vertex, BOTH) == len(both)
            assert sorted((e.gid, o.gid) for e, o in txn.expand(vertex, OUT, ["R"])) == \
                [(e, o) for e, o in outgoing if edges[e].type == "R"]
        for gid, record in edges.items():
            edge = txn.edge(gid)
            assert typed(txn.properties(edge)) == typed(record.props)
        for type_ in TYPES:
            assert sorted(e.gid for e in txn.edges_with_type(type_)) == \
                sorted(g for g, r in edges.items() if r.type == type_)
        for label in LABELS:
            assert sorted(v.gid for v in txn.vertices_with_label(label)) == \
                sorted(g for g, r in nodes.items() if label in r.labels)
        labelled = {g: r.props.get("k") for g, r in nodes.items() if "L" in r.labels}
        for value in VALUES:
            found = sorted(v.gid for v in txn.vertices_by_property("L", "k", value))
            assert found == sorted(g for g, k in labelled.items() if cypher_equal(k, value)), value
            # The index (when there is one) agrees with a label scan of the same transaction.
            assert found == sorted(v.gid for v in txn.vertices_with_label("L")
                                   if cypher_equal(txn.property(v, "k"), value))
        for lower, upper, li, ui in RANGES:
            found = sorted(v.gid for v in txn.vertices_by_range("L", "k", lower, upper, li, ui))
            assert found == sorted(g for g, k in labelled.items() if in_range(k, lower, upper, li, ui)), \
                (lower, upper, li, ui)
        for prefix in PREFIXES:
            found = sorted(v.gid for v in txn.vertices_by_prefix("L", "k", prefix))
            assert found == sorted(g for g, k in labelled.items() if isinstance(k, str) and k.startswith(prefix))

    @invariant()
    def quiescent_storage_holds_exactly_the_model(self):
        """With no transaction open: garbage collected, one version per entity, nothing deleted left behind."""
        if self.open:
            return
        event("quiescent storage checked" + (" (with index)" if self.index_created else ""))
        storage = self.storage
        assert storage.active_transactions() == []
        latest = self.latest
        assert storage.counts() == (sum(key[0] == "n" for key in latest), sum(key[0] == "e" for key in latest))
        if self.ENGINE == "memory":
            self.check_memory_internals(latest)
        else:
            assert storage.locks == {}

    def check_memory_internals(self, latest: dict) -> None:
        storage = self.storage
        assert storage.gc.pending == 0
        assert sorted(storage.vertices) == sorted(key[1] for key in latest if key[0] == "n")
        assert sorted(storage.edges) == sorted(key[1] for key in latest if key[0] == "e")
        for entity in list(storage.vertices.values()) + list(storage.edges.values()):
            assert entity.head is not None and not entity.head.deleted
            assert entity.head.older is None, entity
            assert entity.head.owner.commit_ts is not None
        for gid, vertex in storage.vertices.items():
            record = latest[("n", gid)]
            assert vertex.head.labels == record.labels and typed(vertex.head.props) == typed(record.props)
            for adjacency, end in ((vertex.out, "src"), (vertex.inc, "dst")):
                held = sorted(e.gid for bucket in (adjacency or {}).values() for e in bucket)
                assert held == sorted(key[1] for key, r in latest.items()
                                      if key[0] == "e" and getattr(r, end) == gid)
        for gid, edge in storage.edges.items():
            record = latest[("e", gid)]
            assert (edge.type, edge.src.gid, edge.dst.gid) == (record.type, record.src, record.dst)
            assert typed(edge.head.props) == typed(record.props)

    def teardown(self):
        for t in self.open:
            if t.txn.is_open:
                t.txn.rollback()
        self.engine.close()


class MemoryMVCCMachine(MVCCMachine):
    ENGINE = "memory"


class DiskMVCCMachine(MVCCMachine):
    ENGINE = "disk"
    LEVELS = (SI,)


# The default run takes a share of the examples (the on-disk machine alone took 54 s of a ten-minute budget at 200);
# the slow run takes them all.
MACHINE_SETTINGS = settings(max_examples=200, stateful_step_count=50, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
MemoryMVCCMachine.TestCase.settings = settings(MACHINE_SETTINGS, max_examples=100)
DiskMVCCMachine.TestCase.settings = settings(MACHINE_SETTINGS, max_examples=60)
TestMVCCAgainstModelInMemory = MemoryMVCCMachine.TestCase
TestMVCCAgainstModelOnDisk = DiskMVCCMachine.TestCase


@pytest.mark.slow
class TestMVCCAgainstModelInMemoryLonger(MemoryMVCCMachine.TestCase):
    settings = MACHINE_SETTINGS


@pytest.mark.slow
class TestMVCCAgainstModelOnDiskLonger(DiskMVCCMachine.TestCase):
    settings = MACHINE_SETTINGS


# --- seeks over arbitrary values, with and without an index ----------------------------------------------------

SCALARS = st.one_of(st.booleans(), st.integers(-5, 5), st.floats(-5, 5, allow_nan=False).map(lambda f: round(f, 1)),
                    st.sampled_from(["", "a", "ab", "abc", "b", "ba", "1", "10"]))
BOUNDS = st.one_of(
    st.tuples(st.integers(-5, 5) | st.floats(-5, 5, allow_nan=False), st.none()),
    st.tuples(st.none(), st.integers(-5, 5) | st.floats(-5, 5, allow_nan=False)),
    st.tuples(st.integers(-5, 5), st.floats(-5, 5, allow_nan=False)),
    st.tuples(st.sampled_from(["", "a", "ab", "b"]), st.sampled_from([None, "a", "abc", "c"])),
    st.tuples(st.booleans(), st.booleans() | st.none()),
)


@settings(max_examples=150, deadline=None)
@given(committed_values=st.lists(SCALARS | st.none(), max_size=12),
       own_writes=st.lists(st.tuples(SCALARS, SCALARS | st.none()), max_size=4),
       probes=st.lists(SCALARS, min_size=1, max_size=5),
       bounds=st.lists(BOUNDS, min_size=1, max_size=4),
       inclusive=st.tuples(st.booleans(), st.booleans()),
       prefixes=st.lists(st.sampled_from(["", "a", "ab", "b", "1"]), max_size=3),
       with_index=st.booleans())
@pytest.mark.parametrize("engine", ["memory", "disk"])
def test_seeks_agree_with_a_filtered_label_scan(engine, committed_values, own_writes, probes, bounds, inclusive,
                                                prefixes, with_index):
    """Equality, range and prefix seeks return exactly the nodes a label scan with Cypher's comparison finds, for the
    committed values and a transaction's own (uncommitted, partly overwritten) values, with or without an index."""
    made = EngineStorage(engine)
    try:
        check_seeks(made.storage, committed_values, own_writes, probes, bounds, inclusive, prefixes, with_index)
    finally:
        made.close()


def check_seeks(storage, committed_values, own_writes, probes, bounds, inclusive, prefixes, with_index):
    if with_index:
        txn = storage.begin()
        txn.change_schema(SchemaChange("create_index", label="L", properties=("k",)))
        txn.commit()
    txn = storage.begin()
    nodes = [txn.create_vertex(["L"], {} if value is None else {"k": value}).gid for value in committed_values]
    txn.create_vertex(["Other"], {"k": 1})
    txn.commit()
    writer, reader = storage.begin(), storage.begin()
    expected_writer = dict(zip(nodes, committed_values))
    for i, (detour, value) in enumerate(own_writes):
        if nodes and i % 2 == 0:
            gid = nodes[i % len(nodes)]
            writer.set_property(writer.vertex(gid), "k", detour)  # an overwritten value: seeks must not report it
            writer.set_property(writer.vertex(gid), "k", value)
        else:
            gid = writer.create_vertex(["L"], {} if value is None else {"k": value}).gid
        expected_writer[gid] = value
    expected_reader = dict(zip(nodes, committed_values))
    for txn, expected in ((writer, expected_writer), (reader, expected_reader)):
        def ids(entities):
            return sorted(entity.gid for entity in entities)
        for probe in probes:
            assert ids(txn.vertices_by_property("L", "k", probe)) == \
                sorted(v for v, k in expected.items() if cypher_equal(k, probe)), probe
        for lower, upper in bounds:
            args = (lower, upper, *inclusive)
            assert ids(txn.vertices_by_range("L", "k", *args)) == \
                sorted(v for v, k in expected.items() if in_range(k, *args)), args
        for prefix in prefixes:
            assert ids(txn.vertices_by_prefix("L", "k", prefix)) == \
                sorted(v for v, k in expected.items() if isinstance(k, str) and k.startswith(prefix)), prefix
    writer.commit()
    reader.commit()
