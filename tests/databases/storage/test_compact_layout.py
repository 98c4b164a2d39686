"""The compact layouts of W7 (bytes per element): an index key holds its only entity bare and a dict from the
second on; committed relationships without properties share one version. Each must answer exactly as the plain
layout did."""
from hypothesis import given, strategies as st

from graphplex.databases.storage import SchemaChange, Storage
from graphplex.databases.storage.entity_table import EntityTable
from graphplex.databases.storage.indexes import NODE, PropertyIndex
from graphplex.databases.storage.records import ANCIENT, PLAIN_RELATIONSHIP, Version, Vertex

_ENTITIES = [Vertex(gid, Version(ANCIENT, frozenset(), {})) for gid in range(4)]
_OPERATIONS = st.lists(st.tuples(st.booleans(), st.integers(0, 3), st.integers(0, 2)), max_size=40)


@given(_OPERATIONS)
def test_index_entries_answer_as_a_set_per_key_would(operations):
    index = PropertyIndex(1, "i", NODE, "L", ("k",))
    model: dict[tuple, dict] = {}
    for adding, which, value in operations:
        entity, key = _ENTITIES[which], (0, value)
        if adding:
            index.add(entity, key)
            model.setdefault(key, {})[entity] = None
        else:
            index.discard(entity, key)
            model.get(key, {}).pop(entity, None)
            if key in model and not model[key]:
                del model[key]
        for seen in range(3):
            assert index.seek((0, seen)) == tuple(model.get((0, seen), ()))
        assert list(index.sorted_keys) == sorted(model)
        assert set(index.seek_range(None, None)) == {e for members in model.values() for e in members}


def _linked(storage, count):
    txn = storage.begin()
    a, b = txn.create_vertex(("L",)), txn.create_vertex(("L",))
    edges = [txn.create_edge(a, b, "R") for _ in range(count)]
    txn.create_edge(a, b, "R", {"k": 1})
    txn.commit()
    return a, edges


def test_relationships_without_properties_share_one_version_once_every_snapshot_sees_them():
    storage = Storage()
    old_reader = storage.begin()
    a, edges = _linked(storage, 3)
    assert all(edge.head is not PLAIN_RELATIONSHIP for edge in edges)  # the old snapshot must not see them
    assert old_reader.expand(a) == []
    old_reader.commit()
    _linked(storage, 1)  # a commit collects what the ended snapshot held back
    assert all(edge.head is PLAIN_RELATIONSHIP for edge in edges)
    assert [edge.head is PLAIN_RELATIONSHIP for edge, _ in storage.begin().expand(a)] == [True, True, True, False]


def test_a_write_to_a_relationship_sharing_its_version_changes_it_alone():
    storage = Storage()
    a, edges = _linked(storage, 3)
    snapshot = storage.begin()
    txn = storage.begin()
    txn.set_property(edges[0], "k", 2)
    txn.delete_edge(edges[1])
    txn.commit()
    assert PLAIN_RELATIONSHIP.props == {} and not PLAIN_RELATIONSHIP.deleted and PLAIN_RELATIONSHIP.older is None
    assert [snapshot.properties(edge) for edge, _ in snapshot.expand(a)] == [{}, {}, {}, {"k": 1}]
    snapshot.commit()
    reader = storage.begin()
    assert [(edge.gid, reader.properties(edge)) for edge, _ in reader.expand(a)] == [
        (edges[0].gid, {"k": 2}), (edges[2].gid, {}), (edges[2].gid + 1, {"k": 1})]
    assert edges[1].gid not in storage.edges and edges[2].head is PLAIN_RELATIONSHIP


def _types(storage):
    reader = storage.begin()
    found = {type_: [edge.gid for edge in reader.edges_with_type(type_)] for type_ in storage.types_in_use()}
    reader.commit()
    return found


def test_the_type_lookup_answers_the_same_before_and_after_a_second_type_appears():
    storage = Storage()
    txn = storage.begin()
    a = txn.create_vertex(("L",))
    first = [txn.create_edge(a, a, "R").gid for _ in range(3)]
    txn.commit()
    assert _types(storage) == {"R": first}
    txn = storage.begin()
    txn.delete_edge(storage.edges[first[1]])
    txn.commit()
    assert _types(storage) == {"R": [first[0], first[2]]}
    txn = storage.begin()
    other = txn.create_edge(a, a, "S").gid
    more = txn.create_edge(a, a, "R").gid
    txn.rollback()
    assert _types(storage) == {"R": [first[0], first[2]]}
    txn = storage.begin()
    other, more = txn.create_edge(a, a, "S").gid, txn.create_edge(a, a, "R").gid
    txn.commit()
    assert _types(storage) == {"R": [first[0], first[2], more], "S": [other]}
    assert storage.types_in_use() == ["R", "S"]


@given(st.lists(st.tuples(st.booleans(), st.integers(-2, 12)), max_size=40))
def test_the_relationship_table_answers_as_a_dict_by_gid_would(operations):
    table, model = EntityTable(), {}
    for adding, gid in operations:
        entity = Vertex(gid, Version(ANCIENT, frozenset(), {}))
        if adding and gid >= 0:
            table[gid] = model[gid] = entity
        else:
            assert table.pop(gid, "none") is model.pop(gid, "none")
        assert len(table) == len(model) == len(table.values())
        assert list(table.values()) == sorted(model.values(), key=lambda e: e.gid)
        assert dict(table.items()) == model and sorted(table) == sorted(model)
        for probe in (-1, 0, 5, 13, "5", 2.0, 2.5, True, None, float("nan")):
            assert table.get(probe) is model.get(probe) and (probe in table) is (probe in model)
            assert (model.get(probe) in table.values()) is (probe in model)


def test_recovery_gives_relationships_without_properties_the_shared_version():
    storage = Storage()
    storage.replay(1, [("V", 0, ("L",), {"n": 1}), ("E", 0, "R", 0, 0, {}), ("E", 1, "R", 0, 0, {"k": 1})])
    storage.replay(2, [("E", 1, "R", 0, 0, {})])
    assert storage.edges[0].head is PLAIN_RELATIONSHIP and storage.edges[1].head is PLAIN_RELATIONSHIP
    txn = storage.begin()
    txn.set_property(storage.edges[0], "k", 2)
    txn.commit()
    reader = storage.begin()
    assert [reader.properties(edge) for edge, _ in reader.expand(storage.vertices[0])] == [{"k": 2}, {}]
    assert PLAIN_RELATIONSHIP.props == {}


def test_bulk_creation_keeps_the_compact_type_lookup_and_index_entries():
    """create_vertices / create_edges enter their entities as create_vertex / create_edge do: the first type's
    lookup is the edge table until a second type arrives, and an index key holds one vertex bare, several in a
    dict."""
    storage = Storage()
    txn = storage.begin()
    txn.change_schema(SchemaChange("create_index", "p_id", "NODE", "P", ("id",)))
    txn.commit()
    txn = storage.begin()
    nodes = txn.create_vertices([(("P",), {"id": 1}), (("P",), {"id": 2}), (("P",), {"id": 2})])
    first = [edge.gid for edge in txn.create_edges("R", [(nodes[0], nodes[1]), (nodes[1], nodes[2])])]
    txn.commit()
    index = storage.indexes.find(NODE, "P", ("id",))
    assert index.seek(index.key_of({"id": 1})) == (nodes[0],)
    assert set(index.seek(index.key_of({"id": 2}))) == {nodes[1], nodes[2]}
    assert _types(storage) == {"R": first}
    txn = storage.begin()
    second = [edge.gid for edge in txn.create_edges("S", [(nodes[2], nodes[0])])]
    more = [edge.gid for edge in txn.create_edges("R", [(nodes[0], nodes[2])])]
    txn.commit()
    assert _types(storage) == {"R": first + more, "S": second}


class _SecondTypeOnLookup(dict):
    """The type lookups, where another transaction writes the first relationship of a second type right after a
    reader looked a type up (the other thread's step landing between the lookup and the reader's copy of it)."""

    def __init__(self, lookups: dict, write) -> None:
        super().__init__(lookups)
        self.write = write

    def get(self, key, default=None):
        found = super().get(key, default)
        write, self.write = self.write, None
        if write is not None:
            write()
        return found


def test_a_type_scan_never_answers_a_second_type_written_while_it_looked_the_type_up():
    storage = Storage()
    txn = storage.begin()
    a = txn.create_vertex(("L",))
    first = [txn.create_edge(a, a, "R").gid for _ in range(2)]
    txn.commit()

    def second_type() -> None:
        writer = storage.begin()
        writer.create_edge(a, a, "S")
        writer.commit()
    storage.indexes.edges_by_type = _SecondTypeOnLookup(storage.indexes.edges_by_type, second_type)
    reader = storage.begin("READ_COMMITTED")
    assert [edge.gid for edge in reader.edges_with_type("R")] == first
