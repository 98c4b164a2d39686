"""Value rules storage relies on: what may be stored, value kinds and their type names, and index keys that equal
as Cypher does."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from graphplex.databases.errors import CypherTypeError
from graphplex.databases.values import (
    Duration, Kind, Point, check_storable, cypher_type_name, index_key, is_orderable_key, is_storable, java_type_name,
    value_kind,
)

scalars = st.one_of(st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=False), st.text(max_size=8),
                    st.dates())


@given(scalars, scalars)
def test_index_keys_are_totally_ordered_and_equal_only_when_cypher_equal(a, b):
    ka, kb = index_key(a), index_key(b)
    assert (ka < kb) + (ka == kb) + (ka > kb) == 1
    cypher_equal = type(a) is type(b) and a == b or (
        isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool)
        and not isinstance(b, bool) and a == b)
    assert (ka == kb) == cypher_equal


def test_booleans_never_equal_numbers_and_ints_equal_floats():
    assert index_key(True) != index_key(1)
    assert index_key(1) == index_key(1.0)
    assert index_key(float("nan")) != index_key(0)


@pytest.mark.parametrize("value, name", [
    (True, "BOOLEAN"), (1, "INTEGER"), (1.5, "FLOAT"), ("s", "STRING"), (dt.date(2020, 1, 1), "DATE"),
    (dt.datetime(2020, 1, 1), "LOCAL DATETIME"), (dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc), "ZONED DATETIME"),
    (dt.time(1, 2), "LOCAL TIME"), (dt.time(1, 2, tzinfo=dt.timezone.utc), "ZONED TIME"), (Duration(1), "DURATION"),
    (Point(7203, 1.0, 2.0), "POINT"), ([1, 2], "LIST<INTEGER NOT NULL>"),
])
def test_cypher_type_names(value, name):
    assert cypher_type_name(value) == name


@pytest.mark.parametrize(("value", "name"), [
    ("s", "String"), (1, "Long"), (1.5, "Double"), (True, "Boolean"),
    (dt.date(2020, 1, 2), "Date"), (dt.datetime(2020, 1, 2, tzinfo=dt.timezone.utc), "DateTime"),
    (dt.datetime(2020, 1, 2), "LocalDateTime"), (dt.time(1, 2, tzinfo=dt.timezone.utc), "Time"),
    (dt.time(1, 2), "LocalTime"), (Duration(months=1), "Duration"), (Point(7203, 1.0, 2.0), "Point"),
    (["a"], "StringArray"), ([1, 2], "LongArray"), ([1.0], "DoubleArray"), ([True], "BooleanArray"),
    ([dt.date(2020, 1, 2)], "DateArray"), ([], "StringArray"),
])
def test_java_type_names_have_neo4j_names(value, name):
    assert java_type_name(value) == name


def test_a_value_kind_is_decided_once_for_subclasses_too():
    """Subclasses (nanosecond date-times, bool beside int) classify as their Cypher kind, not by exact type."""
    from graphplex.databases.temporal_values import DateTime

    assert value_kind(True) is Kind.BOOLEAN and value_kind(1) is Kind.INTEGER and value_kind(None) is Kind.NULL
    assert value_kind(DateTime(2020, 1, 1, nanosecond=1)) is Kind.LOCAL_DATETIME
    assert value_kind((1, 2)) is Kind.LIST and value_kind(b"x") is Kind.BYTES and value_kind(object()) is Kind.OTHER
    assert cypher_type_name(b"x") == "ANY" and cypher_type_name((1, "a")) == "LIST<ANY>"


def test_storable_values():
    assert is_storable([1, 2.5]) and is_storable([]) and is_storable(["a"])
    assert not is_storable([1, "a"]) and not is_storable([None]) and not is_storable({"a": 1})
    assert not is_storable([[1]])
    with pytest.raises(CypherTypeError):
        check_storable("k", {"a": 1})


def test_memgraphs_rule_stores_maps_at_any_depth_and_in_lists():
    assert is_storable({"a": {"b": [1, 2], "c": None}}, memgraph=True) and is_storable([{"a": 1}, {}], memgraph=True)
    assert not is_storable({1: "a"}, memgraph=True) and is_storable([{"a": 1}, 1], memgraph=True)
    assert not is_storable({"a": object()}, memgraph=True) and is_storable({"a": [None, [1, "x"]]}, memgraph=True)
    check_storable("k", {"a": 1}, memgraph=True)


def test_maps_have_index_keys_equal_as_in_cypher_but_no_order():
    assert index_key({"b": 1, "a": "x"}) == index_key({"a": "x", "b": 1.0})
    assert index_key({"a": 1}) != index_key({"a": 1, "b": None})
    assert not is_orderable_key(index_key({"a": 1})) and is_orderable_key(index_key([1]))


def test_nanosecond_temporal_values_live_beside_the_storage_values():
    """Storage and the durable formats take Time and DateTime from databases/, the Cypher library the same."""
    from graphplex.databases import temporal_values
    from graphplex.databases.cypher.functions import temporal_values as cypher_temporal

    assert cypher_temporal.Time is temporal_values.Time and cypher_temporal.DateTime is temporal_values.DateTime
    late = temporal_values.DateTime(2020, 1, 1, nanosecond=1)
    assert late > dt.datetime(2020, 1, 1) and late != dt.datetime(2020, 1, 1)
    assert str(temporal_values.Time(1, 2, 3, tzinfo=dt.timezone.utc, nanosecond=5)) == "01:02:03.000000005Z"
    assert cypher_type_name(late) == "LOCAL DATETIME" and is_storable([late])
