"""What a transaction changed, as triggers see it (`storage.triggers.changes_of`), on both engines; and triggers
as schema rules (a name taken once, only an existing one dropped, undone by a rollback)."""
from __future__ import annotations

import pytest

from graphplex.databases.errors import ClientError
from graphplex.databases.storage import SchemaChange
from graphplex.databases.storage.triggers import Trigger, changes_of


def committed(storage, work):
    txn = storage.begin()
    result = work(txn)
    txn.commit()
    return result


def test_created_deleted_and_updated_entities(engine):
    storage = engine()
    a, b, gone = committed(storage, lambda t: (t.create_vertex(["A"], {"x": 1, "y": 2}), t.create_vertex(["B"]),
                                              t.create_vertex(["Gone"], {"name": "g"})))
    edge = committed(storage, lambda t: t.create_edge(t.vertex(a.gid), t.vertex(b.gid), "R", {"w": 1}))
    txn = storage.begin()
    new = txn.create_vertex(["New"])
    txn.set_property(txn.vertex(a.gid), "x", 5)
    txn.set_property(txn.vertex(a.gid), "x", 6)
    txn.set_property(txn.vertex(a.gid), "y", None)
    txn.add_labels(txn.vertex(a.gid), ["L"])
    txn.remove_labels(txn.vertex(a.gid), ["A"])
    txn.set_property(txn.edge(edge.gid), "w", 2)
    txn.delete_vertex(txn.vertex(gone.gid))
    temporary = txn.create_vertex(["Tmp"])
    txn.delete_vertex(temporary)
    changes = changes_of(txn)
    assert [v.gid for v in changes.created_vertices] == [new.gid]
    assert [v.gid for v in changes.deleted_vertices] == [gone.gid]
    assert changes.last_known[changes.deleted_vertices[0]].props == {"name": "g"}
    assert [(v.gid, key, old, value) for v, key, old, value in changes.set_vertex_properties] == [(a.gid, "x", 1, 6)]
    assert [(v.gid, key, old) for v, key, old in changes.removed_vertex_properties] == [(a.gid, "y", 2)]
    assert [(v.gid, label) for v, label in changes.set_vertex_labels] == [(a.gid, "L")]
    assert [(v.gid, label) for v, label in changes.removed_vertex_labels] == [(a.gid, "A")]
    assert [(e.gid, key, old, value) for e, key, old, value in changes.set_edge_properties] == [(edge.gid, "w", 1, 2)]
    txn.rollback()


def test_a_read_only_transaction_changed_nothing(engine):
    storage = engine()
    committed(storage, lambda t: t.create_vertex(["A"], {"x": 1}))
    txn = storage.begin()
    list(txn.vertices())
    assert not changes_of(txn)
    txn.rollback()


def trigger(name: str) -> SchemaChange:
    return Trigger(name, "RETURN 1", "ANY", "BEFORE COMMIT", "DEFINER", None).change()


def test_trigger_names_are_checked_against_the_pending_schema(engine):
    storage = engine()
    txn = storage.begin()
    txn.change_schema(trigger("t"))
    with pytest.raises(ClientError, match="Trigger with the same name already exists."):
        txn.change_schema(trigger("t"))
    txn.rollback()
    assert storage.schema.triggers == {}
    txn = storage.begin()
    with pytest.raises(ClientError, match="Trigger with name 't' doesn't exist"):
        txn.change_schema(SchemaChange("drop_trigger", "t"))
    txn.rollback()


def test_a_committed_trigger_is_in_the_schema_until_dropped(engine):
    storage = engine()
    committed(storage, lambda t: t.change_schema(trigger("t")))
    assert list(storage.schema.triggers) == ["t"]
    committed(storage, lambda t: t.change_schema(SchemaChange("drop_trigger", "t")))
    assert storage.schema.triggers == {}
