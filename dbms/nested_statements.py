"""Statements that procedures run inside the statement calling them (`apoc.cypher.run`, `apoc.do.when`,
`apoc.periodic.iterate` …), as the DBMS transaction lets them in: the engine's `StatementDoor` contract.

An inner statement is no side door. Its text passes the door a top-level statement passes (`query_max_length`,
the cache of statements), it must take the graph route, and the DBMS transaction checks it as it checks a
statement of its own (`DBMSTransaction.admit_nested`): the privileges of the caller, what the transaction may mix,
the one database it may write, its access mode. A procedure of mode READ may not run a statement that writes, and
one of mode WRITE no schema command (only one of mode SCHEMA may), refused as Neo4j refuses them (Forbidden, "restricted to READ"). The database
then plans the statement (`Database.execute` wraps this door)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from graphplex.databases.cypher import ast
from graphplex.databases.errors import ClientError
from graphplex.routing import Request, check_text
from graphplex.system_db import forbidden, roles_text

if TYPE_CHECKING:
    from graphplex.security import Principal
    from graphplex.transaction import DBMSTransaction


class TransactionStatements:
    """`databases.cypher.context.StatementDoor` for one statement of a DBMS transaction on `database`."""

    def __init__(self, transaction: "DBMSTransaction", database: str) -> None:
        self.transaction = transaction
        self.database = database

    def admit(self, text: str, read_only: bool, schema: bool = False) -> ast.Statement:
        """`text` parsed, once the DBMS transaction has let it in as it lets in a top-level statement."""
        transaction = self.transaction
        dbms = transaction.dbms
        check_text(text, dbms.settings.query_max_length)
        statement, info = dbms.parse(text)
        # The parameters are the engine's values already (nodes, relationships): no driver sent them.
        transaction.admit_nested(Request(statement, info, text, {}), self.database, read_only, schema)
        return statement


def restricted(principal: "Principal", what: str, mode: str) -> ClientError:
    """Neo4j's refusal of an operation beyond the mode of the procedure running it."""
    return forbidden(f"{what} operations are not allowed for user '{principal.user}' with roles "
                     f"[{roles_text(principal.roles)}] restricted to {mode}.")
