"""Memgraph's `SHOW INDEX INFO` and `SHOW CONSTRAINT INFO`: the catalogue in Memgraph's columns, which Memgraph's
clients (its OGM, GQLAlchemy) read to compare the schema they want with the one there."""
from __future__ import annotations

from graphplex.databases.cypher.plan import Operator, Plan

INDEX_INFO_COLUMNS = ["index type", "label", "property", "count"]
CONSTRAINT_INFO_COLUMNS = ["constraint type", "label", "properties"]
# graphplex's index types as Memgraph names them; a relationship index is Memgraph's edge-type index.
_INDEX_TYPES = {("NODE", "RANGE"): "label+property", ("NODE", "TEXT"): "text", ("NODE", "POINT"): "point",
                ("RELATIONSHIP", "RANGE"): "edge-type+property", ("RELATIONSHIP", "TEXT"): "text",
                ("RELATIONSHIP", "POINT"): "point"}
_CONSTRAINT_TYPES = {"UNIQUENESS": "unique", "KEY": "unique", "PROPERTY_EXISTENCE": "exists",
                     "PROPERTY_TYPE": "data_type"}


def plan_show_info(what: str) -> Plan:
    """The plan of `SHOW INDEX INFO` (`what` "INDEX INFO") or `SHOW CONSTRAINT INFO`."""
    indexes = what == "INDEX INFO"
    rows = index_info_rows if indexes else constraint_info_rows

    def produce(_, ctx):
        yield from rows(ctx.txn.storage)
    return Plan([Operator("ShowIndexInfo" if indexes else "ShowConstraintInfo", "", produce)],
                list(INDEX_INFO_COLUMNS if indexes else CONSTRAINT_INFO_COLUMNS), "r", "read")


def index_info_rows(storage) -> list[dict]:
    """One row per index the user made (not one a constraint owns, which Memgraph's constraints do not have):
    `property` is the property's name, or the list of a composite index's; `count` its entries."""
    rows = []
    for index in storage.indexes.by_name.values():
        if index.owning_constraint is not None:
            continue
        properties = index.properties[0] if len(index.properties) == 1 else list(index.properties)
        rows.append({"index type": _INDEX_TYPES[index.entity_type, index.index_type], "label": index.label,
                     "property": properties, "count": sum(len(entries) for entries in index.entries.values())})
    return sorted(rows, key=lambda r: (r["index type"], r["label"], str(r["property"])))


def constraint_info_rows(storage) -> list[dict]:
    """One row per constraint: `properties` is the list of a uniqueness constraint's properties, the single
    property of an existence or type constraint (Memgraph's shapes)."""
    rows = []
    for constraint in storage.schema.constraints.values():
        kind = _CONSTRAINT_TYPES[constraint.kind]
        properties = list(constraint.properties) if kind == "unique" else constraint.properties[0]
        rows.append({"constraint type": kind, "label": constraint.label, "properties": properties})
    return sorted(rows, key=lambda r: (r["constraint type"], r["label"], str(r["properties"])))
