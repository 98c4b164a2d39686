"""The statement router: one table, keyed by the class of a statement's AST, saying how the DBMS runs each kind of
statement — whether the session runs it itself, which handler runs it inside a DBMS transaction, and which privilege
it needs. Sessions, the DBMS transaction and, through them, explicit transactions, Bolt and the embedded API all ask
`route_for`, so a new kind of statement is one entry in `ROUTES`. The statement's workload category (read, write,
schema, administration …) comes from `databases.cypher.classify`, which the DBMS's cache of statements keeps."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.classify import StatementInfo
from graphplex.databases.errors import ClientError, Neo4jError, TransactionError
from graphplex.authorization import (
    Check, check_privilege_command, check_show_privileges, check_show_users, check_statement, database_privilege,
    dbms_privilege, drop_database_privilege,
)
from graphplex.management import run_management
from graphplex.parameter_values import admitted
from graphplex.refusals import isolation_level_fixed, nested_transaction, not_in_multicommand
from graphplex.storage_commands import run_storage_command
from graphplex.trigger_commands import check_trigger_privilege, run_trigger_command
from graphplex.use_database import SWITCHING, show_current_database, show_databases

if TYPE_CHECKING:
    from graphplex.dbms import DBMS
    from graphplex.result import Result
    from graphplex.security import Principal
    from graphplex.transaction import DBMSTransaction


@dataclass(frozen=True)
class Request:
    """One statement on its way to a handler: its AST, classification, text and parameters."""

    statement: ast.Statement
    info: StatementInfo
    text: str
    parameters: dict


Handler = Callable[["DBMSTransaction", Request], "Result"]


def request_for(dbms: "DBMS", text: str, parameters: dict) -> Request:
    """The public door of a statement: `session.run`, `tx.run` and the embedded `execute` (and Bolt through them)
    each let a statement in here once. Its text's length is checked before it is parsed (through the DBMS's
    cache of statements), and its parameters are held to the values the driver can send (`parameter_values`)."""
    check_text(text, dbms.settings.query_max_length)
    statement, info = dbms.parse(text)
    return Request(statement, info, text, admitted(parameters))


def check_text(text: str, limit: int | None) -> None:
    """Refuses what is not a query text, and a text beyond `query_max_length` characters (None: no limit), before
    any work on it: a huge text would cost its parse (and a place in the cache of statements) first."""
    if not isinstance(text, str):
        raise ClientError(f"A query must be a string, not {type(text)}.", "Neo.ClientError.Request.Invalid")
    if limit is not None and len(text) > limit:
        raise ClientError(f"The query text is {len(text)} characters long, more than the limit of {limit} "
                          "characters. Pass large values as parameters, or raise the query_max_length setting.",
                          "Neo.ClientError.Request.Invalid")


@dataclass(frozen=True)
class Route:
    """How one kind of statement runs.

    `handler` runs it inside a DBMS transaction. A statement of the session (BEGIN/COMMIT/ROLLBACK, SET … ISOLATION
    LEVEL) has none: the session runs it, and inside a transaction it is refused with `refusal`. `privilege` is
    what the handler checks before it touches a database (None: nothing up front; SHOW/TERMINATE TRANSACTIONS
    decide row by row). `reads_graph=False` leaves SET NEXT TRANSACTION ISOLATION LEVEL to the next statement that
    does read one. `beside_explicit`: a session runs it even while one of its explicit transactions is open."""

    handler: Handler | None = None
    refusal: Callable[[ast.Statement], Neo4jError] | None = None
    privilege: Check | None = None
    reads_graph: bool = True
    beside_explicit: bool = False

    @property
    def of_the_session(self) -> bool:
        return self.handler is None

    def authorize(self, principal: "Principal", request: Request, database: str) -> None:
        """Raises Forbidden unless `principal` holds the privilege this kind of statement needs on `database`."""
        if self.privilege is not None:
            self.privilege(principal, request, database)


def _control_refused(statement: ast.TransactionControl) -> TransactionError:
    if statement.action == "BEGIN":
        return nested_transaction()
    return TransactionError(f"{statement.action} is a statement of the session: call the transaction's "
                            f"{statement.action.lower()}() instead", "Neo.ClientError.Transaction.TransactionStartFailed")


def _graph(txn: "DBMSTransaction", request: Request) -> "Result":
    return txn.run_graph(request)


def _administration(txn: "DBMSTransaction", request: Request) -> "Result":
    return txn.run_administration(request)


def _administration_show(txn: "DBMSTransaction", request: Request) -> "Result":
    return txn.show_administration(request)


def _transactions(txn: "DBMSTransaction", request: Request) -> "Result":
    keys, records = run_management(txn, request.statement, request.parameters)
    return txn.result_of(request, keys, records, "r")


def _storage(txn: "DBMSTransaction", request: Request) -> "Result":
    txn.authorize(request, txn.database)
    keys, records = run_storage_command(txn, request.statement, request.parameters)
    return txn.result_of(request, keys, records, "r" if keys else "s")


def _administration_route(privilege: Check | None) -> Route:
    return Route(_administration, privilege=privilege)


def _show_route(privilege: Check | None) -> Route:
    return Route(_administration_show, privilege=privilege)


GRAPH = Route(_graph, privilege=check_statement)
ROUTES: dict[type, Route] = {
    ast.TransactionControl: Route(refusal=_control_refused),
    # SET GLOBAL … changes every database's default (`DBMSTransaction.change_setting` checks the privilege).
    ast.SetIsolationLevel: Route(refusal=lambda statement: isolation_level_fixed(),
                                 privilege=dbms_privilege("ALTER DATABASE")),
    # Memgraph's USE DATABASE changes the session's database (the session runs it); SHOW DATABASE names it.
    ast.UseDatabase: Route(refusal=lambda statement: not_in_multicommand(SWITCHING)),
    ast.ShowCurrentDatabase: Route(show_current_database, reads_graph=False),
    ast.ShowTransactions: Route(_transactions, reads_graph=False, beside_explicit=True),
    ast.TerminateTransactions: Route(_transactions, reads_graph=False, beside_explicit=True),
    ast.ShowStorageInfo: Route(_storage, reads_graph=False),
    ast.ShowSettings: Route(_graph, privilege=dbms_privilege("SHOW SETTING")),
    ast.SetStorageMode: Route(_storage, privilege=dbms_privilege("ALTER DATABASE")),
    ast.CreateSnapshot: Route(_storage),
    ast.CreateDatabase: _administration_route(dbms_privilege("CREATE DATABASE")),
    ast.DropDatabase: _administration_route(drop_database_privilege("DROP DATABASE")),
    ast.CreateCompositeDatabase: _administration_route(dbms_privilege("CREATE COMPOSITE DATABASE")),
    ast.DropCompositeDatabase: _administration_route(drop_database_privilege("DROP COMPOSITE DATABASE")),
    ast.CreateAlias: _administration_route(dbms_privilege("CREATE ALIAS")),
    ast.AlterAlias: _administration_route(dbms_privilege("ALTER ALIAS")),
    ast.DropAlias: _administration_route(dbms_privilege("DROP ALIAS")),
    ast.ShowAliases: _show_route(dbms_privilege("SHOW ALIAS")),
    ast.AlterDatabase: _administration_route(dbms_privilege("SET DATABASE ACCESS")),
    ast.StartDatabase: _administration_route(database_privilege("START")),
    ast.StopDatabase: _administration_route(database_privilege("STOP")),
    ast.ShowDatabases: Route(show_databases),
    ast.CreateUser: _administration_route(dbms_privilege("CREATE USER")),
    ast.DropUser: _administration_route(dbms_privilege("DROP USER")),
    ast.AlterUser: _administration_route(dbms_privilege("ALTER USER")),
    ast.RenameUser: _administration_route(dbms_privilege("RENAME USER")),
    ast.ShowUsers: _show_route(check_show_users),
    ast.AlterCurrentUserPassword: _administration_route(None),
    ast.CreateRole: _administration_route(dbms_privilege("CREATE ROLE")),
    ast.DropRole: _administration_route(dbms_privilege("DROP ROLE")),
    ast.RenameRole: _administration_route(dbms_privilege("RENAME ROLE")),
    ast.ShowRoles: _show_route(dbms_privilege("SHOW ROLE")),
    ast.GrantRoles: _administration_route(dbms_privilege("ASSIGN ROLE")),
    ast.RevokeRoles: _administration_route(dbms_privilege("REMOVE ROLE")),
    ast.PrivilegeCommand: _administration_route(check_privilege_command),
    ast.MemgraphPrivilegeCommand: _administration_route(check_privilege_command),
    ast.ShowPrivileges: _show_route(check_show_privileges),
    ast.CreateTrigger: Route(run_trigger_command, privilege=check_trigger_privilege),
    ast.DropTrigger: Route(run_trigger_command, privilege=check_trigger_privilege),
    ast.ShowTriggers: Route(run_trigger_command, privilege=check_trigger_privilege),
}


def route_for(statement: ast.Statement) -> Route:
    """The route of a statement (of the statement EXPLAIN or PROFILE wraps); graph and schema statements, which
    the table does not list, take the graph route. Asked several times for every statement, so each class's
    answer is kept once found (the table is fixed)."""
    inner = statement.query if type(statement) in _WRAPPERS else statement
    kind = type(inner)
    route = _BY_CLASS.get(kind)
    if route is None:
        route = _BY_CLASS[kind] = next((ROUTES[base] for base in kind.__mro__ if base in ROUTES), GRAPH)
    return route


_WRAPPERS = (ast.Explain, ast.Profile)
_BY_CLASS: dict[type, Route] = {}
