"""The fast path of `Transaction.expand` and `expand_each` (`edge_changes`: no per-relationship visibility check while
nothing changed that a snapshot could miss) answers exactly what the visibility rule answers.

A hypothesis state machine builds a random committed graph, then interleaves transactions of every isolation level
that create and delete relationships, commit, roll back or stay open (snapshots held open keep deleted relationships
from the garbage collector). After every step, each open transaction's `expand` of every node in every direction is
compared with the definition: the node's adjacency filtered by `mvcc.read_version`; so are the other ends
`far_ends` gives, with and without a relationship to skip.
"""
from __future__ import annotations

import gc

import pytest
from hypothesis import event, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from graphplex.databases.errors import Neo4jError
from graphplex.databases.storage import BOTH, IN, OUT, Status, Storage
from graphplex.databases.storage.mvcc import read_version

LEVELS = ("SNAPSHOT_ISOLATION", "READ_COMMITTED", "READ_UNCOMMITTED")
TYPES = ("R", "S")


def expected_pairs(txn, vertex, direction: str, types=None) -> list:
    """The definition: every relationship of the adjacency the transaction's snapshot sees, in adjacency order."""
    def side(adjacency):
        wanted = tuple((adjacency or {}).keys()) if types is None else types
        return [edge for type_ in wanted for edge in (adjacency or {}).get(type_, ())
                if read_version(edge.head, txn.info, txn.read_ts, txn.dirty) is not None]
    pairs = []
    if direction != IN:
        pairs += [(edge, edge.dst) for edge in side(vertex.out)]
    if direction != OUT:
        pairs += [(edge, edge.src) for edge in side(vertex.inc) if direction == IN or edge.src is not edge.dst]
    return pairs


class ExpandFastPathMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.open: list = []

    @initialize(nodes=st.integers(2, 6), edges=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5),
                                                                  st.sampled_from(TYPES)), max_size=12))
    def build(self, nodes, edges):
        self.storage = Storage()
        txn = self.storage.begin()
        self.vertices = [txn.create_vertex(["N"]) for _ in range(nodes)]
        for a, b, type_ in edges:
            txn.create_edge(self.vertices[a % nodes], self.vertices[b % nodes], type_)
        txn.commit()

    @precondition(lambda self: len(self.open) < 4)
    @rule(level=st.sampled_from(LEVELS))
    def begin(self, level):
        self.open.append(self.storage.begin(level))

    def _writer(self, index):
        txn = self.open[index % len(self.open)]
        return txn if txn.status is Status.ACTIVE else None

    def _attempt(self, txn, write):
        """A write that may conflict (snapshot isolation fails at once) or would have to wait (then it is not made:
        one thread cannot wait for itself)."""
        if txn.isolation.name != "SNAPSHOT_ISOLATION" and any(
                other is not txn and other.has_writes for other in self.open):
            return
        try:
            write()
        except Neo4jError:
            pass

    @precondition(lambda self: self.open)
    @rule(index=st.integers(0, 3), a=st.integers(0, 5), b=st.integers(0, 5), type_=st.sampled_from(TYPES))
    def create(self, index, a, b, type_):
        txn = self._writer(index)
        if txn is not None:
            src, dst = self.vertices[a % len(self.vertices)], self.vertices[b % len(self.vertices)]
            self._attempt(txn, lambda: txn.create_edge(src, dst, type_))

    @precondition(lambda self: self.open)
    @rule(index=st.integers(0, 3), pick=st.integers(0, 50))
    def delete(self, index, pick):
        txn = self._writer(index)
        edges = list(self.storage.edges.values())
        if txn is not None and edges:
            edge = edges[pick % len(edges)]
            self._attempt(txn, lambda: txn.delete_edge(edge))

    @precondition(lambda self: self.open)
    @rule(index=st.integers(0, 3), commit=st.booleans())
    def end(self, index, commit):
        txn = self.open.pop(index % len(self.open))
        if commit and txn.status is Status.ACTIVE:
            try:
                txn.commit()
            except Neo4jError:
                pass
        else:
            txn.rollback()

    @invariant()
    def expand_is_the_visibility_rule(self):
        if not hasattr(self, "storage"):
            return
        readers = [txn for txn in self.open if txn.is_open] + [self.storage.begin(level) for level in LEVELS]
        for txn in readers:
            event(f"fast path: {self.storage.edge_changes.settled(txn.read_ts)}")
            for vertex in self.vertices:
                for direction in (OUT, IN, BOTH):
                    assert txn.expand(vertex, direction) == expected_pairs(txn, vertex, direction)
                    assert txn.expand(vertex, direction, ["R"]) == expected_pairs(txn, vertex, direction, ("R",))
                    assert txn.expand(vertex, direction, ("S",)) == expected_pairs(txn, vertex, direction, ("S",))
                    pairs = expected_pairs(txn, vertex, direction)
                    for excluded in ((), tuple(edge for edge, _ in pairs[:1])):
                        assert txn.far_ends(vertex, direction, None, excluded) == \
                            [other for edge, other in pairs if edge not in excluded]
            for direction in (OUT, IN, BOTH):
                for types in (None, ("R",)):
                    each = [(vertex, [(edge, edge.dst if edge.src is vertex else edge.src) for edge in edges])
                            for vertex, edges in txn.expand_each(self.vertices, direction, types)]
                    assert each == [(vertex, expected_pairs(txn, vertex, direction, types)) for vertex in self.vertices]
        for txn in readers[len(readers) - len(LEVELS):]:
            txn.rollback()

    def teardown(self):
        for txn in getattr(self, "open", ()):
            txn.rollback()


@pytest.fixture(autouse=True, scope="module")
def _collector_off():
    """Python's cyclic collector is off while the machine runs: its full collections scan every object the tests
    before it left behind, and after the rest of the suite this module took 180 s of the default run instead of 3
    (the machine's own garbage is collected once, at the end)."""
    was_on = gc.isenabled()
    gc.disable()
    yield
    if was_on:
        gc.enable()
    gc.collect()


# The default run explores 50 histories (a few seconds: every step checks every node in every direction at every
# level); the slow run, 400.
ExpandFastPathMachine.TestCase.settings = settings(max_examples=50, stateful_step_count=25, deadline=None)
TestExpandFastPath = ExpandFastPathMachine.TestCase


class LongExpandFastPathMachine(ExpandFastPathMachine):
    """The same machine over more histories, for `pytest -m slow`."""


LongExpandFastPathMachine.TestCase.settings = settings(max_examples=400, stateful_step_count=25, deadline=None)
TestExpandFastPathLong = pytest.mark.slow(LongExpandFastPathMachine.TestCase)


def test_fast_path_is_taken_only_while_nothing_changed():
    """The fast path's own condition, step by step: an open writer, a commit after a snapshot, a deletion the
    collector has not taken yet each turn it off; it comes back when they are gone."""
    storage = Storage()
    setup = storage.begin()
    a, b = setup.create_vertex(), setup.create_vertex()
    edge = setup.create_edge(a, b, "R")
    setup.commit()
    changes = storage.edge_changes
    reader = storage.begin()
    assert changes.settled(reader.read_ts)
    writer = storage.begin()
    writer.create_edge(b, a, "R")
    assert not changes.settled(reader.read_ts)
    writer.commit()
    assert not changes.settled(reader.read_ts)  # committed after the reader's snapshot
    assert reader.expand(b) == []
    later = storage.begin()
    assert changes.settled(later.read_ts)
    deleter = storage.begin()
    deleter.delete_edge(edge)
    deleter.commit()
    assert changes.deleted == {edge}  # `reader` and `later` hold snapshots that still see it
    newest = storage.begin()
    assert not changes.settled(newest.read_ts) and newest.expand(a) == []
    assert [pair[0] for pair in later.expand(a)] == [edge]
    for txn in (reader, later, newest):
        txn.rollback()
    storage.gc.collect()
    assert not changes.deleted and changes.settled(storage.begin().read_ts)


def test_rolled_back_writer_stops_counting():
    storage = Storage()
    txn = storage.begin()
    a = txn.create_vertex()
    txn.commit()
    writer = storage.begin()
    writer.create_edge(a, a, "R")
    assert storage.edge_changes.writers == 1
    writer.rollback()
    assert storage.edge_changes.writers == 0 and storage.edge_changes.settled(storage.begin().read_ts)


class _RollbackOnRead(dict):
    """An adjacency that lets a writer roll back right after a reader took its relationships of a type: the other
    thread's step landing between the reader's snapshot of the adjacency and its look at `edge_changes`."""

    def __init__(self, adjacency: dict, writer) -> None:
        super().__init__(adjacency)
        self.writer = writer

    def get(self, key, default=None):
        found = super().get(key, default)
        if self.writer is not None:
            found = tuple(found or ())
            self._roll_back()
        return found

    def items(self):
        found = list(super().items())
        if self.writer is not None:
            found = [(key, tuple(edges)) for key, edges in found]
            self._roll_back()
        return iter(found)

    def _roll_back(self) -> None:
        writer, self.writer = self.writer, None  # the rollback reads this adjacency too
        writer.rollback()


def _rolled_back_under_a_reader(level: str):
    storage = Storage()
    setup = storage.begin()
    a, b = setup.create_vertex(), setup.create_vertex()
    setup.commit()
    writer = storage.begin()
    writer.create_edge(a, b, "R")
    reader = storage.begin(level)
    a.out = _RollbackOnRead(a.out, writer)
    return reader, a


@pytest.mark.parametrize("level", ("SNAPSHOT_ISOLATION", "READ_COMMITTED"))
def test_expand_never_answers_a_relationship_rolled_back_while_it_read_the_adjacency(level):
    reader, a = _rolled_back_under_a_reader(level)
    assert reader.expand(a, OUT, ("R",)) == []
    reader, a = _rolled_back_under_a_reader(level)
    assert reader.expand(a, OUT) == []


@pytest.mark.parametrize("level", ("SNAPSHOT_ISOLATION", "READ_COMMITTED"))
def test_expand_each_never_answers_a_relationship_rolled_back_while_it_read_the_adjacency(level):
    reader, a = _rolled_back_under_a_reader(level)
    assert [list(edges) for _, edges in reader.expand_each([a], OUT, ("R",))] == [[]]
