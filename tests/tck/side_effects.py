"""The TCK's side effects (`+nodes`, `-properties`, …): what a scenario expects, and two ways to measure them.

The TCK defines side effects by observation (README.adoc, "Observability of side effects"): the difference
between the graph before and after the query, in nodes and relationships (by identity), in property triples
(entity, key, value — so changing a value is one removal plus one addition) and in *distinct* labels present in
the graph (creating two `:A` nodes in an empty graph adds one label). `measure_state` and `diff` implement exactly
that, by reading the whole graph with two plain queries; it is the default measure.

`from_counters` maps the engine's Neo4j-style `result.counters` instead. They cannot represent everything the
TCK counts: `labels_added` counts label additions per node, not distinct labels; `properties_set` counts every
property write (so an overwrite is +1 where the TCK says +1 and -1, and a `REMOVE` is a write where the TCK
says -1); nothing counts removed properties. Rows a counter cannot represent are not compared in that mode.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from graphplex.databases.graph_types import Node, Relationship

from .tck_values import from_engine, value_key

__all__ = ["SIDE_EFFECTS", "MeasurementError", "GraphState", "measure_state", "diff", "from_counters",
           "parse_side_effects"]

SIDE_EFFECTS = ("+nodes", "-nodes", "+relationships", "-relationships",
                "+properties", "-properties", "+labels", "-labels")

_NODES_QUERY = "MATCH (n) RETURN n"
_RELATIONSHIPS_QUERY = "MATCH ()-[r]->() RETURN r"

# The counter standing in for each side effect; None where no counter represents it.
_COUNTERS: dict[str, str | None] = {
    "+nodes": "nodes_created", "-nodes": "nodes_deleted",
    "+relationships": "relationships_created", "-relationships": "relationships_deleted",
    "+properties": "properties_set", "-properties": None,
    "+labels": "labels_added", "-labels": "labels_removed",
}


class MeasurementError(Exception):
    """The queries that read the graph's state did not return what they must (nodes, relationships)."""


@dataclass(frozen=True)
class GraphState:
    """What the TCK's observability queries would see: entity ids, distinct labels and property triples."""

    nodes: frozenset[str]
    relationships: frozenset[str]
    labels: frozenset[str]
    properties: frozenset[tuple[str, str, str, Hashable]]  # (kind, element id, key, value key)


def measure_state(read: Callable[[str], Sequence[Sequence[object]]]) -> GraphState:
    """Reads the graph's state through `read(query) -> rows` (a query runner that fails loudly)."""
    nodes = [row[0] if row else None for row in read(_NODES_QUERY)]
    relationships = [row[0] if row else None for row in read(_RELATIONSHIPS_QUERY)]
    if not all(isinstance(node, Node) for node in nodes):
        raise MeasurementError(f"`{_NODES_QUERY}` returned something other than nodes")
    if not all(isinstance(rel, Relationship) for rel in relationships):
        raise MeasurementError(f"`{_RELATIONSHIPS_QUERY}` returned something other than relationships")
    properties = {(kind, entity.element_id, key, value_key(from_engine(value)))
                  for kind, entities in (("node", nodes), ("relationship", relationships))
                  for entity in entities for key, value in entity.items()}
    return GraphState(
        nodes=frozenset(node.element_id for node in nodes),
        relationships=frozenset(rel.element_id for rel in relationships),
        labels=frozenset(label for node in nodes for label in node.labels),
        properties=frozenset(properties),
    )


def diff(before: GraphState, after: GraphState) -> dict[str, int]:
    """The side effects that turned `before` into `after`, as the TCK counts them."""
    return {
        "+nodes": len(after.nodes - before.nodes), "-nodes": len(before.nodes - after.nodes),
        "+relationships": len(after.relationships - before.relationships),
        "-relationships": len(before.relationships - after.relationships),
        "+properties": len(after.properties - before.properties),
        "-properties": len(before.properties - after.properties),
        "+labels": len(after.labels - before.labels), "-labels": len(before.labels - after.labels),
    }


def from_counters(counters: object) -> dict[str, int | None]:
    """The side effects as the engine's counters report them; None for a side effect no counter represents.

    The contract makes `result.counters` a dict; an object with the same attributes (the driver's
    `SummaryCounters` shape) is read too, so that this mode does not hinge on that detail.
    """
    def count(name: str) -> int:
        if isinstance(counters, Mapping):
            return int(counters.get(name, 0))
        return int(getattr(counters, name, 0))

    return {effect: None if counter is None else count(counter) for effect, counter in _COUNTERS.items()}


def parse_side_effects(table: Sequence[Sequence[str]] | None) -> dict[str, int]:
    """A `| +nodes | 1 |` table as a full mapping; side effects it does not name are expected to be 0."""
    expected = dict.fromkeys(SIDE_EFFECTS, 0)
    for row in table or ():
        if len(row) != 2 or row[0] not in expected or not row[1].isdigit():
            raise ValueError(f"not a side effect row: {' | '.join(row)}")
        expected[row[0]] = int(row[1])
    return expected
