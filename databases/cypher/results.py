"""Turning engine values into the public graph values of a record."""
from __future__ import annotations

from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.ranges import LazyRange
from graphplex.databases.cypher.values import PathValue
from graphplex.databases.graph_types import Node, Path, Relationship
from graphplex.databases.storage import Edge, Vertex

_SCALARS = (str, int, float, bool, type(None))


def to_public(value: object, ctx: ExecutionContext) -> object:
    """The value a user sees: `Node`, `Relationship` and `Path` snapshots instead of storage entities."""
    if isinstance(value, _SCALARS):
        return value
    if type(value) is Vertex:
        return _node(value, ctx)
    if type(value) is Edge:
        return _relationship(value, ctx)
    if isinstance(value, PathValue):
        return Path(tuple(_node(v, ctx) for v in value.vertices), tuple(_relationship(e, ctx) for e in value.edges))
    if isinstance(value, list):
        if type(value) is LazyRange:  # its integers, built under the limits of the transaction
            return value.materialize()
        return [to_public(item, ctx) for item in value]
    if isinstance(value, dict):
        return {key: to_public(item, ctx) for key, item in value.items()}
    return value


def _last_known(entity, ctx: ExecutionContext):
    """What the transaction sees, or for an entity it deleted, the state it deleted."""
    version = ctx.txn.view(entity)
    if version is None:
        version = entity.head
    return version


def _node(vertex: Vertex, ctx: ExecutionContext) -> Node:
    version = _last_known(vertex, ctx)
    labels = version.labels if version is not None else frozenset()
    props = dict(version.props) if version is not None else {}
    return Node(ctx.element_id(vertex), labels, props)


def _relationship(edge: Edge, ctx: ExecutionContext) -> Relationship:
    version = _last_known(edge, ctx)
    props = dict(version.props) if version is not None else {}
    return Relationship(ctx.element_id(edge), edge.type, _node(edge.src, ctx), _node(edge.dst, ctx), props)
