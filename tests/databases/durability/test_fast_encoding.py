"""The log's fast paths write the very bytes the general encoding writes: a property map's cached keys and inline
small integers and short strings, and a commit of a few operations (no batch) - so files stay one format."""
import struct

from hypothesis import given, settings, strategies as st

from graphplex.databases.durability.codec import MAP, decode, encode
from graphplex.databases.durability.records import BATCH_MIN, decode_commit, encode_commit

boundary_ints = st.sampled_from([0, -1, 127, 128, -128, -129, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**63 - 1,
                                 -2**63, 2**63, -2**63 - 1, 2**100])
edge_strings = st.sampled_from(["", "x" * 63, "x" * 64, "x" * 255, "x" * 256, "\U0001F600" * 63,
                                "\U0001F600" * 64, "\ud800", "ä" * 127, "ä" * 128])
values = st.one_of(st.integers(), boundary_ints, st.text(), edge_strings, st.booleans(), st.none(), st.floats(),
                   st.lists(st.integers(), max_size=3))
keys = st.one_of(st.text(max_size=300), edge_strings)


def general_map(value: dict) -> bytes:
    """A map as the codec's format describes it: tag, count, then each key and value encoded on its own."""
    return struct.pack("<BI", MAP, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())


@settings(max_examples=150)
@given(st.dictionaries(keys, values, max_size=6))
def test_a_property_map_encodes_as_the_general_encoding(props):
    assert encode(props) == general_map(props)
    assert encode(props) == encode(props)  # again, with its keys now cached
    assert decode(encode(props)) == props or any(v != v for v in props.values())


def test_maps_with_keys_that_are_not_strings_are_not_cached():
    value = {1: "one", (2, 3): True, "k": 5}
    assert encode(value) == general_map(value)
    assert decode(encode(value)) == value


@given(st.lists(st.tuples(st.integers(0, 2**40), st.dictionaries(st.text(max_size=8), values, max_size=4)),
                min_size=0, max_size=BATCH_MIN - 1))
def test_a_commit_of_few_operations_is_one_entry_each(vertices):
    operations = [("V", gid, ["Person"], props) for gid, props in vertices]
    payload = encode_commit(7, operations)
    assert struct.unpack_from("<BqI", payload)[2] == len(operations)
    ts, decoded = decode_commit(payload)
    assert ts == 7 and [op[:3] for op in decoded] == [op[:3] for op in operations]
