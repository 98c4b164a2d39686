"""apoc.merge.* and apoc.create.*: MERGE, CREATE and SET with labels, types and keys given as data.

These write through the statement's own database transaction exactly as the Cypher clauses do (updates.py):
`ctx.txn` applies the constraints, the user's write guard (label and property privileges) and the transaction's
state, and every change is counted in `ctx.counters`. The statement calling them is a write (classify.py asks
`procedures.writes`), so the DBMS transaction's access mode and one-writer rule apply before it runs."""
from __future__ import annotations

from typing import Iterator

from graphplex.databases.cypher.errors import semantic_error
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.cypher.ranges import LazyRange
from graphplex.databases.cypher.values import equals
from graphplex.databases.procedure_failures import procedure_failed
from graphplex.databases.storage import Edge, Vertex

NODE_OUT = [("node", "NODE")]
REL_OUT = [("rel", "RELATIONSHIP")]


# --- the writes, counted as Cypher counts them --------------------------------------------------------------

def _storable(props: dict | None) -> dict:
    """A property map as the store keeps it (a lazy range becomes its list)."""
    if not props:
        return {}
    return {key: value.materialize() if type(value) is LazyRange else value for key, value in props.items()}


def create_node(ctx, labels, props: dict | None) -> Vertex:
    """CREATE (n:Labels {props})."""
    values = _storable(props)
    labels = tuple(labels or ())
    vertex = ctx.txn.create_vertex(labels, values)
    ctx.counters.nodes_created += 1
    ctx.counters.labels_added += len(set(labels))
    ctx.counters.properties_set += sum(1 for value in values.values() if value is not None)
    return vertex


def create_relationship(ctx, start: Vertex, end: Vertex, type_: str, props: dict | None) -> Edge:
    """CREATE (start)-[r:TYPE {props}]->(end)."""
    values = _storable(props)
    edge = ctx.txn.create_edge(start, end, type_, values)
    ctx.counters.relationships_created += 1
    ctx.counters.properties_set += sum(1 for value in values.values() if value is not None)
    return edge


def merge_properties(ctx, entity, props: dict | None) -> None:
    """SET entity += props (locked first, as SET does, so that concurrent updates serialise)."""
    if not props or not ctx.txn.lock(entity):
        return
    ctx.txn.set_properties(entity, _storable(props), replace=False)
    ctx.counters.properties_set += len(props)


def set_property(ctx, entity, key: str, value) -> None:
    """SET entity[key] = value; a null value removes the property (counted only if it was there, as REMOVE)."""
    if not ctx.txn.lock(entity):
        return
    if value is None:
        if ctx.view(entity).props.get(key) is None:
            return
    elif type(value) is LazyRange:
        value = value.materialize()
    ctx.txn.set_property(entity, key, value)
    ctx.counters.properties_set += 1


def _matches(ctx, entity, props: dict) -> bool:
    current = ctx.view(entity).props
    return all(equals(current.get(key), value) is True for key, value in props.items())


# --- apoc.merge ---------------------------------------------------------------------------------------------

def _merge_node(name: str):
    def merge_node(ctx, labels, ident_props, on_create_props, on_match_props) -> Iterator[dict]:
        if not ident_props:
            raise procedure_failed(name, "you need to supply at least one identifying property for a merge")
        labels = list(labels or ())
        if any(label is None or label == "" for label in labels):
            raise procedure_failed(name, "The list of label names may not contain any `NULL` or empty `STRING` "
                                         "values. If you wish to merge a `NODE` without a label, pass an empty "
                                         "list instead.")
        for key, value in ident_props.items():
            if value is None:
                raise semantic_error(f"Cannot merge the following node because of null property value for '{key}'")
        matched = list(_matching_nodes(ctx, labels, ident_props))
        if not matched:
            vertex = create_node(ctx, labels, ident_props)
            merge_properties(ctx, vertex, on_create_props)
            yield {"node": vertex}
            return
        for vertex in matched:
            merge_properties(ctx, vertex, on_match_props)
            yield {"node": vertex}
    return merge_node


def _matching_nodes(ctx, labels: list[str], props: dict) -> Iterator[Vertex]:
    txn = ctx.txn
    if labels:
        key, value = next(iter(props.items()))
        candidates = txn.vertices_by_property(labels[0], key, value)
    else:
        candidates = txn.vertices()
    wanted = set(labels)
    for vertex in candidates:
        ctx.check()
        if wanted <= ctx.view(vertex).labels and _matches(ctx, vertex, props):
            yield vertex


def _merge_relationship(name: str):
    def merge_relationship(ctx, start, rel_type, ident_props, on_create_props, end, on_match_props
                           ) -> Iterator[dict]:
        if not rel_type:
            raise procedure_failed(name, "It is not possible to merge a `RELATIONSHIP` without a `RELATIONSHIP` "
                                         "type.")
        for which, node in (("startNode", start), ("endNode", end)):
            if node is None:
                raise semantic_error(f"Failed to create relationship `r`, node `{which}` is missing. If you prefer "
                                     "to simply ignore rows where a relationship node is missing, set "
                                     "'cypher.lenient_create_relationship = true' in neo4j.conf")
        ident_props = ident_props or {}
        for key, value in ident_props.items():
            if value is None:
                raise semantic_error("Cannot merge the following relationship because of null property value for "
                                     f"'{key}'")
        # Lock both ends first, as MERGE does: concurrent merges of one relationship then serialise.
        ctx.txn.lock(start)
        ctx.txn.lock(end)
        matched = [edge for edge, other in ctx.txn.expand(start, "out", [rel_type])
                   if other is end and _matches(ctx, edge, ident_props)]
        if not matched:
            edge = create_relationship(ctx, start, end, rel_type, ident_props)
            merge_properties(ctx, edge, on_create_props)
            yield {"rel": edge}
            return
        for edge in matched:
            merge_properties(ctx, edge, on_match_props)
            yield {"rel": edge}
    return merge_relationship


_MERGE_NODE_INPUTS = [("labels", "LIST<STRING>", ...), ("identProps", "MAP", ...), ("onCreateProps", "MAP", {}),
                      ("onMatchProps", "MAP", {})]
_MERGE_REL_INPUTS = [("startNode", "NODE", ...), ("relType", "STRING", ...), ("identProps", "MAP", ...),
                     ("onCreateProps", "MAP", ...), ("endNode", "NODE", ...), ("onMatchProps", "MAP", {})]

for _name, _doc in (("apoc.merge.node", "Merges the given `NODE` values with the given dynamic labels."),
                    ("apoc.merge.node.eager", "Merges the given `NODE` values with the given dynamic labels "
                                              "eagerly.")):
    _impl = _merge_node(_name)
    _impl.__doc__ = _doc
    procedure(_name, _MERGE_NODE_INPUTS, NODE_OUT, mode="WRITE")(_impl)

for _name, _doc in (("apoc.merge.relationship", "Merges the given `RELATIONSHIP` values with the given dynamic "
                                                "types/properties."),
                    ("apoc.merge.relationship.eager", "Merges the given `RELATIONSHIP` values with the given "
                                                      "dynamic types/properties eagerly.")):
    _impl = _merge_relationship(_name)
    _impl.__doc__ = _doc
    procedure(_name, _MERGE_REL_INPUTS, REL_OUT, mode="WRITE")(_impl)


# --- apoc.create --------------------------------------------------------------------------------------------

@procedure("apoc.create.node", [("labels", "LIST<STRING>", ...), ("props", "MAP", ...)], NODE_OUT, mode="WRITE")
def node(ctx, labels, props) -> Iterator[dict]:
    """Creates a `NODE` with the given dynamic labels."""
    yield {"node": create_node(ctx, labels, {k: v for k, v in (props or {}).items() if v is not None})}


@procedure("apoc.create.relationship", [("from", "NODE", ...), ("relType", "STRING", ...), ("props", "MAP", ...),
                                        ("to", "NODE", ...)], REL_OUT, mode="WRITE")
def relationship(ctx, start, rel_type, props, end) -> Iterator[dict]:
    """Creates a `RELATIONSHIP` with the given dynamic relationship type."""
    for which, value in (("Start", start), ("End", end)):
        if value is None:
            raise procedure_failed("apoc.create.relationship", f"The inserted {which} Node is null",
                                   "java.lang.NullPointerException")
    props = {k: v for k, v in (props or {}).items() if v is not None}
    yield {"rel": create_relationship(ctx, start, end, rel_type, props)}


def _entities(ctx, name: str, value, kind: type) -> Iterator:
    """APOC's `Get.updatedNodes` / `updatesRels`: an entity, its id, its element id, or a list of these."""
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            yield from _entities(ctx, name, item, kind)
        return
    if isinstance(value, kind):
        yield value
        return
    found = None
    if isinstance(value, int) and not isinstance(value, bool):
        found = ctx.txn.vertex(value) if kind is Vertex else ctx.txn.edge(value)
    elif isinstance(value, str):
        prefix, _, rest = value.partition(":")
        database, _, gid = rest.rpartition(":")
        if prefix == ("4" if kind is Vertex else "5") and database == ctx.txn.storage.database_id \
                and gid.isdigit():
            found = ctx.txn.vertex(int(gid)) if kind is Vertex else ctx.txn.edge(int(gid))
    else:
        raise procedure_failed(name, f"Unsupported type: {type(value).__name__}", "java.lang.RuntimeException")
    if found is None:
        what = "Node" if kind is Vertex else "Relationship"
        raise procedure_failed(name, f"{what} {value} not found", "org.neo4j.graphdb.NotFoundException")
    yield found


@procedure("apoc.create.addLabels", [("nodes", "ANY", ...), ("labels", "LIST<STRING>", ...)], NODE_OUT,
           mode="WRITE")
def add_labels(ctx, nodes, labels) -> Iterator[dict]:
    """Adds the given labels to the given `NODE` values."""
    for vertex in _entities(ctx, "apoc.create.addLabels", nodes, Vertex):
        ctx.counters.labels_added += ctx.txn.add_labels(vertex, list(labels or ()))
        yield {"node": vertex}


@procedure("apoc.create.setLabels", [("nodes", "ANY", ...), ("labels", "LIST<STRING>", ...)], NODE_OUT,
           mode="WRITE")
def set_labels(ctx, nodes, labels) -> Iterator[dict]:
    """Sets the given labels to the given `NODE` values. Non-matching labels are removed from the nodes."""
    labels = list(labels or ())
    for vertex in _entities(ctx, "apoc.create.setLabels", nodes, Vertex):
        stale = [label for label in ctx.view(vertex).labels if label not in labels]
        ctx.counters.labels_removed += ctx.txn.remove_labels(vertex, stale)
        ctx.counters.labels_added += ctx.txn.add_labels(vertex, labels)
        yield {"node": vertex}


@procedure("apoc.create.removeLabels", [("nodes", "ANY", ...), ("labels", "LIST<STRING>", ...)], NODE_OUT,
           mode="WRITE")
def remove_labels(ctx, nodes, labels) -> Iterator[dict]:
    """Removes the given labels from the given `NODE` values."""
    for vertex in _entities(ctx, "apoc.create.removeLabels", nodes, Vertex):
        ctx.counters.labels_removed += ctx.txn.remove_labels(vertex, list(labels or ()))
        yield {"node": vertex}


def _set_one(name: str, kind: type, output: str):
    def set_one(ctx, entities, key, value) -> Iterator[dict]:
        for entity in _entities(ctx, name, entities, kind):
            set_property(ctx, entity, key, value)
            yield {output: entity}
    return set_one


def _set_many(name: str, kind: type, output: str):
    def set_many(ctx, entities, keys, values) -> Iterator[dict]:
        pairs = dict(zip(keys or (), values or ()))
        for entity in _entities(ctx, name, entities, kind):
            for key, value in pairs.items():
                set_property(ctx, entity, key, value)
            yield {output: entity}
    return set_many


def _remove_many(name: str, kind: type, output: str):
    def remove_many(ctx, entities, keys) -> Iterator[dict]:
        for entity in _entities(ctx, name, entities, kind):
            for key in keys or ():
                set_property(ctx, entity, key, None)
            yield {output: entity}
    return remove_many


_PROPERTY_PROCEDURES = (
    ("apoc.create.setProperty", _set_one, Vertex, [("nodes", "ANY", ...), ("key", "STRING", ...),
                                                   ("value", "ANY", ...)], "Sets the given property to the given "
                                                                           "`NODE` values."),
    ("apoc.create.setRelProperty", _set_one, Edge, [("rels", "ANY", ...), ("key", "STRING", ...),
                                                    ("value", "ANY", ...)], "Sets the given property on the "
                                                                            "`RELATIONSHIP` values."),
    ("apoc.create.setProperties", _set_many, Vertex, [("nodes", "ANY", ...), ("keys", "LIST<STRING>", ...),
                                                      ("values", "LIST<ANY>", ...)],
     "Sets the given properties to the given `NODE` values."),
    ("apoc.create.setRelProperties", _set_many, Edge, [("rels", "ANY", ...), ("keys", "LIST<STRING>", ...),
                                                       ("values", "LIST<ANY>", ...)],
     "Sets the given properties on the `RELATIONSHIP` values."),
    ("apoc.create.removeProperties", _remove_many, Vertex, [("nodes", "ANY", ...), ("keys", "LIST<STRING>", ...)],
     "Removes the given properties from the given `NODE` values."),
    ("apoc.create.removeRelProperties", _remove_many, Edge, [("rels", "ANY", ...),
                                                             ("keys", "LIST<STRING>", ...)],
     "Removes the given properties from the given `RELATIONSHIP` values."),
)

for _name, _factory, _kind, _inputs, _doc in _PROPERTY_PROCEDURES:
    _output = "node" if _kind is Vertex else "rel"
    _impl = _factory(_name, _kind, _output)
    _impl.__doc__ = _doc
    procedure(_name, _inputs, NODE_OUT if _kind is Vertex else REL_OUT, mode="WRITE")(_impl)
