"""Type predicates: `x IS :: TYPE` and `valueType(x)`."""
from __future__ import annotations

from graphplex.databases.cypher.functions.registry import function
from graphplex.databases.cypher.values import PathValue, is_number, type_name
from graphplex.databases.storage import Edge, Vertex


def value_is_of_type(value: object, name: str) -> bool:
    """Whether `value` is of the (normalised) Cypher type `name`, e.g. INTEGER, LIST<STRING NOT NULL>, ANY."""
    not_null = name.endswith(" NOT NULL")
    if not_null:
        name = name[:-len(" NOT NULL")]
    if value is None:
        return not not_null and name != "NOTHING"
    if name in ("ANY", "PROPERTY VALUE"):
        return True
    if name.startswith("LIST"):
        if not isinstance(value, list):
            return False
        inner = name[5:-1] if name.startswith("LIST<") else "ANY"
        alternatives = [part.strip() for part in inner.split("|")]
        return all(any(value_is_of_type(item, alt) for alt in alternatives) for item in value)
    if name == "MAP":
        return isinstance(value, dict)
    if name == "NODE":
        return isinstance(value, Vertex)
    if name == "RELATIONSHIP":
        return isinstance(value, Edge)
    if name == "PATH":
        return isinstance(value, PathValue)
    if name == "NUMBER":
        return is_number(value)
    return type_name(value) == name


@function("valueType", 1)
def value_type(ctx, value):
    """The Cypher type of a value as a string, e.g. 'INTEGER NOT NULL'."""
    if value is None:
        return "NULL"
    if isinstance(value, list):
        kinds = {type_name(item) for item in value}
        if len(kinds) == 1 and "NULL" not in kinds:
            return f"LIST<{kinds.pop()} NOT NULL> NOT NULL"
        return "LIST<ANY> NOT NULL"
    return f"{type_name(value)} NOT NULL"
