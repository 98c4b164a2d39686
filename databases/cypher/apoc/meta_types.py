"""APOC's names of value types (`apoc.meta.cypher.type`, `isType`, `types`), which apoc.meta.data reports and
applications compare against ("STRING", "LIST OF INTEGER", "DATE_TIME"): a table over the value kinds of
`databases.values`."""
from __future__ import annotations

from graphplex.databases.cypher.apoc.arguments import apoc_function
from graphplex.databases.cypher.values import kind_of
from graphplex.databases.storage import Edge, Vertex
from graphplex.databases.values import Kind

_APOC_TYPE_NAMES: dict[Kind, str] = {
    Kind.NULL: "NULL", Kind.BOOLEAN: "BOOLEAN", Kind.INTEGER: "INTEGER", Kind.FLOAT: "FLOAT", Kind.STRING: "STRING",
    Kind.MAP: "MAP", Kind.NODE: "NODE", Kind.RELATIONSHIP: "RELATIONSHIP", Kind.PATH: "PATH", Kind.POINT: "POINT",
    Kind.LIST: "LIST", Kind.ZONED_DATETIME: "DATE_TIME", Kind.LOCAL_DATETIME: "LOCAL_DATE_TIME", Kind.DATE: "DATE",
    Kind.ZONED_TIME: "TIME", Kind.LOCAL_TIME: "LOCAL_TIME", Kind.DURATION: "DURATION",
}


def type_of(value: object) -> str:
    """APOC's `Types.of(value).name()`: INTEGER, FLOAT, STRING, LIST, DATE_TIME, LOCAL_TIME…; ANY for the rest."""
    return _APOC_TYPE_NAMES.get(kind_of(value), "ANY")


def cypher_type(value: object) -> str:
    """APOC's `typeCypher`: the type name, a list as `LIST OF <T>` where T is the one type of its first ten
    elements (ANY when they differ or there are none)."""
    name = type_of(value)
    if name != "LIST":
        return name
    inner = {type_of(item) for item in list(value)[:10]}
    return "LIST OF " + (inner.pop() if len(inner) == 1 else "ANY")


@apoc_function("apoc.meta.cypher.type(value :: ANY) :: STRING")
def cypher_type_function(ctx, value):
    """Returns the type name of the given value."""
    return cypher_type(value)


@apoc_function("apoc.meta.cypher.isType(value :: ANY, type :: STRING) :: BOOLEAN")
def cypher_is_type(ctx, value, type_):
    """Returns true if the given value matches the given type."""
    if type_ is None:
        return False
    return type_.upper() == cypher_type(value).upper()


@apoc_function("apoc.meta.cypher.types(props :: ANY) :: MAP")
def cypher_types(ctx, target):
    """Returns a `MAP` containing the type names of the given values."""
    if isinstance(target, (Vertex, Edge)):
        properties = ctx.view(target).props
    elif isinstance(target, dict):
        properties = target
    else:
        properties = {}
    return {key: cypher_type(value) for key, value in properties.items()}
