"""String functions."""
from __future__ import annotations

from databases.cypher.errors import type_error
from databases.cypher.functions.registry import function
from databases.cypher.values import type_name


def _string(value: object, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise type_error(f"Type mismatch: expected String but was {type_name(value)} (in {name}())")
    return value


@function("toUpper", 1)
def to_upper(ctx, value):
    """The string in upper case."""
    text = _string(value, "toUpper")
    return None if text is None else text.upper()


@function("toLower", 1)
def to_lower(ctx, value):
    """The string in lower case."""
    text = _string(value, "toLower")
    return None if text is None else text.lower()
