"""The write and read steps both engines take through one implementation (`TransactionState`, `records`), held to
one behaviour on each engine through `engine`: creation and its memory accounting, label sets, element ids, the
self-loop of `expand`, and the seeks' re-check of what a transaction sees."""
import pytest

from graphplex.databases.errors import ClientError, TransactionError
from graphplex.databases.storage import BOTH, IN, OUT
from graphplex.databases.storage.memory import ENTITY_BYTES, VERSION_BYTES, props_bytes


def test_creating_an_entity_accounts_the_entity_its_version_and_its_properties(engine):
    txn = engine().begin()
    txn.create_vertex(["A"], {"name": "x" * 10, "n": 1, "absent": None})
    assert txn.memory.used == ENTITY_BYTES + VERSION_BYTES + props_bytes({"name": "x" * 10, "n": 1})


def test_an_entity_created_without_properties_shares_the_empty_map_until_written(engine):
    txn = engine().begin()
    a, b = txn.create_vertex(), txn.create_vertex()
    assert a.head.props is b.head.props and a.head.props_shared
    txn.set_property(a, "k", 1)
    assert txn.properties(a) == {"k": 1} and txn.properties(b) == {}


def test_creation_refuses_values_that_cannot_be_stored_and_fails_the_transaction(engine):
    txn = engine().begin()
    with pytest.raises(ClientError):
        txn.create_vertex(["A"], {"bad": {"a": "map"}})
    with pytest.raises(TransactionError):
        txn.create_vertex(["A"])


def test_nodes_with_the_same_labels_share_one_label_set(engine):
    storage = engine()
    txn = storage.begin()
    a = txn.create_vertex(["B", "A"])
    b = txn.create_vertex(["A"])
    assert txn.add_labels(b, ["B", "A"]) == 1
    assert txn.labels(a) is txn.labels(b) == frozenset({"A", "B"})
    assert txn.remove_labels(a, ["B", "C"]) == 1
    assert txn.labels(a) is storage.label_set(("A",))


def test_element_ids_name_the_kind_the_database_and_the_id(engine):
    storage = engine()
    txn = storage.begin()
    node = txn.create_vertex()
    edge = txn.create_edge(node, node, "R")
    assert storage.element_id(node) == f"4:{storage.database_id}:{node.gid}"
    assert storage.element_id(edge) == f"5:{storage.database_id}:{edge.gid}"


def test_expand_gives_committed_and_own_relationships_and_a_self_loop_once(engine):
    storage = engine()
    txn = storage.begin()
    a, b = txn.create_vertex(), txn.create_vertex()
    loop, out = txn.create_edge(a, a, "LOOP"), txn.create_edge(a, b, "R")
    txn.commit()
    reader = storage.begin()
    a = reader.vertex(a.gid)
    new = reader.create_edge(reader.vertex(b.gid), a, "S")
    assert sorted(e.gid for e, _ in reader.expand(a, BOTH)) == sorted([loop.gid, out.gid, new.gid])
    assert sorted(e.gid for e, _ in reader.expand(a, OUT)) == sorted([loop.gid, out.gid])
    assert sorted(e.gid for e, _ in reader.expand(a, IN)) == sorted([loop.gid, new.gid])
    assert [e.gid for e, _ in reader.expand(a, BOTH, ["S"])] == [new.gid]
    assert list(reader.expand(a, BOTH, [])) == []
    assert reader.degree(a) == 3


def test_range_and_prefix_seeks_recheck_the_label_the_transaction_sees(engine):
    storage = engine()
    txn = storage.begin()
    kept, moved = txn.create_vertex(["L"], {"k": "abc"}), txn.create_vertex(["L"], {"k": "abd"})
    txn.commit()
    txn = storage.begin()
    txn.remove_labels(txn.vertex(moved.gid), ["L"])
    assert [v.gid for v in txn.vertices_by_prefix("L", "k", "ab")] == [kept.gid]
    assert [v.gid for v in txn.vertices_by_range("L", "k", "abc", "abz")] == [kept.gid]
    assert [v.gid for v in txn.vertices_by_property("L", "k", "abd")] == []
