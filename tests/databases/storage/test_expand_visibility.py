"""`Transaction.expand` resolves each relationship's version itself (no `view` call per pair): these pin that it
still answers what `view` answers — a snapshot's relationships only, its own creations and deletions, other
writers' uncommitted ones under READ_UNCOMMITTED, a read filter's hiding — and that a self-loop appears once."""
import pytest

from graphplex.databases.storage import BOTH, IN, OUT, IsolationLevel, Storage


def _star(storage):
    """a -> b, a -> c, a self-loop on a; committed."""
    txn = storage.begin()
    a, b, c = (txn.create_vertex(["N"], {"k": k}) for k in "abc")
    ab, ac, aa = txn.create_edge(a, b, "R"), txn.create_edge(a, c, "R"), txn.create_edge(a, a, "S")
    txn.commit()
    return a, b, c, ab, ac, aa


def _edges(txn, vertex, direction=OUT, types=None):
    return sorted(edge.gid for edge, _ in txn.expand(vertex, direction, types))


def test_a_snapshot_does_not_see_relationships_committed_after_it_began():
    storage = Storage()
    a, b, _, ab, ac, aa = _star(storage)
    reader = storage.begin()
    writer = storage.begin()
    new = writer.create_edge(writer.vertex(a.gid), writer.vertex(b.gid), "R")
    writer.delete_edge(writer.edge(ac.gid))
    writer.commit()
    assert _edges(reader, a, OUT, ("R",)) == sorted([ab.gid, ac.gid])
    assert _edges(storage.begin(), a, OUT, ("R",)) == sorted([ab.gid, new.gid])


def test_own_creations_and_deletions_are_seen_by_the_writer_only():
    storage = Storage()
    a, b, _, ab, ac, aa = _star(storage)
    writer = storage.begin()
    new = writer.create_edge(a, b, "R")
    writer.delete_edge(ab)
    assert _edges(writer, a, OUT, ("R",)) == sorted([ac.gid, new.gid])
    assert [edge.gid for edge, _ in writer.expand(b, IN)] == [new.gid]
    other = storage.begin()
    assert _edges(other, a, OUT, ("R",)) == sorted([ab.gid, ac.gid])


def test_read_uncommitted_sees_another_writers_uncommitted_relationship():
    storage = Storage(isolation_level=IsolationLevel.READ_UNCOMMITTED)
    a, b, _, ab, ac, aa = _star(storage)
    writer = storage.begin()
    new = writer.create_edge(a, b, "R")
    assert new.gid in _edges(storage.begin(), a, OUT, ("R",))
    writer.rollback()
    assert new.gid not in _edges(storage.begin(), a, OUT, ("R",))


def test_a_read_filter_hides_relationships_from_expand():
    storage = Storage()
    a, _, _, ab, ac, aa = _star(storage)
    reader = storage.begin()
    reader.read_filter = lambda view, entity, version: None if entity is ab else version
    assert _edges(reader, a, OUT, ("R",)) == [ac.gid]
    assert reader.far_ends(a, OUT, ("R",)) == [ac.dst]


@pytest.mark.parametrize("direction, expected", [(OUT, 3), (IN, 1), (BOTH, 3)])
def test_a_self_loop_appears_once_in_every_direction(direction, expected):
    storage = Storage()
    a, *_, aa = _star(storage)
    pairs = storage.begin().expand(a, direction)
    assert len(pairs) == expected
    assert [edge for edge, _ in pairs].count(aa) == 1


def test_types_select_the_buckets_in_any_number():
    storage = Storage()
    a, _, _, ab, ac, aa = _star(storage)
    txn = storage.begin()
    assert _edges(txn, a, OUT, ("S",)) == [aa.gid]
    assert _edges(txn, a, OUT, ("R", "S")) == sorted([ab.gid, ac.gid, aa.gid])
    assert _edges(txn, a, OUT, ("T",)) == []
    assert _edges(txn, a, OUT, ()) == []
