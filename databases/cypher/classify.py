"""What the coordinator must know about a statement before running it: its workload category, the database
it addresses, and whether it opens transactions of its own."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.lookup import find_procedure, user_defined_function
from graphplex.databases.errors import ClientError

if TYPE_CHECKING:
    from graphplex.databases.cypher.procedures import ProcedureSpec

READ, WRITE, SCHEMA, ADMINISTRATION, TRANSACTION_CONTROL, DATABASE_MANAGEMENT = (
    "Read query", "Write query", "Schema modification", "Administration command", "Transaction control",
    "Database management")

_UPDATING = (ast.Create, ast.Merge, ast.SetClause, ast.Remove, ast.Delete, ast.Foreach)
_SCHEMA = (ast.CreateIndex, ast.DropIndex, ast.CreateConstraint, ast.DropConstraint, ast.CreateTrigger,
           ast.DropTrigger)
_ADMINISTRATION = (ast.CreateDatabase, ast.DropDatabase, ast.StartDatabase, ast.StopDatabase, ast.AlterDatabase,
                   ast.ShowDatabases, ast.CreateUser, ast.AlterUser, ast.DropUser, ast.RenameUser, ast.ShowUsers,
                   ast.AlterCurrentUserPassword, ast.CreateRole, ast.DropRole, ast.RenameRole, ast.ShowRoles,
                   ast.GrantRoles, ast.RevokeRoles, ast.PrivilegeCommand, ast.MemgraphPrivilegeCommand,
                   ast.ShowPrivileges, ast.CreateAlias, ast.AlterAlias, ast.DropAlias, ast.ShowAliases)
_TRANSACTION = (ast.TransactionControl, ast.SetIsolationLevel, ast.ShowTransactions, ast.TerminateTransactions,
                ast.UseDatabase, ast.ShowCurrentDatabase)
_DATABASE_MANAGEMENT = (ast.SetStorageMode, ast.ShowStorageInfo, ast.CreateSnapshot)


@dataclass(frozen=True)
class StatementInfo:
    """`category` is one of Neo4j's statement types (READ, WRITE, SCHEMA, ADMINISTRATION) or TRANSACTION_CONTROL
    (BEGIN/COMMIT/ROLLBACK, isolation levels, SHOW/TERMINATE TRANSACTIONS) or "Database management" (storage
    modes and snapshots). `database` is the name a leading `USE` gives (administration always means "system")."""

    category: str
    database: str | None = None
    in_transactions: bool = False
    explain: bool = False
    # What the privilege checks need, found once when the statement is parsed: does it LOAD CSV, and which
    # procedures does it call.
    loads_csv: bool = False
    procedures: tuple[str, ...] = ()
    # The graphs named by `USE` beyond the leading one: at the start of a `CALL { }` subquery or a UNION part.
    other_graphs: tuple[str, ...] = ()
    # The user-defined functions (the DBMS's own, APOC's: `lookup.user_defined_function`) it calls, for EXECUTE
    # FUNCTION; procedure and function names as registered, so that a privilege's glob meets the same spelling.
    functions: tuple[str, ...] = ()


def classify(statement: ast.Statement) -> StatementInfo:
    explain = isinstance(statement, (ast.Explain, ast.Profile))
    inner = statement.query if explain else statement
    if isinstance(inner, ast.Query):
        writes = in_transactions = loads_csv = False
        procedures: list[str] = []
        functions: list[str] = []
        for node in inner.walk():
            writes = writes or isinstance(node, _UPDATING)
            in_transactions = in_transactions or (isinstance(node, ast.CallSubquery)
                                                  and node.in_transactions is not None)
            loads_csv = loads_csv or isinstance(node, ast.LoadCsv)
            if isinstance(node, ast.CallProcedure):
                # A call of a WRITE procedure (apoc.create.node…) makes the statement a write, as in Neo4j; the
                # registered spelling of the name is what a privilege's glob meets.
                spec = _registered(node.name)
                procedures.append(node.name if spec is None else spec.name)
                writes = writes or (spec is not None and spec.mode == "WRITE")
            elif isinstance(node, ast.FunctionCall):
                function = user_defined_function(node.name)
                if function is not None:
                    functions.append(function.name)
        first = inner.parts[0].clauses[0] if inner.parts[0].clauses else None
        database = first.graph if isinstance(first, ast.Use) else None
        graphs = tuple(node.clauses[0].graph for node in inner.walk() if isinstance(node, ast.SingleQuery)
                       and node.clauses and isinstance(node.clauses[0], ast.Use) and node.clauses[0] is not first)
        return StatementInfo(WRITE if writes else READ, database, in_transactions, explain, loads_csv,
                             tuple(procedures), graphs, tuple(functions))
    if isinstance(inner, ast.UseSchema):
        category = READ if isinstance(inner.statement, ast.ShowSchema) else SCHEMA
        return StatementInfo(category, inner.graph, explain=explain)
    if isinstance(inner, _SCHEMA):
        return StatementInfo(SCHEMA, explain=explain)
    if isinstance(inner, _ADMINISTRATION):
        return StatementInfo(ADMINISTRATION, "system", explain=explain)
    if isinstance(inner, _TRANSACTION):
        return StatementInfo(TRANSACTION_CONTROL, explain=explain)
    if isinstance(inner, _DATABASE_MANAGEMENT):
        return StatementInfo(DATABASE_MANAGEMENT, explain=explain)
    return StatementInfo(READ, explain=explain)


def runs_on_system(statement: ast.Statement) -> bool:
    """Whether a graph statement may run on the system database, as Neo4j lets it: calls of procedures that work
    there (`dbms.components`, `db.ping`, `tx.setMetaData` …) and what WITH, UNWIND and RETURN make of what they
    yield. No pattern may appear anywhere: the system graph (users, their password hashes) is never read."""
    if not isinstance(statement, ast.Query) or len(statement.parts) != 1:
        return False
    return any(isinstance(clause, ast.CallProcedure) for clause in statement.parts[0].clauses) and \
        reads_no_graph(statement)


def reads_no_graph(statement: ast.Statement, elsewhere: bool = False) -> bool:
    """Whether a query touches no graph: WITH, UNWIND and RETURN over values, and calls of procedures that work
    without one (those that run on the system database), or the plan of such a query. A composite database
    answers such a query itself; `elsewhere`: also with `CALL { USE graph … }` subqueries, which it runs on the
    graph they name."""
    if isinstance(statement, ast.Explain):
        statement = statement.query
    if not isinstance(statement, ast.Query):
        return False
    clauses = _clauses(statement, top=True, elsewhere=elsewhere)
    if clauses is None:
        return False
    if any(isinstance(node, (ast.NodePattern, ast.RelationshipPattern)) for clause in clauses
           for node in clause.walk()):
        return False
    specs = [_registered(clause.name) for clause in clauses if isinstance(clause, ast.CallProcedure)]
    return all(spec is not None and spec.runs_on_system for spec in specs)


_ON_SYSTEM = (ast.CallProcedure, ast.With, ast.Unwind, ast.Return, ast.Use)


def names_its_graph(query: ast.Query) -> bool:
    """Whether every part of a (sub)query starts with USE."""
    return all(part.clauses and isinstance(part.clauses[0], ast.Use) for part in query.parts)


def _clauses(query: ast.Query, top: bool, elsewhere: bool = False) -> list | None:
    """The clauses of `query` and of its CALL subqueries, when each is one that can run without a graph; None
    otherwise. A subquery may not name a graph (USE) nor run in transactions of its own, but for one at the top
    that names its graph when `elsewhere` (left out: it runs there)."""
    found = []
    for clause in (clause for part in query.parts for clause in part.clauses):
        if elsewhere and top and isinstance(clause, ast.CallSubquery) and names_its_graph(clause.query):
            continue
        if isinstance(clause, ast.CallSubquery) and clause.in_transactions is None:
            inner = _clauses(clause.query, top=False)
            if inner is None:
                return None
            found.extend(inner)
        elif isinstance(clause, _ON_SYSTEM) and (top or not isinstance(clause, ast.Use)):
            found.append(clause)
        else:
            return None
    return found


def _registered(name: str) -> "ProcedureSpec | None":
    """The procedure `name` of the lookup chain; None when there is none (planning the call refuses it)."""
    try:
        return find_procedure(name)
    except ClientError:
        return None
