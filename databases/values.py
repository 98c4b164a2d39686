"""Cypher's value types as Python values, and the rules storage needs about them.

Python has exact types for most Cypher values (`bool`, `int`, `float`, `str`, `list`, `dict`, `datetime.*`);
`Duration` and `Point` are defined here. Storage needs three things: which values may be stored as properties,
the Cypher type name of a value (property type constraints), and a total-order key that treats values equal
exactly when Cypher does (`1 = 1.0`, but `true <> 1`), which the indexes use. A value's kind is decided here
once (`value_kind`); Cypher's and Neo4j's Java names of the kinds are tables beside it.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from enum import Enum, auto

__all__ = ["Duration", "Point", "Kind", "value_kind", "is_storable", "check_storable", "CYPHER_TYPE_NAMES",
           "cypher_type_name", "java_type_name", "index_key", "is_orderable_key"]


@dataclass(frozen=True, slots=True)
class Duration:
    """A Cypher duration: months, days, seconds and nanoseconds kept apart, as Neo4j does."""

    months: int = 0
    days: int = 0
    seconds: int = 0
    nanoseconds: int = 0


@dataclass(frozen=True, slots=True)
class Point:
    """A Cypher point; `srid` 7203/9157 are cartesian 2D/3D, 4326/4979 are WGS-84 2D/3D."""

    srid: int
    x: float
    y: float
    z: float | None = None


_SCALARS = (bool, int, float, str, bytes, _dt.date, _dt.time, _dt.datetime, Duration, Point)


def is_storable(value: object, memgraph: bool = False) -> bool:
    """Whether `value` may be a property value: a scalar, or a homogeneous list of scalars (never null), as Neo4j
    stores them. Under Memgraph's rule (`memgraph`) a map of string keys is a value too, and a list may hold any values,
    mixed, nested and null included, at any depth, as Memgraph keeps them."""
    if isinstance(value, _SCALARS):
        return True
    if isinstance(value, dict):
        return memgraph and _is_storable_map(value)
    if isinstance(value, (list, tuple)):
        if memgraph:
            return all(item is None or is_storable(item, True) for item in value)
        if not value:
            return True
        kinds = {_list_kind(item) for item in value}
        return len(kinds) == 1 and None not in kinds
    return False


def _is_storable_map(value: dict) -> bool:
    return all(isinstance(key, str) and (item is None or is_storable(item, True)) for key, item in value.items())


def _list_kind(item: object) -> str | None:
    if isinstance(item, (list, tuple, dict)) or item is None or not isinstance(item, _SCALARS):
        return None
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        return "NUMBER"
    return cypher_type_name(item)


def check_storable(key: str, value: object, memgraph: bool = False) -> None:
    """Raises the Neo4j type error for a value that cannot be a property (`memgraph`: under Memgraph's rule,
    `is_storable`)."""
    if not is_storable(value, memgraph):
        from graphplex.databases.errors import CypherTypeError

        raise CypherTypeError(
            f"Property values can only be of primitive types or arrays thereof. Encountered: {value!r}."
            if not isinstance(value, dict)
            else f"Property values can only be of primitive types or arrays thereof. Encountered: Map{{...}} for `{key}`."
        )


class Kind(Enum):
    """What a value is, decided once (`value_kind`); each vocabulary of type names (Cypher's, APOC's, the Java
    class names Neo4j reports for stored values) is a table over these kinds, not another isinstance ladder.
    NODE, RELATIONSHIP and PATH are told apart by the engine, which knows its entities (`cypher.values.kind_of`)."""

    NULL = auto()
    BOOLEAN = auto()
    INTEGER = auto()
    FLOAT = auto()
    STRING = auto()
    BYTES = auto()
    DATE = auto()
    LOCAL_TIME = auto()
    ZONED_TIME = auto()
    LOCAL_DATETIME = auto()
    ZONED_DATETIME = auto()
    DURATION = auto()
    POINT = auto()
    LIST = auto()
    MAP = auto()
    NODE = auto()
    RELATIONSHIP = auto()
    PATH = auto()
    OTHER = auto()


# Exact types first (the common case, one lookup); subclasses (bool before int) through the isinstance walk.
_KIND_OF_TYPE: dict[type, Kind] = {
    type(None): Kind.NULL, bool: Kind.BOOLEAN, int: Kind.INTEGER, float: Kind.FLOAT, str: Kind.STRING,
    bytes: Kind.BYTES, _dt.date: Kind.DATE, Duration: Kind.DURATION, Point: Kind.POINT, list: Kind.LIST,
    tuple: Kind.LIST, dict: Kind.MAP,
}


def value_kind(value: object) -> Kind:
    """The kind of a plain value (anything but the engine's nodes, relationships and paths, which are OTHER here).
    Times and date-times are local or zoned by whether they carry a time zone."""
    kind = _KIND_OF_TYPE.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, _dt.datetime):
        return Kind.ZONED_DATETIME if value.tzinfo is not None else Kind.LOCAL_DATETIME
    if isinstance(value, _dt.time):
        return Kind.ZONED_TIME if value.tzinfo is not None else Kind.LOCAL_TIME
    for base, kind in _KIND_OF_TYPE.items():
        if isinstance(value, base):
            return kind
    return Kind.OTHER


# Cypher's names, as property type constraints, error messages and valueType() spell them; a list is named by
# its elements (`cypher_type_name`), a kind missing here is ANY.
CYPHER_TYPE_NAMES: dict[Kind, str] = {
    Kind.NULL: "NULL", Kind.BOOLEAN: "BOOLEAN", Kind.INTEGER: "INTEGER", Kind.FLOAT: "FLOAT", Kind.STRING: "STRING",
    Kind.DATE: "DATE", Kind.LOCAL_TIME: "LOCAL TIME", Kind.ZONED_TIME: "ZONED TIME",
    Kind.LOCAL_DATETIME: "LOCAL DATETIME", Kind.ZONED_DATETIME: "ZONED DATETIME", Kind.DURATION: "DURATION",
    Kind.POINT: "POINT", Kind.MAP: "MAP", Kind.NODE: "NODE", Kind.RELATIONSHIP: "RELATIONSHIP", Kind.PATH: "PATH",
}


def cypher_type_name(value: object) -> str:
    """The Cypher type of a value, as property type constraints and error messages name it."""
    kind = value_kind(value)
    if kind is Kind.LIST:
        inner = {cypher_type_name(item) for item in value}
        if len(inner) == 1:
            return f"LIST<{inner.pop()} NOT NULL>"
        return "LIST<ANY>"
    return CYPHER_TYPE_NAMES.get(kind, "ANY")


# The Java class names Neo4j and APOC report for stored values (`db.schema.nodeTypeProperties`, APOC's
# `PropertyTracker`): a list is its elements' name plus "Array".
_JAVA_TYPE_NAMES: dict[Kind, str] = {
    Kind.BOOLEAN: "Boolean", Kind.INTEGER: "Long", Kind.FLOAT: "Double", Kind.STRING: "String",
    Kind.DATE: "Date", Kind.LOCAL_TIME: "LocalTime", Kind.ZONED_TIME: "Time", Kind.LOCAL_DATETIME: "LocalDateTime",
    Kind.ZONED_DATETIME: "DateTime", Kind.DURATION: "Duration", Kind.POINT: "Point",
}


def java_type_name(value: object) -> str:
    """Neo4j's name of a stored value's type ("String", "Long", "StringArray", "DateTime"…); an empty list is a
    "StringArray", as Neo4j stores it."""
    kind = value_kind(value)
    if kind is Kind.LIST:
        return (java_type_name(value[0]) if value else "String") + "Array"
    name = _JAVA_TYPE_NAMES.get(kind)
    return name if name is not None else type(value).__name__


# Rank of each type group in the index key order; values of different groups never compare equal.
_RANK_BOOL, _RANK_NUMBER, _RANK_NAN, _RANK_STRING = 0, 1, 2, 3
_RANK_DATE, _RANK_LOCAL_TIME, _RANK_TIME, _RANK_LOCAL_DATETIME, _RANK_DATETIME = 4, 5, 6, 7, 8
_RANK_DURATION, _RANK_POINT, _RANK_LIST, _RANK_BYTES = 9, 10, 11, 12
# Maps (Memgraph's property values) are equal or not, never ordered: range seeks and predicates skip their group.
# A null is only ever an entry of such a map.
_RANK_MAP, _RANK_NULL = 13, 14


def index_key(value: object) -> tuple:
    """A key that orders all storable values totally and is equal exactly when Cypher equality holds."""
    if isinstance(value, bool):
        return (_RANK_BOOL, value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return (_RANK_NAN, 0)
        return (_RANK_NUMBER, value)
    if isinstance(value, str):
        return (_RANK_STRING, value)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            return (_RANK_LOCAL_DATETIME, value)
        return (_RANK_DATETIME, value.astimezone(_dt.timezone.utc))
    if isinstance(value, _dt.date):
        return (_RANK_DATE, value)
    if isinstance(value, _dt.time):
        if value.tzinfo is None:
            return (_RANK_LOCAL_TIME, value)
        offset = value.utcoffset() or _dt.timedelta(0)
        seconds = value.hour * 3600 + value.minute * 60 + value.second - offset.total_seconds()
        return (_RANK_TIME, seconds, value.microsecond)
    if isinstance(value, Duration):
        return (_RANK_DURATION, value.months, value.days, value.seconds, value.nanoseconds)
    if isinstance(value, Point):
        return (_RANK_POINT, value.srid, value.x, value.y, value.z if value.z is not None else 0.0)
    if isinstance(value, (list, tuple)):
        return (_RANK_LIST, tuple(index_key(item) for item in value))
    if isinstance(value, bytes):
        return (_RANK_BYTES, value)
    if isinstance(value, dict):
        return (_RANK_MAP, tuple(sorted((name, index_key(item)) for name, item in value.items())))
    if value is None:
        return (_RANK_NULL,)
    raise TypeError(f"not a storable value: {value!r}")


def key_rank(key: tuple) -> int:
    """The type group of an index key (range seeks stay within one group)."""
    return key[0]


def is_orderable_key(key: tuple) -> bool:
    """Whether values of this key's group compare by < and > (not maps, whose comparison is null in Cypher)."""
    return key[0] != _RANK_MAP
