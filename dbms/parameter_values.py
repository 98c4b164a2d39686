"""The Python values a statement's parameters may hold: what the neo4j driver can send, converted as it sends them.

Checked at the statement's door (`routing.request_for`), so that a value Cypher has no type for is refused before
the statement runs, whatever the statement does with it: the engine would otherwise carry a `set` or a `Decimal`
through and fail only if it were stored (or return it as it came). The driver refuses the same values in the
client ("Values of type <class 'set'> are not supported"; map keys must be strings); here the refusal carries a
code. Bolt decodes only these types, so its parameters pass unchanged."""
from __future__ import annotations

import datetime as dt

from graphplex.databases.errors import ClientError
from graphplex.databases.graph_types import Node, Path, Relationship
from graphplex.databases.values import Duration, Point

# Exact types that pass as they are: the common case costs one set lookup.
_AS_THEY_ARE = frozenset({type(None), bool, int, float, str, bytes, dt.date, dt.time, dt.datetime, Duration, Point})
# Subclasses pass too: of these as they are (the Bolt decoder's nanosecond Time and DateTime) …
_TEMPORAL_OR_SPATIAL = (dt.date, dt.time, Duration, Point)
# … and of these as their base's value (an enum of ints or strings), which is what the driver sends.
_BASES = ((int, int), (float, float), (str, str.__str__), (bytes, bytes))


def admitted(parameters: dict) -> dict:
    """`parameters` as the engine takes them, or a TypeError naming the parameter and the type it cannot take."""
    values = {}
    for name, value in parameters.items():
        if not isinstance(name, str):
            raise ClientError(f"Parameter names must be strings, not {type(name)} ({name!r}).",
                              "Neo.ClientError.Statement.TypeError")
        try:
            values[name] = _value(value)
        except _Unsupported as reason:
            raise ClientError(f"The parameter ${name} cannot be sent: {reason}",
                              "Neo.ClientError.Statement.TypeError") from None
        except RecursionError:
            raise ClientError(f"The parameter ${name} nests lists or maps too deeply to be sent.",
                              "Neo.ClientError.Statement.TypeError") from None
    return values


class _Unsupported(Exception):
    """Why a value (anywhere inside a parameter) cannot be sent."""


def _value(value: object) -> object:
    kind = type(value)
    if kind in _AS_THEY_ARE:
        return value
    # Scalars inside lists and maps are tested in line: a parameter of many rows is mostly scalars, and a call each
    # would double the time.
    if kind is list or kind is tuple:
        return [item if type(item) in _AS_THEY_ARE else _value(item) for item in value]
    if kind is dict:
        return {key if type(key) is str else _key(key): item if type(item) in _AS_THEY_ARE else _value(item)
                for key, item in value.items()}
    if isinstance(value, dt.timedelta):   # as the driver sends it
        return Duration(0, value.days, value.seconds, value.microseconds * 1000)
    if isinstance(value, bytearray):
        return bytes(value)
    if isinstance(value, (Node, Relationship, Path)):
        raise _Unsupported(f"Values of type {kind.__name__} are not supported. Pass its element id (`.element_id`, "
                           "matched with elementId()) or its properties instead.")
    if isinstance(value, _TEMPORAL_OR_SPATIAL):
        return value
    for base, plain in _BASES:
        if isinstance(value, base):
            return plain(value)
    if isinstance(value, (list, tuple)):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        return {_key(key): _value(item) for key, item in value.items()}
    raise _Unsupported(f"Values of type {kind} are not supported.")


def _key(key: object) -> str:
    if isinstance(key, str):
        return str.__str__(key)
    raise _Unsupported(f"Map keys must be strings, not {type(key)}.")
