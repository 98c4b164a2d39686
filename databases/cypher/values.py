"""Cypher's value semantics during execution: equality with null, comparison, the global sort order, grouping
keys, and type names for error messages.

Inside the engine, nodes and relationships are the storage's `Vertex` and `Edge`, and a path is a `PathValue`;
they become the public `Node`, `Relationship` and `Path` only when a record leaves the engine.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from graphplex.databases.cypher.ranges import LazyRange

from graphplex.databases.storage.records import Edge, Vertex
from graphplex.databases.values import CYPHER_TYPE_NAMES, Kind, cypher_type_name, value_kind


@dataclass(frozen=True)
class PathValue:
    """A path inside the engine: `len(vertices) == len(edges) + 1`."""

    vertices: tuple
    edges: tuple


NUMBER_TYPES = (int, float)


def is_number(value: object) -> bool:
    return isinstance(value, NUMBER_TYPES) and not isinstance(value, bool)


_ENTITY_KINDS: dict[type, Kind] = {Vertex: Kind.NODE, Edge: Kind.RELATIONSHIP, PathValue: Kind.PATH}


def kind_of(value: object) -> Kind:
    """The kind of a runtime value: `value_kind`, knowing the engine's nodes, relationships and paths."""
    kind = _ENTITY_KINDS.get(type(value))
    if kind is not None:
        return kind
    kind = value_kind(value)
    if kind is Kind.OTHER:
        for entity, entity_kind in _ENTITY_KINDS.items():
            if isinstance(value, entity):
                return entity_kind
    return kind


def type_name(value: object) -> str:
    """The Cypher type of a runtime value, as error messages and `valueType()` name it. A runtime list is
    LIST<ANY> (its elements are not checked); a stored one (a tuple) is named by its elements."""
    kind = kind_of(value)
    if kind is Kind.LIST:
        return "LIST<ANY>" if isinstance(value, list) else cypher_type_name(value)
    return CYPHER_TYPE_NAMES.get(kind, "ANY")


def _category(value: object) -> str:
    """The comparability class: values of different classes are never equal and never ordered by `<`
    (integers and floats form one class)."""
    if isinstance(value, NUMBER_TYPES) and not isinstance(value, bool):
        return "NUMBER"
    return type_name(value)


# --- equality ------------------------------------------------------------------------------------------------

def equals(a: object, b: object) -> bool | None:
    """Cypher `a = b`: None when the answer is unknown (a null is involved)."""
    if a is None or b is None:
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        if type(a) is LazyRange and type(b) is LazyRange:
            return a.numbers == b.numbers
        unknown = False
        for x, y in zip(a, b):
            result = equals(x, y)
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        unknown = False
        for key, x in a.items():
            result = equals(x, b[key])
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True
    if _category(a) != _category(b):
        return False
    if isinstance(a, float) and math.isnan(a) or isinstance(b, float) and math.isnan(b):
        return False
    return a == b


# --- comparison ----------------------------------------------------------------------------------------------

_PLAINLY_ORDERED = frozenset({"STRING", "BOOLEAN", "DATE", "LOCAL DATETIME", "LOCAL TIME", "ZONED DATETIME"})


def compare(a: object, b: object) -> int | None:
    """-1, 0 or 1 for `a` against `b` when Cypher orders them with `<`; None when incomparable or null."""
    if a is None or b is None:
        return None
    category = _category(a)
    if category != _category(b):
        return None
    if category == "NUMBER":
        if (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
            return None
        return (a > b) - (a < b)
    if category in _PLAINLY_ORDERED:
        return (a > b) - (a < b)
    if category == "ZONED TIME":
        ka, kb = _time_instant(a), _time_instant(b)
        return (ka > kb) - (ka < kb)
    if category == "LIST<ANY>":
        for x, y in zip(a, b):
            result = compare(x, y)
            if result is None:
                return None
            if result != 0:
                return result
        return (len(a) > len(b)) - (len(a) < len(b))
    return None


def _time_instant(value: dt.time) -> tuple:
    offset = value.utcoffset() or dt.timedelta(0)
    seconds = value.hour * 3600 + value.minute * 60 + value.second - offset.total_seconds()
    return (seconds, getattr(value, "nanosecond", value.microsecond * 1000))


# --- the global sort order (ORDER BY) --------------------------------------------------------------------

# Neo4j's ascending order of types: maps, nodes, relationships, lists, paths, zoned datetimes, local
# datetimes, dates, zoned times, local times, durations, strings, booleans, numbers, and null last.
_ORDER_RANK = {
    "MAP": 0, "NODE": 1, "RELATIONSHIP": 2, "LIST<ANY>": 3, "PATH": 4, "ZONED DATETIME": 5,
    "LOCAL DATETIME": 6, "DATE": 7, "ZONED TIME": 8, "LOCAL TIME": 9, "DURATION": 10, "STRING": 11,
    "BOOLEAN": 12, "NUMBER": 13, "POINT": 14,
}


class OrderKey:
    """Wraps a value so that Python's sort follows Cypher's global order (total, null last)."""

    __slots__ = ("value", "rank")

    def __init__(self, value: object) -> None:
        self.value = value
        self.rank = 99 if value is None else _ORDER_RANK.get(_category(value), 50)

    def __lt__(self, other: "OrderKey") -> bool:
        return order_compare(self, other) < 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OrderKey) and order_compare(self, other) == 0


def order_compare(a: OrderKey, b: OrderKey) -> int:
    if a.rank != b.rank:
        return -1 if a.rank < b.rank else 1
    x, y = a.value, b.value
    if x is None:
        return 0
    if a.rank == _ORDER_RANK["NUMBER"]:
        x_nan = isinstance(x, float) and math.isnan(x)
        y_nan = isinstance(y, float) and math.isnan(y)
        if x_nan or y_nan:
            return (x_nan > y_nan) - (x_nan < y_nan)
        return (x > y) - (x < y)
    if a.rank == _ORDER_RANK["LIST<ANY>"]:
        for p, q in zip(x, y):
            result = order_compare(OrderKey(p), OrderKey(q))
            if result:
                return result
        return (len(x) > len(y)) - (len(x) < len(y))
    if a.rank == _ORDER_RANK["MAP"]:
        keys_x, keys_y = sorted(x), sorted(y)
        if keys_x != keys_y:
            return (keys_x > keys_y) - (keys_x < keys_y)
        for key in keys_x:
            result = order_compare(OrderKey(x[key]), OrderKey(y[key]))
            if result:
                return result
        return 0
    if a.rank in (_ORDER_RANK["NODE"], _ORDER_RANK["RELATIONSHIP"]):
        return (x.gid > y.gid) - (x.gid < y.gid)
    if a.rank == _ORDER_RANK["PATH"]:
        return order_compare(OrderKey(list(x.vertices) + list(x.edges)), OrderKey(list(y.vertices) + list(y.edges)))
    if a.rank == _ORDER_RANK["ZONED TIME"]:
        kx, ky = _time_instant(x), _time_instant(y)
        return (kx > ky) - (kx < ky)
    if a.rank == _ORDER_RANK["DURATION"]:
        # Neo4j orders durations by their average length, then field by field.
        kx = (x.seconds + x.days * 86400 + x.months * 2629746, x.nanoseconds, x.months, x.days, x.seconds)
        ky = (y.seconds + y.days * 86400 + y.months * 2629746, y.nanoseconds, y.months, y.days, y.seconds)
        return (kx > ky) - (kx < ky)
    if a.rank == _ORDER_RANK["POINT"]:
        kx, ky = (x.srid, x.x, x.y, x.z or 0.0), (y.srid, y.x, y.y, y.z or 0.0)
        return (kx > ky) - (kx < ky)
    try:
        return (x > y) - (x < y)
    except TypeError:
        return 0


# --- grouping and DISTINCT -----------------------------------------------------------------------------------

def group_key(value: object) -> object:
    """A hashable key under which equivalent values (Cypher's equivalence: null ~ null, NaN ~ NaN, 1 ~ 1.0)
    group together."""
    kind = type(value)
    if kind is Vertex or kind is Edge:  # the commonest key of DISTINCT and grouping: an entity is its own key
        return value
    if kind is int or kind is str:
        return (False, value)
    if value is None or isinstance(value, (str, bool)):
        return (type(value) is bool, value)
    if isinstance(value, NUMBER_TYPES):
        if isinstance(value, float) and math.isnan(value):
            return ("nan",)
        return (False, value)
    if isinstance(value, list):
        return ("list", tuple(group_key(v) for v in value))
    if isinstance(value, dict):
        return ("map", frozenset((k, group_key(v)) for k, v in value.items()))
    if isinstance(value, PathValue):
        return ("path", value.vertices, value.edges)
    return value
