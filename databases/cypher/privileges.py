"""Naming privileges: the words of a GRANT/DENY/REVOKE, turned into Neo4j 5's privilege names and checked
against the privileges each scope has."""
from __future__ import annotations

from graphplex.databases.cypher.ast import MEMGRAPH_ALL_PRIVILEGES
from graphplex.databases.cypher.errors import syntax_error

GRAPH_PRIVILEGES = frozenset({
    "TRAVERSE", "READ", "MATCH", "WRITE", "CREATE", "DELETE", "SET LABEL", "REMOVE LABEL", "SET PROPERTY", "MERGE",
    "ALL GRAPH PRIVILEGES",
})
DATABASE_PRIVILEGES = frozenset({
    "ACCESS", "START", "STOP", "INDEX MANAGEMENT", "CREATE INDEX", "DROP INDEX", "SHOW INDEX",
    "CONSTRAINT MANAGEMENT", "CREATE CONSTRAINT", "DROP CONSTRAINT", "SHOW CONSTRAINT", "NAME MANAGEMENT",
    "CREATE NEW NODE LABEL", "CREATE NEW RELATIONSHIP TYPE", "CREATE NEW PROPERTY NAME", "ALL DATABASE PRIVILEGES",
    "TRANSACTION MANAGEMENT", "SHOW TRANSACTION", "TERMINATE TRANSACTION",
})
DBMS_PRIVILEGES = frozenset({
    "ALL DBMS PRIVILEGES", "DATABASE MANAGEMENT", "CREATE DATABASE", "DROP DATABASE", "ALTER DATABASE",
    "SET DATABASE ACCESS", "USER MANAGEMENT", "CREATE USER", "DROP USER", "ALTER USER", "RENAME USER", "SHOW USER",
    "SET PASSWORD", "SET USER STATUS", "SET USER HOME DATABASE", "ROLE MANAGEMENT", "CREATE ROLE", "DROP ROLE",
    "RENAME ROLE", "SHOW ROLE", "ASSIGN ROLE", "REMOVE ROLE", "PRIVILEGE MANAGEMENT", "SHOW PRIVILEGE",
    "ASSIGN PRIVILEGE", "REMOVE PRIVILEGE", "EXECUTE PROCEDURE", "EXECUTE BOOSTED PROCEDURE",
    "EXECUTE ADMIN PROCEDURES", "EXECUTE FUNCTION", "EXECUTE BOOSTED FUNCTION", "IMPERSONATE", "SHOW SETTING",
    "COMPOSITE DATABASE MANAGEMENT", "CREATE COMPOSITE DATABASE", "DROP COMPOSITE DATABASE", "ALIAS MANAGEMENT",
    "CREATE ALIAS", "DROP ALIAS", "ALTER ALIAS", "SHOW ALIAS",
})
LOAD_PRIVILEGES = frozenset({"LOAD"})

_PLURALS = {"TRANSACTIONS": "TRANSACTION", "INDEXES": "INDEX", "CONSTRAINTS": "CONSTRAINT",
            "PROCEDURES": "PROCEDURE", "FUNCTIONS": "FUNCTION", "USERS": "USER", "ROLES": "ROLE",
            "PRIVILEGES": "PRIVILEGES", "SETTINGS": "SETTING", "PASSWORDS": "PASSWORD",
            "ALIASES": "ALIAS"}
_SHORT_FORMS = {
    "INDEX": "INDEX MANAGEMENT", "CONSTRAINT": "CONSTRAINT MANAGEMENT", "NAME": "NAME MANAGEMENT",
    "TRANSACTION": "TRANSACTION MANAGEMENT", "CREATE NEW LABEL": "CREATE NEW NODE LABEL",
    "CREATE NEW TYPE": "CREATE NEW RELATIONSHIP TYPE", "CREATE NEW NAME": "CREATE NEW PROPERTY NAME",
    "SHOW PRIVILEGE": "SHOW PRIVILEGE",
    # PROCEDURES is made singular above; Neo4j's name of the privilege keeps it plural.
    "EXECUTE ADMIN PROCEDURE": "EXECUTE ADMIN PROCEDURES",
    "EXECUTE ADMINISTRATOR PROCEDURE": "EXECUTE ADMIN PROCEDURES",
}
_BY_SCOPE = {"GRAPH": GRAPH_PRIVILEGES, "DATABASE": DATABASE_PRIVILEGES, "DBMS": DBMS_PRIVILEGES,
             "LOAD": LOAD_PRIVILEGES}
_NAMED_BY_WORDS = ("SET LABEL", "REMOVE LABEL", "EXECUTE PROCEDURE", "EXECUTE BOOSTED PROCEDURE",
                   "EXECUTE FUNCTION", "EXECUTE BOOSTED FUNCTION", "IMPERSONATE")


def privilege_name(words: list[str], scope: str) -> tuple[str, tuple | None]:
    """The privilege a list of upper-case words names in `scope`, and the names that follow it (labels of SET
    LABEL, procedures of EXECUTE …); raises a syntax error for a privilege Neo4j does not have there."""
    normalised = [_PLURALS.get(word, word) for word in words]
    for prefix in _NAMED_BY_WORDS:
        size = len(prefix.split())
        if " ".join(normalised[:size]) == prefix and len(normalised) > size:
            return prefix, tuple(words[size:])
    name = " ".join(normalised)
    name = _SHORT_FORMS.get(name, name)
    if name in ("ALL", "ALL PRIVILEGES", "ALL DATABASE PRIVILEGES", "ALL GRAPH PRIVILEGES", "ALL DBMS PRIVILEGES"):
        name = {"GRAPH": "ALL GRAPH PRIVILEGES", "DATABASE": "ALL DATABASE PRIVILEGES",
                "DBMS": "ALL DBMS PRIVILEGES"}.get(scope, name)
    if name in ("SHOW TRANSACTION", "TERMINATE TRANSACTION", "TRANSACTION MANAGEMENT", "TRANSACTION"):
        name = _SHORT_FORMS.get(name, name)
    if name not in _BY_SCOPE.get(scope, frozenset()):
        raise syntax_error(f"Invalid input '{' '.join(words)}': not a privilege on "
                           f"{'ALL DATA' if scope == 'LOAD' else scope}")
    return name, None


# Memgraph's privileges (MemgraphCypher.g4's `privilege` rule and its documentation's list), granted without ON.
MEMGRAPH_PRIVILEGES = frozenset({
    "CREATE", "DELETE", "MATCH", "MERGE", "SET", "REMOVE", "INDEX", "STATS", "AUTH", "CONSTRAINT", "DUMP",
    "REPLICATION", "READ_FILE", "FREE_MEMORY", "TRIGGER", "CONFIG", "DURABILITY", "STREAM", "MODULE_READ",
    "MODULE_WRITE", "WEBSOCKET", "TRANSACTION_MANAGEMENT", "STORAGE_MODE", "MULTI_DATABASE_EDIT",
    "MULTI_DATABASE_USE", "IMPERSONATE_USER", "PROFILE_RESTRICTION", "PARALLEL_EXECUTION", "SERVER_SIDE_PARAMETERS",
    "SERVER_SIDE_DESCRIPTIONS", "RELOAD_TLS", "COORDINATOR_READ", "COORDINATOR_WRITE",
})


def memgraph_privilege_names(groups: list[list[str]]) -> tuple[str, ...]:
    """The Memgraph privileges a comma-separated list of words names (`ALL PRIVILEGES` alone, or names of
    `MEMGRAPH_PRIVILEGES`), upper-cased; raises a syntax error for anything else, as a privilege without ON."""
    names = tuple(" ".join(words).upper() for words in groups)
    if names == (MEMGRAPH_ALL_PRIVILEGES,):
        return names
    for name in names:
        if name not in MEMGRAPH_PRIVILEGES:
            raise syntax_error(f"Invalid input '{name}': expected ON and the scope of the privilege, or one of "
                               "Memgraph's privileges (TRANSACTION_MANAGEMENT, INDEX …)")
    return tuple(dict.fromkeys(names))
