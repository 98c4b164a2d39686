"""Type conversion functions: toString, toInteger, toFloat, toBoolean and their *OrNull and list forms."""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from graphplex.databases.cypher.errors import argument_error, type_error
from graphplex.databases.cypher.functions.registry import function
from graphplex.databases.cypher.functions.temporal_values import java_double_string
from graphplex.databases.cypher.values import is_number, type_name
from graphplex.databases.values import Duration, Point

_INTEGER = re.compile(r"\s*[-+]?\d+\s*")
_LONG_MIN, _LONG_MAX = -2 ** 63, 2 ** 63 - 1


def to_string(value: object) -> str:
    """A value as Cypher's toString() writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double_string(value)
    if isinstance(value, str):
        return value
    from graphplex.databases.cypher.functions.temporal import temporal_to_string
    return temporal_to_string(value)


@function("toString", 1)
def to_string_function(ctx, value):
    """Converts a number, boolean, string, temporal value, duration or point to a string."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float, str, Duration, Point)) or _is_temporal(value):
        return to_string(value)
    raise type_error(f"Invalid input for function 'toString()': Expected a String, Number, Boolean, Temporal or "
                     f"Duration, got: {type_name(value)}")


@function("toStringOrNull", 1)
def to_string_or_null(ctx, value):
    """As toString(), but null for a value it cannot convert."""
    try:
        return to_string_function(ctx, value)
    except Exception:
        return None


def _is_temporal(value: object) -> bool:
    import datetime as dt
    return isinstance(value, (dt.date, dt.time, dt.datetime))


def parse_integer(text: str) -> int | None:
    """The integer a string names (a decimal is truncated), null when it names no number, and Neo4j's error when
    the number does not fit in 64 bits. Read as a decimal, so no digit count reaches Python's int limits."""
    if _INTEGER.fullmatch(text) and len(text) < 64:
        value = int(text)
    else:
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
        if not number.is_finite():
            return None
        if not _LONG_MIN <= number <= _LONG_MAX:
            shown = text if len(text) <= 60 else text[:57] + "..."
            raise type_error(f"integer, {shown}, is too large")
        value = int(number)
    if not _LONG_MIN <= value <= _LONG_MAX:
        raise type_error(f"integer, {text}, is too large")
    return value


@function("toInteger", 1)
def to_integer(ctx, value):
    """Converts a number, boolean or string to an integer (floats are truncated); null when a string is not a
    number."""
    if value is None:
        return None
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise argument_error(f"Cannot convert {to_string(value)} to an integer")
        return min(max(int(value), _LONG_MIN), _LONG_MAX)   # Java's cast of a double to a long saturates
    if isinstance(value, str):
        return parse_integer(value)
    raise type_error(f"Invalid input for function 'toInteger()': Expected a String, Number or Boolean, got: "
                     f"{type_name(value)}")


@function("toIntegerOrNull", 1)
def to_integer_or_null(ctx, value):
    """As toInteger(), but null for a value it cannot convert."""
    try:
        return to_integer(ctx, value)
    except Exception:
        return None


@function("toFloat", 1)
def to_float(ctx, value):
    """Converts a number or string to a float; null when a string is not a number."""
    if value is None:
        return None
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    raise type_error(f"Invalid input for function 'toFloat()': Expected a String or Number, got: "
                     f"{type_name(value)}")


@function("toFloatOrNull", 1)
def to_float_or_null(ctx, value):
    """As toFloat(), but null for a value it cannot convert."""
    try:
        return to_float(ctx, value)
    except Exception:
        return None


@function("toBoolean", 1)
def to_boolean(ctx, value):
    """Converts a string ('true'/'false', any case), boolean or integer (0 is false) to a boolean."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    raise type_error(f"Invalid input for function 'toBoolean()': Expected a String, Integer or Boolean, got: "
                     f"{type_name(value)}")


@function("toBooleanOrNull", 1)
def to_boolean_or_null(ctx, value):
    """As toBoolean(), but null for a value it cannot convert."""
    try:
        return to_boolean(ctx, value)
    except Exception:
        return None


def _list_of(converter):
    def convert(ctx, values):
        if values is None:
            return None
        if not isinstance(values, list):
            raise type_error(f"Type mismatch: expected List but was {type_name(values)}")
        result = []
        for value in values:
            try:
                result.append(converter(ctx, value))
            except Exception:
                result.append(None)
        return result
    return convert


function("toStringList", 1)(_list_of(to_string_function))
function("toIntegerList", 1)(_list_of(to_integer))
function("toFloatList", 1)(_list_of(to_float))
function("toBooleanList", 1)(_list_of(to_boolean))
