"""SHOW PROCEDURES, SHOW FUNCTIONS and SHOW SETTINGS, with Neo4j 5.26's columns: the default ones without YIELD,
every one with `YIELD *`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator

from graphplex.databases.cypher import ast, lookup
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.errors import type_error
from graphplex.databases.cypher.expressions import AGGREGATE_NAMES, compile_expression
from graphplex.databases.cypher.function_catalog import DEPRECATED_FUNCTIONS, FUNCTION_CATALOG
from graphplex.databases.cypher.extensions import Extensions, active
from graphplex.databases.cypher.functions import FunctionSpec
from graphplex.databases.cypher.plan import Plan
from graphplex.databases.cypher.procedures import _literal
from graphplex.databases.cypher.show import plan_show
from graphplex.databases.errors import ClientError

if TYPE_CHECKING:
    from graphplex.databases.cypher.planner import Planner

PROCEDURE_COLUMNS = ["name", "description", "mode", "worksOnSystem"]
PROCEDURE_EXTRA = ["signature", "argumentDescription", "returnDescription", "admin", "rolesExecution",
                   "rolesBoostedExecution", "isDeprecated", "deprecatedBy", "option"]
FUNCTION_COLUMNS = ["name", "category", "description"]
FUNCTION_EXTRA = ["signature", "isBuiltIn", "argumentDescription", "returnDescription", "aggregating",
                  "rolesExecution", "rolesBoostedExecution", "isDeprecated", "deprecatedBy"]
SETTING_COLUMNS = ["name", "value", "isDynamic", "defaultValue", "description"]
SETTING_EXTRA = ["startupValue", "isExplicitlySet", "validValues", "isDeprecated"]

# Functions the engine evaluates as syntax of their own (list predicates, reduce): listed, never in the registry.
_SPECIAL_FORMS = ("all", "any", "none", "single", "reduce")


def plan_catalog_command(statement: ast.Statement, planner: "Planner") -> Plan:
    """The plan of SHOW PROCEDURES, SHOW FUNCTIONS or SHOW SETTINGS."""
    if isinstance(statement, ast.ShowProcedures):
        executable, user, own = statement.executable, statement.user, active()
        return plan_show(statement, "ShowProcedures", lambda ctx: _procedure_rows(ctx, executable, user, own),
                         PROCEDURE_COLUMNS, PROCEDURE_COLUMNS + PROCEDURE_EXTRA, planner)
    if isinstance(statement, ast.ShowSettings):
        names = [compile_expression(name, planner.scope([])) for name in statement.names]
        return plan_show(statement, "ShowSettings", lambda ctx: _setting_rows(names, ctx), SETTING_COLUMNS,
                         SETTING_COLUMNS + SETTING_EXTRA, planner)
    kind, own = statement.kind, active()
    return plan_show(statement, "ShowFunctions", lambda ctx: _function_rows(kind, own), FUNCTION_COLUMNS,
                     FUNCTION_COLUMNS + FUNCTION_EXTRA, planner)


# --- procedures ----------------------------------------------------------------------------------------------


def _procedure_rows(ctx: ExecutionContext, executable: bool, user: str | None,
                    own: Extensions | None) -> Iterator[dict]:
    """Every procedure of the lookup chain (the DBMS's `own`, the built-in ones, APOC's), or (EXECUTABLE) those
    the user may execute; on its own a database has no users."""
    for spec in lookup.procedures(own):
        if executable and ctx.host is not None and not ctx.host.may_execute(spec.name, spec.admin, user):
            continue
        described = dict(spec.descriptions)
        arguments = [_argument(name, type_, described.get(name), default) for name, type_, default in spec.inputs]
        returned = [_argument(name, type_, described.get(name)) for name, type_ in spec.outputs]
        yield {"name": spec.name, "description": spec.description, "mode": spec.mode,
               "worksOnSystem": spec.runs_on_system,
               "signature": spec.signature, "argumentDescription": arguments, "returnDescription": returned,
               "admin": spec.admin, "rolesExecution": None, "rolesBoostedExecution": None,
               "isDeprecated": spec.deprecated, "deprecatedBy": spec.deprecated_by,
               "option": {"deprecated": spec.deprecated}}


def _argument(name: str, type_: str, description: str | None, default: object = ...) -> dict:
    """One entry of argumentDescription or returnDescription; without a description, Neo4j gives the field's
    signature, and a default shows as Neo4j's DefaultParameterValue."""
    entry = {"name": name, "type": type_, "description": description or f"{name} :: {type_}",
             "isDeprecated": False}
    if default is not ...:
        entry["default"] = f"DefaultParameterValue{{value={_literal(default)}, type={type_}}}"
    return entry


# --- functions -----------------------------------------------------------------------------------------------


def _function_rows(kind: str, own: Extensions | None) -> Iterator[dict]:
    """Every function (ALL) of the lookup chain, the engine's own (BUILT IN), or those of a plugin or the DBMS's
    `own` (USER DEFINED: APOC's and those written in Python)."""
    rows = {spec.name.lower(): _function_row(spec, user_defined) for spec, user_defined in lookup.functions(own)}
    for key in (*AGGREGATE_NAMES, *_SPECIAL_FORMS):
        rows.setdefault(key, _catalog_row(key))
    listed = [row for row in rows.values() if kind == "ALL" or row["isBuiltIn"] == (kind == "BUILT IN")]
    yield from sorted(listed, key=lambda row: row["name"].lower())


def _function_row(spec: FunctionSpec, user_defined: bool) -> dict:
    """A built-in function as Neo4j 5.26 describes it (`FUNCTION_CATALOG`, else its spec); a user-defined one with
    no category."""
    key = spec.name.lower()
    if not user_defined and key in FUNCTION_CATALOG:
        return _catalog_row(key, spec.name)
    category = "" if user_defined else spec.category.capitalize()
    return _row(spec.name, category, spec.signature, spec.description, not user_defined, key)


def _catalog_row(key: str, name: str | None = None) -> dict:
    """A function as FUNCTION_CATALOG describes it, under the name its spec has when there is one."""
    known, category, signature, description = FUNCTION_CATALOG[key]
    return _row(name or known, category, signature, description, True, key)


def _row(name: str, category: str, signature: str, description: str, built_in: bool, key: str) -> dict:
    arguments, returns = _signature_parts(signature)
    return {"name": name, "category": category, "description": description, "signature": signature,
            "isBuiltIn": built_in, "argumentDescription": arguments, "returnDescription": returns,
            "aggregating": built_in and key in AGGREGATE_NAMES, "rolesExecution": None,
            "rolesBoostedExecution": None, "isDeprecated": built_in and key in DEPRECATED_FUNCTIONS,
            "deprecatedBy": DEPRECATED_FUNCTIONS.get(key) if built_in else None}


def _signature_parts(signature: str) -> tuple[list[dict], str]:
    """The arguments (name, type, description) and the return type a function's signature names."""
    opened = signature.find("(")
    depth, closed = 0, len(signature)
    for position in range(opened, len(signature)):
        depth += {"(": 1, ")": -1}.get(signature[position], 0)
        if depth == 0:
            closed = position
            break
    returns = signature[closed + 1:].partition("::")[2].strip()
    arguments = []
    for piece in _top_level_split(signature[opened + 1:closed].replace("[", "").replace("]", "")):
        name, _, type_ = piece.partition("::")
        name = name.split("=")[0].strip()
        if name:
            arguments.append({"name": name, "type": type_.strip(), "description": piece.strip(),
                              "isDeprecated": False})
    return arguments, returns


def _top_level_split(text: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for position, char in enumerate(text):
        depth += {"<": 1, ">": -1, "(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            pieces.append(text[start:position])
            start = position + 1
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


# --- settings ------------------------------------------------------------------------------------------------


def _setting_rows(names: list[Callable], ctx: ExecutionContext) -> Iterator[dict]:
    """The settings the DBMS running the statement lists, those named only when names are given."""
    if ctx.host is None:
        raise ClientError("SHOW SETTINGS lists the settings of a DBMS; this database runs outside one.",
                          "Neo.ClientError.Statement.NotSystemDatabaseError")
    wanted = _setting_names(names, ctx) if names else None
    for row in ctx.host.settings():
        if wanted is None or row["name"] in wanted:
            yield row


def _setting_names(names: list[Callable], ctx: ExecutionContext) -> set[str]:
    wanted: set[str] = set()
    for name in names:
        value = name({}, ctx)
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) for item in values):
            raise type_error(f"Expected a string or a list of strings, but got: {value!r}")
        wanted.update(values)
    return wanted
