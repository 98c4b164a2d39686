"""Cypher values ↔ JSON, in the two formats of Neo4j's Query API: plain JSON and typed JSON
(`application/vnd.neo4j.query`), as Neo4j 5.26 writes and reads them (docs/design/http-query-api.md §4).

Plain JSON loses types (an integer and a float alike are numbers, a date a string); typed JSON wraps every value as
`{"$type": T, "_value": V}` with numbers as strings, so 64-bit integers and special floats travel exactly and a
node is told from a map."""
from __future__ import annotations

import base64
import binascii
import math
from typing import Callable

from graphplex.databases import text_values
from graphplex.databases.errors import ClientError
from graphplex.types import Node, Path, Relationship

PLAIN = "application/json"
TYPED = "application/vnd.neo4j.query"
_LONG_MIN, _LONG_MAX = -2 ** 63, 2 ** 63 - 1


_DEEPEST = 100  # levels of nested typed values; deeper is refused, not a RecursionError


def invalid_request(message: str) -> ClientError:
    """A malformed request (HTTP 400)."""
    return ClientError(message, "Neo.ClientError.Request.Invalid")


# --- out: plain JSON --------------------------------------------------------------------------------------------

def plain(value: object) -> object:
    """A value as plain JSON: NaN and infinities as strings (JSON has no numbers for them), maps with sorted keys,
    temporal values as ISO text without a zone name (`ISO_OFFSET_DATE_TIME`), points as EWKT."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else text_values.format_float(value)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(value[key]) for key in sorted(value)}
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Node):
        return {"elementId": value.element_id, "labels": sorted(value.labels), "properties": _plain_map(value)}
    if isinstance(value, Relationship):
        return {"elementId": value.element_id, "startNodeElementId": value.start_node.element_id,
                "endNodeElementId": value.end_node.element_id, "type": value.type, "properties": _plain_map(value)}
    if isinstance(value, Path):
        return [plain(element) for element in _path_elements(value)]
    if text_values.kind_of(value) is not None:
        return text_values.format_value(value, zone_name=False)
    raise TypeError(f"A value of type {type(value).__name__} has no JSON form")


def _plain_map(entity) -> dict:
    """An entity's properties in storage order (Neo4j does not sort them)."""
    return {key: plain(entity[key]) for key in entity}


# --- out: typed JSON ---------------------------------------------------------------------------------------------

def typed(value: object) -> dict:
    """A value as typed JSON: `{"$type": T, "_value": V}`, numbers as strings."""
    if value is None:
        return {"$type": "Null", "_value": None}
    if isinstance(value, bool):
        return {"$type": "Boolean", "_value": value}
    if isinstance(value, int):
        return {"$type": "Integer", "_value": str(value)}
    if isinstance(value, float):
        return {"$type": "Float", "_value": text_values.format_float(value)}
    if isinstance(value, str):
        return {"$type": "String", "_value": value}
    if isinstance(value, (list, tuple)):
        return {"$type": "List", "_value": [typed(item) for item in value]}
    if isinstance(value, dict):
        return {"$type": "Map", "_value": {str(key): typed(value[key]) for key in sorted(value)}}
    if isinstance(value, (bytes, bytearray)):
        return {"$type": "Base64", "_value": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Node):
        return {"$type": "Node", "_value": _typed_node(value)}
    if isinstance(value, Relationship):
        return {"$type": "Relationship", "_value": _typed_relationship(value)}
    if isinstance(value, Path):
        return {"$type": "Path", "_value": [typed(element) for element in _path_elements(value)]}
    kind = text_values.kind_of(value)
    if kind is not None:
        return {"$type": kind, "_value": text_values.format_value(value)}
    raise TypeError(f"A value of type {type(value).__name__} has no JSON form")


def _typed_node(node: Node) -> dict:
    return {"_element_id": node.element_id, "_labels": sorted(node.labels),
            "_properties": {key: typed(node[key]) for key in node}}


def _typed_relationship(rel: Relationship) -> dict:
    return {"_element_id": rel.element_id, "_start_node_element_id": rel.start_node.element_id,
            "_end_node_element_id": rel.end_node.element_id, "_type": rel.type,
            "_properties": {key: typed(rel[key]) for key in rel}}


def _path_elements(path: Path) -> list:
    """Start node, relationship, node, … end node: the direction is in each relationship's start and end ids."""
    elements: list = [path.nodes[0]]
    for rel, node in zip(path.relationships, path.nodes[1:]):
        elements += [rel, node]
    return elements


# --- in: parameters ------------------------------------------------------------------------------------------------

def plain_parameters(parameters: object) -> dict:
    """Plain JSON parameters as they are: JSON's integers are Cypher's (64 bits at most), its other numbers floats."""
    if not isinstance(parameters, dict):
        raise invalid_request("parameters must be a JSON object")
    for value in parameters.values():
        _check_integers(value)
    return parameters


def _check_integers(value: object) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if not _LONG_MIN <= value <= _LONG_MAX:
            raise invalid_request(f"The integer {value} does not fit in 64 bits")
    elif isinstance(value, list):
        for item in value:
            _check_integers(item)
    elif isinstance(value, dict):
        for item in value.values():
            _check_integers(item)


def typed_parameters(parameters: object) -> dict:
    """Typed JSON parameters: every value `{"$type": T, "_value": V}`; nodes, relationships and paths refused."""
    if not isinstance(parameters, dict):
        raise invalid_request("parameters must be a JSON object")
    return {str(key): read_typed(value) for key, value in parameters.items()}


def read_typed(value: object, depth: int = 0) -> object:
    if not isinstance(value, dict) or "$type" not in value or "_value" not in value:
        raise invalid_request("Expected a typed value.")
    kind, raw = value["$type"], value["_value"]
    if kind in ("List", "Map"):
        if depth >= _DEEPEST:
            raise invalid_request(f"Typed values nest at most {_DEEPEST} levels deep")
        return _read_list(raw, depth + 1) if kind == "List" else _read_map(raw, depth + 1)
    reader = _READERS.get(kind)
    if reader is not None:
        return reader(raw)
    if kind in ("Node", "Relationship", "Path"):
        raise invalid_request(f"Type {kind} is not supported as a column value")
    if isinstance(kind, str) and kind in text_values.KINDS:
        return text_values.parse_value(kind, _string(kind, raw))
    raise invalid_request(f"Unknown type '{kind}'")


def _string(kind: str, raw: object) -> str:
    if not isinstance(raw, str):
        raise invalid_request(f"Expected a string as the value of a {kind}")
    return raw


def _read_null(raw: object) -> None:
    if raw is not None:
        raise invalid_request("Expected 'null' value")
    return None


def _read_boolean(raw: object) -> bool:
    if not isinstance(raw, bool):
        raise invalid_request("Expected a JSON boolean as the value of a Boolean")
    return raw


def _read_integer(raw: object) -> int:
    try:
        number = int(_string("Integer", raw).strip())
    except ValueError:
        raise invalid_request(f"Invalid Integer value '{raw}'") from None
    if not _LONG_MIN <= number <= _LONG_MAX:
        raise invalid_request(f"The integer {number} does not fit in 64 bits")
    return number


def _read_float(raw: object) -> float:
    text = _string("Float", raw).strip()
    try:
        return float({"Infinity": "inf", "-Infinity": "-inf"}.get(text, text))
    except ValueError:
        raise invalid_request(f"Invalid Float value '{raw}'") from None


def _read_base64(raw: object) -> bytes:
    try:
        return base64.b64decode(_string("Base64", raw), validate=True)
    except binascii.Error:
        raise invalid_request(f"Invalid Base64 value '{raw}'") from None


def _read_list(raw: object, depth: int) -> list:
    if not isinstance(raw, list):
        raise invalid_request("Expected a JSON array as the value of a List")
    return [read_typed(item, depth) for item in raw]


def _read_map(raw: object, depth: int) -> dict:
    if not isinstance(raw, dict):
        raise invalid_request("Expected a JSON object as the value of a Map")
    return {str(key): read_typed(item, depth) for key, item in raw.items()}


_READERS: dict[str, Callable[[object], object]] = {
    "Null": _read_null, "Boolean": _read_boolean, "Integer": _read_integer, "Float": _read_float,
    "String": lambda raw: _string("String", raw), "Base64": _read_base64,
}
