"""apoc.schema.nodes: the indexes and constraints on nodes, one row each, as APOC 5.26 reports them under Cypher 5
(names as `:Label(prop,…)`, the constraint rows first, each group in label order). neo4j-graphrag and LlamaIndex
read it for their schema's metadata: without it, a failing call would lose the constraints too. And
apoc.schema.properties.distinct(Count), which their enhanced schema asks for the values of an indexed property."""
from __future__ import annotations

from typing import Iterator

from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.cypher.procedures_db import visible_labels
from graphplex.databases.cypher.values import group_key
from graphplex.databases.storage.schema import LOOKUP_INDEXES
from graphplex.databases.values import index_key

TOKEN_LABEL = "<any-labels>"
OUTPUTS = [("name", "STRING"), ("label", "ANY"), ("properties", "LIST<STRING>"), ("status", "STRING"),
           ("type", "STRING"), ("failure", "STRING"), ("populationProgress", "FLOAT"), ("size", "INTEGER"),
           ("valuesSelectivity", "FLOAT"), ("userDescription", "STRING")]
# How a constraint type is spelled in its user description (Cypher 5 spelling, as APOC restores it).
_DESCRIBED = {"UNIQUENESS": "UNIQUENESS", "NODE_KEY": "NODE KEY", "NODE_PROPERTY_EXISTENCE": "NODE PROPERTY EXISTENCE",
              "NODE_PROPERTY_TYPE": "NODE PROPERTY TYPE"}


def _row(name: str, label, properties: list[str], status: str, type_: str, progress: float, size: int,
         selectivity: float, description: str) -> dict:
    return {"name": name, "label": label, "properties": properties, "status": status, "type": type_,
            "failure": "NO FAILURE", "populationProgress": progress, "size": size, "valuesSelectivity": selectivity,
            "userDescription": description}


def _schema_text(label: str, properties) -> str:
    return f"(:{label} {{{', '.join(properties)}}})"


def _constraint_rows(storage, wanted) -> list[dict]:
    rows = []
    for constraint in storage.schema.constraints.values():
        if constraint.entity_type != "NODE" or not wanted(constraint.label):
            continue
        owned = f", ownedIndex={constraint.index.id}" if constraint.index is not None else ""
        description = (f"Constraint( id={constraint.id}, name='{constraint.name}', "
                       f"type='{_DESCRIBED.get(constraint.type_name, constraint.type_name)}', "
                       f"schema={_schema_text(constraint.label, constraint.properties)}{owned} )")
        rows.append(_row(f":{constraint.label}({','.join(constraint.properties)})", constraint.label,
                         list(constraint.properties), "", constraint.type_name, 0.0, 0, 0.0, description))
    return sorted(rows, key=lambda row: row["label"])


def _index_rows(ctx, wanted) -> list[dict]:
    txn = ctx.txn
    rows = []
    for index_id, name, entity_type in LOOKUP_INDEXES:
        if entity_type == "NODE" and wanted(None):
            size = sum(1 for vertex in txn.vertices() if txn.view(vertex).labels)
            rows.append(_row(f":{TOKEN_LABEL}()", TOKEN_LABEL, [], "ONLINE", "LOOKUP", 100.0, size, 1.0,
                             f"Index( id={index_id}, name='{name}', type='LOOKUP', schema=(:{TOKEN_LABEL}), "
                             "indexProvider='token-lookup-1.0' )"))
    for index in sorted(txn.storage.indexes.by_name.values(), key=lambda i: i.id):
        if index.entity_type != "NODE" or not wanted(index.label):
            continue
        size, selectivity = _index_size(ctx, index.label, index.properties)
        owner = txn.storage.schema.constraints.get(index.owning_constraint) if index.owning_constraint else None
        owning = f", owningConstraint={owner.id}" if owner is not None else ""
        rows.append(_row(f":{index.label}({','.join(index.properties)})", index.label, list(index.properties),
                         "ONLINE", "RANGE", 100.0, size, selectivity,
                         f"Index( id={index.id}, name='{index.name}', type='RANGE', "
                         f"schema={_schema_text(index.label, index.properties)}, indexProvider='range-1.0'{owning} )"))
    return sorted(rows, key=lambda row: row["label"])


def _index_size(ctx, label: str, properties) -> tuple[int, float]:
    """The entries of a range index (nodes with the label and every property) and the share of distinct ones."""
    txn = ctx.txn
    keys = []
    for vertex in txn.vertices_with_label(label):
        ctx.check()
        props = txn.view(vertex).props
        values = [props.get(key) for key in properties]
        if all(value is not None for value in values):
            keys.append(tuple(index_key(value) for value in values))
    return len(keys), (len(set(keys)) / len(keys) if keys else 1.0)


def _wanted(config: dict | None):
    config = config or {}
    include, exclude = set(config.get("labels") or ()), set(config.get("excludeLabels") or ())

    def wanted(label: str | None) -> bool:
        if label is None:
            return not include
        return (not include or label in include) and label not in exclude
    return wanted


@procedure("apoc.schema.nodes", inputs=[("config", "MAP", {})], outputs=OUTPUTS, mode="SCHEMA")
def nodes(ctx, config) -> Iterator[dict]:
    """Returns all indexes and constraints information for all `NODE` labels in the database.
    It is possible to define a set of labels to include or exclude in the config parameters."""
    wanted = _wanted(config)
    yield from _constraint_rows(ctx.txn.storage, wanted)
    yield from _index_rows(ctx, wanted)


def _value_counts(ctx, label: str, key: str) -> Iterator[dict]:
    """APOC's distinctCount: per label (all in use when ''), per key (all when ''), each distinct value and how
    many nodes have it."""
    txn = ctx.txn
    labels = [label] if label else list(visible_labels(ctx))
    for name in labels:
        counts: dict = {}
        for vertex in txn.vertices_with_label(name):
            ctx.check()
            props = txn.view(vertex).props
            for prop in ([key] if key else props):
                value = props.get(prop)
                if value is not None:
                    entry = counts.setdefault((prop, group_key(value)), [value, 0])
                    entry[1] += 1
        for (prop, _), (value, count) in counts.items():
            yield {"label": name, "key": prop, "value": value, "count": count}


@procedure("apoc.schema.properties.distinct", inputs=[("label", "STRING", ...), ("key", "STRING", ...)],
           outputs=[("value", "LIST<ANY>")])
def distinct(ctx, label, key) -> Iterator[dict]:
    """Returns all distinct `NODE` property values for the given key."""
    yield {"value": [row["value"] for row in _value_counts(ctx, label or "", key or "")]}


@procedure("apoc.schema.properties.distinctCount", inputs=[("label", "STRING", ""), ("key", "STRING", "")],
           outputs=[("label", "STRING"), ("key", "STRING"), ("value", "ANY"), ("count", "INTEGER")])
def distinct_count(ctx, label, key) -> Iterator[dict]:
    """Returns all distinct property values and counts for the given key."""
    yield from _value_counts(ctx, label or "", key or "")
