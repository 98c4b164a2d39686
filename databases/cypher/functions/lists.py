"""List functions and the scalar functions that take lists or any value: size, head, last, tail, range,
reverse, isEmpty, coalesce, nullIf."""
from __future__ import annotations

from graphplex.databases.cypher.errors import argument_error, type_error
from graphplex.databases.cypher.functions.registry import function
from graphplex.databases.cypher.ranges import make_range
from graphplex.databases.cypher.values import equals, type_name


@function("coalesce", 1, None)
def coalesce(ctx, *values):
    """The first argument that is not null."""
    for value in values:
        if value is not None:
            return value
    return None


@function("size", 1)
def size(ctx, value):
    """The number of elements of a list or characters of a string."""
    if value is None:
        return None
    if isinstance(value, (list, str)):
        return len(value)
    raise type_error(f"Type mismatch: expected String or List<T> but was {type_name(value)}")


def _list(value: object, name: str) -> list | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise type_error(f"Type mismatch: expected List<T> but was {type_name(value)} (in {name}())")
    return value


@function("head", 1)
def head(ctx, value):
    """The first element of a list."""
    items = _list(value, "head")
    return items[0] if items else None


@function("last", 1)
def last(ctx, value):
    """The last element of a list."""
    items = _list(value, "last")
    return items[-1] if items else None


@function("tail", 1)
def tail(ctx, value):
    """All but the first element of a list."""
    items = _list(value, "tail")
    return None if items is None else items[1:]


@function("range", 2, 3)
def range_(ctx, start, end, step=1):
    """The integers from start to end inclusive, by step (a long range is lazy: `ranges.LazyRange`)."""
    for value, what in ((start, "start"), (end, "end"), (step, "step")):
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise type_error(f"Type mismatch: expected Integer but was {type_name(value).title()} "
                             f"(the {what} value of range())")
    if step == 0:
        raise argument_error("Step argument to 'range()' cannot be zero")
    return make_range(range(start, end + (1 if step > 0 else -1), step), ctx)


@function("reverse", 1)
def reverse(ctx, value):
    """A string or list in reverse order."""
    if value is None:
        return None
    if isinstance(value, (str, list)):
        return value[::-1]
    raise type_error(f"Type mismatch: expected String or List<T> but was {type_name(value)}")


@function("isEmpty", 1)
def is_empty(ctx, value):
    """Whether a list, map or string is empty."""
    if value is None:
        return None
    if isinstance(value, (list, dict, str)):
        return len(value) == 0
    raise type_error(f"Type mismatch: expected String, List or Map but was {type_name(value)}")


@function("nullIf", 2, signature="nullIf(v1, v2)")
def null_if(ctx, first, second):
    """Null when the two values are equal, else the first value."""
    return None if equals(first, second) is True else first

