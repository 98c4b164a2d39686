"""Which graph a statement runs on when composite databases are involved: Neo4j 5's rules, in one place.

A composite database has no graph of its own. Connected to one, a statement reaches a constituent with a leading
`USE composite.part`, or with `CALL { USE composite.part … }` subqueries (each run on its constituent, with the
variables it imports as parameters) around which the rest of the statement reads no graph; a statement that reads
no graph at all (`RETURN 1`, procedures of the DBMS) runs without one, and one that reads graph data without naming
a constituent is refused. A composite and its constituents can be
reached only from a session connected to that composite."""
from __future__ import annotations

from typing import TYPE_CHECKING

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.classify import names_its_graph, reads_no_graph
from graphplex.databases.errors import ClientError
from graphplex.system_db import SYSTEM

if TYPE_CHECKING:
    from graphplex.dbms import DBMS

GRAPH_ACCESS = "Graph access operations are not supported on composite databases."
PROFILE_REFUSED = "'PROFILE' is not supported on composite databases."


def statement_graph(dbms: "DBMS", connected: str, named: str | None, statement: ast.Statement) -> str:
    """The database (or remote alias) a graph statement runs on, in a session connected to `connected`, when
    its leading `USE` names `named` (None: no USE): a composite database only for a statement that reads no
    graph. Neo4j profiles no statement of a session connected to a composite."""
    if dbms.is_composite(connected) and isinstance(statement, ast.Profile):
        raise ClientError(PROFILE_REFUSED, "Neo.ClientError.Statement.SemanticError")
    if named is not None:
        _check_reachable(dbms, connected, named.lower())
    target = dbms.database_name(named or connected)
    if not dbms.is_composite(target):
        return target
    if reads_no_graph(statement, elsewhere=True):
        _check_one_graph_per_subquery(statement)
        return target
    raise ClientError(GRAPH_ACCESS, "Neo.ClientError.Statement.SemanticError")


def _check_reachable(dbms: "DBMS", connected: str, named: str) -> None:
    alias = dbms.aliases.get(named)
    composite = alias.composite if alias is not None else (named if dbms.is_composite(named) else None)
    if composite is not None and composite != connected:
        raise ClientError("Accessing a composite database and its constituents is only allowed when connected to "
                          f"it. Attempted to access '{named}' while connected to '{connected}'",
                          "Neo.ClientError.Statement.SemanticError")
    if dbms.is_composite(connected) and composite is None and named != SYSTEM:
        raise ClientError("When connected to a composite database, access is allowed only to its constituents. "
                          f"Attempted to access '{named}' while connected to '{connected}'",
                          "Neo.ClientError.Statement.SemanticError")


def _check_one_graph_per_subquery(statement: ast.Statement) -> None:
    """A `CALL { … UNION … }` whose parts USE different constituents is not run yet: refused, never read here."""
    query = statement.query if isinstance(statement, ast.Explain) else statement
    for part in query.parts:
        for clause in part.clauses:
            if isinstance(clause, ast.CallSubquery) and names_its_graph(clause.query) and \
                    len({p.clauses[0].graph for p in clause.query.parts}) > 1:
                raise ClientError("A subquery whose UNION parts USE different graphs is not supported on composite "
                                  "databases yet: write one CALL { USE … } per constituent.",
                                  "Neo.ClientError.Statement.NotSystemDatabaseError")
