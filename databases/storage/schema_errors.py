"""Neo4j 5's words for schema rules and for the errors of schema commands.

Drivers and libraries branch on these codes (an `IndexDropFailed` is a `DatabaseError` they catch), and users read
the descriptions (`Index( id=3, name='books', type='RANGE', schema=(:Book {title}), indexProvider='range-1.0' )`),
so both follow Neo4j's kernel: `SchemaUserDescription`, `Status.Schema` and the schema exceptions.
"""
from __future__ import annotations

import re

from graphplex.databases.errors import ClientError, DatabaseError

NODE = "NODE"
INDEX_PROVIDERS = {"RANGE": "range-1.0", "TEXT": "text-2.0", "POINT": "point-1.0", "LOOKUP": "token-lookup-1.0",
                   "VECTOR": "vector-2.0", "FULLTEXT": "fulltext-1.0"}
NOTE_FIRST_VIOLATION = ". Note that only the first found violation is shown."

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# The constraint kinds of `constraints` as Neo4j's descriptions name them, by entity type.
_KIND_WORDS = {
    ("NODE", "UNIQUENESS"): "UNIQUENESS", ("RELATIONSHIP", "UNIQUENESS"): "RELATIONSHIP UNIQUENESS",
    ("NODE", "KEY"): "NODE KEY", ("RELATIONSHIP", "KEY"): "RELATIONSHIP KEY",
    ("NODE", "PROPERTY_EXISTENCE"): "NODE PROPERTY EXISTENCE",
    ("RELATIONSHIP", "PROPERTY_EXISTENCE"): "RELATIONSHIP PROPERTY EXISTENCE",
    ("NODE", "PROPERTY_TYPE"): "NODE PROPERTY TYPE", ("RELATIONSHIP", "PROPERTY_TYPE"): "RELATIONSHIP PROPERTY TYPE",
}


def token(name: str) -> str:
    """A label, type or property key as descriptions print it: backquoted unless it is a plain identifier."""
    return name if _PLAIN_NAME.fullmatch(name) else quoted(name)


def quoted(name: str) -> str:
    """A name backquoted as Cypher reads it back (a backquote doubled): SHOW's `createStatement` quotes every one."""
    return "`" + name.replace("`", "``") + "`"


def schema_text(entity_type: str, label: str, properties: tuple[str, ...], tokens: tuple[str, ...] = ()) -> str:
    """`(:Book {title, year})` or `()-[:KNOWS {since}]-()`; a full-text schema of several labels or types names
    them all, `(:Employee:Manager {name, team})` (Neo4j's `SchemaUserDescription`)."""
    props = ", ".join(token(p) for p in properties)
    names = "".join(f":{token(name)}" for name in (tokens or (label,)))
    if entity_type == NODE:
        return f"({names} {{{props}}})"
    return f"()-[{names} {{{props}}}]-()"


def index_description(index_id: int | None, name: str, entity_type: str, label: str, properties: tuple[str, ...],
                      owning_constraint_id: int | None = None, index_type: str = "RANGE", tokens: tuple[str, ...] = (),
                      provider: str | None = None) -> str:
    """`Index( id=3, name='books', type='RANGE', schema=(:Book {title}), indexProvider='range-1.0' )`; the id is
    left out for a rule not yet created."""
    head = f"id={index_id}, " if index_id is not None else ""
    owner = f", owningConstraint={owning_constraint_id}" if owning_constraint_id is not None else ""
    schema = schema_text(entity_type, label, properties, tokens)
    return (f"Index( {head}name='{name}', type='{index_type}', schema={schema}, "
            f"indexProvider='{provider or INDEX_PROVIDERS[index_type]}'{owner} )")


def provider_of(index_type: str, options: dict | None) -> str:
    """The provider of an index; a vector index's follows from its `indexConfig`, since only vector-2.0 has HNSW
    settings (vector-1.0's configuration is its dimensions and similarity function alone)."""
    if index_type == "VECTOR" and options is not None and "vector.hnsw.m" not in options:
        return "vector-1.0"
    return INDEX_PROVIDERS[index_type]


def constraint_description(constraint_id: int | None, name: str | None, kind: str, entity_type: str, label: str,
                           properties: tuple[str, ...], property_types: tuple[str, ...] = (),
                           owned_index_id: int | None = None) -> str:
    """`Constraint( id=5, name='book_isbn', type='UNIQUENESS', schema=(:Book {isbn}), ownedIndex=4 )`; id and
    name are left out where Neo4j has none to print (a rule not yet created, or described by its schema only)."""
    parts = []
    if constraint_id is not None:
        parts.append(f"id={constraint_id}")
    if name is not None:
        parts.append(f"name='{name}'")
    parts.append(f"type='{_KIND_WORDS[(entity_type, kind)]}'")
    parts.append(f"schema={schema_text(entity_type, label, properties)}")
    if owned_index_id is not None:
        parts.append(f"ownedIndex={owned_index_id}")
    if property_types:
        parts.append(f"propertyType={' | '.join(property_types)}")
    return f"Constraint( {', '.join(parts)} )"


# --- the errors, in the order Neo4j's kernel checks for them --------------------------------------------------

def equivalent_index(description: str) -> ClientError:
    return ClientError(f"An equivalent index already exists, '{description}'.",
                       "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists")


def equivalent_constraint(description: str) -> ClientError:
    return ClientError(f"An equivalent constraint already exists, '{description}'.",
                       "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists")


def index_name_taken(name: str) -> ClientError:
    return ClientError(f"There already exists an index called '{name}'.",
                       "Neo.ClientError.Schema.IndexWithNameAlreadyExists")


def constraint_name_taken(name: str) -> ClientError:
    return ClientError(f"There already exists a constraint called '{name}'.",
                       "Neo.ClientError.Schema.ConstraintWithNameAlreadyExists")


def index_over_constraint(schema: str) -> ClientError:
    """An index on the schema of a uniqueness or key constraint, whose own index is already there."""
    return ClientError(f"There is a uniqueness constraint on {schema}, so an index is already created that "
                       "matches this.", "Neo.ClientError.Schema.ConstraintAlreadyExists")


def constraint_exists(existing: str) -> ClientError:
    return ClientError(f"Constraint already exists: {existing}", "Neo.ClientError.Schema.ConstraintAlreadyExists")


def conflicting_constraint(existing: str) -> ClientError:
    """A property type constraint on a schema that another one, with other types, already constrains."""
    return ClientError(f"Conflicting constraint already exists: {existing}",
                       "Neo.ClientError.Schema.ConstraintAlreadyExists")


def index_exists(schema: str, for_constraint: bool = False) -> ClientError:
    message = f"There already exists an index {schema}."
    if for_constraint:
        message += " A constraint cannot be created until the index has been dropped."
    return ClientError(message, "Neo.ClientError.Schema.IndexAlreadyExists")


def no_such_index(name: str) -> DatabaseError:
    return DatabaseError(f"Unable to drop index called `{name}`. There is no such index.",
                         "Neo.DatabaseError.Schema.IndexDropFailed")


def index_of_constraint(name: str) -> DatabaseError:
    return DatabaseError(f"Unable to drop index: Index belongs to constraint: `{name}`",
                         "Neo.DatabaseError.Schema.IndexDropFailed")


def no_such_constraint(name: str) -> DatabaseError:
    return DatabaseError(f"Unable to drop constraint `{name}`: No such constraint {name}.",
                         "Neo.DatabaseError.Schema.ConstraintDropFailed")


def creation_failed(description: str, detail: str) -> DatabaseError:
    """Existing data breaks the constraint being created (Neo4j reports the first offender only)."""
    return DatabaseError(f"Unable to create {description}:\n{detail}{NOTE_FIRST_VIOLATION}",
                         "Neo.DatabaseError.Schema.ConstraintCreationFailed")
