"""apoc.cypher.run / doIt / runWrite and the functions runFirstColumnSingle / runFirstColumnMany: a statement built
at run time, run inside the caller's transaction with the caller's privileges.

The inner statement is let in by whoever runs the outer one (`ExecutionContext.statements`: under the DBMS, the
same text limit, route, privilege checks and transaction rules as a top-level statement), then its plan runs over
the caller's storage transaction, so it sees the caller's uncommitted changes and its writes count in the caller's
summary. As in APOC, the parameters are also bound as variables (`WITH $a AS a, …` is put in front). What the
inner statement throws reaches the user as Neo4j reports a procedure's failure (ProcedureCallFailed, "Caused by:
…"), except refusals of security and of the transaction, which keep their own codes."""
from __future__ import annotations

import dataclasses
from typing import Iterator

from graphplex.databases.cypher.apoc.arguments import apoc_function
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.plan import Plan
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.errors import ClientError, Neo4jError
from graphplex.databases.procedure_failures import CALL_FAILED, call_failed

VALUE = (("value", "MAP"),)
STATEMENT_AND_PARAMS = (("statement", "STRING", ...), ("params", "MAP", ...))
# Refusals and failures that keep their own code when an inner statement meets them (Neo4j's `Status.HasStatus`
# exceptions); the rest become the procedure's failure.
_OWN_CODES = ("Neo.ClientError.Security.", "Neo.ClientError.Transaction.", "Neo.TransientError.",
              "Neo.DatabaseError.")

# The Java exception Neo4j names as the root cause of an inner statement's failure, by the failure's code.
_JAVA_CLASSES = {
    "Neo.ClientError.Statement.SyntaxError": "org.neo4j.exceptions.SyntaxException",
    "Neo.ClientError.Statement.ArithmeticError": "org.neo4j.exceptions.ArithmeticException",
    "Neo.ClientError.Statement.TypeError": "org.neo4j.exceptions.CypherTypeException",
    "Neo.ClientError.Statement.ArgumentError": "org.neo4j.exceptions.InvalidArgumentException",
    "Neo.ClientError.Statement.EntityNotFound": "org.neo4j.exceptions.EntityNotFoundException",
    "Neo.ClientError.Statement.ParameterMissing": "org.neo4j.exceptions.ParameterNotFoundException",
}


def with_parameter_mapping(text: str, keys) -> str:
    """APOC's `withParamMapping`: every parameter is also a variable of the statement."""
    keys = list(keys)
    if not keys:
        return text
    return " WITH " + ", ".join(f" ${_quoted(key)} as {_quoted(key)} " for key in keys) + text


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def prepare(ctx: ExecutionContext, caller: str, text: str, parameters: dict, *, read_only: bool,
            kind: str = "procedure", schema: bool = False) -> Plan:
    """The plan of an inner statement run on behalf of `caller` (`read_only`: the caller's mode is READ; `schema`:
    it is SCHEMA, and may run schema commands), its parameters checked as a top-level statement's are."""
    with _reported(caller, kind):
        plan = _plan(ctx, text, read_only, schema)
        missing = sorted(plan.parameters - parameters.keys())
        if missing:
            raise ClientError(f"Expected parameter(s): {', '.join(missing)}",
                              "Neo.ClientError.Statement.ParameterMissing")
    return plan


def run_plan(ctx: ExecutionContext, caller: str, plan: Plan, parameters: dict,
             kind: str = "procedure") -> Iterator[dict]:
    """The rows (column -> value) of an inner statement's plan, run inside `ctx`'s transaction."""
    # The inner statement shares the caller's transaction and counters; it opens no batches of its own (an inner
    # CALL { } IN TRANSACTIONS is refused, as in Neo4j where it is not the implicit transaction).
    if plan.explain:  # EXPLAIN plans and runs nothing, as for a top-level statement
        return
    inner = dataclasses.replace(ctx, parameters=parameters, new_batch=None, csv_position=None)
    columns = list(plan.columns)
    rows = plan.rows(inner)
    while True:
        with _reported(caller, kind):
            row = next(rows, None)
        if row is None:
            return
        ctx.check()
        yield {column: row[column] for column in columns}


def _plan(ctx: ExecutionContext, text: str, read_only: bool, schema: bool = False):
    if ctx.statements is None:
        raise ClientError("This execution cannot run statements of its own.", CALL_FAILED)
    if not isinstance(text, str):
        raise ClientError("The statement to run must be a STRING.", "Neo.ClientError.Statement.TypeError")
    return ctx.statements.plan(text, read_only, schema)


class _reported:
    """Turns an inner statement's failure into the failure of the procedure or function that ran it."""

    def __init__(self, caller: str, kind: str) -> None:
        self.caller = caller
        self.kind = kind

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:
        if not isinstance(error, Neo4jError) or error.code.startswith(_OWN_CODES) or error.code == CALL_FAILED:
            return False
        cause = _JAVA_CLASSES.get(error.code)
        shown = f"{cause}: {error.message}" if cause is not None else error.message
        raise call_failed(self.kind, self.caller, shown) from error


def run_mapped(ctx: ExecutionContext, caller: str, text: str, parameters: dict | None, *, read_only: bool,
               kind: str = "procedure") -> tuple[Plan, Iterator[dict]]:
    """An inner statement as APOC runs it, the parameters bound as variables too: its plan and its rows."""
    parameters = dict(parameters or {})
    plan = prepare(ctx, caller, with_parameter_mapping(text, parameters.keys()), parameters, read_only=read_only,
                   kind=kind)
    return plan, run_plan(ctx, caller, plan, parameters, kind)


@procedure("apoc.cypher.run", inputs=STATEMENT_AND_PARAMS, outputs=VALUE, mode="READ")
def run(ctx: ExecutionContext, statement: str, params: dict | None) -> Iterator[dict]:
    """Runs a dynamically constructed read-only statement with the given parameters."""
    for row in run_mapped(ctx, "apoc.cypher.run", statement, params, read_only=True)[1]:
        yield {"value": row}


@procedure("apoc.cypher.doIt", inputs=STATEMENT_AND_PARAMS, outputs=VALUE, mode="WRITE",
           description="Runs a dynamically constructed statement with the given parameters. This procedure allows "
                       "for both read and write statements.")
def do_it(ctx: ExecutionContext, statement: str, params: dict | None) -> Iterator[dict]:
    """Runs a dynamically constructed statement with the given parameters. This procedure allows for both read and
    write statements."""
    for row in run_mapped(ctx, "apoc.cypher.doIt", statement, params, read_only=False)[1]:
        yield {"value": row}


@procedure("apoc.cypher.runWrite", inputs=STATEMENT_AND_PARAMS, outputs=VALUE, mode="WRITE")
def run_write(ctx: ExecutionContext, statement: str, params: dict | None) -> Iterator[dict]:
    """Alias for `apoc.cypher.doIt`."""
    for row in run_mapped(ctx, "apoc.cypher.runWrite", statement, params, read_only=False)[1]:
        yield {"value": row}


def _first_column(ctx: ExecutionContext, name: str, statement: str, params: dict | None) -> Iterator[object]:
    plan, rows = run_mapped(ctx, name, statement, params, read_only=True, kind="function")
    first = plan.columns[0] if plan.columns else None
    for row in rows:
        yield row[first] if first is not None else None


@apoc_function("apoc.cypher.runFirstColumnSingle(statement :: STRING, params :: MAP) :: ANY", deterministic=False)
def run_first_column_single(ctx: ExecutionContext, statement: str, params: dict | None) -> object:
    """Runs the given statement with the given parameters and returns the first element of the first column."""
    return next(_first_column(ctx, "apoc.cypher.runFirstColumnSingle", statement, params), None)


@apoc_function("apoc.cypher.runFirstColumnMany(statement :: STRING, params :: MAP) :: LIST<ANY>",
               deterministic=False)
def run_first_column_many(ctx: ExecutionContext, statement: str, params: dict | None) -> list:
    """Runs the given statement with the given parameters and returns the first column collected into a `LIST<ANY>`.
    (Read-only, as APOC's functions are.)"""
    return list(_first_column(ctx, "apoc.cypher.runFirstColumnMany", statement, params))
