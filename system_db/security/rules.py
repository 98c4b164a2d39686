"""Between privilege commands and rules: a GRANT/DENY becomes rules, a rule shows as Neo4j's SHOW PRIVILEGES row
and as the command that would create it; and the built-in roles with exactly Neo4j 5's privileges."""
from __future__ import annotations

import dataclasses
import functools

from graphplex.databases.cypher import ast
from graphplex.system_db.security.model import ALL, DENIED, GRANTED, NODES, RELATIONSHIPS, Rule

PRIVILEGE_COLUMNS = ["access", "action", "resource", "graph", "segment", "role", "immutable"]
COMMAND_COLUMNS = ["command", "immutable"]

# Graph privileges that take no segment in Neo4j 5 (they cover every element).
_NO_SEGMENT = {"WRITE", "SET LABEL", "REMOVE LABEL", "ALL GRAPH PRIVILEGES"}
_PROPERTY_PRIVILEGES = {"READ", "MATCH", "SET PROPERTY", "MERGE"}
_ACTION_NAMES = {
    "CREATE": "create_element", "DELETE": "delete_element", "ALL GRAPH PRIVILEGES": "graph_actions",
    "START": "start_database", "STOP": "stop_database", "INDEX MANAGEMENT": "index",
    "CONSTRAINT MANAGEMENT": "constraint", "NAME MANAGEMENT": "token", "CREATE NEW NODE LABEL": "create_label",
    "CREATE NEW RELATIONSHIP TYPE": "create_reltype", "CREATE NEW PROPERTY NAME": "create_propertykey",
    "ALL DATABASE PRIVILEGES": "database_actions", "ALL DBMS PRIVILEGES": "dbms_actions",
    "EXECUTE PROCEDURE": "execute", "EXECUTE FUNCTION": "execute_function",
    "EXECUTE BOOSTED PROCEDURE": "execute_boosted", "EXECUTE BOOSTED FUNCTION": "execute_boosted_function",
    "EXECUTE ADMIN PROCEDURES": "execute_admin",
}

BUILT_IN_ROLES = ("PUBLIC", "reader", "editor", "publisher", "architect", "admin")
# Neo4j 5's built-in privileges as the commands that make them (what SHOW ROLE … PRIVILEGES AS COMMANDS shows);
# each role has those of the roles before it, but PUBLIC. A test checks that parsing them gives `_BUILT_IN_GRANTS`.
BUILT_IN_COMMANDS = {
    "PUBLIC": ["GRANT ACCESS ON HOME DATABASE", "GRANT EXECUTE FUNCTION * ON DBMS",
               "GRANT EXECUTE PROCEDURE * ON DBMS", "GRANT LOAD ON ALL DATA"],
    "reader": ["GRANT ACCESS ON DATABASE *", "GRANT MATCH {*} ON GRAPH * NODES *",
               "GRANT MATCH {*} ON GRAPH * RELATIONSHIPS *", "GRANT SHOW CONSTRAINT ON DATABASE *",
               "GRANT SHOW INDEX ON DATABASE *"],
    "editor": ["GRANT WRITE ON GRAPH *"],
    "publisher": ["GRANT NAME MANAGEMENT ON DATABASE *"],
    "architect": ["GRANT INDEX MANAGEMENT ON DATABASE *", "GRANT CONSTRAINT MANAGEMENT ON DATABASE *"],
    "admin": ["GRANT ALL DBMS PRIVILEGES ON DBMS", "GRANT LOAD ON ALL DATA", "GRANT START ON DATABASE *",
              "GRANT STOP ON DATABASE *", "GRANT TRANSACTION MANAGEMENT (*) ON DATABASE *"],
}


def _granted(action: str, scope: str, **where) -> Rule:
    return Rule(GRANTED, action, scope, **where)


# The same privileges as rules, one command after another: every DBMS would otherwise parse 45 commands at start.
_BUILT_IN_GRANTS = {
    "PUBLIC": (_granted("ACCESS", "DATABASE", target="HOME"), _granted("EXECUTE FUNCTION", "DBMS", qualifier=ALL),
               _granted("EXECUTE PROCEDURE", "DBMS", qualifier=ALL), _granted("LOAD", "LOAD")),
    "reader": (_granted("ACCESS", "DATABASE"), _granted("MATCH", "GRAPH", segment=NODES, properties=ALL),
               _granted("MATCH", "GRAPH", segment=RELATIONSHIPS, properties=ALL),
               _granted("SHOW CONSTRAINT", "DATABASE"), _granted("SHOW INDEX", "DATABASE")),
    "editor": (_granted("WRITE", "GRAPH"),),
    "publisher": (_granted("NAME MANAGEMENT", "DATABASE"),),
    "architect": (_granted("INDEX MANAGEMENT", "DATABASE"), _granted("CONSTRAINT MANAGEMENT", "DATABASE")),
    "admin": (_granted("ALL DBMS PRIVILEGES", "DBMS"), _granted("LOAD", "LOAD"), _granted("START", "DATABASE"),
              _granted("STOP", "DATABASE"), _granted("TRANSACTION MANAGEMENT", "DATABASE", qualifier=ALL)),
}


@functools.lru_cache(maxsize=None)
def built_in_rules(role: str) -> tuple[Rule, ...]:
    """The privileges Neo4j 5 gives a built-in role (each role has those of the one before it, but PUBLIC)."""
    order = BUILT_IN_ROLES[1:]
    roles = ["PUBLIC"] if role == "PUBLIC" else order[:order.index(role) + 1]
    return tuple(dataclasses.replace(rule, role=role) for earlier in roles for rule in _BUILT_IN_GRANTS[earlier])


def rules_of(privilege: ast.Privilege, access: str, role: str) -> list[Rule]:
    """The rules one GRANT or DENY makes: one per target, segment and label."""
    targets = (privilege.targets,) if isinstance(privilege.targets, str) else tuple(privilege.targets)
    if privilege.scope != "GRAPH" or privilege.name in _NO_SEGMENT:
        segments: tuple = (None,)
        labels: tuple = (ALL,)
    else:
        segments = {"NODES": (NODES,), "RELATIONSHIPS": (RELATIONSHIPS,)}.get(privilege.segment,
                                                                           (NODES, RELATIONSHIPS))
        labels = (ALL,) if privilege.labels == ALL else tuple(privilege.labels)
    properties = privilege.properties
    if privilege.name in _PROPERTY_PRIVILEGES and properties is None:
        properties = ALL
    qualifier = privilege.qualifier
    if isinstance(qualifier, tuple) and qualifier == (ALL,):
        qualifier = ALL
    return [Rule(access, privilege.name, privilege.scope, target, segment, label,
                 tuple(properties) if isinstance(properties, (list, tuple)) else properties,
                 tuple(qualifier) if isinstance(qualifier, (list, tuple)) else qualifier, role)
            for target in targets for segment in segments for label in labels]


# --- SHOW PRIVILEGES ---------------------------------------------------------------------------------------

def privilege_row(rule: Rule) -> dict:
    """The rule as a row of SHOW PRIVILEGES (Neo4j's columns)."""
    return {"access": rule.access, "action": _action(rule), "resource": _resource(rule), "graph": _graph(rule),
            "segment": _segment(rule), "role": rule.role, "immutable": rule.immutable}


def _action(rule: Rule) -> str:
    return _ACTION_NAMES.get(rule.action, rule.action.lower().replace(" ", "_"))


def _resource(rule: Rule) -> str:
    if rule.scope == "LOAD":
        return "all_data"
    if rule.scope != "GRAPH":
        return "database"
    if rule.action in ("SET LABEL", "REMOVE LABEL"):
        return "all_labels" if rule.qualifier in (None, ALL) else f"label({','.join(rule.qualifier)})"
    if rule.action in _PROPERTY_PRIVILEGES:
        return "all_properties()" if rule.properties in (None, ALL) else f"property({','.join(rule.properties)})"
    return "graph"


def _graph(rule: Rule) -> str:
    return "*" if rule.scope in ("DBMS", "LOAD") else rule.target


def _segment(rule: Rule) -> str:
    if rule.scope == "GRAPH":
        if rule.segment is None:
            return "database"
        return f"{'NODE' if rule.segment == NODES else 'RELATIONSHIP'}({rule.label})"
    if rule.action in ("TRANSACTION MANAGEMENT", "SHOW TRANSACTION", "TERMINATE TRANSACTION"):
        users = ALL if rule.qualifier in (None, ALL) else ",".join(rule.qualifier)
        return f"USER({users})"
    if _names_callables(rule):
        kind = "FUNCTION" if "FUNCTION" in rule.action else "PROCEDURE"
        names = ALL if rule.qualifier in (None, ALL) else ",".join(rule.qualifier)
        return f"{kind}({names})"
    return "database"


def _names_callables(rule: Rule) -> bool:
    """Whether the rule names procedures or functions (EXECUTE PROCEDURE x.*); EXECUTE ADMIN PROCEDURES names
    none (Neo4j's `GRANT EXECUTE ADMIN PROCEDURES ON DBMS`, segment `database`)."""
    return rule.action.startswith("EXECUTE") and rule.action != "EXECUTE ADMIN PROCEDURES"


def command_of(rule: Rule, revoke: bool = False) -> str:
    """The command that makes the rule (`AS COMMANDS`), or removes it (`AS REVOKE COMMANDS`)."""
    verb = "GRANT" if rule.access == GRANTED else "DENY"
    text = f"{rule.action}"
    if rule.action in ("SET LABEL", "REMOVE LABEL"):
        text += " " + (ALL if rule.qualifier in (None, ALL) else ", ".join(_name(q) for q in rule.qualifier))
    elif _names_callables(rule):
        text += " " + (ALL if rule.qualifier in (None, ALL) else ", ".join(rule.qualifier))
    elif rule.action in ("TRANSACTION MANAGEMENT", "SHOW TRANSACTION", "TERMINATE TRANSACTION"):
        text += " (" + (ALL if rule.qualifier in (None, ALL) else ", ".join(_name(q) for q in rule.qualifier)) + ")"
    if rule.scope == "GRAPH" and rule.action in _PROPERTY_PRIVILEGES:
        text += " {" + (ALL if rule.properties in (None, ALL) else ", ".join(_name(p) for p in rule.properties)) + "}"
    text += " ON " + _on(rule)
    if rule.scope == "GRAPH" and rule.segment is not None:
        text += f" {'NODE' if rule.segment == NODES else 'RELATIONSHIP'} {_name(rule.label)}"
    role = f"`{rule.role}`"
    if revoke:
        return f"REVOKE {verb} {text} FROM {role}"
    return f"{verb} {text} TO {role}"


def _on(rule: Rule) -> str:
    if rule.scope == "DBMS":
        return "DBMS"
    if rule.scope == "LOAD":
        return "ALL DATA"
    noun = "GRAPH" if rule.scope == "GRAPH" else "DATABASE"
    if rule.target in ("HOME", "DEFAULT"):
        return f"{rule.target} {noun}"
    return f"{noun} {rule.target if rule.target == ALL else _name(rule.target)}"


def _name(name: str) -> str:
    return name if name == ALL or name.replace("_", "a").isalnum() and not name[0].isdigit() else f"`{name}`"


__all__ = ["built_in_rules", "rules_of", "privilege_row", "command_of", "BUILT_IN_ROLES", "BUILT_IN_COMMANDS",
           "PRIVILEGE_COLUMNS",
           "COMMAND_COLUMNS", "DENIED", "GRANTED"]
