"""The Python values a statement's parameters may hold (issue 12): those the neo4j driver can send, refused at the
door otherwise (not when, or whether, they are stored), through every way in."""
from __future__ import annotations

import datetime as dt
import decimal
import enum

import pytest

from graphplex import DBMS
from graphplex.errors import ClientError
from graphplex.types import Duration, Point


@pytest.fixture
def dbms():
    instance = DBMS.in_memory()
    yield instance
    instance.close()


def _ways_in(dbms):
    """`run(query, **parameters)` through session.run, an explicit transaction's run and the embedded execute."""
    def implicit(query, **parameters):
        with dbms.session() as session:
            return session.run(query, parameters).data()

    def explicit(query, **parameters):
        with dbms.session() as session, session.begin_transaction() as tx:
            return tx.run(query, parameters).data()

    def embedded(query, **parameters):
        with dbms.database("neo4j").begin_tx() as tx:
            rows = tx.execute(query, parameters).data()
            tx.success()
            return rows
    return [implicit, explicit, embedded]


class Colour(enum.IntEnum):
    RED = 1


class Size(str, enum.Enum):
    LARGE = "large"


UNSUPPORTED = [
    (object(), "Values of type <class 'object'> are not supported"),
    ({1, 2}, "Values of type <class 'set'> are not supported"),
    (frozenset({1}), "Values of type <class 'frozenset'> are not supported"),
    (1j, "Values of type <class 'complex'> are not supported"),
    (range(3), "Values of type <class 'range'> are not supported"),
    (decimal.Decimal("1.5"), "Values of type <class 'decimal.Decimal'> are not supported"),
    ({1: 2}, "Map keys must be strings, not <class 'int'>"),
    ([1, [2, {3}]], "Values of type <class 'set'> are not supported"),
    ({"a": {"b": {(1, 2): 3}}}, "Map keys must be strings, not <class 'tuple'>"),
]


@pytest.mark.parametrize("value, reason", UNSUPPORTED, ids=[type(v).__name__ for v, _ in UNSUPPORTED])
def test_an_unsupported_value_is_refused_before_the_statement_runs(dbms, value, reason):
    for run in _ways_in(dbms):
        with pytest.raises(ClientError) as caught:
            run("RETURN $x AS x", x=value)
        assert caught.value.code == "Neo.ClientError.Statement.TypeError"
        assert caught.value.message.startswith(f"The parameter $x cannot be sent: {reason}")


def test_a_refused_parameter_leaves_nothing_behind(dbms):
    with dbms.session() as session:
        with pytest.raises(ClientError):
            session.run("CREATE (:Thing {v: $ok}) RETURN $bad", ok=1, bad={1, 2})
        assert session.run("MATCH (t:Thing) RETURN count(t) AS n").single()["n"] == 0


def test_graph_entities_returned_by_graphplex_are_refused_with_what_to_pass_instead(dbms):
    with dbms.session() as session:
        node = session.run("CREATE (n:Person {name: 'Ann'}) RETURN n").single()["n"]
        with pytest.raises(ClientError) as caught:
            session.run("MATCH (n) WHERE n = $node RETURN n", node=node).consume()
    assert caught.value.code == "Neo.ClientError.Statement.TypeError"
    assert caught.value.message == (
        "The parameter $node cannot be sent: Values of type Node are not supported. Pass its element id "
        "(`.element_id`, matched with elementId()) or its properties instead.")


ROUND_TRIPS = [
    None, True, -2 ** 63, 2 ** 63 - 1, 1.5, "text", b"\x00\xff", [1, "a", None], {"a": [1, {"b": 2.5}]},
    dt.date(2024, 2, 29), dt.time(12, 30, 1, 5), dt.time(1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    dt.datetime(2024, 1, 2, 3, 4, 5), dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
    Duration(1, 2, 3, 4), Point(7203, 1.0, 2.0), Point(4979, 1.0, 2.0, 3.0),
]


@pytest.mark.parametrize("value", ROUND_TRIPS, ids=repr)
def test_supported_values_come_back_as_they_went(dbms, value):
    for run in _ways_in(dbms):
        assert run("RETURN $x AS x", x=value) == [{"x": value}]


@pytest.mark.parametrize("value, received", [
    ((1, (2, 3)), [1, [2, 3]]),
    (bytearray(b"ab"), b"ab"),
    (dt.timedelta(days=1, seconds=3, microseconds=5), Duration(0, 1, 3, 5000)),
    (dt.timedelta(seconds=-1), Duration(0, -1, 86399, 0)),
    (Colour.RED, 1),
    (Size.LARGE, "large"),
    ({Size.LARGE: Colour.RED}, {"large": 1}),
], ids=repr)
def test_values_are_converted_as_the_driver_sends_them(dbms, value, received):
    for run in _ways_in(dbms):
        [row] = run("RETURN $x AS x", x=value)
        assert row["x"] == received and type(row["x"]) is type(received)


def test_a_timedelta_can_be_stored(dbms):
    with dbms.session() as session:
        session.run("CREATE (:Timer {every: $every})", every=dt.timedelta(minutes=90)).consume()
        assert session.run("MATCH (t:Timer) RETURN t.every AS every").single()["every"] == Duration(0, 0, 5400, 0)


def test_parameters_of_administration_and_management_commands_pass_the_same_door(dbms):
    with dbms.session() as session:
        with pytest.raises(ClientError) as caught:
            session.run("CREATE DATABASE $name", name={"shop"}).consume()
        assert caught.value.code == "Neo.ClientError.Statement.TypeError"
        with pytest.raises(ClientError) as caught:
            session.run("SHOW TRANSACTIONS $ids", ids=[object()]).consume()
        assert caught.value.code == "Neo.ClientError.Statement.TypeError"


def test_a_parameter_nested_too_deeply_is_refused_with_a_code(dbms):
    value: list = []
    for _ in range(100_000):
        value = [value]
    with dbms.session() as session, pytest.raises(ClientError) as caught:
        session.run("RETURN size($x) AS n", x=value).consume()
    assert caught.value.code == "Neo.ClientError.Statement.TypeError"
    assert caught.value.message == "The parameter $x nests lists or maps too deeply to be sent."


def test_parameter_names_must_be_strings(dbms):
    with dbms.session() as session, pytest.raises(ClientError) as caught:
        session.run("RETURN 1 AS one", {1: "x"}).consume()
    assert caught.value.code == "Neo.ClientError.Statement.TypeError"
    assert caught.value.message == "Parameter names must be strings, not <class 'int'> (1)."
