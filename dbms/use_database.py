"""Memgraph's `USE DATABASE name` and `SHOW [CURRENT] DATABASE`: a session's database chosen by a statement
rather than when the session opens (Memgraph's clients name no database in their Bolt messages).

As Memgraph's interpreter (`PrepareUseDatabaseQuery`, `PrepareShowDatabaseQuery`) answers them: one STATUS row
"Using name" (or "Already using name"), and one "Current" row with the database's name."""
from __future__ import annotations

from typing import TYPE_CHECKING

from graphplex.databases.cypher import ast
from graphplex.databases.errors import ClientError
from graphplex.authorization import check_access
from graphplex.system_db import resolve_name

if TYPE_CHECKING:
    from graphplex.dbms import DBMS
    from graphplex.routing import Request
    from graphplex.result import Result
    from graphplex.security import Principal
    from graphplex.transaction import DBMSTransaction

STATUS = "STATUS"
CURRENT = "Current"
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


def status(current: str, target: str) -> str:
    return f"Already using {target}" if current == target else f"Using {target}"


def show_current_database(txn: "DBMSTransaction", request: "Request") -> "Result":
    """SHOW [CURRENT] DATABASE: the session's database, which its transaction runs on."""
    return txn.result_of(request, [CURRENT], [(txn.database,)], "r")
