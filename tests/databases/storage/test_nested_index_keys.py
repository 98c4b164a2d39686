"""An index of Memgraph's nested property (`a.b`) reads the value at that path inside map values, and is touched
by writes of its root property (`a`) only."""
from __future__ import annotations

from graphplex.databases.storage.indexes import NODE, PropertyIndex, property_value, root_keys
from graphplex.databases.values import index_key


def test_property_value_walks_the_maps_of_a_dotted_path():
    props = {"a": {"b": {"c": 1}}, "x": 2}
    assert property_value(props, "a.b.c") == 1 and property_value(props, "a.b") == {"c": 1}
    assert property_value(props, "x") == 2 and property_value(props, "x.y") is None
    assert property_value(props, "a.z.c") is None and property_value({"a": [1]}, "a.b") is None


def test_a_key_of_that_exact_name_is_read_before_the_path():
    assert property_value({"a.b": 5, "a": {"b": 6}}, "a.b") == 5


def test_an_index_keys_entities_by_the_nested_value_and_knows_its_roots():
    index = PropertyIndex(1, "i", NODE, "L", ("a.b", "c"))
    assert index.roots == root_keys(("a.b", "c")) >= {"a", "c"}
    assert index.key_of({"a": {"b": 1}, "c": "x"}) == (index_key(1), index_key("x"))
    assert index.key_of({"a": {"d": 1}, "c": "x"}) is None and index.key_of({"a": 1, "c": "x"}) is None
