"""The schema catalogue of one storage: range indexes, lookup indexes and constraints, with Neo4j 5's names, ids
and errors.

Schema changes are transactional: a transaction records `SchemaChange`s, checked when recorded against the
catalogue as the transaction would leave it, and applied in order when it commits (under the commit lock, so
that a constraint is checked against all committed data). A failure undoes the changes already applied.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable, Iterable

from graphplex.databases.storage.constraints import KEY, UNIQUENESS, Constraint
from graphplex.databases.storage.schema_checks import check, record, rules_of
from graphplex.databases.storage.schema_errors import schema_text
from graphplex.databases.storage.indexes import NODE, IndexSet, PropertyIndex
from graphplex.databases.storage.search_indexes import SEARCH_TYPES, SearchIndex, SearchIndexes
from graphplex.databases.storage.triggers import Trigger

# Token lookup indexes exist from the start in Neo4j 5 (ids 1 and 2); ours are the label and type maps.
LOOKUP_INDEXES = (
    (1, "index_343aff4e", NODE),
    (2, "index_f7700477", "RELATIONSHIP"),
)
# The index type of a `LookupIndex`, Neo4j's name for an index of tokens.
LOOKUP = "LOOKUP"


@dataclass(frozen=True)
class LookupIndex:
    """Memgraph's index of one token: a label index (NODE and a label), an edge-type index (RELATIONSHIP and a
    type), or a global property index (no label and one property). It is a schema rule only, with no entries: the
    storage always keeps its label and type maps, so what such an index would find is found without it. It is
    named, created, dropped, logged and clashes as any index does; Neo4j's SHOW INDEXES does not list it (Neo4j's
    two lookup indexes already cover every label and type)."""

    id: int
    name: str
    entity_type: str
    label: str
    properties: tuple[str, ...]
    owning_constraint: None = None
    index_type: str = LOOKUP


@dataclass(frozen=True)
class SchemaChange:
    """One schema command: `action` is create_index, drop_index, create_constraint or drop_constraint, or
    create_trigger / drop_trigger (Memgraph's triggers, `storage.triggers`: `statement` to `parameters` are theirs).
    `independent` is Memgraph's rule for the index or uniqueness constraint it creates: Memgraph keeps range indexes
    and uniqueness constraints apart, so one of the same schema is no clash (the constraint keeps its own index).
    It and the search indexes' `tokens` and `options` come last, so that the changes of logs and stores written
    before them read as they did."""

    action: str
    name: str | None = None
    entity_type: str = NODE
    label: str = ""
    properties: tuple[str, ...] = ()
    kind: str = ""
    property_types: tuple[str, ...] = ()
    if_not_exists: bool = False
    if_exists: bool = False
    index_type: str = "RANGE"
    statement: str = ""
    event: str = ""
    phase: str = ""
    security: str = ""
    owner: str | None = None
    parameters: dict | None = None
    independent: bool = False
    # A search index's (VECTOR, FULLTEXT) labels or types, all of them (a full-text index may have several; `label`
    # is the first), and its `indexConfig` with every default filled in (`search_indexes.SearchIndex.options`).
    tokens: tuple[str, ...] = ()
    options: dict | None = None

    def schema_text(self) -> str:
        return schema_text(self.entity_type, self.label, self.properties)

    def default_name(self) -> str:
        prefix = "index" if self.action == "create_index" else "constraint"
        text = f"{self.action}|{self.entity_type}|{self.label}|{self.properties}|{self.kind}|{self.property_types}"
        if self.index_type != "RANGE":  # range indexes keep the names they were given before types were told apart
            text += f"|{self.index_type}"
        if len(self.tokens) > 1:  # a full-text index of several labels or types (one-token names stay as they were)
            text += f"|{self.tokens}"
        return f"{prefix}_{zlib.crc32(text.encode()):08x}"


class Schema:
    """The live catalogue: indexes (held by `IndexSet`), lookup indexes, search indexes (vector and full-text,
    `search`), constraints and Memgraph's triggers."""

    def __init__(self, indexes: IndexSet, index_factory: Callable[..., PropertyIndex], search: SearchIndexes) -> None:
        self.indexes = indexes
        self.search = search
        # The on-disk storage makes indexes whose entries live in its store.
        self.index_factory = index_factory
        self.lookups: dict[str, LookupIndex] = {}
        self.constraints: dict[str, Constraint] = {}
        self.constraints_by_token: dict[tuple[str, str], list[Constraint]] = {}
        self.triggers: dict[str, Trigger] = {}
        self._next_id = len(LOOKUP_INDEXES) + 1
        # Bumped by every committed change, so that cached query plans (which chose indexes) are replanned.
        self.version = 0

    # --- validation against the catalogue as a transaction would leave it -----------------------------------

    def check(self, change: SchemaChange, pending: Iterable[SchemaChange]) -> SchemaChange | None:
        """Raises the Neo4j error `change` would meet after `pending`; returns the change to record (None: no-op)."""
        rules = rules_of(self)
        for earlier in pending:
            record(rules, earlier)
        return check(rules, change)

    # --- application at commit -------------------------------------------------------------------------------

    def apply(self, changes: list[SchemaChange], all_entities: Callable[[str], Iterable], own) -> Callable[[], None]:
        """Applies committed changes in order; returns an undo for all of them. Raises (having undone) on failure."""
        undo: list[Callable[[], None]] = []
        try:
            for change in changes:
                change = check(rules_of(self), change)
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
        if change.index_type == LOOKUP:
            lookup = LookupIndex(self._new_id(), change.name or change.default_name(), change.entity_type,
                                 change.label, change.properties)
            self.lookups[lookup.name] = lookup
            return lambda: self.lookups.pop(lookup.name)
        if change.index_type in SEARCH_TYPES:
            search = SearchIndex.of(change, self._new_id())
            self.search[search.name] = search
            return lambda: self.search.pop(search.name)
        index = self.index_factory(self._new_id(), change.name or change.default_name(), change.entity_type,
                                   change.label, change.properties, owning_constraint=owner,
                                   index_type=change.index_type)
        self.indexes.register(index, all_entities(change.entity_type))
        return lambda: self.indexes.unregister(index)

    def _drop_index(self, change: SchemaChange, all_entities, own) -> Callable:
        lookup = self.lookups.pop(change.name, None)
        if lookup is not None:
            def undo() -> None:
                self.lookups[lookup.name] = lookup
            return undo
        search = self.search.pop(change.name, None)
        if search is not None:
            def restore() -> None:
                self.search[search.name] = search
            return restore
        index = self.indexes.by_name[change.name]
        self.indexes.unregister(index)
        return lambda: self.indexes.register(index, all_entities(index.entity_type))

    def _create_constraint(self, change: SchemaChange, all_entities, own) -> Callable:
        name = change.name or change.default_name()
        undo_index = None
        if change.kind in (UNIQUENESS, KEY):
            # Neo4j creates the owned index first: its id comes before the constraint's.
            index_change = SchemaChange("create_index", name, change.entity_type, change.label, change.properties)
            undo_index = self._create_index(index_change, all_entities, own, owner=name)
        constraint = Constraint(self._new_id(), name, change.kind, change.entity_type, change.label,
                                change.properties, change.property_types,
                                self.indexes.by_name[name] if undo_index is not None else None)
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

    def _create_trigger(self, change: SchemaChange, all_entities, own) -> Callable:
        trigger = Trigger.of(change)
        self.triggers[trigger.name] = trigger
        return lambda: self.triggers.pop(trigger.name)

    def _drop_trigger(self, change: SchemaChange, all_entities, own) -> Callable:
        trigger = self.triggers.pop(change.name)

        def undo() -> None:
            self.triggers[trigger.name] = trigger
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
