"""Memgraph's `SHOW INDEX INFO` and `SHOW CONSTRAINT INFO`: the catalogue in Memgraph's columns, which Memgraph's
clients (its OGM, GQLAlchemy) read to compare the schema they want with the one there."""
from __future__ import annotations

from graphplex.databases.cypher.plan import Operator, Plan
from graphplex.databases.storage import NODE, property_value
from graphplex.databases.storage.constraints import MEMGRAPH_TYPE_NAMES

INDEX_INFO_COLUMNS = ["index type", "label", "property", "count"]
CONSTRAINT_INFO_COLUMNS = ["constraint type", "label", "properties", "data_type"]
# graphplex's index types as Memgraph names them: a relationship index is Memgraph's edge-type index, a lookup index
# of a label or type Memgraph's label or edge-type index, one of a property (no label) Memgraph's global index.
_INDEX_TYPES = {("NODE", "RANGE"): "label+property", ("NODE", "TEXT"): "text", ("NODE", "POINT"): "point",
                ("RELATIONSHIP", "RANGE"): "edge-type+property", ("RELATIONSHIP", "TEXT"): "text",
                ("RELATIONSHIP", "POINT"): "point", ("NODE", "LOOKUP"): "label",
                ("RELATIONSHIP", "LOOKUP"): "edge-type", ("NODE", "GLOBAL"): "vertex-property",
                ("RELATIONSHIP", "GLOBAL"): "edge-property"}
_CONSTRAINT_TYPES = {"UNIQUENESS": "unique", "KEY": "unique", "PROPERTY_EXISTENCE": "exists",
                     "PROPERTY_TYPE": "data_type"}
# Memgraph lists existence constraints, then uniqueness, then type constraints.
_CONSTRAINT_ORDER = {"exists": 0, "unique": 1, "data_type": 2}


def plan_show_info(what: str) -> Plan:
    """The plan of `SHOW INDEX INFO` (`what` "INDEX INFO") or `SHOW CONSTRAINT INFO`."""
    indexes = what == "INDEX INFO"
    rows = index_info_rows if indexes else constraint_info_rows

    def produce(_, ctx):
        yield from rows(ctx.txn)
    return Plan([Operator("ShowIndexInfo" if indexes else "ShowConstraintInfo", "", produce)],
                list(INDEX_INFO_COLUMNS if indexes else CONSTRAINT_INFO_COLUMNS), "r", "read")


def index_info_rows(txn) -> list[dict]:
    """One row per index the user made (not one a constraint owns, which Memgraph's constraints do not have):
    `label` the label or type (None for a global index), `property` the property's name, the list of a composite
    index's, or None for a label or edge-type index."""
    storage = txn.storage
    rows = []
    for index in (*storage.indexes.by_name.values(), *storage.schema.lookups.values()):
        if index.owning_constraint is not None:
            continue
        index_type = index.index_type if index.label else "GLOBAL"
        properties = index.properties[0] if len(index.properties) == 1 else list(index.properties) or None
        rows.append({"index type": _INDEX_TYPES[index.entity_type, index_type], "label": index.label or None,
                     "property": properties, "count": _count(txn, index)})
    return sorted(rows, key=_index_order)


def _index_order(row: dict) -> tuple:
    """Memgraph's order of SHOW INDEX INFO: by type, label, then property, a single property (a string) before a
    composite one (a list), as Memgraph orders values of different types by type."""
    prop = row["property"]
    rank = 0 if prop is None else 1 if isinstance(prop, str) else 2
    return row["index type"], row["label"] or "", rank, (prop,) if isinstance(prop, str) else tuple(prop or ())


def _count(txn, index) -> int:
    """The nodes (relationships) of the index as the transaction sees them: those with its label or type (any, for
    a global index) and every one of its properties. Exact, as an index's entries are not (they hold each entity
    under every key its live versions have); it costs a pass over the label's nodes."""
    nodes = index.entity_type == NODE
    if index.label:
        entities = txn.vertices_with_label(index.label) if nodes else txn.edges_with_type(index.label)
    else:
        entities = txn.vertices() if nodes else txn.edges()
    return sum(1 for entity in entities if _has_all(txn.view(entity), index.properties))


def _has_all(version, properties: tuple[str, ...]) -> bool:
    """Whether a version the transaction sees has every property (or nested property `a.b`) of an index."""
    return version is not None and all(property_value(version.props, key) is not None for key in properties)


def constraint_info_rows(txn) -> list[dict]:
    """One row per constraint: `properties` is the list of a uniqueness constraint's properties, the single
    property of an existence or type constraint (Memgraph's shapes); `data_type` a type constraint's type, else ""."""
    rows = []
    for constraint in txn.storage.schema.constraints.values():
        kind = _CONSTRAINT_TYPES[constraint.kind]
        properties = list(constraint.properties) if kind == "unique" else constraint.properties[0]
        data_type = " | ".join(MEMGRAPH_TYPE_NAMES.get(name, name) for name in constraint.property_types)
        rows.append({"constraint type": kind, "label": constraint.label, "properties": properties,
                     "data_type": data_type})
    return sorted(rows, key=lambda r: (_CONSTRAINT_ORDER[r["constraint type"]], r["label"], str(r["properties"])))
