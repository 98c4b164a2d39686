"""The commit rules both engines share (validation against what the graph will be once the transaction commits,
the conflicts a new relationship causes, the end of a transaction), run against each engine through `engine`.

The rules live in the engines' `mvcc` modules (`still_related`, `lock_ends`) and in
`TransactionState.validate_commit`; these tests hold both engines to one behaviour."""
import pytest

from graphplex.databases.errors import ConstraintError, TransactionError, TransientError
from graphplex.databases.storage import UNIQUENESS, SchemaChange, Status

HAS_RELATIONSHIPS = ("Cannot delete node<{}>, because it still has relationships. To delete this node, you must "
                     "first delete its relationships.")


def committed(storage, fn):
    txn = storage.begin()
    result = fn(txn)
    txn.commit()
    return result


def gids(entities):
    return sorted(entity.gid for entity in entities)


def test_a_node_given_a_relationship_by_its_own_deleter_cannot_be_deleted_without_detach(engine):
    storage = engine()
    a, b = committed(storage, lambda t: (t.create_vertex(["A"]).gid, t.create_vertex(["B"]).gid))
    txn = storage.begin()
    txn.create_edge(txn.vertex(a), txn.vertex(b), "R")
    txn.delete_vertex(txn.vertex(b))
    with pytest.raises(ConstraintError) as caught:
        txn.commit()
    assert caught.value.message == HAS_RELATIONSHIPS.format(b)
    assert txn.status is Status.ROLLED_BACK
    reader = storage.begin()
    assert gids(reader.vertices()) == [a, b] and list(reader.edges()) == []


def test_a_node_whose_own_new_relationship_is_deleted_again_may_be_deleted(engine):
    storage = engine()
    a, b = committed(storage, lambda t: (t.create_vertex(["A"]).gid, t.create_vertex(["B"]).gid))
    txn = storage.begin()
    edge = txn.create_edge(txn.vertex(a), txn.vertex(b), "R")
    assert txn.delete_edge(edge) is True
    txn.delete_vertex(txn.vertex(b))
    txn.commit()
    reader = storage.begin()
    assert gids(reader.vertices()) == [a] and list(reader.edges()) == []


def test_a_snapshot_older_than_a_new_relationship_cannot_delete_its_end_node(engine):
    storage = engine()
    a, b = committed(storage, lambda t: (t.create_vertex(["A"]).gid, t.create_vertex(["B"]).gid))
    deleter = storage.begin()
    assert deleter.vertex(b) is not None
    committed(storage, lambda t: t.create_edge(t.vertex(a), t.vertex(b), "R"))
    with pytest.raises(TransientError) as caught:
        deleter.delete_vertex(deleter.vertex(b))
    assert caught.value.code == "Neo.TransientError.Transaction.Outdated"
    assert deleter.status is Status.MARKED_FOR_ROLLBACK
    deleter.rollback()
    reader = storage.begin()
    assert len(list(reader.edges())) == 1


def test_an_open_relationship_creator_holds_both_end_nodes(engine):
    storage = engine()
    a, b = committed(storage, lambda t: (t.create_vertex(["A"]).gid, t.create_vertex(["B"]).gid))
    creator = storage.begin()
    creator.create_edge(creator.vertex(a), creator.vertex(b), "R")
    other = storage.begin()
    with pytest.raises(TransientError) as caught:
        other.delete_vertex(other.vertex(b))
    assert caught.value.code == "Neo.TransientError.Transaction.Outdated"
    other.rollback()
    creator.commit()


def test_uniqueness_sees_a_committed_holder_that_the_committer_moved_off_the_value(engine):
    storage = engine()
    schema = storage.begin()
    assert schema.change_schema(SchemaChange("create_constraint", label="Book", properties=("isbn",),
                                             kind=UNIQUENESS))
    schema.commit()
    first = committed(storage, lambda t: t.create_vertex(["Book"], {"isbn": "1"}).gid)
    txn = storage.begin()
    txn.set_property(txn.vertex(first), "isbn", "2")
    txn.create_vertex(["Book"], {"isbn": "1"})
    txn.commit()
    reader = storage.begin()
    assert sorted(reader.property(v, "isbn") for v in reader.vertices_with_label("Book")) == ["1", "2"]


def test_a_relationship_seek_skips_own_relationships_of_another_type_with_the_value(engine):
    storage = engine()
    committed(storage, lambda t: t.change_schema(SchemaChange("create_index", label="R", properties=("k",),
                                                              entity_type="RELATIONSHIP")))
    txn = storage.begin()
    a = txn.create_vertex()
    wanted = txn.create_edge(a, a, "R", {"k": 1})
    txn.create_edge(a, a, "S", {"k": 1})
    assert gids(txn.edges_by_property("R", "k", 1)) == [wanted.gid]
    assert gids(txn.edges_by_property("S", "k", 1)) == [wanted.gid + 1]


def test_a_committed_transaction_cannot_be_rolled_back_and_a_rolled_back_one_rolls_back_again(engine):
    storage = engine()
    txn = storage.begin()
    txn.create_vertex()
    txn.commit()
    with pytest.raises(TransactionError) as caught:
        txn.rollback()
    assert caught.value.message == "The transaction is committed and cannot be rolled back."
    other = storage.begin()
    other.create_vertex()
    other.rollback()
    other.rollback()
    assert other.status is Status.ROLLED_BACK
    reader = storage.begin()
    assert len(list(reader.vertices())) == 1
