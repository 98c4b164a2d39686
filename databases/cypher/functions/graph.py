"""Functions on nodes, relationships and paths: id, elementId, labels, type, properties, keys, start and end
nodes, nodes/relationships/length of a path."""
from __future__ import annotations

from graphplex.databases.cypher.errors import type_error
from graphplex.databases.errors import ClientError
from graphplex.databases.cypher.functions.registry import function
from graphplex.databases.cypher.values import PathValue, type_name
from graphplex.databases.storage import Edge, Vertex


def _mismatch(expected: str, value: object) -> Exception:
    return type_error(f"Type mismatch: expected {expected} but was {type_name(value).title()}")


@function("id", 1)
def id_(ctx, entity):
    """The legacy integer id of a node or relationship."""
    if entity is None:
        return None
    if isinstance(entity, (Vertex, Edge)):
        return entity.gid
    raise _mismatch("Node or Relationship", entity)


@function("elementId", 1)
def element_id(ctx, entity):
    """The element id of a node or relationship."""
    if entity is None:
        return None
    if isinstance(entity, (Vertex, Edge)):
        return ctx.element_id(entity)
    raise _mismatch("Node or Relationship", entity)


@function("labels", 1)
def labels(ctx, node):
    """The labels of a node, as a list."""
    if node is None:
        return None
    if isinstance(node, Vertex):
        return sorted(ctx.view(node).labels)
    raise _mismatch("Node", node)


@function("type", 1)
def type_(ctx, relationship):
    """The type of a relationship."""
    if relationship is None:
        return None
    if isinstance(relationship, Edge):
        return relationship.type
    raise _mismatch("Relationship", relationship)


@function("properties", 1)
def properties(ctx, value):
    """The properties of a node or relationship (a map is returned as it is)."""
    if value is None:
        return None
    if isinstance(value, (Vertex, Edge)):
        return dict(ctx.view(value).props)
    if isinstance(value, dict):
        return dict(value)
    raise _mismatch("Map, Node or Relationship", value)


@function("keys", 1)
def keys(ctx, value):
    """The property keys of a node or relationship, or the keys of a map."""
    if value is None:
        return None
    if isinstance(value, (Vertex, Edge)):
        return list(ctx.view(value).props)
    if isinstance(value, dict):
        return list(value)
    raise _mismatch("Map, Node or Relationship", value)


@function("startNode", 1)
def start_node(ctx, relationship):
    """The start node of a relationship."""
    if relationship is None:
        return None
    if isinstance(relationship, Edge):
        return relationship.src
    raise _mismatch("Relationship", relationship)


@function("endNode", 1)
def end_node(ctx, relationship):
    """The end node of a relationship."""
    if relationship is None:
        return None
    if isinstance(relationship, Edge):
        return relationship.dst
    raise _mismatch("Relationship", relationship)


@function("nodes", 1)
def nodes(ctx, path):
    """The nodes of a path."""
    if path is None:
        return None
    if isinstance(path, PathValue):
        return list(path.vertices)
    raise _mismatch("Path", path)


@function("relationships", 1)
def relationships(ctx, path):
    """The relationships of a path."""
    if path is None:
        return None
    if isinstance(path, PathValue):
        return list(path.edges)
    raise _mismatch("Path", path)


@function("length", 1)
def length(ctx, value):
    """The number of relationships of a path."""
    if value is None:
        return None
    if isinstance(value, PathValue):
        return len(value.edges)
    raise _mismatch("Path", value)


@function("exists", 1)
def exists(ctx, value):
    """Deprecated `exists(n.prop)`: whether the value is not null."""
    return value is not None


def _composite_host(ctx, call: str):
    host = getattr(ctx, "host", None)
    if host is None or not host.in_composite():
        raise ClientError(f"{call} is only supported on composite databases.",
                          "Neo.ClientError.Statement.SemanticError")
    return host


@function("graph.names", 0, signature="graph.names()")
def graph_names(ctx):
    """The names of the graphs a composite database reaches (its constituents), as `USE graph.byName(…)` takes
    them."""
    return _composite_host(ctx, "graph.names()").graph_names()


@function("graph.propertiesByName", 1, signature="graph.propertiesByName(name)")
def graph_properties_by_name(ctx, name):
    """The PROPERTIES map of a composite database's constituent alias."""
    host = _composite_host(ctx, "graph.propertiesByName()")
    if name is None:
        return None
    if not isinstance(name, str):
        raise _mismatch("String", name)
    return host.graph_properties(name)
