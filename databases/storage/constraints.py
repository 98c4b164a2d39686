"""Constraints, checked when a transaction commits (the optimistic approach Memgraph takes) and, for uniqueness and
keys, also when each statement ends (`constraint_checking = "statement"`, Neo4j's behaviour).

Uniqueness and key constraints own a range index that finds the other entities with the same values; the check
compares with what each of those entities will be once this transaction commits: its own version, else the
newest committed one (`mvcc.committed_version`). Other transactions' uncommitted writes are checked when they
commit: commits are serialised, so one of two clashing transactions always fails.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from graphplex.databases.errors import ClientError, ConstraintError, DatabaseError
from graphplex.databases.storage.indexes import NODE, PropertyIndex
from graphplex.databases.storage.mvcc import committed_version
from graphplex.databases.storage.records import Vertex, has_token
from graphplex.databases.storage.schema_errors import constraint_description, creation_failed
from graphplex.databases.values import cypher_type_name

# The values of `constraint_checking`: when uniqueness and keys are checked.
CONSTRAINT_CHECKING = ("statement", "commit")

UNIQUENESS = "UNIQUENESS"
KEY = "KEY"
EXISTENCE = "PROPERTY_EXISTENCE"
PROPERTY_TYPE = "PROPERTY_TYPE"
# A type constraint's type as Memgraph names it (TypeConstraintKindToString), where that is not Neo4j's name.
MEMGRAPH_TYPE_NAMES = {"BOOLEAN": "BOOL", "LOCAL DATETIME": "LOCAL DATE TIME", "ZONED DATETIME": "ZONED DATE TIME"}


@dataclass(eq=False)
class Constraint:
    """One constraint; `kind` is UNIQUENESS, KEY, PROPERTY_EXISTENCE or PROPERTY_TYPE."""

    id: int
    name: str
    kind: str
    entity_type: str
    label: str
    properties: tuple[str, ...]
    property_types: tuple[str, ...] = ()
    index: PropertyIndex | None = None

    @property
    def type_name(self) -> str:
        """Neo4j's constraint type as SHOW CONSTRAINTS names it (UNIQUENESS, NODE_KEY, RELATIONSHIP_UNIQUENESS …)."""
        if self.entity_type == NODE:
            return "UNIQUENESS" if self.kind == UNIQUENESS else f"NODE_{self.kind}"
        return f"RELATIONSHIP_{self.kind}"

    def same_rule(self, other: "Constraint") -> bool:
        return (self.kind, self.entity_type, self.label, self.properties, self.property_types) == (
            other.kind, other.entity_type, other.label, other.properties, other.property_types)

    def describe(self, named: bool = True) -> str:
        """Neo4j's description of the constraint being created (no id yet); `named` False for the checks that
        describe it by its schema only (existence, and the key's existence part)."""
        return constraint_description(None, self.name if named else None, self.kind, self.entity_type, self.label,
                                      self.properties, self.property_types)

    # --- checks --------------------------------------------------------------------------------------------

    def violation(self, entity, version, own) -> str | None:
        """The message for `entity` (as `version`) breaking this constraint, or None."""
        props = version.props
        if self.kind in (EXISTENCE, KEY):
            missing = [p for p in self.properties if props.get(p) is None]
            if missing:
                if len(self.properties) == 1:
                    return f"{_entity_name(entity)} with {_token_word(entity)} `{self.label}` must have the property `{self.properties[0]}`"
                names = ", ".join(f"`{p}`" for p in self.properties)
                return f"{_entity_name(entity)} with {_token_word(entity)} `{self.label}` must have the properties ({names})"
        if self.kind == PROPERTY_TYPE:
            value = props.get(self.properties[0])
            if value is not None and not _of_types(value, self.property_types):
                allowed = " | ".join(self.property_types)
                if self.entity_type == NODE:
                    return (f"{_entity_name(entity)} with label `{self.label}` required the property "
                            f"`{self.properties[0]}` to be of type `{allowed}`, but was of type "
                            f"`{cypher_type_name(value)}`.")
                return (f"{_entity_name(entity)} with type `{self.label}` has property `{self.properties[0]}` of "
                        f"wrong type `{cypher_type_name(value)}`. Allowed types: {allowed}")
        if self.kind in (UNIQUENESS, KEY):
            return self.duplicate(entity, version, own)
        return None

    def memgraph_violation(self, version) -> str:
        """The violation `version` commits, as Memgraph's interpreter words it at commit (existence, uniqueness)
        or as its storage does when the property is set (a type): Memgraph's constraints are of a label, and a key
        is its existence and uniqueness together."""
        missing = [p for p in self.properties if version.props.get(p) is None]
        if self.kind == EXISTENCE or (self.kind == KEY and missing):
            return f"Unable to commit due to existence constraint violation on :{self.label}({missing[0]})"
        if self.kind == PROPERTY_TYPE:
            allowed = " | ".join(MEMGRAPH_TYPE_NAMES.get(name, name) for name in self.property_types)
            return f"IS TYPED {allowed} violation on {self.label}({self.properties[0]})"
        return f"Unable to commit due to unique constraint violation on :{self.label}({', '.join(self.properties)})"

    def duplicate(self, entity, version, own) -> str | None:
        """The message for another entity already holding `entity`'s values of a uniqueness or key constraint, as
        the graph will be once `own` commits (its own versions, else the newest committed ones), or None."""
        key = self.index.key_of(version.props)
        if key is None:
            return None
        for other in self.index.seek(key):
            if other is entity:
                continue
            other_version = committed_version(other.head, own)
            if other_version is not None and has_token(other, other_version, self.label) and \
                    self.index.key_of(other_version.props) == key:
                return self._duplicate_message(other, version.props)
        return None

    def _duplicate_message(self, existing, props: dict) -> str:
        if len(self.properties) == 1:
            name = self.properties[0]
            return (f"{_entity_name(existing)} already exists with {_token_word(existing)} `{self.label}` and "
                    f"property `{name}` = {cypher_literal(props[name])}")
        pairs = ", ".join(f"`{p}` = {cypher_literal(props[p])}" for p in self.properties)
        return f"{_entity_name(existing)} already exists with {_token_word(existing)} `{self.label}` and properties {pairs}"

    def check_existing(self, entities: Iterable, own) -> None:
        """Raises ConstraintCreationFailed when committed data already breaks the constraint."""
        seen: dict[tuple, object] = {}
        for entity in entities:
            version = committed_version(entity.head, own)
            if version is None or not has_token(entity, version, self.label):
                continue
            if self.kind in (UNIQUENESS, KEY):
                key = self.index.key_of(version.props) if self.index else None
                if key is not None:
                    if key in seen:
                        first = seen[key]
                        detail = (f"Both {_entity_name(first)} and {_entity_name(entity)} have the "
                                  f"{_token_word(entity)} `{self.label}` and " + (
                                      f"property `{self.properties[0]}` = {cypher_literal(version.props[self.properties[0]])}"
                                      if len(self.properties) == 1 else "properties " + ", ".join(
                                          f"`{p}` = {cypher_literal(version.props[p])}" for p in self.properties)))
                        raise self._creation_failed(detail)
                    seen[key] = entity
                if self.kind == UNIQUENESS:
                    continue
            message = self.violation(entity, version, own) if self.kind != UNIQUENESS else None
            if message is not None:
                # Neo4j checks existence by the schema alone: its description has no name.
                raise self._creation_failed(message, named=self.kind == PROPERTY_TYPE)

    def _creation_failed(self, detail: str, named: bool = True) -> DatabaseError:
        return creation_failed(self.describe(named), detail)


def validate(constraints_by_token: dict, written: Iterable, own, unique_only: bool = False) -> None:
    """Checks every entity a transaction wrote against the constraints on its labels or type: all of them when it
    commits; with `unique_only`, only that no other entity holds its values of a uniqueness or key constraint
    (what a statement's end checks, as Neo4j does; existence and types wait for the commit)."""
    for entity in written:
        version = committed_version(entity.head, own)
        if version is None:
            continue
        if isinstance(entity, Vertex):
            tokens = [(NODE, label) for label in version.labels]
        else:
            tokens = [("RELATIONSHIP", entity.type)]
        for token in tokens:
            for constraint in tuple(constraints_by_token.get(token, ())):  # a commit may change the schema
                if unique_only:
                    message = constraint.duplicate(entity, version, own) if constraint.index is not None else None
                else:
                    message = constraint.violation(entity, version, own)
                if message is not None:
                    raise ConstraintError(message, memgraph_message=constraint.memgraph_violation(version))


def check_constraint_checking(value: object, name: str, code: str) -> str:
    """`value` as a `constraint_checking` mode; refused with `code`, naming the setting or option `name`."""
    if value not in CONSTRAINT_CHECKING:
        raise ClientError(f"{name} must be 'statement' (uniqueness and keys checked when each statement ends, as "
                          f"Neo4j does) or 'commit' (when the transaction commits, as Memgraph does), not {value!r}.",
                          code)
    return value


def cypher_literal(value: object) -> str:
    """A value as Neo4j prints it in constraint messages: strings in single quotes."""
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    return str(value)


def _of_types(value: object, property_types: tuple[str, ...]) -> bool:
    """Whether `value` is of one of a type constraint's types: Neo4j's names a list's element type
    (`LIST<INTEGER NOT NULL>`), Memgraph's bare `LIST` allows any list."""
    name = cypher_type_name(value)
    return name in property_types or ("LIST" in property_types and name.startswith("LIST<"))


def _entity_name(entity) -> str:
    return f"Node({entity.gid})" if isinstance(entity, Vertex) else f"Relationship({entity.gid})"


def _token_word(entity) -> str:
    return "label" if isinstance(entity, Vertex) else "type"
