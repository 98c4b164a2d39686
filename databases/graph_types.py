"""The graph values a query returns: `Node`, `Relationship` and `Path`, shaped like the `neo4j` driver's.

They are detached snapshots (the labels and properties as the query's transaction saw them), so they stay
valid after the transaction ends. Equality is by element id, as in the driver.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Iterator

__all__ = ["Node", "Relationship", "Path"]


class _Entity(Mapping):
    """Property access shared by nodes and relationships: `entity["k"]`, `get`, `keys`, `values`, `items`."""

    __slots__ = ("element_id", "_properties")

    def __init__(self, element_id: str, properties: dict) -> None:
        self.element_id = element_id
        self._properties = properties

    def __getitem__(self, key: str) -> object:
        return self._properties[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._properties)

    def __len__(self) -> int:
        return len(self._properties)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.element_id == self.element_id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.element_id))

    @property
    def id(self) -> int:
        """The legacy integer id (the last part of the element id)."""
        return int(self.element_id.rsplit(":", 1)[-1])


class Node(_Entity):
    __slots__ = ("labels",)

    def __init__(self, element_id: str, labels: frozenset, properties: dict) -> None:
        super().__init__(element_id, properties)
        self.labels = frozenset(labels)

    def __repr__(self) -> str:
        return f"<Node element_id={self.element_id!r} labels={set(self.labels)!r} properties={self._properties!r}>"


class Relationship(_Entity):
    __slots__ = ("type", "start_node", "end_node")

    def __init__(self, element_id: str, type_: str, start_node: Node, end_node: Node, properties: dict) -> None:
        super().__init__(element_id, properties)
        self.type = type_
        self.start_node = start_node
        self.end_node = end_node

    @property
    def nodes(self) -> tuple[Node, Node]:
        return self.start_node, self.end_node

    def __repr__(self) -> str:
        return (f"<Relationship element_id={self.element_id!r} type={self.type!r} "
                f"nodes=({self.start_node.element_id!r}, {self.end_node.element_id!r}) properties={self._properties!r}>")


class Path:
    """Alternating nodes and relationships, starting and ending with a node; `len(path)` counts relationships."""

    __slots__ = ("nodes", "relationships")

    def __init__(self, nodes: tuple[Node, ...], relationships: tuple[Relationship, ...]) -> None:
        self.nodes = tuple(nodes)
        self.relationships = tuple(relationships)

    @property
    def start_node(self) -> Node:
        return self.nodes[0]

    @property
    def end_node(self) -> Node:
        return self.nodes[-1]

    def __len__(self) -> int:
        return len(self.relationships)

    def __iter__(self) -> Iterator[Relationship]:
        return iter(self.relationships)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Path) and other.nodes == self.nodes and other.relationships == self.relationships

    def __hash__(self) -> int:
        return hash((self.nodes, self.relationships))

    def __repr__(self) -> str:
        return f"<Path start={self.start_node!r} end={self.end_node!r} size={len(self)}>"
