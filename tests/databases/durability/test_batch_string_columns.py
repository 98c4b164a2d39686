"""Batches of alike vertices and edges hold string properties as columns (one list a key after the fixed-width
rows): a snapshot of a typical imported graph is written and read without a map per node, and comes back as it was."""
import pytest

from graphplex.databases.durability.codec import encode
from graphplex.databases.durability.records import VERTEX_BATCH, decode_commit, encode_commit
from graphplex.databases.errors import DatabaseError


def test_alike_vertices_with_strings_are_one_batch_and_come_back_as_written():
    operations = [("V", gid, ["Person"], {"id": str(gid), "name": "n" * (gid % 300) + "\udc80", "age": gid})
                  for gid in range(50)]
    payload = encode_commit(1, operations)
    assert payload.count(bytes([VERTEX_BATCH])) >= 1 and payload.count(b"name") == 1, "keys written once"
    assert encode(decode_commit(payload)[1]) == encode(operations)


def test_alike_edges_with_only_strings_come_back_as_written():
    operations = [("E", gid, "KNOWS", gid + 1, gid + 2, {"since": f"y{gid}"}) for gid in range(10)]
    assert encode(decode_commit(encode_commit(4, operations))[1]) == encode(operations)


def test_a_string_column_of_the_wrong_length_is_refused():
    operations = [("V", gid, ["P"], {"name": "ab"}) for gid in range(5)]
    payload = encode_commit(1, operations)
    damaged = payload.replace(b"\x05\x00\x00\x00", b"\x04\x00\x00\x00", 1)  # the batch's row count
    assert damaged != payload
    with pytest.raises(DatabaseError):
        decode_commit(damaged)
