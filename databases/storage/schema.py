"""The schema catalogue of one storage: range indexes and constraints, with Neo4j 5's names, ids and errors.

Schema changes are transactional: a transaction records `SchemaChange`s, checked when recorded against the
catalogue as the transaction would leave it, and applied in order when it commits (under the commit lock, so
that a constraint is checked against all committed data). A failure undoes the changes already applied.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from graphplex.databases.errors import ClientError
from graphplex.databases.storage.constraints import KEY, UNIQUENESS, Constraint
from graphplex.databases.storage.indexes import NODE, IndexSet, PropertyIndex

# Token lookup indexes exist from the start in Neo4j 5 (ids 1 and 2); ours are the label and type maps.
LOOKUP_INDEXES = (
    (1, "index_343aff4e", NODE),
    (2, "index_f7700477", "RELATIONSHIP"),
)


@dataclass(frozen=True)
class SchemaChange:
    """One schema command: `action` is create_index, drop_index, create_constraint or drop_constraint."""

    action: str
    name: str | None = None
    entity_type: str = NODE
    label: str = ""
    properties: tuple[str, ...] = ()
    kind: str = ""
    property_types: tuple[str, ...] = ()
    if_not_exists: bool = False
    if_exists: bool = False

    def schema_text(self) -> str:
        props = ", ".join(self.properties)
        if self.entity_type == NODE:
            return f"(:{self.label} {{{props}}})"
        return f"()-[:{self.label} {{{props}}}]-()"

    def default_name(self) -> str:
        prefix = "index" if self.action == "create_index" else "constraint"
        text = f"{self.action}|{self.entity_type}|{self.label}|{self.properties}|{self.kind}|{self.property_types}"
        return f"{prefix}_{zlib.crc32(text.encode()):08x}"


@dataclass(frozen=True)
class _Entry:
    """A catalogue entry as validation sees it: enough to detect clashes of names and schemas."""

    name: str
    is_index: bool
    entity_type: str
    label: str
    properties: tuple[str, ...]
    kind: str = ""
    property_types: tuple[str, ...] = ()
    owning_constraint: str | None = None


class Schema:
    """The live catalogue: indexes (held by `IndexSet`) and constraints."""

    def __init__(self, indexes: IndexSet, index_factory: Callable[..., PropertyIndex] = PropertyIndex) -> None:
        self.indexes = indexes
        # The on-disk storage makes indexes whose entries live in its store.
        self.index_factory = index_factory
        self.constraints: dict[str, Constraint] = {}
        self.constraints_by_token: dict[tuple[str, str], list[Constraint]] = {}
        self._next_id = len(LOOKUP_INDEXES) + 1
        # Bumped by every committed change, so that cached query plans (which chose indexes) are replanned.
        self.version = 0

    # --- validation against the catalogue as a transaction would leave it -----------------------------------

    def _entries(self) -> dict[str, _Entry]:
        entries = {}
        for index in self.indexes.by_name.values():
            key = index.name if index.owning_constraint is None else f"{index.name}\0index"
            entries[key] = _Entry(index.name, True, index.entity_type, index.label, index.properties,
                                         owning_constraint=index.owning_constraint)
        for c in self.constraints.values():
            entries[c.name] = _Entry(c.name, False, c.entity_type, c.label, c.properties, c.kind, c.property_types)
        return entries

    def check(self, change: SchemaChange, pending: Iterable[SchemaChange]) -> SchemaChange | None:
        """Raises the Neo4j error `change` would meet after `pending`; returns the change to record (None: no-op)."""
        entries = self._entries()
        for earlier in pending:
            _apply_entry(entries, earlier)
        return _check_against(entries, change)

    # --- application at commit -------------------------------------------------------------------------------

    def apply(self, changes: list[SchemaChange], all_entities: Callable[[str], Iterable], own) -> Callable[[], None]:
        """Applies committed changes in order; returns an undo for all of them. Raises (having undone) on failure."""
        undo: list[Callable[[], None]] = []
        try:
            for change in changes:
                change = _check_against(self._entries(), change)
                if change is None:
                    continue
                undo.append(getattr(self, "_" + change.action)(change, all_entities, own))
        except BaseException:
            for step in reversed(undo):
                step()
            raise

        self.version += 1

        def undo_all() -> None:
            for step in reversed(undo):
                step()
            self.version += 1
        return undo_all

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _create_index(self, change: SchemaChange, all_entities, own, owner: str | None = None) -> Callable:
        index = self.index_factory(self._new_id(), change.name or change.default_name(), change.entity_type,
                              change.label, change.properties, owning_constraint=owner)
        self.indexes.register(index, all_entities(change.entity_type))
        return lambda: self.indexes.unregister(index)

    def _drop_index(self, change: SchemaChange, all_entities, own) -> Callable:
        index = self.indexes.by_name[change.name]
        self.indexes.unregister(index)
        return lambda: self.indexes.register(index, all_entities(index.entity_type))

    def _create_constraint(self, change: SchemaChange, all_entities, own) -> Callable:
        name = change.name or change.default_name()
        constraint = Constraint(self._new_id(), name, change.kind, change.entity_type, change.label,
                                change.properties, change.property_types)
        if change.kind in (UNIQUENESS, KEY):
            index_change = SchemaChange("create_index", name, change.entity_type, change.label, change.properties)
            undo_index = self._create_index(index_change, all_entities, own, owner=name)
            constraint.index = self.indexes.by_name[name]
        else:
            undo_index = None
        try:
            constraint.check_existing(all_entities(change.entity_type), own)
        except BaseException:
            if undo_index is not None:
                undo_index()
            raise
        self._register_constraint(constraint)

        def undo() -> None:
            self._unregister_constraint(constraint)
            if undo_index is not None:
                undo_index()
        return undo

    def _drop_constraint(self, change: SchemaChange, all_entities, own) -> Callable:
        constraint = self.constraints[change.name]
        self._unregister_constraint(constraint)
        if constraint.index is not None:
            self.indexes.unregister(constraint.index)

        def undo() -> None:
            if constraint.index is not None:
                self.indexes.register(constraint.index, all_entities(constraint.entity_type))
            self._register_constraint(constraint)
        return undo

    def _register_constraint(self, constraint: Constraint) -> None:
        self.constraints[constraint.name] = constraint
        self.constraints_by_token.setdefault((constraint.entity_type, constraint.label), []).append(constraint)

    def _unregister_constraint(self, constraint: Constraint) -> None:
        del self.constraints[constraint.name]
        token = (constraint.entity_type, constraint.label)
        self.constraints_by_token[token].remove(constraint)
        if not self.constraints_by_token[token]:
            del self.constraints_by_token[token]


def _apply_entry(entries: dict[str, _Entry], change: SchemaChange) -> None:
    name = change.name or change.default_name()
    if change.action == "create_index":
        entries[name] = _Entry(name, True, change.entity_type, change.label, change.properties)
    elif change.action == "create_constraint":
        entries[name] = _Entry(name, False, change.entity_type, change.label, change.properties, change.kind,
                               change.property_types)
        if change.kind in (UNIQUENESS, KEY):
            entries[name + "\0index"] = _Entry(name, True, change.entity_type, change.label, change.properties,
                                               owning_constraint=name)
    else:
        entries.pop(change.name, None)
        entries.pop(f"{change.name}\0index", None)


def _check_against(entries: dict[str, _Entry], change: SchemaChange) -> SchemaChange | None:
    """The clash rules of Neo4j 5 for one change; returns None for an IF [NOT] EXISTS no-op."""
    action = change.action
    if action == "create_index":
        return _check_create_index(entries, change)
    if action == "create_constraint":
        return _check_create_constraint(entries, change)
    if action == "drop_index":
        entry = entries.get(f"{change.name}\0index") or entries.get(change.name)
        if entry is None or not entry.is_index:
            if change.if_exists:
                return None
            raise ClientError(f"Unable to drop index called `{change.name}`. There is no such index.",
                              "Neo.ClientError.Schema.IndexNotFound")
        if entry.owning_constraint is not None:
            raise ClientError(f"Unable to drop index: Index belongs to constraint: `{entry.owning_constraint}`",
                              "Neo.ClientError.Schema.ForbiddenOnConstraintIndex")
        return change
    entry = entries.get(change.name)
    if entry is None or entry.is_index:
        if change.if_exists:
            return None
        raise ClientError(f"Unable to drop constraint `{change.name}`: No such constraint {change.name}.",
                          "Neo.ClientError.Schema.ConstraintNotFound")
    return change


def _check_create_index(entries: dict[str, _Entry], change: SchemaChange) -> SchemaChange | None:
    name = change.name or change.default_name()
    same_schema = [e for e in entries.values() if e.is_index and e.entity_type == change.entity_type
                   and e.label == change.label and e.properties == change.properties]
    named = entries.get(name)
    if named is not None:
        if change.if_not_exists:
            return None
        if named.is_index and same_schema and named in same_schema:
            raise ClientError(f"An equivalent index already exists, 'Index( name='{name}', type='RANGE', "
                              f"schema={change.schema_text()} )'.",
                              "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists")
        raise _name_taken(named)
    if same_schema:
        if change.if_not_exists:
            return None
        owner = same_schema[0].owning_constraint
        if owner is not None:
            raise ClientError(f"There is a uniqueness constraint on {change.schema_text()}, so an index is already "
                              "created that matches this.", "Neo.ClientError.Schema.IndexAlreadyExists")
        raise ClientError(f"There already exists an index {change.schema_text()}.",
                          "Neo.ClientError.Schema.IndexAlreadyExists")
    return change if change.name else _named(change, name)


def _check_create_constraint(entries: dict[str, _Entry], change: SchemaChange) -> SchemaChange | None:
    name = change.name or change.default_name()
    equivalent = [e for e in entries.values() if not e.is_index and e.kind == change.kind
                  and e.entity_type == change.entity_type and e.label == change.label
                  and e.properties == change.properties and e.property_types == change.property_types]
    named = entries.get(name)
    if named is not None:
        if change.if_not_exists:
            return None
        if named in equivalent:
            raise ClientError(f"An equivalent constraint already exists, 'Constraint( name='{name}', "
                              f"type='{change.kind}', schema={change.schema_text()} )'.",
                              "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists")
        raise _name_taken(named)
    if equivalent:
        if change.if_not_exists:
            return None
        raise ClientError(f"Constraint already exists: Constraint( name='{equivalent[0].name}', "
                          f"type='{change.kind}', schema={change.schema_text()} )",
                          "Neo.ClientError.Schema.ConstraintAlreadyExists")
    if change.kind in (UNIQUENESS, KEY):
        clashing = [e for e in entries.values() if e.is_index and e.owning_constraint is None
                    and e.entity_type == change.entity_type and e.label == change.label
                    and e.properties == change.properties]
        if clashing:
            if change.if_not_exists:
                return None
            raise ClientError(f"There already exists an index {change.schema_text()}. A constraint cannot be "
                              "created until the index has been dropped.",
                              "Neo.ClientError.Schema.IndexAlreadyExists")
    return change if change.name else _named(change, name)


def _name_taken(entry: _Entry) -> ClientError:
    if entry.is_index:
        return ClientError(f"There already exists an index called '{entry.name}'.",
                           "Neo.ClientError.Schema.IndexWithNameAlreadyExists")
    return ClientError(f"There already exists a constraint called '{entry.name}'.",
                       "Neo.ClientError.Schema.ConstraintWithNameAlreadyExists")


def _named(change: SchemaChange, name: str) -> SchemaChange:
    return replace(change, name=name)
