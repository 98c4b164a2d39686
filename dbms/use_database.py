"""Memgraph's `USE DATABASE name`, `SHOW [CURRENT] DATABASE` and `SHOW DATABASES`: a session's database chosen by
a statement rather than when the session opens (Memgraph's clients name no database in their Bolt messages).

As Memgraph's interpreter (`PrepareUseDatabaseQuery`, `PrepareShowDatabaseQuery`, `PrepareShowDatabasesQuery`)
answers them: one STATUS row "Using name" (or "Already using name"), one "Current" row with the database's name,
and Name/State/Health rows."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.classify import classify
from graphplex.databases.errors import ClientError
from graphplex.authorization import check_access, may_access
from graphplex.dialects import MEMGRAPH, NEO4J
from graphplex.system_db import SYSTEM, resolve_name

if TYPE_CHECKING:
    from graphplex.dbms import DBMS
    from graphplex.routing import Request
    from graphplex.result import Result
    from graphplex.security import Principal
    from graphplex.transaction import DBMSTransaction

STATUS = "STATUS"
CURRENT = "Current"
MEMGRAPH_DATABASES_COLUMNS = ["Name", "State", "Health"]
# Memgraph's words (src/query/exceptions.hpp, UseDatabaseQueryInMulticommandTxException) for `not_in_multicommand`.
SWITCHING = "Switching the currently active database"


def fixed_database() -> ClientError:
    """USE DATABASE in a session whose client names the database in each message (a neo4j driver given one)."""
    return ClientError("Database switching is prohibited if session explicitly defines the used database",
                       "Neo.ClientError.Statement.ExecutionFailed")


def target_database(dbms: "DBMS", principal: "Principal", statement: ast.UseDatabase, parameters: dict) -> str:
    """The database USE DATABASE switches to: one that exists (else DatabaseNotFound, as a session opened on it
    gets) and that the user may ACCESS (else Forbidden)."""
    name = dbms.database_name(resolve_name(statement.name, parameters))
    dbms.database_named(name)
    check_access(principal, name)
    return name


def status(current: str, target: str, named: str | ast.Parameter, parameters: dict) -> str:
    """Memgraph's STATUS, which repeats the name as the statement gave it (`memgraph` for the default database)."""
    name = resolve_name(named, parameters)
    return f"Already using {name}" if current == target else f"Using {name}"


def show_current_database(txn: "DBMSTransaction", request: "Request") -> "Result":
    """SHOW [CURRENT] DATABASE: the session's database, which its transaction runs on. Neo4j's bare `SHOW
    DATABASE` (a session in Neo4j's dialect) lists every database, as SHOW DATABASES does."""
    if txn.dialect == NEO4J and not request.statement.current:
        every = ast.ShowDatabases()
        return txn.show_administration(replace(request, statement=every, info=classify(every)))
    return txn.result_of(request, [CURRENT], [(txn.database,)], "r")


def show_databases(txn: "DBMSTransaction", request: "Request") -> "Result":
    """SHOW DATABASES: for a session in Memgraph's dialect, Memgraph's rows (`PrepareShowDatabasesQuery`): each
    database the user may access, by name, HOT while online (COLD when stopped, as Memgraph's suspended tenant)
    and "broken" when it could not be opened. Neo4j's columns otherwise, and whenever a tail (YIELD, WHERE …)
    asks for them."""
    if txn.dialect != MEMGRAPH or request.statement != ast.ShowDatabases():
        return txn.show_administration(request)
    dbms = txn.dbms
    rows = []
    for name in dbms.database_names():
        if name == SYSTEM or not may_access(txn.principal, name):
            continue
        entry = dbms.entry(name)
        state = "HOT" if entry is not None and entry.status == "online" else "COLD"
        rows.append((name, state, "broken" if name in dbms.broken else "ready"))
    return txn.result_of(request, MEMGRAPH_DATABASES_COLUMNS, rows, "r")
