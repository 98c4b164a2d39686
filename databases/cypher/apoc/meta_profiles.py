"""apoc.meta.nodeTypeProperties and apoc.meta.relTypeProperties: per label set (and per start labels, end labels
and type) the properties seen, their Java type names ("String", "Long", "StringArray"…) and how often, from nodes
sampled as apoc.meta.data samples them. Follows APOC 5.26's `Tables4LabelsProfile`, quirks included: a node is
observed once per label it carries; `mandatory` means an existence constraint (of any label) names the key."""
from __future__ import annotations

from typing import Iterator

from graphplex.databases.cypher.apoc.meta import sample_config, sample_step
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.cypher.procedures_db import visible_labels
from graphplex.databases.values import java_type_name

NODE_OUTPUTS = [("nodeType", "STRING"), ("nodeLabels", "LIST<STRING>"), ("propertyName", "STRING"),
                ("propertyTypes", "LIST<STRING>"), ("mandatory", "BOOLEAN"), ("propertyObservations", "INTEGER"),
                ("totalObservations", "INTEGER")]
REL_OUTPUTS = [("relType", "STRING"), ("sourceNodeLabels", "LIST<STRING>"), ("targetNodeLabels", "LIST<STRING>"),
               ("propertyName", "STRING"), ("propertyTypes", "LIST<STRING>"), ("mandatory", "BOOLEAN"),
               ("propertyObservations", "INTEGER"), ("totalObservations", "INTEGER")]


class _Profile:
    """The properties seen on one kind of entity: per key its type names and observation count."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[set[str], list[int]]] = {}

    def observe(self, props: dict) -> None:
        for key, value in props.items():
            types, count = self.keys.setdefault(key, (set(), [0]))
            count[0] += 1
            types.add(java_type_name(value))


class _Tables:
    """APOC's Tables4LabelsProfile, filled node by node."""

    def __init__(self, config: dict, max_rels: int) -> None:
        self.nodes: dict[tuple[str, ...], _Profile] = {}
        self.node_seen: dict[tuple[str, ...], int] = {}
        self.rels: dict[tuple[tuple[str, ...], tuple[str, ...], str], _Profile] = {}
        self.rel_seen: dict[tuple, int] = {}
        self.include_rels = set(config.get("rels") or config.get("includeRels") or ())
        self.exclude_rels = set(config.get("excludeRels") or ())
        self.max_rels = max_rels

    def rel_matches(self, type_: str) -> bool:
        return type_ not in self.exclude_rels and (not self.include_rels or type_ in self.include_rels)

    def observe(self, ctx, vertex) -> None:
        txn = ctx.txn
        version = txn.view(vertex)
        labels = tuple(sorted(version.labels))
        self.node_seen[labels] = self.node_seen.get(labels, 0) + 1
        self.nodes.setdefault(labels, _Profile()).observe(version.props)
        for edge, end in txn.expand(vertex, "out"):
            if not self.rel_matches(edge.type):
                continue
            key = (tuple(sorted(txn.view(edge.src).labels)), tuple(sorted(txn.view(end).labels)), edge.type)
            self.rel_seen[key] = self.rel_seen.get(key, 0) + 1
            if self.rel_seen[key] > self.max_rels:
                continue
            self.rels.setdefault(key, _Profile()).observe(txn.view(edge).props)


def _mandatory_keys(storage, entity_type: str) -> set[str]:
    return {key for constraint in storage.schema.constraints.values()
            if constraint.entity_type == entity_type and constraint.kind == "PROPERTY_EXISTENCE"
            for key in constraint.properties}


def collect_tables(ctx, name: str, config: dict | None) -> _Tables:
    """APOC's `collectTables4LabelsProfile`: the sampled nodes of every label included, each observed with its
    outgoing relationships, unless all its relationship types are excluded."""
    config = config or {}
    sample, max_rels = sample_config(name, config)
    tables = _Tables(config, max_rels)
    include = set(config.get("labels") or config.get("includeLabels") or ())
    exclude = set(config.get("excludes") or config.get("excludeLabels") or ())
    txn = ctx.txn
    for label in visible_labels(ctx):
        if label in exclude or (include and label not in include):
            continue
        nodes = list(txn.vertices_with_label(label))
        step = sample_step(len(nodes), sample)
        for position, vertex in enumerate(nodes, start=1):
            ctx.check()
            if position % step:
                continue
            types = {edge.type for edge, _ in txn.expand(vertex, "both")}
            if types and not any(tables.rel_matches(type_) for type_ in types):
                continue
            tables.observe(ctx, vertex)
    return tables


def _rows(profile: _Profile, total: int, mandatory: set[str]) -> Iterator[dict]:
    if not profile.keys:
        yield {"propertyName": None, "propertyTypes": None, "mandatory": False, "propertyObservations": 0,
               "totalObservations": total}
        return
    for key, (types, count) in profile.keys.items():
        yield {"propertyName": key, "propertyTypes": sorted(types), "mandatory": key in mandatory,
               "propertyObservations": count[0], "totalObservations": total}


@procedure("apoc.meta.nodeTypeProperties", inputs=[("config", "MAP", {})], outputs=NODE_OUTPUTS)
def node_type_properties(ctx, config) -> Iterator[dict]:
    """Examines the full graph and returns a table of metadata with information about the `NODE` values therein."""
    tables = collect_tables(ctx, "apoc.meta.nodeTypeProperties", config)
    mandatory = _mandatory_keys(ctx.txn.storage, "NODE")
    for labels, profile in tables.nodes.items():
        node_type = ":" + ":".join(f"`{label}`" for label in labels)
        for row in _rows(profile, tables.node_seen[labels], mandatory):
            yield {"nodeType": node_type, "nodeLabels": list(labels), **row}


@procedure("apoc.meta.relTypeProperties", inputs=[("config", "MAP", {})], outputs=REL_OUTPUTS)
def rel_type_properties(ctx, config) -> Iterator[dict]:
    """Examines the full graph and returns a table of metadata with information about the `RELATIONSHIP` values
    therein."""
    tables = collect_tables(ctx, "apoc.meta.relTypeProperties", config)
    mandatory = _mandatory_keys(ctx.txn.storage, "RELATIONSHIP")
    for (start, end, type_), profile in tables.rels.items():
        for row in _rows(profile, tables.rel_seen[(start, end, type_)], mandatory):
            yield {"relType": f":`{type_}`", "sourceNodeLabels": list(start) or [""],
                   "targetNodeLabels": list(end) or [""], **row}
