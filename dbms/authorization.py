"""Which privilege each statement needs, checked before it runs, and the guards a restricted user's database
transactions carry while it runs (reads filtered, writes checked one by one)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.classify import SCHEMA, WRITE
from graphplex.contracts import ChildTransaction
from graphplex.security import Principal, credentials_expired
from graphplex.system_db import ReadFilter, WriteGuard, forbidden, resolve_name, roles_text

if TYPE_CHECKING:
    from graphplex.routing import Request

# What the statement router checks before a statement touches a database: (principal, request, target database).
Check = Callable[[Principal, "Request", str], None]

_WRITE_ACTIONS = ("CREATE", "DELETE", "SET LABEL", "REMOVE LABEL", "SET PROPERTY")
_SCHEMA_ACTIONS = {ast.CreateIndex: "CREATE INDEX", ast.DropIndex: "DROP INDEX",
                   ast.CreateConstraint: "CREATE CONSTRAINT", ast.DropConstraint: "DROP CONSTRAINT"}


def _denied(principal: Principal, what: str):
    return forbidden(f"{what} are not allowed for user '{principal.user}' with roles "
                     f"[{roles_text(principal.roles)}].")


def check_password_change(principal: Principal, statement) -> None:
    """A user whose password must change may do nothing else first."""
    if principal.password_change_required and not isinstance(statement, ast.AlterCurrentUserPassword):
        raise credentials_expired()


def _require(principal: Principal, action: str, allowed: Callable[[], bool]) -> None:
    """Refuses `action` unless the principal is unrestricted or `allowed()` says yes."""
    if not (principal.unrestricted or allowed()):
        raise forbidden(f"Permission denied for {action}. The user '{principal.user}' with roles "
                        f"[{roles_text(principal.roles)}] does not have the {action} privilege.")


def dbms_privilege(action: str) -> Check:
    """The check of an administration command that needs the DBMS privilege `action`."""
    def check(principal: Principal, request: "Request", database: str) -> None:
        _require(principal, action, lambda: principal.privileges.allows(action))
    return check


def drop_database_privilege(action: str) -> Check:
    """The check of DROP [COMPOSITE] DATABASE, which needs `action`, and DROP ALIAS as well with CASCADE ALIASES
    (the aliases that name the database go with it), as in Neo4j."""
    def check(principal: Principal, request: "Request", database: str) -> None:
        _require(principal, action, lambda: principal.privileges.allows(action))
        if request.statement.cascade_aliases:
            _require(principal, "DROP ALIAS", lambda: principal.privileges.allows("DROP ALIAS"))
    return check


def database_privilege(action: str) -> Check:
    """The check of a command on one database (START, STOP) that needs the database privilege `action` on it."""
    def check(principal: Principal, request: "Request", database: str) -> None:
        _require(principal, action, lambda: principal.privileges.allows(
            action, resolve_name(request.statement.name, request.parameters)))
    return check


def check_show_users(principal: Principal, request: "Request", database: str) -> None:
    """SHOW CURRENT USER is everyone's; SHOW USERS needs SHOW USER."""
    _require(principal, "SHOW USER",
             lambda: request.statement.current or principal.privileges.allows("SHOW USER"))


def check_show_privileges(principal: Principal, request: "Request", database: str) -> None:
    """A user may list their own privileges; anyone else's need SHOW PRIVILEGE."""
    statement = request.statement
    own = statement.filter == "USER" and (not statement.names or statement.names == (principal.user,))
    _require(principal, "SHOW PRIVILEGE", lambda: own or principal.privileges.allows("SHOW PRIVILEGE"))


def check_privilege_command(principal: Principal, request: "Request", database: str) -> None:
    """GRANT and DENY need ASSIGN PRIVILEGE; REVOKE needs REMOVE PRIVILEGE."""
    action = "REMOVE PRIVILEGE" if request.statement.action == "REVOKE" else "ASSIGN PRIVILEGE"
    _require(principal, action, lambda: principal.privileges.allows(action))


def may_access(principal: Principal, database: str) -> bool:
    """The ACCESS privilege on `database`: to open a transaction on it, or to see it in SHOW DATABASES."""
    return principal.unrestricted or principal.privileges.allows("ACCESS", database)


# The privileges that show a user every alias's target in SHOW ALIASES, whatever their ACCESS (Neo4j 5).
_DATABASE_MANAGING = ("CREATE DATABASE", "DROP DATABASE", "ALTER DATABASE", "SET DATABASE ACCESS",
                      "CREATE COMPOSITE DATABASE", "DROP COMPOSITE DATABASE", "DATABASE MANAGEMENT",
                      "COMPOSITE DATABASE MANAGEMENT")


def manages_databases(principal: Principal) -> bool:
    """Whether the user holds a privilege to create, drop or alter databases."""
    return principal.unrestricted or any(principal.privileges.allows(action) for action in _DATABASE_MANAGING)


def check_access(principal: Principal, database: str) -> None:
    if not may_access(principal, database):
        raise forbidden(f"Database access is not allowed for user '{principal.user}' with roles "
                        f"[{roles_text(principal.roles)}].")


def check_statement(principal: Principal, request: "Request", database: str) -> None:
    """Graph, schema and LOAD CSV statements: what can be decided before the statement runs. That depends on the
    statement (the DBMS's cache of statements hands out one object per text, with its classification), the database
    and the principal's privileges alone, so a check passed once is not made again for the same three (a change of
    privileges makes a new principal); a refusal is decided anew every time."""
    if principal.unrestricted:
        return
    statement = request.statement
    passed, key = principal.passed, (id(statement), database)
    if passed.get(key) is statement:  # the statement is kept with its id, so the id cannot name another one
        return
    _check_statement(principal, request, database)
    if len(passed) >= _MOST_PASSED:
        passed.clear()
    passed[key] = statement


_MOST_PASSED = 1000  # statements remembered per principal (as many as the DBMS's cache of statements holds)


def _check_statement(principal: Principal, request: "Request", database: str) -> None:
    statement, info = request.statement, request.info
    privileges = principal.privileges
    inner = statement.query if isinstance(statement, (ast.Explain, ast.Profile)) else statement
    if isinstance(inner, ast.UseSchema):
        inner = inner.statement
    category = info.category
    if category == WRITE:
        check_writes(principal, database)
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
    if not all(privileges.allows_function(name) for name in info.functions):
        raise forbidden(f"Executing a user defined function is not allowed for user '{principal.user}' with roles "
                        f"[{roles_text(principal.roles)}].")


def check_writes(principal: Principal, database: str) -> None:
    """Some write privilege on `database`: what a write statement, or a bulk load, needs before it starts (each
    write is checked again by the write guard)."""
    if not principal.unrestricted and not principal.privileges.has_any(_WRITE_ACTIONS, database):
        raise _denied(principal, "Write operations")


def install_guards(child: ChildTransaction, principal: Principal, database: str, storage) -> None:
    """Gives a restricted user's database transaction its read filter and write guard."""
    if principal.unrestricted:
        return
    child.read_filter = ReadFilter(principal.privileges, database)
    child.write_guard = WriteGuard(principal.privileges, database, principal.user, principal.roles, storage)
