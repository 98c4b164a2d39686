"""Cypher's value types as Python values, and the rules storage needs about them.

Python has exact types for most Cypher values (`bool`, `int`, `float`, `str`, `list`, `dict`, `datetime.*`);
`Duration` and `Point` are defined here. Storage needs three things: which values may be stored as properties,
the Cypher type name of a value (property type constraints), and a total-order key that treats values equal
exactly when Cypher does (`1 = 1.0`, but `true <> 1`), which the indexes use.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

__all__ = ["Duration", "Point", "is_storable", "check_storable", "cypher_type_name", "index_key"]


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


def is_storable(value: object) -> bool:
    """Whether `value` may be a property value: a scalar, or a homogeneous list of scalars (never null)."""
    if isinstance(value, _SCALARS):
        return True
    if isinstance(value, (list, tuple)):
        if not value:
            return True
        kinds = {_list_kind(item) for item in value}
        return len(kinds) == 1 and None not in kinds
    return False


def _list_kind(item: object) -> str | None:
    if isinstance(item, (list, tuple, dict)) or item is None or not isinstance(item, _SCALARS):
        return None
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        return "NUMBER"
    return cypher_type_name(item)


def check_storable(key: str, value: object) -> None:
    """Raises the Neo4j type error for a value that cannot be a property."""
    if not is_storable(value):
        from graphplex.databases.errors import CypherTypeError

        raise CypherTypeError(
            f"Property values can only be of primitive types or arrays thereof. Encountered: {value!r}."
            if not isinstance(value, dict)
            else f"Property values can only be of primitive types or arrays thereof. Encountered: Map{{...}} for `{key}`."
        )


def cypher_type_name(value: object) -> str:
    """The Cypher type of a value, as property type constraints and error messages name it."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "INTEGER"
    if isinstance(value, float):
        return "FLOAT"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, _dt.datetime):
        return "ZONED DATETIME" if value.tzinfo is not None else "LOCAL DATETIME"
    if isinstance(value, _dt.date):
        return "DATE"
    if isinstance(value, _dt.time):
        return "ZONED TIME" if value.tzinfo is not None else "LOCAL TIME"
    if isinstance(value, Duration):
        return "DURATION"
    if isinstance(value, Point):
        return "POINT"
    if isinstance(value, (list, tuple)):
        inner = {cypher_type_name(item) for item in value}
        if len(inner) == 1:
            return f"LIST<{inner.pop()} NOT NULL>"
        return "LIST<ANY>"
    if isinstance(value, dict):
        return "MAP"
    return "ANY"


# Rank of each type group in the index key order; values of different groups never compare equal.
_RANK_BOOL, _RANK_NUMBER, _RANK_NAN, _RANK_STRING = 0, 1, 2, 3
_RANK_DATE, _RANK_LOCAL_TIME, _RANK_TIME, _RANK_LOCAL_DATETIME, _RANK_DATETIME = 4, 5, 6, 7, 8
_RANK_DURATION, _RANK_POINT, _RANK_LIST, _RANK_BYTES = 9, 10, 11, 12


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
    raise TypeError(f"not a storable value: {value!r}")


def key_rank(key: tuple) -> int:
    """The type group of an index key (range seeks stay within one group)."""
    return key[0]
