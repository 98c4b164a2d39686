"""Memgraph's triggers as schema rules of one database: what the catalogue keeps of a trigger, and the two rules of
their names (a name is taken once; only a trigger that exists can be dropped).

A trigger is created and dropped as a `SchemaChange` (`create_trigger`, `drop_trigger`), so it is transactional,
written to the log, kept by snapshots and by the on-disk store exactly as indexes and constraints are, and so
survives a restart in every storage mode. What a trigger does when a transaction commits is the business of the
layers above (`databases.cypher.triggers`, and the DBMS that runs them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graphplex.databases.errors import ClientError
from graphplex.databases.storage.records import Version, Vertex

if TYPE_CHECKING:
    from graphplex.databases.storage.contracts import StorageTransaction
    from graphplex.databases.storage.schema import SchemaChange

CREATE_TRIGGER, DROP_TRIGGER = "create_trigger", "drop_trigger"
TRIGGER_ACTIONS = (CREATE_TRIGGER, DROP_TRIGGER)
BEFORE_COMMIT, AFTER_COMMIT = "BEFORE COMMIT", "AFTER COMMIT"


@dataclass(frozen=True)
class Trigger:
    """A trigger as `SHOW TRIGGERS` lists it: `event` is Memgraph's event type (ANY, CREATE, () UPDATE, --> DELETE
    …), `phase` BEFORE COMMIT or AFTER COMMIT, `security` DEFINER or INVOKER, `owner` the user who created a
    DEFINER trigger (None without authentication, and for an INVOKER trigger, as Memgraph keeps it); `parameters`
    the values of the parameters its statement uses, as given to CREATE TRIGGER (Memgraph keeps them too)."""

    name: str
    statement: str
    event: str
    phase: str
    security: str
    owner: str | None
    parameters: dict | None = None

    @classmethod
    def of(cls, change: "SchemaChange") -> "Trigger":
        """The trigger a create_trigger change makes (the inverse of `change`)."""
        return cls(change.name, change.statement, change.event, change.phase, change.security, change.owner,
                   change.parameters)

    def change(self) -> "SchemaChange":
        """The schema change that creates this trigger."""
        from graphplex.databases.storage.schema import SchemaChange  # the schema module imports this one
        return SchemaChange(CREATE_TRIGGER, self.name, statement=self.statement, event=self.event, phase=self.phase,
                            security=self.security, owner=self.owner, parameters=self.parameters)


def check_trigger_change(names: set[str], change: "SchemaChange") -> None:
    """Raises Memgraph's error for `change` against the trigger `names` the transaction would leave."""
    if change.action == CREATE_TRIGGER and change.name in names:
        raise ClientError("Trigger with the same name already exists.", "Neo.ClientError.Statement.ExecutionFailed")
    if change.action == DROP_TRIGGER and change.name not in names:
        raise ClientError(f"Trigger with name '{change.name}' doesn't exist",
                          "Neo.ClientError.Statement.ExecutionFailed")


def record_trigger_change(names: set[str], change: "SchemaChange") -> None:
    """`names` once `change` (already checked) is applied."""
    if change.action == CREATE_TRIGGER:
        names.add(change.name)
    else:
        names.discard(change.name)


@dataclass
class TriggerChanges:
    """What a transaction changed, as Memgraph's triggers see it: the graph as the transaction leaves it against the
    graph it started from, at the transaction level (a property set twice is one change from its first value to
    its last; a label added and removed is none; what the transaction created and deleted is neither).

    Updates are those of entities that existed before the transaction: an entity created by it is only created. One
    it updated and deleted has both (Memgraph's BEFORE COMMIT triggers see both; its AFTER COMMIT ones, in a later
    transaction, no longer find it updated: `databases.cypher.triggers.adapted`). `last_known` is the state each
    deleted entity was deleted in, so that a trigger can still read it (as Memgraph lets it)."""

    created_vertices: list = field(default_factory=list)
    created_edges: list = field(default_factory=list)
    deleted_vertices: list = field(default_factory=list)
    deleted_edges: list = field(default_factory=list)
    # (entity, key, old, new) for a value set, (entity, key, old) for a value removed.
    set_vertex_properties: list = field(default_factory=list)
    set_edge_properties: list = field(default_factory=list)
    removed_vertex_properties: list = field(default_factory=list)
    removed_edge_properties: list = field(default_factory=list)
    # (vertex, label)
    set_vertex_labels: list = field(default_factory=list)
    removed_vertex_labels: list = field(default_factory=list)
    last_known: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.created_vertices or self.created_edges or self.deleted_vertices or self.deleted_edges
                    or self.updated_vertices or self.updated_edges)

    @property
    def updated_vertices(self) -> bool:
        """Whether any vertex was updated: what fires an UPDATE trigger on vertices."""
        return bool(self.set_vertex_properties or self.removed_vertex_properties or self.set_vertex_labels
                    or self.removed_vertex_labels)

    @property
    def updated_edges(self) -> bool:
        """Whether any edge was updated: what fires an UPDATE trigger on edges."""
        return bool(self.set_edge_properties or self.removed_edge_properties)


def changes_of(txn: "StorageTransaction") -> TriggerChanges:
    """The changes of an open storage transaction of either engine, read from its own versions: each entity it
    wrote has one own version on top of the version its snapshot saw (`older`, None for one it created). Walked
    only when a trigger may need them, at commit: a transaction of a database without triggers pays nothing."""
    own = txn.info
    changes = TriggerChanges()
    for entity in txn.written_entities():
        mine = entity.head
        while mine is not None and mine.owner is not own:  # versions stacked on ours (analytical mode)
            mine = mine.older
        if mine is None:
            continue
        before = mine.older
        existed = before is not None and not before.deleted
        vertex = isinstance(entity, Vertex)
        if mine.deleted:
            if existed:
                (changes.deleted_vertices if vertex else changes.deleted_edges).append(entity)
                changes.last_known[entity] = mine
                _updates(changes, entity, vertex, before, mine)
        elif not existed:
            (changes.created_vertices if vertex else changes.created_edges).append(entity)
        else:
            _updates(changes, entity, vertex, before, mine)
    return changes


def _updates(changes: TriggerChanges, entity, vertex: bool, before: Version, after: Version) -> None:
    old, new = before.props, after.props
    set_properties = changes.set_vertex_properties if vertex else changes.set_edge_properties
    removed = changes.removed_vertex_properties if vertex else changes.removed_edge_properties
    for key, value in new.items():
        if key not in old:
            set_properties.append((entity, key, None, value))
        elif old[key] != value or type(old[key]) is not type(value):
            set_properties.append((entity, key, old[key], value))
    for key, value in old.items():
        if key not in new:
            removed.append((entity, key, value))
    if vertex and before.labels != after.labels:
        changes.set_vertex_labels.extend((entity, label) for label in sorted(after.labels - before.labels))
        changes.removed_vertex_labels.extend((entity, label) for label in sorted(before.labels - after.labels))
