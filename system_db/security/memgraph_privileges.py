"""Memgraph's privileges in graphplex's Neo4j-style model: each Memgraph name that has a clear equivalent becomes
the Neo4j privileges that allow the same statements, on every database; the others are refused by name.

Memgraph grants to a user or to a role. graphplex grants only to roles, so a user's own grants are held by a role
of the user's name, which the first GRANT or DENY to the user creates and assigns to them
(`SecurityCommands._holds`). Memgraph keeps one state per privilege (granted, denied or neither): a GRANT replaces
a DENY of the same privilege and a DENY replaces a GRANT, and REVOKE removes both."""
from __future__ import annotations

from graphplex.databases.cypher import ast
from graphplex.databases.errors import ClientError
from graphplex.system_db.security.model import ALL, GRANTED, Rule
from graphplex.system_db.security.rules import rules_of

_GRAPH, _DATABASE, _DBMS = "GRAPH", "DATABASE", "DBMS"

# Memgraph's privilege → the Neo4j privileges that allow what it allows. REMOVE is only REMOVE LABEL: removing a
# property needs SET PROPERTY in graphplex as in Neo4j, which Memgraph's SET gives.
EQUIVALENTS: dict[str, tuple[ast.Privilege, ...]] = {
    "MATCH": (ast.Privilege("MATCH", _GRAPH, properties=ALL),),
    "CREATE": (ast.Privilege("CREATE", _GRAPH),),
    "DELETE": (ast.Privilege("DELETE", _GRAPH),),
    "MERGE": (ast.Privilege("MERGE", _GRAPH, properties=ALL),),
    "SET": (ast.Privilege("SET PROPERTY", _GRAPH, properties=ALL), ast.Privilege("SET LABEL", _GRAPH, qualifier=ALL)),
    "REMOVE": (ast.Privilege("REMOVE LABEL", _GRAPH, qualifier=ALL),),
    "INDEX": (ast.Privilege("INDEX MANAGEMENT", _DATABASE),),
    "CONSTRAINT": (ast.Privilege("CONSTRAINT MANAGEMENT", _DATABASE),),
    "TRANSACTION_MANAGEMENT": (ast.Privilege("TRANSACTION MANAGEMENT", _DATABASE, qualifier=ALL),),
    "AUTH": (ast.Privilege("USER MANAGEMENT", _DBMS), ast.Privilege("ROLE MANAGEMENT", _DBMS),
             ast.Privilege("PRIVILEGE MANAGEMENT", _DBMS)),
    "MULTI_DATABASE_EDIT": (ast.Privilege("DATABASE MANAGEMENT", _DBMS),),
    "READ_FILE": (ast.Privilege("LOAD", "LOAD"),),
    # Writing a module file runs any Python in the server: nothing less than the admin procedures (module_files).
    "MODULE_WRITE": (ast.Privilege("EXECUTE ADMIN PROCEDURES", _DBMS),),
}
# Memgraph has no privilege for new labels, types and property names; Neo4j's NAME MANAGEMENT comes with the
# privileges that write them. Shared, it is granted with them, never denied with them, and revoked only with the
# last of them the holder keeps.
_NAMES = ast.Privilege("NAME MANAGEMENT", _DATABASE)
AUXILIARY: dict[str, tuple[ast.Privilege, ...]] = {"CREATE": (_NAMES,), "MERGE": (_NAMES,), "SET": (_NAMES,)}


def mapped_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """Memgraph's `names`, with ALL PRIVILEGES as every name that has an equivalent; refuses a name with none
    (before anything changes)."""
    if names == (ast.MEMGRAPH_ALL_PRIVILEGES,):
        return tuple(EQUIVALENTS)
    missing = [name for name in names if name not in EQUIVALENTS]
    if missing:
        raise ClientError(f"Memgraph's privilege{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                          f"{'have' if len(missing) > 1 else 'has'} no equivalent among graphplex's privileges. "
                          "Grant the Neo4j privileges that cover the statements instead (GRANT … ON …).",
                          "Neo.ClientError.Statement.UnsupportedAdministrationCommand")
    return names


def _rules(privileges, access: str, role: str) -> list[Rule]:
    return [rule for privilege in privileges for rule in rules_of(privilege, access, role)]


def granted_rules(names: tuple[str, ...], access: str, role: str) -> list[Rule]:
    """The rules a GRANT (access GRANTED) or DENY (DENIED) of Memgraph's `names` (`mapped_names`) to `role`
    stores."""
    rules = _rules((p for name in names for p in EQUIVALENTS[name]), access, role)
    if access == GRANTED:
        rules += _rules({p for name in names for p in AUXILIARY.get(name, ())}, access, role)
    return list(dict.fromkeys(rules))


def revoked_rules(names: tuple[str, ...], role: str, held: list[Rule]) -> list[Rule]:
    """The rules a REVOKE of Memgraph's `names` (`mapped_names`) from `role` removes (granted or denied), given
    the rules `held` by the role: a shared privilege stays while the role is still granted another Memgraph
    privilege that brings it."""
    held = set(held)
    still_granted = [other for other in AUXILIARY if other not in names
                     and any(rule in held for rule in _rules(EQUIVALENTS[other], GRANTED, role))]
    kept = {p for other in still_granted for p in AUXILIARY[other]}
    shared = {p for name in names for p in AUXILIARY.get(name, ())} - kept
    return _rules((p for name in names for p in EQUIVALENTS[name]), GRANTED, role) + _rules(shared, GRANTED, role)
