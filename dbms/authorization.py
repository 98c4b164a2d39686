"""Which privilege each statement needs, checked before it runs, and the guards a restricted user's database
transactions carry while it runs (reads filtered, writes checked one by one)."""
from __future__ import annotations

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.classify import SCHEMA, WRITE
from graphplex.security import Principal, credentials_expired
from graphplex.system_db.security.guards import ReadFilter, WriteGuard, forbidden, roles_text

_WRITE_ACTIONS = ("CREATE", "DELETE", "SET LABEL", "REMOVE LABEL", "SET PROPERTY")
_SCHEMA_ACTIONS = {ast.CreateIndex: "CREATE INDEX", ast.DropIndex: "DROP INDEX",
                   ast.CreateConstraint: "CREATE CONSTRAINT", ast.DropConstraint: "DROP CONSTRAINT"}
# The DBMS privilege each administration command needs (None: every user may run it).
_ADMINISTRATION = {
    ast.CreateDatabase: "CREATE DATABASE", ast.DropDatabase: "DROP DATABASE", ast.AlterDatabase: "SET DATABASE ACCESS",
    ast.ShowDatabases: None, ast.CreateUser: "CREATE USER", ast.DropUser: "DROP USER", ast.AlterUser: "ALTER USER",
    ast.RenameUser: "RENAME USER", ast.AlterCurrentUserPassword: None, ast.CreateRole: "CREATE ROLE",
    ast.DropRole: "DROP ROLE", ast.RenameRole: "RENAME ROLE", ast.ShowRoles: "SHOW ROLE",
    ast.GrantRoles: "ASSIGN ROLE", ast.RevokeRoles: "REMOVE ROLE",
}


def _denied(principal: Principal, what: str):
    return forbidden(f"{what} are not allowed for user '{principal.user}' with roles "
                     f"[{roles_text(principal.roles)}].")


def check_password_change(principal: Principal, statement) -> None:
    """A user whose password must change may do nothing else first."""
    if principal.password_change_required and not isinstance(statement, ast.AlterCurrentUserPassword):
        raise credentials_expired()


def check_administration(principal: Principal, statement, database_of) -> None:
    """Administration commands need their DBMS privilege (START/STOP: the database privilege)."""
    if principal.unrestricted:
        return
    privileges = principal.privileges
    if isinstance(statement, (ast.StartDatabase, ast.StopDatabase)):
        action = "START" if isinstance(statement, ast.StartDatabase) else "STOP"
        allowed = privileges.allows(action, database_of(statement))
    elif isinstance(statement, ast.ShowUsers):
        action = "SHOW USER"
        allowed = statement.current or privileges.allows(action)
    elif isinstance(statement, ast.ShowPrivileges):
        action = "SHOW PRIVILEGE"
        own = statement.filter == "USER" and (not statement.names or statement.names == (principal.user,))
        allowed = own or privileges.allows(action)
    elif isinstance(statement, ast.PrivilegeCommand):
        action = "REMOVE PRIVILEGE" if statement.action == "REVOKE" else "ASSIGN PRIVILEGE"
        allowed = privileges.allows(action)
    else:
        action = _ADMINISTRATION.get(type(statement))
        allowed = action is None or privileges.allows(action)
    if not allowed:
        raise forbidden(f"Permission denied for {action}. The user '{principal.user}' with roles "
                        f"[{roles_text(principal.roles)}] does not have the {action} privilege.")


def check_access(principal: Principal, database: str) -> None:
    if not principal.unrestricted and not principal.privileges.allows("ACCESS", database):
        raise forbidden(f"Database access is not allowed for user '{principal.user}' with roles "
                        f"[{roles_text(principal.roles)}].")


def check_statement(principal: Principal, statement, info, database: str) -> None:
    """Graph, schema and LOAD CSV statements: what can be decided before the statement runs."""
    if principal.unrestricted:
        return
    privileges = principal.privileges
    inner = statement.query if isinstance(statement, (ast.Explain, ast.Profile)) else statement
    if isinstance(inner, ast.UseSchema):
        inner = inner.statement
    category = info.category
    if category == WRITE and not privileges.has_any(_WRITE_ACTIONS, database):
        raise _denied(principal, "Write operations")
    if category == SCHEMA:
        action = _SCHEMA_ACTIONS.get(type(inner))
        if action is not None and not privileges.allows(action, database):
            raise _denied(principal, "Schema operations")
    if isinstance(inner, ast.ShowSchema):
        action = "SHOW INDEX" if inner.what.startswith("INDEX") else "SHOW CONSTRAINT"
        if not privileges.allows(action, database):
            raise _denied(principal, "Schema operations")
    if info.loads_csv and not privileges.allows("LOAD"):
        raise forbidden(f"LOAD is not allowed for user '{principal.user}' with roles [{roles_text(principal.roles)}].")
    if not all(privileges.allows_procedure(name) for name in info.procedures):
        raise forbidden(f"Executing procedure is not allowed for user '{principal.user}' with roles "
                        f"[{roles_text(principal.roles)}].")


def install_guards(child, principal: Principal, database: str, storage) -> None:
    """Gives a restricted user's database transaction its read filter and write guard."""
    if principal.unrestricted:
        return
    child.read_filter = ReadFilter(principal.privileges, database)
    child.write_guard = WriteGuard(principal.privileges, database, principal.user, principal.roles, storage)
