"""Memgraph's CREATE TRIGGER, DROP TRIGGER and SHOW TRIGGERS, as the statement router runs them.

They are schema workload of the session's database: CREATE and DROP record a schema change on its child (applied,
logged and kept like an index when the transaction commits), SHOW reads the committed catalogue. As in Memgraph
they run only in an implicit (auto-commit) transaction.

Memgraph's TRIGGER privilege has no Neo4j counterpart; graphplex asks for the schema-management privileges a
user needs to shape the whole schema of the database: CREATE TRIGGER needs CREATE INDEX and CREATE CONSTRAINT
(INDEX MANAGEMENT and CONSTRAINT MANAGEMENT), DROP TRIGGER DROP INDEX and DROP CONSTRAINT, SHOW TRIGGERS SHOW
INDEX and SHOW CONSTRAINT."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from graphplex.databases import triggers as cypher_triggers
from graphplex.databases.cypher import ast
from graphplex.databases.errors import ClientError, Neo4jError
from graphplex.databases.storage import BEFORE_COMMIT, DROP_TRIGGER, SchemaChange, Trigger
from graphplex.refusals import not_in_multicommand
from graphplex.system_db import forbidden, roles_text

if TYPE_CHECKING:
    from graphplex.result import Result
    from graphplex.routing import Request
    from graphplex.security import Principal
    from graphplex.transaction import DBMSTransaction

SHOW_TRIGGERS_COLUMNS = ["trigger name", "statement", "privilege context", "event type", "phase", "owner"]
_PRIVILEGES = {ast.CreateTrigger: ("CREATE INDEX", "CREATE CONSTRAINT"),
               ast.DropTrigger: ("DROP INDEX", "DROP CONSTRAINT"),
               ast.ShowTriggers: ("SHOW INDEX", "SHOW CONSTRAINT")}


def check_trigger_privilege(principal: "Principal", request: "Request", database: str) -> None:
    """The route table's privilege of a trigger command (see the module's docstring)."""
    if principal.unrestricted:
        return
    actions = _PRIVILEGES[type(request.statement)]
    if not all(principal.privileges.allows(action, database) for action in actions):
        raise forbidden(f"Trigger operations are not allowed for user '{principal.user}' with roles "
                        f"[{roles_text(principal.roles)}].")


def run_trigger_command(txn: "DBMSTransaction", request: "Request") -> "Result":
    """The route's handler: CREATE/DROP TRIGGER change the schema through the database's child, SHOW TRIGGERS
    lists the committed triggers."""
    if not txn.implicit:
        raise not_in_multicommand("Managing triggers")
    database = (request.info.database or txn.database).lower()
    child = txn.admit_graph(request, database)
    statement = request.statement
    if isinstance(statement, ast.ShowTriggers):
        triggers = txn.dbms.databases[database].storage.schema.triggers.values()
        rows = [(t.name, t.statement, t.security, t.event, t.phase, t.owner)
                for t in sorted(triggers, key=lambda t: (t.phase != BEFORE_COMMIT, t.name))]
        return txn.result_of(request, SHOW_TRIGGERS_COLUMNS, rows, "r")
    if isinstance(statement, ast.CreateTrigger):
        owner = txn.user if statement.security == "DEFINER" and txn.dbms.settings.auth_enabled else None
        trigger = Trigger(statement.name, statement.statement, statement.event, statement.phase,
                          statement.security, owner)
        used = _check_plannable(txn, database, trigger, request.parameters)
        child.change_schema(replace(trigger, parameters={name: request.parameters[name] for name in used}
                                    or None).change())
    else:
        child.change_schema(SchemaChange(DROP_TRIGGER, statement.name))
    return txn.result_of(request, [], [], "s")


def _check_plannable(txn: "DBMSTransaction", database: str, trigger: Trigger, given: dict) -> list[str]:
    """Memgraph plans a trigger's statement when it is created: a syntax error, a variable its event does not
    offer, or a parameter CREATE TRIGGER was not given fails it. Returns the parameters the statement uses, whose
    values the trigger keeps."""
    try:
        statement, text = cypher_triggers.trigger_statement(trigger)
        plan = txn.dbms.databases[database].plan(text, statement)
        used = sorted(name for name in plan.parameters if not name.startswith(cypher_triggers.PARAMETER_PREFIX))
        missing = [name for name in used if name not in given]
        if missing:
            raise ClientError(f"Expected parameter(s): {', '.join(missing)}",
                              "Neo.ClientError.Statement.ParameterMissing")
    except Neo4jError as error:
        raise cypher_triggers.creation_failed(trigger, error) from error
    return used
