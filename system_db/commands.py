"""The one face through which the DBMS runs administration commands: database commands (the catalog) and security
commands (users, roles, privileges), executed in the caller's system transaction, and the plans of SHOW DATABASES,
USERS, ROLES and PRIVILEGES. The column lists live here, beside the rows that fill them: the DBMS never names them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.show import plan_show
from graphplex.databases.storage import Transaction
from graphplex.system_db.alias_commands import ALIAS_COLUMNS, ALIAS_EXTRA_COLUMNS, AliasCommands
from graphplex.system_db.aliases import AliasSecrets
from graphplex.system_db.administration import DATABASE_COLUMNS, DATABASE_EXTRA_COLUMNS, Administration
from graphplex.system_db.catalog import SYSTEM, Catalog
from graphplex.system_db.security.commands import ROLE_COLUMNS, ROLE_EXTRA_COLUMNS, USER_COLUMNS, SecurityCommands
from graphplex.system_db.security.rules import COMMAND_COLUMNS, PRIVILEGE_COLUMNS

_DATABASE_COMMANDS = (ast.CreateDatabase, ast.DropDatabase, ast.StartDatabase, ast.StopDatabase, ast.AlterDatabase)
_ALIAS_COMMANDS = (ast.CreateAlias, ast.AlterAlias, ast.DropAlias)


@dataclass(frozen=True)
class Viewer:
    """Who runs a SHOW: their user name, their home database, which databases they may see besides `system`
    (the ACCESS privilege, as the DBMS decides it), and whether they manage databases (a privilege to create,
    drop or alter one), which shows them every alias's target."""

    user: str
    home: str
    sees: Callable[[str], bool]
    manages_databases: bool = False

    def sees_target(self, alias: dict) -> bool:
        """Whether SHOW ALIASES shows this user the `database` of an alias's row: as in Neo4j, a local alias's
        when its target is visible, a remote alias's when the alias is."""
        if self.manages_databases:
            return True
        seen = alias["name"] if alias["location"] == "remote" else alias["database"]
        return seen == SYSTEM or self.sees(seen)


class SystemCommands:
    """Administration commands over the system database. `storage_mode()` is the mode of new databases; `secrets`
    encrypts the passwords of remote aliases."""

    def __init__(self, catalog: Catalog, storage_mode: Callable[[], str], security: SecurityCommands,
                 planner, secrets: AliasSecrets) -> None:
        self.aliases = AliasCommands(catalog, secrets)
        self.databases = Administration(catalog, storage_mode, self.aliases)
        self.security = security
        self.planner = planner

    def execute(self, statement: ast.Statement, txn: Transaction, parameters: dict, user: str,
                default_database: str) -> int:
        """Applies a command in `txn` (the system database's transaction); returns the number of system updates."""
        if isinstance(statement, _DATABASE_COMMANDS):
            return self.databases.execute(statement, txn, parameters, default_database)
        if isinstance(statement, _ALIAS_COMMANDS):
            return self.aliases.execute(statement, txn, parameters)
        return self.security.execute(statement, txn, parameters, user)

    def show(self, statement: ast.Statement, txn: Transaction, parameters: dict, viewer: Viewer):
        """The plan of SHOW DATABASES, USERS, ROLES or PRIVILEGES (its rows read through `txn`), shaped by the
        statement's YIELD, WHERE and RETURN."""
        planner = self.planner
        if isinstance(statement, ast.ShowDatabases):
            def visible(ctx):
                return [row for row in self.databases.show_rows(statement, ctx, viewer.home)
                        if row["name"] == SYSTEM or viewer.sees(row["name"])]
            named = statement.scope in ("ALL", "NAMED")
            columns = DATABASE_COLUMNS if named else [c for c in DATABASE_COLUMNS if c not in ("default", "home")]
            return plan_show(statement, "ShowDatabases", visible, columns, DATABASE_COLUMNS + DATABASE_EXTRA_COLUMNS,
                             planner)
        if isinstance(statement, ast.ShowAliases):
            rows = [row if viewer.sees_target(row) else {**row, "database": None}
                    for row in self.aliases.show_rows(statement, txn, parameters)]
            return plan_show(statement, "ShowAliases", lambda ctx: rows, ALIAS_COLUMNS,
                             ALIAS_COLUMNS + ALIAS_EXTRA_COLUMNS, planner)
        if isinstance(statement, ast.ShowUsers):
            rows = self.security.user_rows(txn, viewer.user if statement.current else None)
            return plan_show(statement, "ShowUsers", lambda ctx: rows, USER_COLUMNS, USER_COLUMNS, planner)
        if isinstance(statement, ast.ShowRoles):
            rows = self.security.role_rows(statement, txn)
            columns = ROLE_COLUMNS + (["member"] if statement.with_users else [])
            return plan_show(statement, "ShowRoles", lambda ctx: rows, columns, columns + ROLE_EXTRA_COLUMNS, planner)
        rows = self.security.privilege_rows(statement, txn, parameters, viewer.user)
        extra = ["user"] if statement.filter == "USER" else []
        columns = (COMMAND_COLUMNS if statement.as_commands else PRIVILEGE_COLUMNS) + extra
        return plan_show(statement, "ShowPrivileges", lambda ctx: rows, columns, columns, planner)
