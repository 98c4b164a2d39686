"""Schema commands: CREATE/DROP INDEX and CONSTRAINT (applied when the transaction commits), SHOW INDEXES and
SHOW CONSTRAINTS with YIELD, WHERE and RETURN."""
from __future__ import annotations

from typing import TYPE_CHECKING

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.errors import syntax_error
from graphplex.databases.cypher.plan import Operator, Plan
from graphplex.databases.cypher.show import plan_show
from graphplex.databases.storage import SchemaChange
from graphplex.databases.storage.schema import LOOKUP_INDEXES

if TYPE_CHECKING:
    from graphplex.databases.cypher.planner import Planner

INDEX_COLUMNS = ["id", "name", "state", "populationPercent", "type", "entityType", "labelsOrTypes", "properties",
                 "indexProvider", "owningConstraint", "lastRead", "readCount"]
INDEX_EXTRA_COLUMNS = ["trackedSince", "options", "failureMessage", "createStatement"]
CONSTRAINT_COLUMNS = ["id", "name", "type", "entityType", "labelsOrTypes", "properties", "ownedIndex",
                      "propertyType"]
CONSTRAINT_EXTRA_COLUMNS = ["options", "createStatement"]


def plan_schema_command(statement: ast.Statement, planner: "Planner") -> Plan:
    if isinstance(statement, ast.ShowSchema):
        return _plan_show(statement, planner)
    change, counter = _schema_change(statement)

    def run(rows, ctx):
        for _ in rows:
            resolved = change
            if isinstance(change.name, ast.Parameter):
                name = ctx.parameters.get(change.name.name)
                if not isinstance(name, str):
                    raise syntax_error(f"Expected parameter ${change.name.name} to be a String")
                from dataclasses import replace
                resolved = replace(change, name=name)
            if ctx.txn.change_schema(resolved):
                setattr(ctx.counters, counter, getattr(ctx.counters, counter) + 1)
        return iter(())
    parameters = frozenset(node.name for node in statement.walk() if isinstance(node, ast.Parameter))
    return Plan([Operator(type(statement).__name__, "", run)], [], "s", "schema", parameters)


def _schema_change(statement: ast.Statement) -> tuple[SchemaChange, str]:
    if isinstance(statement, ast.CreateIndex):
        if statement.kind == "LOOKUP":
            raise syntax_error("Token lookup indexes always exist in graphplex (label and relationship type "
                               "lookups); there is nothing to create")
        return SchemaChange("create_index", statement.name, statement.entity_type, statement.label,
                            statement.properties, if_not_exists=statement.if_not_exists), "indexes_added"
    if isinstance(statement, ast.DropIndex):
        return SchemaChange("drop_index", statement.name, if_exists=statement.if_exists), "indexes_removed"
    if isinstance(statement, ast.CreateConstraint):
        if statement.kind in ("PROPERTY_EXISTENCE", "PROPERTY_TYPE") and len(statement.properties) != 1:
            raise syntax_error("Constraint type only supports a single property")
        return SchemaChange("create_constraint", statement.name, statement.entity_type, statement.label,
                            statement.properties, statement.kind, statement.property_types,
                            if_not_exists=statement.if_not_exists), "constraints_added"
    if isinstance(statement, ast.DropConstraint):
        return SchemaChange("drop_constraint", statement.name, if_exists=statement.if_exists), "constraints_removed"
    raise syntax_error(f"Unsupported statement {type(statement).__name__}")


# --- SHOW ----------------------------------------------------------------------------------------------------

def _plan_show(statement: ast.ShowSchema, planner: "Planner") -> Plan:
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
            rows.append(_index_row(index_id, name, "LOOKUP", entity_type, None, None, None, "token-lookup-1.0"))
    if kind in ("ALL", "RANGE"):
        for index in sorted(storage.indexes.by_name.values(), key=lambda i: i.id):
            rows.append(_index_row(index.id, index.name, "RANGE", index.entity_type, [index.label],
                                   list(index.properties), index.owning_constraint, "range-1.0"))
    return sorted(rows, key=lambda r: r["name"])


def _index_row(index_id, name, type_, entity_type, labels, properties, owner, provider) -> dict:
    if type_ == "LOOKUP":
        target = "(n)" if entity_type == "NODE" else "()-[r]-()"
        function = "labels(n)" if entity_type == "NODE" else "type(r)"
        create = f"CREATE LOOKUP INDEX `{name}` FOR {target} ON EACH {function}"
    else:
        props = ", ".join(f"{'n' if entity_type == 'NODE' else 'r'}.`{p}`" for p in properties)
        target = f"(n:`{labels[0]}`)" if entity_type == "NODE" else f"()-[r:`{labels[0]}`]-()"
        create = f"CREATE RANGE INDEX `{name}` FOR {target} ON ({props})"
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
        target = f"({var}:`{constraint.label}`)" if var == "n" else f"()-[r:`{constraint.label}`]-()"
        props = ", ".join(f"{var}.`{p}`" for p in constraint.properties)
        rule = {"UNIQUENESS": "IS UNIQUE", "KEY": "IS KEY", "PROPERTY_EXISTENCE": "IS NOT NULL",
                "PROPERTY_TYPE": f"IS :: {' | '.join(constraint.property_types)}"}[constraint.kind]
        rows.append({
            "id": constraint.id, "name": constraint.name, "type": type_name, "entityType": constraint.entity_type,
            "labelsOrTypes": [constraint.label], "properties": list(constraint.properties),
            "ownedIndex": constraint.index.name if constraint.index is not None else None,
            "propertyType": " | ".join(constraint.property_types) or None,
            "options": {"indexProvider": "range-1.0", "indexConfig": {}} if constraint.index is not None else None,
            "createStatement": f"CREATE CONSTRAINT `{constraint.name}` FOR {target} REQUIRE ({props}) {rule}",
        })
    return rows

