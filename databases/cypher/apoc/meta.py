"""apoc.meta.data and apoc.meta.schema: the graph's shape as APOC samples it, which schema introspection in
LangChain, neo4j-graphrag and LlamaIndex reads (the type names it reports: `meta_types`). The walk follows APOC
5.26's `MetaRestricted.collectMetaData`, including its quirks (a property named like a relationship type of the
label is not reported; property rows count 0)."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Iterator

from graphplex.databases.cypher.apoc.java_text import java_class
from graphplex.databases.cypher.apoc.meta_types import type_of
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.cypher.procedures_db import visible_labels, visible_types
from graphplex.databases.procedure_failures import procedure_failed
from graphplex.databases.storage import Edge, Vertex

RESULT_COLUMNS = (("label", "STRING"), ("property", "STRING"), ("count", "INTEGER"), ("unique", "BOOLEAN"),
                  ("index", "BOOLEAN"), ("existence", "BOOLEAN"), ("type", "STRING"), ("array", "BOOLEAN"),
                  ("sample", "LIST<ANY>"), ("left", "INTEGER"), ("right", "INTEGER"), ("other", "LIST<STRING>"),
                  ("otherLabels", "LIST<STRING>"), ("elementType", "STRING"))


# --- the sampled walk ---------------------------------------------------------------------------------------

@dataclass
class MetaItem:
    """One row of `apoc.meta.data` while it is being gathered (APOC's MetaItem)."""

    label: str
    property: str
    count: int = 0
    unique: bool = False
    index: bool = False
    existence: bool = False
    type: str | None = None
    array: bool = False
    left: int = 0
    right: int = 0
    other: list[str] = field(default_factory=list)
    other_labels: list[str] = field(default_factory=list)
    element_type: str | None = None
    left_count: int = 0
    right_count: int = 0

    def relationship(self, out: int, in_: int) -> None:
        """One more sampled node with `out` outgoing and `in_` incoming relationships of this type."""
        self.count += 1
        self.type = "RELATIONSHIP"
        if out > 1:
            self.array = True
        self.left_count += out
        self.right_count += in_
        self.left = self.left_count // self.count
        self.right = self.right_count // self.count

    def add_other(self, labels) -> None:
        """Notes the labels of one more end node, each once, in the order first seen (APOC's `other`)."""
        for label in labels:
            if label not in self.other:
                self.other.append(label)

    def row(self) -> dict:
        """The item as a row of apoc.meta.data (`sample` stays null: no values are collected)."""
        return {"label": self.label, "property": self.property, "count": self.count, "unique": self.unique,
                "index": self.index, "existence": self.existence, "type": self.type, "array": self.array,
                "sample": None, "left": self.left, "right": self.right, "other": list(self.other),
                "otherLabels": list(self.other_labels), "elementType": self.element_type}


def sample_config(name: str, config: dict | None, defaults: tuple[int, int] = (1000, 100)) -> tuple[int, int]:
    """(sample, maxRels) of a config map, by default APOC's 1000 and 100; APOC casts each to a Java long, so
    anything but an integer fails the call."""
    config = config or {}
    values = []
    for key, default in zip(("sample", "maxRels"), defaults):
        value = config.get(key)
        if value is None:
            value = default
        elif isinstance(value, bool) or not isinstance(value, int):
            java = java_class(value)
            raise procedure_failed(name, f"class {java} cannot be cast to class java.lang.Long ({java} and "
                                         "java.lang.Long are in module java.base of loader 'bootstrap')",
                                   "java.lang.ClassCastException")
        values.append(value)
    return values[0], values[1]


def sample_step(label_count: int, sample: int) -> int:
    """APOC's `getSampleForLabelCount`: every n-th node of a label is examined, n drawn around count / sample;
    -1 (every node) when the label has fewer than about ten times `sample` nodes or sampling is off."""
    if sample == -1 or sample == 0:
        return -1
    skip = label_count // sample
    low, high = math.floor(skip - skip * 0.1), math.ceil(skip + skip * 0.1)
    if low >= high:
        return -1
    step = random.randrange(low, high)
    return -1 if step == 0 else step


class _Schema:
    """Indexed properties and constraints per label or relationship type, as the walk consults them."""

    def __init__(self, storage) -> None:
        self.indexed: dict[tuple[str, str], set[str]] = {}
        for index in storage.indexes.by_name.values():
            self.indexed.setdefault((index.entity_type, index.label), set()).update(index.properties)
        self.constraints: dict[tuple[str, str], list] = {}
        for constraint in storage.schema.constraints.values():
            self.constraints.setdefault((constraint.entity_type, constraint.label), []).append(constraint)

    def annotate(self, item: MetaItem, entity_type: str, token: str, key: str, node_labels) -> None:
        if key in self.indexed.get((entity_type, token), ()):
            item.index = True
        for constraint in self.constraints.get((entity_type, token), ()):
            if key not in constraint.properties:
                continue
            if constraint.kind == "UNIQUENESS":
                item.unique = True
                if entity_type == "NODE":
                    item.other_labels.extend(label for label in node_labels if label != item.label)
            elif constraint.kind == "PROPERTY_EXISTENCE":
                item.existence = True


def collect_meta_data(ctx, sample: int) -> dict[tuple[str, str], dict[str, MetaItem]]:
    """APOC's metadata map: per relationship type (first) and per label, its items by property or type name."""
    txn = ctx.txn
    schema = _Schema(txn.storage)
    meta: dict[tuple[str, str], dict[str, MetaItem]] = {}
    for type_ in visible_types(ctx):
        meta[("RELATIONSHIP", type_)] = {}
    for label in visible_labels(ctx):
        node_meta: dict[str, MetaItem] = {}
        meta[("NODE", label)] = node_meta
        nodes = list(txn.vertices_with_label(label))
        step = sample_step(len(nodes), sample)
        for position, vertex in enumerate(nodes, start=1):
            ctx.check()
            if position % step == 0:
                _add_relationships(ctx, meta, node_meta, label, vertex, schema)
                version = ctx.view(vertex)
                _add_properties(node_meta, label, "NODE", version.props, schema, version.labels)
    return meta


def _add_relationships(ctx, meta, node_meta: dict[str, MetaItem], label: str, vertex: Vertex,
                       schema: _Schema) -> None:
    txn = ctx.txn
    outgoing: dict[str, list[Edge]] = {}
    for edge, _ in txn.expand(vertex, "out"):
        outgoing.setdefault(edge.type, []).append(edge)
    node_labels = ctx.view(vertex).labels
    for type_, edges in outgoing.items():
        relationship_meta = node_meta.setdefault(type_, MetaItem(label, type_))
        type_meta = meta[("RELATIONSHIP", type_)]
        node_in_type = type_meta.setdefault(label, MetaItem(type_, label))
        incoming = txn.degree(vertex, "in", [type_])
        relationship_meta.element_type = "node"
        relationship_meta.relationship(len(edges), incoming)
        node_in_type.relationship(len(edges), incoming)
        for edge in edges:
            end_labels = sorted(ctx.view(edge.dst).labels)
            relationship_meta.add_other(end_labels)
            node_in_type.add_other(end_labels)
            _add_properties(type_meta, type_, "RELATIONSHIP", ctx.view(edge).props, schema, node_labels)
            node_in_type.element_type = "relationship"


def _add_properties(items: dict[str, MetaItem], token: str, entity_type: str, props: dict, schema: _Schema,
                    node_labels) -> None:
    for key, value in props.items():
        if key in items:
            continue
        item = MetaItem(token, key, type=type_of(value), array=isinstance(value, (list, tuple)),
                        element_type=entity_type.lower())
        schema.annotate(item, entity_type, token, key, sorted(node_labels))
        items[key] = item


@procedure("apoc.meta.data", inputs=[("config", "MAP", {})], outputs=RESULT_COLUMNS)
def data(ctx, config) -> Iterator[dict]:
    """Examines the full graph and returns a table of metadata."""
    sample, _ = sample_config("apoc.meta.data", config)
    for items in collect_meta_data(ctx, sample).values():
        for item in items.values():
            yield item.row()


# --- apoc.meta.schema ---------------------------------------------------------------------------------------

@procedure("apoc.meta.schema", inputs=[("config", "MAP", {})], outputs=[("value", "MAP")])
def schema(ctx, config) -> Iterator[dict]:
    """Examines the given sub-graph and returns metadata as a `MAP`."""
    txn = ctx.txn
    label_counts = {label: n for label in visible_labels(ctx)
                    if (n := sum(1 for _ in txn.vertices_with_label(label)))}
    type_counts = {type_: sum(1 for _ in txn.edges_with_type(type_)) for type_ in visible_types(ctx)}
    sample, _ = sample_config("apoc.meta.schema", config)
    meta = collect_meta_data(ctx, sample)
    relationships = _relationships_schema(meta, type_counts)
    nodes = _nodes_schema(meta, label_counts, relationships)
    common = set(nodes) & set(relationships)
    for key, value in relationships.items():
        nodes[f"{key} (RELATIONSHIP)" if key in common else key] = value
    yield {"value": nodes}


def _relationships_schema(meta, type_counts: dict[str, int]) -> dict:
    relationships = {}
    for (_, key), items in meta.items():
        is_relationship = key in type_counts
        properties = {}
        for name, item in items.items():
            if item.element_type != "relationship":
                is_relationship = False
                break
            if item.type != "RELATIONSHIP":
                properties[name] = {"type": item.type, "array": item.array, "existence": item.existence,
                                    "indexed": item.index}
        if is_relationship:
            relationships[key] = {"type": "relationship", "count": type_counts[key], "properties": properties}
    return relationships


def _nodes_schema(meta, label_counts: dict[str, int], relationships: dict) -> dict:
    nodes: dict[str, dict] = {}
    incoming: dict[str, list[tuple[str, dict]]] = {}
    for (_, key), items in meta.items():
        is_node = key in label_counts
        properties, outgoing, labels = {}, {}, []
        for name, item in items.items():
            if item.element_type == "relationship":
                is_node = False
                break
            if item.unique:
                labels = item.other_labels
            if item.type != "RELATIONSHIP":
                properties[name] = {"type": item.type, "indexed": item.index, "unique": item.unique,
                                    "existence": item.existence}
                continue
            rel_properties = relationships.get(item.property, {}).get("properties")
            outgoing[item.property] = {"direction": "out", "count": item.right_count, "labels": list(item.other),
                                       "properties": rel_properties}
            for other in item.other:
                incoming.setdefault(other, []).append((item.property, {
                    "direction": "in", "count": item.left_count, "labels": [item.label],
                    "properties": rel_properties}))
        if is_node:
            nodes[key] = {"type": "node", "count": label_counts.get(key), "labels": list(labels),
                          "properties": properties, "relationships": outgoing}
    for name, node in nodes.items():
        for type_, relationship in incoming.get(name, ()):
            existing = node["relationships"].get(type_)
            if existing is None:
                node["relationships"][type_] = relationship
            elif existing["direction"] == relationship["direction"]:
                existing["labels"].extend(relationship["labels"])
    return nodes
