"""Schema commands: CREATE/DROP INDEX and CONSTRAINT (applied when the transaction commits), SHOW INDEXES and
SHOW CONSTRAINTS with YIELD, WHERE and RETURN."""
from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.errors import syntax_error
from graphplex.databases.cypher.expressions import Scope, compile_expression
from graphplex.databases.cypher.label_expressions import check_token_name
from graphplex.databases.cypher.notifications import Notification
from graphplex.databases.cypher.plan import Operator, Plan
from graphplex.databases.cypher.search_index_options import MEMGRAPH_SETTING, index_settings, memgraph_config
from graphplex.databases.cypher.show import plan_show
from graphplex.databases.cypher.show_info import plan_show_info
from graphplex.databases.storage import NODE, SchemaChange
from graphplex.databases.storage.schema import LOOKUP, LOOKUP_INDEXES
from graphplex.databases.storage.schema_checks import Rule, existing_rule
from graphplex.databases.storage.search_indexes import FULLTEXT, SEARCH_TYPES, VECTOR
from graphplex.databases.storage.schema_errors import (INDEX_PROVIDERS, equivalent_index, index_exists, provider_of,
                                                       quoted, token)

if TYPE_CHECKING:
    from graphplex.databases.cypher.planner import Planner

INDEX_COLUMNS = ["id", "name", "state", "populationPercent", "type", "entityType", "labelsOrTypes", "properties",
                 "indexProvider", "owningConstraint", "lastRead", "readCount"]
INDEX_EXTRA_COLUMNS = ["trackedSince", "options", "failureMessage", "createStatement"]
CONSTRAINT_COLUMNS = ["id", "name", "type", "entityType", "labelsOrTypes", "properties", "ownedIndex",
                      "propertyType"]
CONSTRAINT_EXTRA_COLUMNS = ["options", "createStatement"]
LOOKUP_PROVIDER = "token-lookup-1.0"


def plan_schema_command(statement: ast.Statement, planner: "Planner") -> Plan:
    if isinstance(statement, ast.ShowSchema):
        return _plan_show(statement, planner)
    _check_token_names(statement)
    if isinstance(statement, ast.CreateIndex) and _of_every_token(statement):
        apply = partial(_lookup_index_exists, statement)
    elif isinstance(statement, ast.CreateIndex) and statement.kind in SEARCH_TYPES:
        apply = _search_index_creation(statement, planner)
    elif isinstance(statement, (ast.DropIndex, ast.DropConstraint)) and statement.of is not None:
        apply = partial(_drop_by_schema, statement.of)
    else:
        change, counter = _schema_change(statement)

        def apply(ctx, name: str | None) -> None:
            named = change if name is None else replace(change, name=name)
            if ctx.txn.change_schema(named):
                setattr(ctx.counters, counter, getattr(ctx.counters, counter) + 1)
            elif named.if_not_exists:
                _note_existing(ctx, named)

    def run(rows, ctx):
        for _ in rows:
            apply(ctx, _parameter_name(statement, ctx))
        return iter(())
    parameters = frozenset(node.name for node in statement.walk() if isinstance(node, ast.Parameter))
    return Plan([Operator(type(statement).__name__, "", run)], [], "s", "schema", parameters)


def _search_index_creation(statement: ast.CreateIndex, planner: "Planner"):
    """`CREATE VECTOR INDEX` / `CREATE FULLTEXT INDEX`: its OPTIONS (which may hold parameters) are evaluated and
    checked when it runs, as Neo4j's options converters do, into one schema change."""
    if statement.kind == VECTOR and len(statement.properties) != 1:
        raise syntax_error("Only single property vector indexes are supported")
    options = (compile_expression(statement.options, Scope(set(), planner)) if statement.options is not None
               else None)

    def apply(ctx, name: str | None) -> None:
        value = options({}, ctx) if options is not None else None
        if statement.memgraph:
            config = memgraph_config(value)
        else:
            config = index_settings(statement.kind, value)[1]
        change = SchemaChange("create_index", name if name is not None else statement.name, statement.entity_type,
                              statement.label, statement.properties, if_not_exists=statement.if_not_exists,
                              index_type=statement.kind, tokens=statement.labels or (statement.label,),
                              options=config)
        if ctx.txn.change_schema(change):
            ctx.counters.indexes_added += 1
        elif change.if_not_exists:
            _note_existing(ctx, change)
    return apply


def _check_token_names(statement: ast.Statement) -> None:
    """The labels, types and properties a rule names must be tokens a database can hold (not empty): an empty
    label would also be taken for a rule of no label (Neo4j's lookup index of every label, Memgraph's global
    index)."""
    rule = statement.of if isinstance(statement, (ast.DropIndex, ast.DropConstraint)) else statement
    if isinstance(rule, (ast.CreateIndex, ast.CreateConstraint)):
        labels = tuple(getattr(rule, "labels", ())) or ((rule.label,) if rule.label is not None else ())
        for name in labels + tuple(rule.properties):
            check_token_name(name)


def _parameter_name(statement: ast.Statement, ctx) -> str | None:
    """The rule's name when the statement gives it as a parameter (`CREATE INDEX $name …`), else None."""
    name = getattr(statement, "name", None)
    if not isinstance(name, ast.Parameter):
        return None
    value = ctx.parameters.get(name.name)
    if not isinstance(value, str):
        raise syntax_error(f"Expected parameter ${name.name} to be a String")
    return value


def _of_every_token(statement: ast.CreateIndex) -> bool:
    """Neo4j's `CREATE LOOKUP INDEX` (of every label or type), not Memgraph's lookup index of one token."""
    return statement.kind == LOOKUP and statement.label is None and not statement.properties


def _lookup_index_exists(statement: ast.CreateIndex, ctx, name: str | None) -> None:
    """`CREATE LOOKUP INDEX`: graphplex's token lookups (the label and type maps) always exist, as Neo4j's two
    lookup indexes do from the start; asking for one more meets Neo4j's clash errors, or nothing with IF NOT
    EXISTS."""
    index_id, existing, entity_type = next(i for i in LOOKUP_INDEXES if i[2] == statement.entity_type)
    if statement.if_not_exists:
        wanted = f" {token(name or statement.name)}" if name or statement.name else ""
        target = "(e) ON EACH labels(e)" if entity_type == NODE else "()-[e]-() ON EACH type(e)"
        ctx.notifications.append(_already_exists(f"CREATE LOOKUP INDEX{wanted} IF NOT EXISTS FOR {target}",
                                                 f"LOOKUP INDEX {existing} FOR {target}"))
        return
    schema = "(:<any-labels>)" if entity_type == NODE else "()-[:<any-types>]-()"
    wanted = name if name is not None else statement.name
    if wanted is None or wanted == existing:
        raise equivalent_index(f"Index( id={index_id}, name='{existing}', type='LOOKUP', schema={schema}, "
                               f"indexProvider='{LOOKUP_PROVIDER}' )")
    raise index_exists(schema)


def _drop_by_schema(rule: ast.CreateIndex | ast.CreateConstraint, ctx, name: None) -> None:
    """Memgraph's `DROP INDEX ON :L(p)` / `DROP CONSTRAINT ON (n:L) ASSERT …`: drops the index (not one a
    constraint owns) or constraint of that schema as the transaction sees the catalogue; when there is none,
    Memgraph answers with a note, not an error."""
    create, _ = _schema_change(rule)
    existing = existing_rule(ctx.txn.storage.schema, ctx.txn.schema_changes(), create)
    index = create.action == "create_index"
    if existing is None or not existing.same_schema(create) or (index and existing.owner is not None):
        if create.index_type == LOOKUP:
            ctx.notifications.append(Notification("index or constraint does not exist", _lookup_text(create),
                                                  f"DROP {_lookup_text(create)}"))
            return
        what = "INDEX" if index else "CONSTRAINT"
        schema = create.schema_text()
        ctx.notifications.append(Notification("index or constraint does not exist", schema,
                                              f"DROP {what} ON {schema}"))
        return
    counter = "indexes_removed" if index else "constraints_removed"
    if ctx.txn.change_schema(SchemaChange("drop_index" if index else "drop_constraint", existing.name)):
        setattr(ctx.counters, counter, getattr(ctx.counters, counter) + 1)


def _note_existing(ctx, change: SchemaChange) -> None:
    """Notes the rule that made a `CREATE … IF NOT EXISTS` (or Memgraph's CREATE, which has its meaning) do
    nothing: Neo4j's words for Neo4j's rules, Memgraph's statement for a lookup index."""
    existing = existing_rule(ctx.txn.storage.schema, ctx.txn.schema_changes(), change)
    if existing is None:
        return
    if change.index_type == LOOKUP:
        text = _lookup_text(change)
        ctx.notifications.append(_already_exists(f"CREATE {text}", text))
    else:
        ctx.notifications.append(_already_exists(_create_text(change), _rule_text(change, existing)))


def _already_exists(command: str, existing: str) -> Notification:
    """Neo4j's IndexOrConstraintAlreadyExists (00NA0) of a `CREATE … IF NOT EXISTS` that did nothing."""
    return Notification("index or constraint already exists", existing, command)


def _lookup_text(change: SchemaChange) -> str:
    """A lookup index as Memgraph's statements name it: `INDEX ON :L`, `EDGE INDEX ON :T`, `GLOBAL EDGE INDEX ON
    :(p)`."""
    edge = "EDGE " if change.entity_type != NODE else ""
    if change.label:
        return f"{edge}INDEX ON :{token(change.label)}"
    return f"GLOBAL {edge}INDEX ON :({token(change.properties[0])})"


def _create_text(change: SchemaChange) -> str:
    """The command as Neo4j repeats it: `CREATE RANGE INDEX x IF NOT EXISTS FOR (e:L) ON (e.p)`, `CREATE
    CONSTRAINT IF NOT EXISTS FOR (e:L) REQUIRE (e.p) IS UNIQUE` (the name only when given)."""
    name = f" {token(change.name)}" if change.name else ""
    pattern, properties = _schema_parts(change.entity_type, change.label, change.properties, change.tokens,
                                        change.index_type)
    if change.action == "create_index":
        return f"CREATE {change.index_type} INDEX{name} IF NOT EXISTS FOR {pattern} ON {properties}"
    return (f"CREATE CONSTRAINT{name} IF NOT EXISTS FOR {pattern} REQUIRE {properties} "
            f"{_requirement(change.kind, change.entity_type, change.property_types)}")


def _rule_text(change: SchemaChange, rule: Rule) -> str:
    """The rule that was there, as Neo4j names it: `RANGE INDEX x FOR (e:L) ON (e.p)`, `CONSTRAINT c FOR (e:L)
    REQUIRE (e.p) IS UNIQUE`."""
    pattern, properties = _schema_parts(rule.entity_type, rule.label, rule.properties, rule.tokens, rule.index_type)
    if change.action == "create_index":
        return f"{rule.index_type} INDEX {token(rule.name)} FOR {pattern} ON {properties}"
    return (f"CONSTRAINT {token(rule.name)} FOR {pattern} REQUIRE {properties} "
            f"{_requirement(rule.kind, rule.entity_type, rule.property_types)}")


def _schema_parts(entity_type: str, label: str, properties: tuple[str, ...], tokens: tuple[str, ...] = (),
                  index_type: str = "RANGE") -> tuple[str, str]:
    """The pattern and properties of a rule as Neo4j's notifications write them; a full-text index's labels are
    joined by `|` and its properties listed `ON EACH [e.p, e.q]`."""
    labels = "|".join(token(name) for name in (tokens or (label,)))
    pattern = f"(e:{labels})" if entity_type == NODE else f"()-[e:{labels}]-()"
    listed = ", ".join(f"e.{token(p)}" for p in properties)
    if index_type == FULLTEXT:
        return pattern, f"EACH [{listed}]"
    return pattern, f"({listed})"


def _requirement(kind: str, entity_type: str, property_types: tuple[str, ...]) -> str:
    if kind == "KEY":
        return "IS NODE KEY" if entity_type == NODE else "IS RELATIONSHIP KEY"
    if kind == "PROPERTY_TYPE":
        return "IS :: " + " | ".join(property_types)
    return {"UNIQUENESS": "IS UNIQUE", "PROPERTY_EXISTENCE": "IS NOT NULL"}[kind]


def _schema_change(statement: ast.Statement) -> tuple[SchemaChange, str]:
    """The storage's change for a CREATE/DROP INDEX or CONSTRAINT, and the counter it adds to."""
    if isinstance(statement, ast.CreateIndex):
        index_type = statement.kind if statement.kind in ("TEXT", "POINT", LOOKUP) else "RANGE"
        if index_type in ("TEXT", "POINT") and len(statement.properties) != 1:
            raise syntax_error(f"Only single property {index_type.lower()} indexes are supported")
        return SchemaChange("create_index", statement.name, statement.entity_type, statement.label or "",
                            statement.properties, if_not_exists=statement.if_not_exists,
                            index_type=index_type, independent=statement.memgraph), "indexes_added"
    if isinstance(statement, ast.DropIndex):
        return SchemaChange("drop_index", statement.name, if_exists=statement.if_exists), "indexes_removed"
    if isinstance(statement, ast.CreateConstraint):
        if statement.kind in ("PROPERTY_EXISTENCE", "PROPERTY_TYPE") and len(statement.properties) != 1:
            raise syntax_error("Constraint type only supports a single property")
        return SchemaChange("create_constraint", statement.name, statement.entity_type, statement.label,
                            statement.properties, statement.kind, statement.property_types,
                            if_not_exists=statement.if_not_exists, independent=statement.memgraph), "constraints_added"
    if isinstance(statement, ast.DropConstraint):
        return SchemaChange("drop_constraint", statement.name, if_exists=statement.if_exists), "constraints_removed"
    raise syntax_error(f"Unsupported statement {type(statement).__name__}")


# --- SHOW ----------------------------------------------------------------------------------------------------

def _plan_show(statement: ast.ShowSchema, planner: "Planner") -> Plan:
    if statement.what.endswith(" INFO"):
        return plan_show_info(statement.what)
    indexes = statement.what == "INDEXES"
    default = INDEX_COLUMNS if indexes else CONSTRAINT_COLUMNS
    every = default + (INDEX_EXTRA_COLUMNS if indexes else CONSTRAINT_EXTRA_COLUMNS)
    rows = _index_rows if indexes else _constraint_rows
    kind = statement.kind
    return plan_show(statement, "ShowIndexes" if indexes else "ShowConstraints",
                     lambda ctx: rows(ctx.txn.storage, kind), default, every, planner)


def _index_rows(storage, kind: str):
    rows = []
    if kind in ("ALL", "LOOKUP"):
        for index_id, name, entity_type in LOOKUP_INDEXES:
            rows.append(_index_row(index_id, name, "LOOKUP", entity_type, None, None, None, LOOKUP_PROVIDER))
    for index in sorted(storage.indexes.by_name.values(), key=lambda i: i.id):
        if kind in ("ALL", index.index_type):
            rows.append(_index_row(index.id, index.name, index.index_type, index.entity_type, [index.label],
                                   list(index.properties), index.owning_constraint, INDEX_PROVIDERS[index.index_type]))
    for index in storage.schema.search.values():
        if kind in ("ALL", index.index_type):
            rows.append(_search_index_row(index))
    return sorted(rows, key=lambda r: r["name"])


def _search_index_row(index) -> dict:
    """A vector or full-text index as SHOW INDEXES lists it: every label or type, its configuration under
    `options`, and the statement that recreates it with that configuration (Neo4j's form: keys sorted, backquoted
    and comma-joined). Memgraph's own settings of an index made in its syntax (`memgraph.*`) are Neo4j's for no
    one: left out, so that the statement runs again."""
    provider = provider_of(index.index_type, index.options)
    config = dict(sorted(((key, value) for key, value in (index.options or {}).items()
                          if not key.startswith(MEMGRAPH_SETTING)), key=lambda item: item[0].lower()))
    tokens = list(index.tokens)
    var = "n" if index.entity_type == NODE else "r"
    names = "|".join(quoted(name) for name in tokens)
    target = f"(n:{names})" if var == "n" else f"()-[r:{names}]-()"
    props = ", ".join(f"{var}.{quoted(p)}" for p in index.properties)
    on = f"EACH [{props}]" if index.index_type == FULLTEXT else f"({props})"
    settings = ",".join(f"{quoted(key)}: {_cypher_literal(value)}" for key, value in config.items())
    create = (f"CREATE {index.index_type} INDEX {quoted(index.name)} FOR {target} ON {on} "
              f"OPTIONS {{indexConfig: {{{settings}}}, indexProvider: '{provider}'}}")
    row = _index_row(index.id, index.name, index.index_type, index.entity_type, tokens, list(index.properties),
                     None, provider)
    row["options"] = {"indexProvider": provider, "indexConfig": config}
    row["createStatement"] = create
    return row


def _cypher_literal(value) -> str:
    """A configuration value as Neo4j writes it in a createStatement: `'COSINE'`, `true`, `1536`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_cypher_literal(item) for item in value) + "]"
    return str(value)


def _index_row(index_id, name, type_, entity_type, labels, properties, owner, provider) -> dict:
    if type_ == "LOOKUP":
        target = "(n)" if entity_type == "NODE" else "()-[r]-()"
        function = "labels(n)" if entity_type == "NODE" else "type(r)"
        create = f"CREATE LOOKUP INDEX {quoted(name)} FOR {target} ON EACH {function}"
    else:
        props = ", ".join(f"{'n' if entity_type == 'NODE' else 'r'}.{quoted(p)}" for p in properties)
        target = f"(n:{quoted(labels[0])})" if entity_type == "NODE" else f"()-[r:{quoted(labels[0])}]-()"
        create = f"CREATE {type_} INDEX {quoted(name)} FOR {target} ON ({props})"
    return {"id": index_id, "name": name, "state": "ONLINE", "populationPercent": 100.0, "type": type_,
            "entityType": entity_type, "labelsOrTypes": labels, "properties": properties, "indexProvider": provider,
            "owningConstraint": owner, "lastRead": None, "readCount": 0, "trackedSince": None,
            "options": {"indexProvider": provider, "indexConfig": {}}, "failureMessage": "",
            "createStatement": create}


_CONSTRAINT_KINDS = {
    "UNIQUE": {"UNIQUENESS", "RELATIONSHIP_UNIQUENESS"}, "UNIQUENESS": {"UNIQUENESS", "RELATIONSHIP_UNIQUENESS"},
    "NODE UNIQUE": {"UNIQUENESS"}, "NODE UNIQUENESS": {"UNIQUENESS"},
    "RELATIONSHIP UNIQUE": {"RELATIONSHIP_UNIQUENESS"}, "RELATIONSHIP UNIQUENESS": {"RELATIONSHIP_UNIQUENESS"},
    "KEY": {"NODE_KEY", "RELATIONSHIP_KEY"}, "NODE KEY": {"NODE_KEY"}, "RELATIONSHIP KEY": {"RELATIONSHIP_KEY"},
    "EXIST": {"NODE_PROPERTY_EXISTENCE", "RELATIONSHIP_PROPERTY_EXISTENCE"},
    "EXISTENCE": {"NODE_PROPERTY_EXISTENCE", "RELATIONSHIP_PROPERTY_EXISTENCE"},
    "NODE EXIST": {"NODE_PROPERTY_EXISTENCE"}, "NODE EXISTENCE": {"NODE_PROPERTY_EXISTENCE"},
    "RELATIONSHIP EXIST": {"RELATIONSHIP_PROPERTY_EXISTENCE"},
    "RELATIONSHIP EXISTENCE": {"RELATIONSHIP_PROPERTY_EXISTENCE"},
    "PROPERTY TYPE": {"NODE_PROPERTY_TYPE", "RELATIONSHIP_PROPERTY_TYPE"},
    "NODE PROPERTY TYPE": {"NODE_PROPERTY_TYPE"}, "RELATIONSHIP PROPERTY TYPE": {"RELATIONSHIP_PROPERTY_TYPE"},
}


def _constraint_rows(storage, kind: str):
    wanted = _CONSTRAINT_KINDS.get(kind.replace("REL ", "RELATIONSHIP "))
    rows = []
    for constraint in sorted(storage.schema.constraints.values(), key=lambda c: c.name):
        type_name = constraint.type_name
        if wanted is not None and type_name not in wanted:
            continue
        var = "n" if constraint.entity_type == "NODE" else "r"
        target = f"({var}:{quoted(constraint.label)})" if var == "n" else f"()-[r:{quoted(constraint.label)}]-()"
        props = ", ".join(f"{var}.{quoted(p)}" for p in constraint.properties)
        rule = {"UNIQUENESS": "IS UNIQUE", "KEY": "IS KEY", "PROPERTY_EXISTENCE": "IS NOT NULL",
                "PROPERTY_TYPE": f"IS :: {' | '.join(constraint.property_types)}"}[constraint.kind]
        rows.append({
            "id": constraint.id, "name": constraint.name, "type": type_name, "entityType": constraint.entity_type,
            "labelsOrTypes": [constraint.label], "properties": list(constraint.properties),
            "ownedIndex": constraint.index.name if constraint.index is not None else None,
            "propertyType": " | ".join(constraint.property_types) or None,
            "options": {"indexProvider": "range-1.0", "indexConfig": {}} if constraint.index is not None else None,
            "createStatement": f"CREATE CONSTRAINT {quoted(constraint.name)} FOR {target} REQUIRE ({props}) {rule}",
        })
    return rows

