"""Registering an APOC function from its signature: the arity comes from the declared arguments (those with a
default may be left out), and each argument is checked against its declared type before the function runs, as
Neo4j does when it hands Cypher values to a Java function (`Can't coerce `String("a")` to LIST<ANY>`, a
TypeError). Null passes: the function itself decides what null means. What the function then cannot handle (a
null or an element of the wrong type inside a list) fails the call as the Java exception Neo4j would report."""
from __future__ import annotations

import re
from typing import Callable

from graphplex.databases.cypher.errors import type_error
from graphplex.databases.cypher.functions import function
from graphplex.databases.procedure_failures import function_failed
from graphplex.databases.storage import Edge, Vertex

_PARAMETER = re.compile(r"^\s*(\w+)\s*(=\s*(.*?))?\s*::\s*(.+?)\s*$")


def parameters(signature: str) -> list[tuple[str, str, bool]]:
    """(name, type, has a default) of each argument of `name(a :: T, b = d :: U) :: R`."""
    inner = signature[signature.index("(") + 1:signature.rindex(") ::")]
    pieces, depth, current = [], 0, ""
    for char in inner:
        depth += {"<": 1, ">": -1, "{": 1, "}": -1, "[": 1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            pieces.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        pieces.append(current)
    out = []
    for piece in pieces:
        match = _PARAMETER.match(piece)
        out.append((match.group(1), match.group(4), match.group(2) is not None))
    return out


def _is(value: object, declared: str) -> bool:
    if value is None or declared == "ANY":
        return True
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if declared.startswith("LIST"):
        return isinstance(value, list)
    return {"STRING": lambda: isinstance(value, str), "BOOLEAN": lambda: isinstance(value, bool),
            "INTEGER": lambda: number and isinstance(value, int), "FLOAT": lambda: number,
            "INTEGER | FLOAT": lambda: number, "NUMBER": lambda: number, "MAP": lambda: isinstance(value, dict),
            "NODE": lambda: isinstance(value, Vertex), "RELATIONSHIP": lambda: isinstance(value, Edge),
            }.get(declared, lambda: True)()


def value_text(value: object) -> str:
    """A value as Neo4j's `AnyValue.toString` spells it in coercion errors: String("a"), Long(1), List{…}."""
    if value is None:
        return "NO_VALUE"
    if isinstance(value, bool):
        return f"Boolean({'true' if value else 'false'})"
    if isinstance(value, int):
        return f"Long({value})"
    if isinstance(value, float):
        return f"Double({value!r})"
    if isinstance(value, str):
        return f'String("{value}")'
    if isinstance(value, list):
        return "List{" + ", ".join(value_text(item) for item in value) + "}"
    if isinstance(value, dict):
        return "Map{" + ", ".join(f"{key} -> {value_text(item)}" for key, item in value.items()) + "}"
    return str(value)


def _java_exception(error: Exception) -> str:
    """What the Java function would have thrown where Python failed: a null where a value was needed, an element
    of the wrong type inside a list or map, an index out of range, an illegal value."""
    text = str(error)
    if "NoneType" in text:
        return "java.lang.NullPointerException"
    if isinstance(error, IndexError):
        return "java.lang.IndexOutOfBoundsException"
    if isinstance(error, ValueError):
        return "java.lang.IllegalArgumentException"
    return "java.lang.ClassCastException"


def apoc_function(signature: str, *, deterministic: bool = True) -> Callable[[Callable], Callable]:
    """Registers `impl(ctx, *args)` under the name and arity of `signature`, its arguments type-checked."""
    name = signature[:signature.index("(")]
    declared = parameters(signature)
    types = [type_ for _, type_, _ in declared]
    required = sum(1 for _, _, has_default in declared if not has_default)

    def register(impl: Callable) -> Callable:
        def checked(ctx, *args):
            for value, type_ in zip(args, types):
                if not _is(value, type_):
                    raise type_error(f"Can't coerce `{value_text(value)}` to {type_}")
            try:
                return impl(ctx, *args)
            except (TypeError, AttributeError, IndexError, KeyError, ValueError) as error:
                raise function_failed(name, "", _java_exception(error)) from error
        checked.__doc__ = impl.__doc__
        function(name, required, len(declared), signature=signature, deterministic=deterministic)(checked)
        return impl
    return register
