"""The `db.*` procedures Neo4j 5.26 applications call: tokens, the derived schema, index waits, checkpoints and the
database's identity. Each reads through the caller's transaction (so the caller's read privileges filter what it
sees) and stops at the transaction's termination checks."""
from __future__ import annotations

from typing import Iterable, Iterator

from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.graph_types import Node, Relationship
from graphplex.databases.procedure_failures import call_failed
from graphplex.databases.storage.schema import LOOKUP_INDEXES
from graphplex.databases.values import java_type_name


@procedure("db.labels", outputs=[("label", "STRING")],
           description="List all labels attached to nodes within a database according to the user's access rights. "
                       "The procedure returns empty results if the user is not authorized to view those labels.",
           descriptions={"label": "A label within the database."})
def labels(ctx: ExecutionContext) -> Iterator[dict]:
    """The labels some node this transaction may see carries."""
    for label in visible_labels(ctx):
        yield {"label": label}


def visible_labels(ctx: ExecutionContext) -> Iterator[str]:
    """The labels some node this transaction sees carries: the storage's labels in use, less those whose nodes
    are all deleted here or hidden by the caller's read privileges (db.labels and APOC's meta walks agree)."""
    txn = ctx.txn
    for label in txn.storage.labels_in_use():
        ctx.check()
        if any(True for _ in txn.vertices_with_label(label)):
            yield label


@procedure("db.relationshipTypes", outputs=[("relationshipType", "STRING")],
           description="List all types attached to relationships within a database according to the user's access "
                       "rights. The procedure returns empty results if the user is not authorized to view those "
                       "relationship types.",
           descriptions={"relationshipType": "A relationship type in the database."})
def relationship_types(ctx: ExecutionContext) -> Iterator[dict]:
    """The types of the relationships this transaction may see."""
    for type_ in visible_types(ctx):
        yield {"relationshipType": type_}


def visible_types(ctx: ExecutionContext) -> Iterator[str]:
    """The types of the relationships this transaction sees (as `visible_labels`)."""
    txn = ctx.txn
    for type_ in txn.storage.types_in_use():
        ctx.check()
        if any(True for _ in txn.edges_with_type(type_)):
            yield type_


@procedure("db.propertyKeys", outputs=[("propertyKey", "STRING")],
           description="List all property keys in the database.",
           descriptions={"propertyKey": "A property key in the database."})
def property_keys(ctx: ExecutionContext) -> Iterator[dict]:
    """Every property-key token in token order, as Neo4j lists them: also keys nothing holds any more, then the
    keys the calling transaction wrote first (its commit makes them tokens); no scan of the graph (see
    `storage.tokens`). Its own keys are read first: one a commit makes a token meanwhile is then listed once."""
    txn = ctx.txn
    own = txn.new_property_keys()
    for key in dict.fromkeys(txn.storage.property_keys.names() + list(own)):
        yield {"propertyKey": key}


@procedure("db.ping", outputs=[("success", "BOOLEAN")], works_on_system=True,
           description="This procedure can be used by client side tooling to test whether they are correctly "
                       "connected to a database. The procedure is available in all databases and always returns "
                       "true. A faulty connection can be detected by not being able to call this procedure.",
           descriptions={"success": "Whether or not the connection call to the database has been successful."})
def ping(ctx: ExecutionContext) -> Iterator[dict]:
    """Reaching the procedure is the answer."""
    yield {"success": True}


@procedure("db.info", outputs=[("id", "STRING"), ("name", "STRING"), ("creationDate", "STRING")],
           works_on_system=True,
           description="Provides information regarding the database.",
           descriptions={"id": "The id of the database.", "name": "The name of the database.",
                         "creationDate": "The creation date of the database, formatted according to the ISO-8601 "
                                         "Standard."})
def info(ctx: ExecutionContext) -> Iterator[dict]:
    """The database's id (its uuid, as SHOW DATABASES' databaseID), name and creation date (the DBMS's catalog
    records it; a database run on its own has none)."""
    created = ctx.host.database_created() if ctx.host is not None else None
    yield {"id": ctx.txn.storage.database_id, "name": ctx.database_name, "creationDate": created}


@procedure("db.awaitIndex", inputs=[("indexName", "STRING", ...), ("timeOutSeconds", "INTEGER", 300)],
           description='Wait for an index to come online (for example: CALL db.awaitIndex("MyIndex", 300)).',
           descriptions={"indexName": "The name of the awaited index.",
                         "timeOutSeconds": "The maximum time to wait in seconds."})
def await_index(ctx: ExecutionContext, index_name: str | None, timeout: int | None) -> Iterator[dict]:
    """Indexes are populated when their creation commits, so a committed index is online at once; an unknown name
    is an error, as in Neo4j."""
    if index_name not in _index_names(ctx):
        raise call_failed("procedure", "db.awaitIndex", f"No such index '{index_name}'")
    return iter(())


@procedure("db.awaitIndexes", inputs=[("timeOutSeconds", "INTEGER", 300)],
           description="Wait for all indexes to come online (for example: CALL db.awaitIndexes(300)).",
           descriptions={"timeOutSeconds": "The maximum time to wait in seconds."})
def await_indexes(ctx: ExecutionContext, timeout: int | None) -> Iterator[dict]:
    """Every committed index is online already (see db.awaitIndex)."""
    return iter(())


@procedure("db.checkpoint", outputs=[("success", "BOOLEAN"), ("message", "STRING")], mode="DBMS",
           works_on_system=False,
           description="Initiate and wait for a new check point, or wait any already on-going check point to "
                       "complete. Note that this temporarily disables the `db.checkpoint.iops.limit` setting in "
                       "order to make the check point complete faster. This might cause transaction throughput to "
                       "degrade slightly, due to increased IO load.",
           descriptions={"success": "Whether the checkpoint has successfully completed.",
                         "message": "Details about the outcome of the procedure."})
def checkpoint(ctx: ExecutionContext) -> Iterator[dict]:
    """What CREATE SNAPSHOT writes: a snapshot of the committed state, the log before it truncated."""
    if ctx.checkpoint is None:
        yield {"success": False, "message": f"Database '{ctx.database_name}' cannot checkpoint here."}
        return
    success, message = ctx.checkpoint()
    yield {"success": success, "message": message}


@procedure("db.clearQueryCaches", outputs=[("value", "STRING")], mode="DBMS", admin=True,
           description="Clears all query caches.",
           descriptions={"value": "Information about the number of cleared query caches."})
def clear_query_caches(ctx: ExecutionContext) -> Iterator[dict]:
    """Forgets the database's cached plans: the next run of each statement plans it again."""
    cleared = ctx.clear_query_caches() if ctx.clear_query_caches is not None else 0
    yield {"value": "Query cache already empty." if cleared == 0 else
           f"Query caches successfully cleared of {cleared} queries."}


# --- the derived schema ------------------------------------------------------------------------------------


@procedure("db.schema.nodeTypeProperties",
           outputs=[("nodeType", "STRING"), ("nodeLabels", "LIST<STRING>"), ("propertyName", "STRING"),
                    ("propertyTypes", "LIST<STRING>"), ("mandatory", "BOOLEAN")],
           description="Show the derived property schema of the nodes in tabular form.",
           descriptions={"nodeType": "A name generated from the labels on the node.",
                         "nodeLabels": "A list containing the labels on a category of node.",
                         "propertyName": "A property key on a category of node.",
                         "propertyTypes": "All types of a property belonging to a node category.",
                         "mandatory": "Whether or not the property is present on all nodes belonging to a node "
                                      "category."})
def node_type_properties(ctx: ExecutionContext) -> Iterator[dict]:
    """One row per label set and property key (a label set without properties: one row of nulls)."""
    txn = ctx.txn
    by_set: dict[frozenset, _Category] = {}   # the storage shares one frozenset per distinct label set
    for vertex in _checked(ctx, txn.vertices()):
        version = txn.view(vertex)
        category = by_set.get(version.labels)
        if category is None:
            category = by_set[version.labels] = _Category()
        category.add(version.props)
    groups: dict[tuple[str, ...], _Category] = {}
    for labels_, category in by_set.items():
        groups.setdefault(tuple(sorted(labels_)), _Category()).merge(category)
    for key in sorted(groups):
        node_type = "".join(f":`{label}`" for label in key)
        for row in groups[key].rows():
            yield {"nodeType": node_type, "nodeLabels": list(key), **row}


@procedure("db.schema.relTypeProperties",
           outputs=[("relType", "STRING"), ("propertyName", "STRING"), ("propertyTypes", "LIST<STRING>"),
                    ("mandatory", "BOOLEAN")],
           description="Show the derived property schema of the relationships in tabular form.",
           descriptions={"relType": "A name generated from the type on the relationship.",
                         "propertyName": "A property key on a category of relationship.",
                         "propertyTypes": "All types of a property belonging to a relationship category.",
                         "mandatory": "Whether or not the property is present on all relationships belonging to a "
                                      "relationship category."})
def rel_type_properties(ctx: ExecutionContext) -> Iterator[dict]:
    """One row per relationship type and property key (a type without properties: one row of nulls)."""
    txn = ctx.txn
    groups: dict[str, _Category] = {}
    for edge in _checked(ctx, txn.edges()):
        groups.setdefault(edge.type, _Category()).add(txn.view(edge).props)
    for type_ in sorted(groups):
        for row in groups[type_].rows():
            yield {"relType": f":`{type_}`", **row}


@procedure("db.schema.visualization", outputs=[("nodes", "LIST<NODE>"), ("relationships", "LIST<RELATIONSHIP>")],
           description="Visualizes the schema of the data based on available statistics. A new node is returned for "
                       "each label. The properties represented on the node include: `name` (label name), `indexes` "
                       "(list of indexes), and `constraints` (list of constraints). A relationship of a given type "
                       "is returned for all possible combinations of start and end nodes. The properties "
                       "represented on the relationship include: `name` (type name). Note that this may include "
                       "additional relationships that do not exist in the data due to the information available in "
                       "the count store.",
           descriptions={"nodes": "A list of virtual nodes representing each label in the database.",
                         "relationships": "A list of virtual relationships representing all combinations between "
                                          "start and end nodes in the database."})
def visualization(ctx: ExecutionContext) -> Iterator[dict]:
    """Virtual nodes (negative ids) per label, and per relationship type one virtual relationship for every start
    label and end label the type is counted with, as Neo4j's count store answers it."""
    txn = ctx.txn
    storage = txn.storage
    in_use = list(visible_labels(ctx))
    nodes = {label: Node(str(-number), frozenset([label]), {
        "name": label, "indexes": _label_indexes(storage, label), "constraints": _label_constraints(storage, label)})
        for number, label in enumerate(in_use, start=1)}
    ends: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
    for edge in _checked(ctx, txn.edges()):
        starts, finishes = ends.setdefault(edge.type, ({}, {}))
        starts.update(dict.fromkeys(sorted(txn.view(edge.src).labels)))
        finishes.update(dict.fromkeys(sorted(txn.view(edge.dst).labels)))
    relationships = []
    for type_, (starts, finishes) in ends.items():
        for start in starts:
            for end in finishes:
                if start in nodes and end in nodes:
                    relationships.append(Relationship(str(-(len(relationships) + 1)), type_, nodes[start],
                                                      nodes[end], {"name": type_}))
    yield {"nodes": list(nodes.values()), "relationships": relationships}


class _Category:
    """The properties seen on the entities of one label set or relationship type."""

    def __init__(self) -> None:
        self.count = 0
        self.seen: dict[str, list[int | dict[str, None]]] = {}

    def add(self, props: dict) -> None:
        self.count += 1
        seen = self.seen
        for key, value in props.items():
            entry = seen.get(key)
            if entry is None:
                entry = seen[key] = [0, {}]
            entry[0] += 1
            entry[1][java_type_name(value)] = None

    def merge(self, other: "_Category") -> None:
        """Adds what `other` saw (label sets equal but held as different objects)."""
        self.count += other.count
        for key, (count, types) in other.seen.items():
            entry = self.seen.setdefault(key, [0, {}])
            entry[0] += count
            entry[1].update(types)

    def rows(self) -> Iterator[dict]:
        if not self.seen:
            yield {"propertyName": None, "propertyTypes": None, "mandatory": False}
        for key in sorted(self.seen):
            count, types = self.seen[key]
            yield {"propertyName": key, "propertyTypes": list(types), "mandatory": count == self.count}


def _label_indexes(storage, label: str) -> list[str]:
    """The property lists of the node indexes on `label`, each joined by commas (Neo4j's form)."""
    return [",".join(index.properties) for index in sorted(storage.indexes.by_name.values(), key=lambda i: i.id)
            if index.entity_type == "NODE" and index.label == label]


def _label_constraints(storage, label: str) -> list[str]:
    """Neo4j's descriptions of the node constraints on `label`."""
    described = []
    for constraint in sorted(storage.schema.constraints.values(), key=lambda c: c.id):
        if constraint.entity_type != "NODE" or constraint.label != label:
            continue
        owned = f", ownedIndex={constraint.index.id}" if constraint.index is not None else ""
        described.append(f"Constraint( id={constraint.id}, name='{constraint.name}', "
                         f"type='{constraint.type_name.replace('_', ' ')}', "
                         f"schema=(:{label} {{{', '.join(constraint.properties)}}}){owned} )")
    return described


def _index_names(ctx: ExecutionContext) -> set[str]:
    storage = ctx.txn.storage
    return {name for _, name, _ in LOOKUP_INDEXES} | set(storage.indexes.by_name) | set(storage.schema.search)


def _checked(ctx: ExecutionContext, entities: Iterable) -> Iterator:
    """`entities`, stopping at the transaction's termination every thousand (a scan of a large graph can be
    terminated or time out while it runs)."""
    for number, entity in enumerate(entities):
        if number % 1000 == 0:
            ctx.check()
        yield entity
