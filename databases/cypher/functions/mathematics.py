"""Numeric functions."""
from __future__ import annotations

from databases.cypher.errors import type_error
from databases.cypher.functions.registry import function
from databases.cypher.values import is_number, type_name


@function("abs", 1)
def abs_(ctx, value):
    """The absolute value of a number."""
    if value is None:
        return None
    if is_number(value):
        return abs(value)
    raise type_error(f"Type mismatch: expected a number but was {type_name(value)} (in abs())")
