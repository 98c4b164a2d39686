"""Memgraph's functions on a node's relationships, which Memgraph's clients call: degree, inDegree, outDegree
(Neo4j writes them `COUNT { (n)--() }`)."""
from __future__ import annotations

from graphplex.databases.cypher.errors import type_error
from graphplex.databases.cypher.functions.registry import function
from graphplex.databases.cypher.values import type_name
from graphplex.databases.storage import IN, OUT, Vertex


def _relationships(ctx, node, direction: str) -> int | None:
    """How many relationships of `node` this transaction sees in `direction` (null for null, as Memgraph)."""
    if node is None:
        return None
    if not isinstance(node, Vertex):
        raise type_error(f"Type mismatch: expected Node but was {type_name(node).title()}")
    return sum(1 for _ in ctx.txn.expand(node, direction))


@function("degree", 1, signature="degree(node :: NODE) :: INTEGER")
def degree(ctx, node):
    """The number of relationships of a node, both directions (Memgraph's; a self-loop counts twice)."""
    outgoing = _relationships(ctx, node, OUT)
    return None if outgoing is None else outgoing + _relationships(ctx, node, IN)


@function("inDegree", 1, signature="inDegree(node :: NODE) :: INTEGER")
def in_degree(ctx, node):
    """The number of relationships that end at a node (Memgraph's)."""
    return _relationships(ctx, node, IN)


@function("outDegree", 1, signature="outDegree(node :: NODE) :: INTEGER")
def out_degree(ctx, node):
    """The number of relationships that start at a node (Memgraph's)."""
    return _relationships(ctx, node, OUT)
