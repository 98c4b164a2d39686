"""The clash rules of Neo4j 5's schema commands, checked against the catalogue as a transaction would leave it.

The order of the checks is the kernel's (`Operations.assertNoBlockingSchemaRulesExists`): an equivalent rule (same
schema, same name), then a name taken by any rule, then a constraint on the schema, then an index on it. `IF NOT
EXISTS` is the Cypher layer's check before those (`DoNothingIfExists…`): an index is skipped when an index of the
schema or of the name exists, a constraint when a constraint of its kind and schema or of its name exists; any
other clash still fails. `IF EXISTS` skips a drop of a name that no rule of the kind has.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from graphplex.databases.storage import schema_errors as errors
from graphplex.databases.storage.constraints import KEY, PROPERTY_TYPE, UNIQUENESS
from graphplex.databases.storage.triggers import TRIGGER_ACTIONS, check_trigger_change, record_trigger_change

if TYPE_CHECKING:
    from graphplex.databases.storage.schema import Schema, SchemaChange

INDEX_BACKED = (UNIQUENESS, KEY)
RANGE = "RANGE"


@dataclass(frozen=True)
class Rule:
    """An index or a constraint as the checks see it; `id` is None for one a pending change would create, and
    `owner` names the constraint owning an index (or, for a constraint, its own index's name)."""

    name: str
    entity_type: str
    label: str
    properties: tuple[str, ...]
    kind: str = ""
    property_types: tuple[str, ...] = ()
    owner: str | None = None
    id: int | None = None
    owner_id: int | None = None
    index_type: str = "RANGE"
    # A search index's labels or types, all of them (a full-text index may have several), and its provider.
    tokens: tuple[str, ...] = ()
    provider: str | None = None

    def same_schema(self, other: "Rule | SchemaChange") -> bool:
        """Neo4j's schema identity: entity type, every label or type (in order) and the properties."""
        return (self.entity_type, _tokens(self), self.properties) == (other.entity_type, _tokens(other),
                                                                      other.properties)

    def describe_index(self) -> str:
        return errors.index_description(self.id, self.name, self.entity_type, self.label, self.properties,
                                        self.owner_id, self.index_type, self.tokens, self.provider)

    def describe_constraint(self) -> str:
        return errors.constraint_description(self.id, self.name, self.kind, self.entity_type, self.label,
                                             self.properties, self.property_types, self.owner_id)


@dataclass
class Rules:
    """The catalogue by name: indexes (owned ones included), constraints, and the names of Memgraph's triggers."""

    indexes: dict[str, Rule] = field(default_factory=dict)
    constraints: dict[str, Rule] = field(default_factory=dict)
    triggers: set[str] = field(default_factory=set)


def rules_of(schema: "Schema") -> Rules:
    """The committed catalogue of `schema` (lookup indexes among its indexes)."""
    rules = Rules(triggers=set(schema.triggers))
    for c in schema.constraints.values():
        rules.constraints[c.name] = Rule(c.name, c.entity_type, c.label, c.properties, c.kind, c.property_types,
                                         c.index.name if c.index is not None else None, c.id,
                                         c.index.id if c.index is not None else None)
    for index in (*schema.indexes.by_name.values(), *schema.lookups.values()):
        owner = schema.constraints.get(index.owning_constraint) if index.owning_constraint else None
        rules.indexes[index.name] = Rule(index.name, index.entity_type, index.label, index.properties,
                                         owner=index.owning_constraint, id=index.id,
                                         owner_id=owner.id if owner is not None else None,
                                         index_type=index.index_type)
    for index in schema.search.values():
        rules.indexes[index.name] = Rule(index.name, index.entity_type, index.label, index.properties, id=index.id,
                                         index_type=index.index_type, tokens=tuple(index.tokens),
                                         provider=errors.provider_of(index.index_type, index.options))
    return rules


def record(rules: Rules, change: "SchemaChange") -> None:
    """`rules` as they are once `change` (already checked, and named) is applied."""
    name = change.name
    if change.action in TRIGGER_ACTIONS:
        record_trigger_change(rules.triggers, change)
    elif change.action == "create_index":
        rules.indexes[name] = Rule(name, change.entity_type, change.label, change.properties,
                                   index_type=change.index_type, tokens=change.tokens,
                                   provider=errors.provider_of(change.index_type, change.options))
    elif change.action == "create_constraint":
        backed = change.kind in INDEX_BACKED
        rules.constraints[name] = Rule(name, change.entity_type, change.label, change.properties, change.kind,
                                       change.property_types, name if backed else None)
        if backed:
            rules.indexes[name] = Rule(name, change.entity_type, change.label, change.properties, owner=name)
    elif change.action == "drop_index":
        rules.indexes.pop(name, None)
    else:
        dropped = rules.constraints.pop(name, None)
        if dropped is not None and dropped.owner is not None:
            rules.indexes.pop(dropped.owner, None)


def check(rules: Rules, change: "SchemaChange") -> "SchemaChange | None":
    """Raises the error Neo4j raises for `change`; returns it (named) to record, or None for an IF [NOT] EXISTS
    that has nothing to do."""
    if change.action in TRIGGER_ACTIONS:
        check_trigger_change(rules.triggers, change)
        return change
    if change.action == "create_index":
        return _create_index(rules, _named(change))
    if change.action == "create_constraint":
        return _create_constraint(rules, _named(change))
    if change.action == "drop_index":
        index = rules.indexes.get(change.name)
        if index is None:
            if change.if_exists:
                return None
            raise errors.no_such_index(change.name)
        if index.owner is not None:
            raise errors.index_of_constraint(index.owner)
        return change
    if change.name not in rules.constraints:
        if change.if_exists:
            return None
        raise errors.no_such_constraint(change.name)
    return change


def existing_rule(schema: "Schema", pending, change: "SchemaChange") -> Rule | None:
    """The index or constraint that makes `CREATE … IF NOT EXISTS` of `change` do nothing, in the catalogue as a
    transaction with `pending` changes sees it (None: it would be created). Neo4j names it in its notification."""
    rules = rules_of(schema)
    for earlier in pending:
        record(rules, earlier)
    return _existing(rules, _named(change))


def _existing(rules: Rules, change: "SchemaChange") -> Rule | None:
    """What IF NOT EXISTS finds (Neo4j's `DoNothingIfExists…`): a rule of the same schema first (an index of the
    same type; a constraint of the same kind and property types), else a rule of the same name."""
    if change.action == "create_index":
        same = _same_indexes(rules, change)
        return same[0] if same else rules.indexes.get(change.name)
    same = [c for c in rules.constraints.values()
            if c.same_schema(change) and (c.kind, c.property_types) == (change.kind, change.property_types)]
    return same[0] if same else rules.constraints.get(change.name)


def _create_index(rules: Rules, change: "SchemaChange") -> "SchemaChange | None":
    # Only an index of the same type counts (a text and a range index may share a schema), and only a range index
    # is blocked by a uniqueness or key constraint, whose own index is a range one (not in Memgraph's syntax).
    same_schema = _same_indexes(rules, change)
    if change.if_not_exists and _existing(rules, change) is not None:
        return None
    for index in same_schema:
        if index.name == change.name and index.owner is None:
            raise errors.equivalent_index(index.describe_index())
    _check_name_free(rules, change.name)
    if change.index_type == RANGE and not change.independent and any(
            c.kind in INDEX_BACKED and c.same_schema(change) for c in rules.constraints.values()):
        raise errors.index_over_constraint(change.schema_text())
    if same_schema:
        raise errors.index_exists(errors.schema_text(change.entity_type, change.label, change.properties,
                                                     change.tokens))
    return change


def _create_constraint(rules: Rules, change: "SchemaChange") -> "SchemaChange | None":
    same_schema = [c for c in rules.constraints.values() if c.same_schema(change)]
    equal = [c for c in same_schema if (c.kind, c.property_types) == (change.kind, change.property_types)]
    if change.if_not_exists and _existing(rules, change) is not None:
        return None
    for constraint in equal:
        if constraint.name == change.name:
            raise errors.equivalent_constraint(constraint.describe_constraint())
    _check_name_free(rules, change.name)
    backed = change.kind in INDEX_BACKED
    for constraint in same_schema:
        if change.kind == PROPERTY_TYPE and constraint.kind == PROPERTY_TYPE and constraint not in equal:
            raise errors.conflicting_constraint(constraint.describe_constraint())
        if (constraint.kind in INDEX_BACKED) == backed and (backed or constraint.kind == change.kind):
            raise errors.constraint_exists(constraint.describe_constraint())
    if backed and not change.independent and any(index.same_schema(change) and index.index_type == RANGE
                                                 for index in rules.indexes.values()):
        raise errors.index_exists(change.schema_text(), for_constraint=True)
    return change


def _same_indexes(rules: Rules, change: "SchemaChange") -> list[Rule]:
    """The indexes of `change`'s schema and type; for Memgraph's syntax (`independent`) not those constraints own,
    which stand apart from its indexes."""
    return [index for index in rules.indexes.values()
            if index.same_schema(change) and index.index_type == change.index_type
            and not (change.independent and index.owner is not None)]


def _tokens(rule: "Rule | SchemaChange") -> tuple[str, ...]:
    return tuple(rule.tokens) or (rule.label,)


def _check_name_free(rules: Rules, name: str) -> None:
    # Constraints first: an index-backed one shares its name with its index.
    if name in rules.constraints:
        raise errors.constraint_name_taken(name)
    if name in rules.indexes:
        raise errors.index_name_taken(name)


def _named(change: "SchemaChange") -> "SchemaChange":
    """Neo4j names a rule created without one from its schema, before any check (so the name can clash)."""
    return change if change.name else replace(change, name=change.default_name())
