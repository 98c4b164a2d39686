"""The record kinds: every operation a commit, a snapshot or a dump holds comes back as it was, whether written on
its own or in a batch of alike operations; malformed records are refused."""
import math
import struct
from dataclasses import astuple

import pytest
from hypothesis import given, settings, strategies as st

from graphplex.databases.durability.codec import encode
from graphplex.databases.durability.frames import FRAME
from graphplex.databases.durability.records import (BATCH_MIN, DUMP, SNAPSHOT, decode_commit, encode_commit,
                                                     read_graph_file, write_graph_file)
from graphplex.databases.errors import ClientError, DatabaseError
from graphplex.databases.storage import SchemaChange

ids = st.integers(0, 2**63 - 1)
keys = st.sampled_from(["a", "b", "name", "ß"])
fixed = st.one_of(st.integers(-2**63, 2**63 - 1), st.floats(), st.booleans())
other = st.one_of(st.text(max_size=5), st.integers(), st.lists(st.integers(), max_size=3), st.none())
props = st.dictionaries(keys, st.one_of(fixed, other), max_size=3)
labels = st.lists(st.sampled_from(["A", "B", "Person", "ラベル"]), max_size=2, unique=True)
vertex = st.builds(lambda gid, labels, props: ("V", gid, labels, props), ids, labels, props)
edge = st.builds(lambda gid, type_, src, dst, props: ("E", gid, type_, src, dst, props), ids,
                 st.sampled_from(["KNOWS", "R"]), ids, ids, props)
schema = st.builds(lambda name: ("S",) + astuple(SchemaChange("create_index", name, "NODE", "P", ("a", "b"))),
                   st.text(max_size=4))
operation = st.one_of(vertex, edge, st.tuples(st.just("v"), ids), st.tuples(st.just("e"), ids), schema,
                      st.tuples(st.just("N"), ids, ids))


def runs(operations: list) -> list:
    """Repeats operations so that runs of alike ones (batches) appear."""
    result = []
    for operation in operations:
        result.extend([operation] * (BATCH_MIN + 1 if operation[0] in "VE" and len(result) % 3 == 0 else 1))
    return result


def same(decoded: list, expected: list) -> bool:
    # The codec's bytes compare types exactly (true is not 1) and NaN equal to itself.
    return encode(decoded) == encode(expected)


@settings(max_examples=200)
@given(st.lists(operation, max_size=12).map(runs), st.integers(0, 2**63 - 1))
def test_commit_records_come_back_as_written(operations, commit_ts):
    ts, decoded = decode_commit(encode_commit(commit_ts, operations))
    assert ts == commit_ts and same(decoded, operations)


@settings(max_examples=50, deadline=None)
@given(st.lists(operation, max_size=30).map(runs))
def test_graph_files_come_back_as_written(tmp_path_factory, operations):
    path = tmp_path_factory.mktemp("graph") / "file"
    assert write_graph_file(SNAPSHOT, path, 7, iter(operations)) == len(operations)
    ts, decoded = read_graph_file(SNAPSHOT, path)
    assert ts == 7 and same(decoded, operations)


def test_alike_vertices_are_written_as_one_batch():
    operations = [("V", gid, ["Person"], {"age": gid, "score": 0.5, "ok": True}) for gid in range(100)]
    payload = encode_commit(1, operations)
    assert len(payload) < 100 * 40, "ids and three values a vertex: no tags, no repeated keys"
    assert same(decode_commit(payload)[1], operations)
    big = operations[:10] + [("V", 100, ["Person"], {"age": 2**70, "score": math.nan, "ok": False})]
    assert same(decode_commit(encode_commit(1, big))[1], big)


def test_malformed_records_are_refused():
    payload = bytearray(encode_commit(3, [("V", 1, ["A"], {"x": "y"})]))
    with pytest.raises(DatabaseError):
        decode_commit(bytes(payload[:-2]))
    with pytest.raises(DatabaseError) as caught:
        decode_commit(bytes(payload) + b"\0")
    assert "after the record" in caught.value.message
    payload[13] = 0x55  # the operation kind
    with pytest.raises(DatabaseError) as caught:
        decode_commit(bytes(payload))
    assert "unknown operation kind" in caught.value.message
    with pytest.raises(DatabaseError) as caught:
        decode_commit(struct.pack("<BqI", 9, 1, 0))
    assert "record kind 9" in caught.value.message


def test_a_dump_that_ends_early_or_holds_more_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "graph.dump"
    write_graph_file(DUMP, path, 1, iter([("V", 1, ["A"], {})]))
    data = path.read_bytes()
    path.write_bytes(data[:-(FRAME.size + 9)])  # the end record (kind and count) lost
    with pytest.raises(ClientError) as caught:
        read_graph_file(DUMP, path)
    assert str(path) in caught.value.message and "before its end record" in caught.value.message
    path.write_bytes(data + b"extra")
    with pytest.raises(ClientError) as caught:
        read_graph_file(DUMP, path)
    assert "after the end record" in caught.value.message


def test_a_snapshot_recreates_lookup_indexes():
    from graphplex.databases.durability.records import schema_changes
    from graphplex.databases.storage import Storage
    storage = Storage()
    txn = storage.begin()
    txn.change_schema(SchemaChange("create_index", label="Book", index_type="LOOKUP"))
    txn.commit()
    [change] = schema_changes(storage)
    assert (change.action, change.label, change.properties, change.index_type) == ("create_index", "Book", (),
                                                                                   "LOOKUP")
    assert change.name == next(iter(storage.schema.lookups))
