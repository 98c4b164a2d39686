"""Memgraph's triggers in the query engine: which predefined variables each event type offers, whether a
transaction's changes fire a trigger, the trigger's statement as the engine runs it, and the values of its
variables (Memgraph's `trigger.cpp` and `trigger_context.cpp`).

The statement after EXECUTE is planned with the event's variables bound: each part of the query starts with
`WITH $… AS createdVertices, …`, so a variable the event type does not offer is an undefined variable when the
trigger is created, as in Memgraph, and the values come in as parameters of that one statement."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.parser import parse
from graphplex.databases.errors import ClientError, Neo4jError
from graphplex.databases.storage import StorageTransaction
from graphplex.databases.storage.records import Vertex
from graphplex.databases.storage.triggers import Trigger, TriggerChanges

CREATED = ("createdVertices", "createdEdges", "createdObjects")
DELETED = ("deletedVertices", "deletedEdges", "deletedObjects")
VERTEX_UPDATES = ("setVertexProperties", "removedVertexProperties", "setVertexLabels", "removedVertexLabels",
                  "updatedVertices")
EDGE_UPDATES = ("setEdgeProperties", "removedEdgeProperties", "updatedEdges")

# Memgraph's `GetPredefinedIdentifiers`, in its order.
VARIABLES: dict[str, tuple[str, ...]] = {
    "ANY": CREATED + DELETED + VERTEX_UPDATES + EDGE_UPDATES + ("updatedObjects",),
    "CREATE": CREATED,
    "() CREATE": ("createdVertices",),
    "--> CREATE": ("createdEdges",),
    "DELETE": DELETED,
    "() DELETE": ("deletedVertices",),
    "--> DELETE": ("deletedEdges",),
    "UPDATE": VERTEX_UPDATES + EDGE_UPDATES + ("updatedObjects",),
    "() UPDATE": VERTEX_UPDATES,
    "--> UPDATE": EDGE_UPDATES,
}
PARAMETER_PREFIX = "__trigger_"


def fires(event: str, changes: TriggerChanges) -> bool:
    """Whether a transaction's `changes` fire a trigger of `event` (Memgraph's `ShouldEventTrigger`)."""
    if event == "ANY":
        return bool(changes)
    action = event.split()[-1]
    on_vertices, on_edges = not event.startswith("-->"), not event.startswith("()")
    if action == "CREATE":
        return bool(on_vertices and changes.created_vertices or on_edges and changes.created_edges)
    if action == "DELETE":
        return bool(on_vertices and changes.deleted_vertices or on_edges and changes.deleted_edges)
    return bool(on_vertices and changes.updated_vertices or on_edges and changes.updated_edges)


def trigger_statement(trigger: Trigger) -> tuple[ast.Statement, str]:
    """The statement the engine runs for `trigger`, and the text its plans are cached under."""
    return _prepared(trigger.statement, trigger.event)


@lru_cache(maxsize=256)
def _prepared(text: str, event: str) -> tuple[ast.Statement, str]:
    statement = parse(text)
    if not isinstance(statement, ast.Query):
        raise ClientError("A trigger executes an openCypher query: its statement cannot be a schema, transaction "
                          "or administration command.", "Neo.ClientError.Statement.SyntaxError")
    variables = VARIABLES[event]
    binding = ", ".join(f"${PARAMETER_PREFIX}{name} AS {name}" for name in variables)
    prefix = parse(f"WITH {binding} RETURN 1").parts[0].clauses[0]
    parts = tuple(replace(part, clauses=(prefix, *part.clauses)) for part in statement.parts)
    return replace(statement, parts=parts), f"WITH {binding}\n{text}"


def creation_failed(trigger: Trigger, error: Neo4jError) -> ClientError:
    """Memgraph's error for a trigger whose statement cannot be planned, naming the variables its event offers."""
    return ClientError(f"Failed creating the trigger.\nError message: '{error.message}'\nThe error was mostly likely "
                       "generated because of the wrong statement that this trigger executes.\nMake sure all "
                       f"predefined variables used are present for the specified event.\nAllowed variables for event "
                       f"'{trigger.event}' are: {', '.join(VARIABLES[trigger.event])}",
                       error.code if error.code.startswith("Neo.ClientError.") else
                       "Neo.ClientError.Statement.SemanticError")


def parameters(event: str, changes: TriggerChanges) -> dict:
    """The values of the variables `event` offers, as parameters of the trigger's statement (Memgraph's
    `TriggerContext::GetTypedValue`)."""
    return {PARAMETER_PREFIX + name: _VALUES[name](changes) for name in VARIABLES[event]}


def _created_objects(changes: TriggerChanges) -> list[dict]:
    return ([{"event_type": "created_vertex", "vertex": v} for v in changes.created_vertices]
            + [{"event_type": "created_edge", "edge": e} for e in changes.created_edges])


def _deleted_objects(changes: TriggerChanges) -> list[dict]:
    return ([{"event_type": "deleted_vertex", "vertex": v} for v in changes.deleted_vertices]
            + [{"event_type": "deleted_edge", "edge": e} for e in changes.deleted_edges])


def _set(kind: str, records: list, event_type: str | None = None) -> list[dict]:
    tagged = {"event_type": event_type} if event_type else {}
    return [{**tagged, kind: entity, "key": key, "old": old, "new": new} for entity, key, old, new in records]


def _removed(kind: str, records: list, event_type: str | None = None) -> list[dict]:
    tagged = {"event_type": event_type} if event_type else {}
    return [{**tagged, kind: entity, "key": key, "old": old} for entity, key, old in records]


def _by_label(records: list) -> list[dict]:
    """`setVertexLabels` / `removedVertexLabels`: one map per label with the vertices that gained (lost) it."""
    vertices: dict[str, list] = {}
    for vertex, label in records:
        vertices.setdefault(label, []).append(vertex)
    return [{"label": label, "vertices": members} for label, members in vertices.items()]


def _labels(records: list, event_type: str) -> list[dict]:
    return [{"event_type": event_type, "vertex": vertex, "label": label} for vertex, label in records]


def _updated_vertices(changes: TriggerChanges) -> list[dict]:
    return (_set("vertex", changes.set_vertex_properties, "set_vertex_property")
            + _removed("vertex", changes.removed_vertex_properties, "removed_vertex_property")
            + _labels(changes.set_vertex_labels, "set_vertex_label")
            + _labels(changes.removed_vertex_labels, "removed_vertex_label"))


def _updated_edges(changes: TriggerChanges) -> list[dict]:
    return (_set("edge", changes.set_edge_properties, "set_edge_property")
            + _removed("edge", changes.removed_edge_properties, "removed_edge_property"))


def _updated_objects(changes: TriggerChanges) -> list[dict]:
    # Memgraph's order: set vertex and edge properties, removed ones, then labels.
    return (_set("vertex", changes.set_vertex_properties, "set_vertex_property")
            + _set("edge", changes.set_edge_properties, "set_edge_property")
            + _removed("vertex", changes.removed_vertex_properties, "removed_vertex_property")
            + _removed("edge", changes.removed_edge_properties, "removed_edge_property")
            + _labels(changes.set_vertex_labels, "set_vertex_label")
            + _labels(changes.removed_vertex_labels, "removed_vertex_label"))


_VALUES = {
    "createdVertices": lambda c: list(c.created_vertices),
    "createdEdges": lambda c: list(c.created_edges),
    "createdObjects": _created_objects,
    "deletedVertices": lambda c: list(c.deleted_vertices),
    "deletedEdges": lambda c: list(c.deleted_edges),
    "deletedObjects": _deleted_objects,
    "setVertexProperties": lambda c: _set("vertex", c.set_vertex_properties),
    "setEdgeProperties": lambda c: _set("edge", c.set_edge_properties),
    "removedVertexProperties": lambda c: _removed("vertex", c.removed_vertex_properties),
    "removedEdgeProperties": lambda c: _removed("edge", c.removed_edge_properties),
    "setVertexLabels": lambda c: _by_label(c.set_vertex_labels),
    "removedVertexLabels": lambda c: _by_label(c.removed_vertex_labels),
    "updatedVertices": _updated_vertices,
    "updatedEdges": _updated_edges,
    "updatedObjects": _updated_objects,
}


def adapted(changes: TriggerChanges, txn: StorageTransaction) -> TriggerChanges:
    """`changes` for another transaction of the same database (an AFTER COMMIT trigger's): each entity that still
    exists as that transaction finds it (the on-disk engine loads its own objects), the others left out, and the
    deleted ones as they were deleted (Memgraph's `AdaptForAccessor`)."""
    def found(entity):
        return txn.vertex(entity.gid) if isinstance(entity, Vertex) else txn.edge(entity.gid)

    def live(entities: list) -> list:
        return [e for e in (found(entity) for entity in entities) if e is not None]

    def live_records(records: list) -> list:
        out = []
        for entity, *rest in records:
            current = found(entity)
            if current is not None:
                out.append((current, *rest))
        return out
    return TriggerChanges(
        created_vertices=live(changes.created_vertices), created_edges=live(changes.created_edges),
        deleted_vertices=list(changes.deleted_vertices), deleted_edges=list(changes.deleted_edges),
        set_vertex_properties=live_records(changes.set_vertex_properties),
        set_edge_properties=live_records(changes.set_edge_properties),
        removed_vertex_properties=live_records(changes.removed_vertex_properties),
        removed_edge_properties=live_records(changes.removed_edge_properties),
        set_vertex_labels=live_records(changes.set_vertex_labels),
        removed_vertex_labels=live_records(changes.removed_vertex_labels), last_known=dict(changes.last_known))
