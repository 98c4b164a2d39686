"""Memgraph's rule for a range index and a uniqueness constraint of one schema (`SchemaChange.independent`): they
stand apart, each kept when the other is made or dropped; without the flag Neo4j's clashes stand. Their changes are
logged and recreated with the flag, and a change logged before it existed reads as before."""
from dataclasses import astuple, replace

import pytest

from graphplex.databases.durability.records import decode_commit, encode_commit, schema_changes
from graphplex.databases.errors import ClientError
from graphplex.databases.storage import UNIQUENESS, SchemaChange, Storage


def run(storage, *changes):
    txn = storage.begin()
    for change in changes:
        txn.change_schema(change)
    txn.commit()


INDEX = SchemaChange("create_index", label="User", properties=("id",))
UNIQUE = SchemaChange("create_constraint", label="User", properties=("id",), kind=UNIQUENESS)


@pytest.mark.parametrize("first, second", [(INDEX, UNIQUE), (UNIQUE, INDEX)])
def test_an_independent_change_is_no_clash(first, second):
    storage = Storage()
    run(storage, first, replace(second, independent=True))
    assert len(storage.indexes.by_name) == 2 and len(storage.schema.constraints) == 1


@pytest.mark.parametrize("first, second", [(INDEX, UNIQUE), (UNIQUE, INDEX)])
def test_without_the_flag_neo4js_clash_stands(first, second):
    storage = Storage()
    run(storage, first)
    with pytest.raises(ClientError):
        run(storage, second)


def test_a_snapshot_recreates_a_constraint_beside_an_index_as_independent():
    storage = Storage()
    run(storage, INDEX, SchemaChange("create_constraint", label="User", properties=("id",), kind=UNIQUENESS,
                                     independent=True))
    changes = schema_changes(storage)
    assert [(c.action, c.independent) for c in changes] == [("create_index", False), ("create_constraint", True)]
    recreated = Storage()
    run(recreated, *changes)
    assert len(recreated.indexes.by_name) == 2


def test_the_flag_is_logged_and_an_older_change_reads_without_it():
    independent = SchemaChange("create_index", "i", label="User", properties=("id",), independent=True)
    [(_, *logged)] = decode_commit(encode_commit(1, [("S",) + astuple(independent)]))[1]
    assert SchemaChange(*logged) == independent
    assert SchemaChange(*astuple(INDEX)[:-1]) == INDEX  # a disk store's history written before the flag
