"""The privilege model: what one granted or denied privilege covers, and what a set of them allows.

A `Rule` is one GRANT or DENY of one privilege on one target (a database name, `*`, HOME or DEFAULT) and, for
graph privileges, one segment (NODES or RELATIONSHIPS) and one label or type (`*` for all). A GRANT or DENY
command becomes one rule per target, segment and label. `Privileges` answers for a user (the union of their
roles' rules): an action is allowed when some GRANT covers it and no DENY does — DENY wins.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Iterable

GRANTED, DENIED = "GRANTED", "DENIED"
NODES, RELATIONSHIPS = "NODES", "RELATIONSHIPS"
ALL = "*"

# What a privilege covers besides itself (Neo4j 5's privilege hierarchy).
_COVERS = {
    "ALL GRAPH PRIVILEGES": {"TRAVERSE", "READ", "MATCH", "WRITE", "CREATE", "DELETE", "SET LABEL", "REMOVE LABEL",
                             "SET PROPERTY", "MERGE"},
    "MATCH": {"TRAVERSE", "READ"},
    "WRITE": {"CREATE", "DELETE", "SET LABEL", "REMOVE LABEL", "SET PROPERTY"},
    "MERGE": {"TRAVERSE", "READ", "CREATE", "SET PROPERTY"},
    "ALL DATABASE PRIVILEGES": {"ACCESS", "START", "STOP", "INDEX MANAGEMENT", "CREATE INDEX", "DROP INDEX",
                                "SHOW INDEX", "CONSTRAINT MANAGEMENT", "CREATE CONSTRAINT", "DROP CONSTRAINT",
                                "SHOW CONSTRAINT", "NAME MANAGEMENT", "CREATE NEW NODE LABEL",
                                "CREATE NEW RELATIONSHIP TYPE", "CREATE NEW PROPERTY NAME", "TRANSACTION MANAGEMENT",
                                "SHOW TRANSACTION", "TERMINATE TRANSACTION"},
    "INDEX MANAGEMENT": {"CREATE INDEX", "DROP INDEX", "SHOW INDEX"},
    "CONSTRAINT MANAGEMENT": {"CREATE CONSTRAINT", "DROP CONSTRAINT", "SHOW CONSTRAINT"},
    "NAME MANAGEMENT": {"CREATE NEW NODE LABEL", "CREATE NEW RELATIONSHIP TYPE", "CREATE NEW PROPERTY NAME"},
    "TRANSACTION MANAGEMENT": {"SHOW TRANSACTION", "TERMINATE TRANSACTION"},
    "DATABASE MANAGEMENT": {"CREATE DATABASE", "DROP DATABASE", "ALTER DATABASE", "SET DATABASE ACCESS",
                            "COMPOSITE DATABASE MANAGEMENT"},
    "COMPOSITE DATABASE MANAGEMENT": {"CREATE COMPOSITE DATABASE", "DROP COMPOSITE DATABASE"},
    "ALIAS MANAGEMENT": {"CREATE ALIAS", "DROP ALIAS", "ALTER ALIAS", "SHOW ALIAS"},
    "USER MANAGEMENT": {"CREATE USER", "DROP USER", "ALTER USER", "RENAME USER", "SHOW USER", "SET PASSWORD",
                        "SET USER STATUS", "SET USER HOME DATABASE"},
    "ALTER USER": {"SET PASSWORD", "SET USER STATUS", "SET USER HOME DATABASE"},
    "ROLE MANAGEMENT": {"CREATE ROLE", "DROP ROLE", "RENAME ROLE", "SHOW ROLE", "ASSIGN ROLE", "REMOVE ROLE"},
    "PRIVILEGE MANAGEMENT": {"SHOW PRIVILEGE", "ASSIGN PRIVILEGE", "REMOVE PRIVILEGE"},
}
_DBMS_ALL = {"DATABASE MANAGEMENT", "ALIAS MANAGEMENT", "USER MANAGEMENT", "ROLE MANAGEMENT", "PRIVILEGE MANAGEMENT",
             "EXECUTE PROCEDURE", "EXECUTE BOOSTED PROCEDURE", "EXECUTE ADMIN PROCEDURES", "EXECUTE FUNCTION",
             "EXECUTE BOOSTED FUNCTION", "IMPERSONATE", "SHOW SETTING"}


def covered(action: str) -> frozenset:
    """Every action `action` grants or denies, itself included."""
    result = {action}
    pending = [action]
    if action == "ALL DBMS PRIVILEGES":
        pending.extend(_DBMS_ALL)
        result.update(_DBMS_ALL)
    while pending:
        for inner in _COVERS.get(pending.pop(), ()):
            if inner not in result:
                result.add(inner)
                pending.append(inner)
    return frozenset(result)


@dataclass(frozen=True)
class Rule:
    """One GRANT or DENY. `properties` is `*` or a tuple of names (READ, MATCH, SET PROPERTY, MERGE);
    `qualifier` the users of the transaction privileges (`*` for all) or the labels of SET/REMOVE LABEL."""

    access: str
    action: str
    scope: str
    target: str = ALL
    segment: str | None = None
    label: str = ALL
    properties: tuple | str | None = None
    qualifier: tuple | str | None = None
    role: str = ""
    immutable: bool = False

    def same_privilege(self, other: "Rule") -> bool:
        """Equal but for GRANT/DENY (what `REVOKE` without GRANT or DENY removes)."""
        return (self.action, self.scope, self.target, self.segment, self.label, self.properties, self.qualifier,
                self.role) == (other.action, other.scope, other.target, other.segment, other.label, other.properties,
                               other.qualifier, other.role)


class Privileges:
    """What a user may do: the rules of their roles, with `home` the database HOME names."""

    def __init__(self, rules: Iterable[Rule], home: str, default: str, unrestricted: bool = False) -> None:
        self.rules = tuple(rules)
        self.home = home
        self.default = default
        # Every check passes (authentication disabled: the embedded user is the administrator).
        self.unrestricted = unrestricted
        self._by_action: dict[str, list[tuple[Rule, bool]]] = {}
        for rule in self.rules:
            for action in covered(rule.action):
                # DENY MATCH {p} denies reading p only; DENY MATCH {*} also denies traversing.
                if rule.access == DENIED and rule.action == "MATCH" and action == "TRAVERSE" \
                        and rule.properties != ALL:
                    continue
                self._by_action.setdefault(action, []).append((rule, rule.access == GRANTED))

    def _targets(self, rule: Rule, database: str | None) -> bool:
        if rule.scope in ("DBMS", "LOAD") or database is None:
            return True
        target = rule.target
        return target == ALL or target == database or (target == "HOME" and database == self.home) or \
            (target == "DEFAULT" and database == self.default)

    def _decide(self, action: str, matches) -> bool:
        if self.unrestricted:
            return True
        granted = False
        for rule, grant in self._by_action.get(action, ()):
            if matches(rule):
                if not grant:
                    return False
                granted = True
        return granted

    # --- database and DBMS privileges ------------------------------------------------------------------------

    def allows(self, action: str, database: str | None = None) -> bool:
        """A database privilege (ACCESS, INDEX MANAGEMENT …) on `database`, or a DBMS one without it."""
        return self._decide(action, lambda rule: self._targets(rule, database))

    def allows_procedure(self, name: str) -> bool:
        """EXECUTE PROCEDURE of `name` (qualifiers are globs: `db.*`, `*`)."""
        def matches(rule: Rule) -> bool:
            qualifier = rule.qualifier
            return qualifier in (None, ALL) or any(fnmatch.fnmatchcase(name, pattern) for pattern in qualifier)
        return self._decide("EXECUTE PROCEDURE", matches)

    def allows_function(self, name: str) -> bool:
        """EXECUTE FUNCTION of the user-defined function `name` (qualifiers are globs)."""
        def matches(rule: Rule) -> bool:
            qualifier = rule.qualifier
            return qualifier in (None, ALL) or any(fnmatch.fnmatchcase(name, pattern) for pattern in qualifier)
        return self._decide("EXECUTE FUNCTION", matches)

    def allows_for_user(self, action: str, database: str, user: str) -> bool:
        """SHOW/TERMINATE TRANSACTION for the transactions of `user`."""
        def matches(rule: Rule) -> bool:
            qualifier = rule.qualifier
            return self._targets(rule, database) and (qualifier in (None, ALL) or user in qualifier)
        return self._decide(action, matches)

    def has_any(self, actions: Iterable[str], database: str) -> bool:
        """Whether any GRANT of these actions reaches `database` at all (before DENYs on segments)."""
        if self.unrestricted:
            return True
        return any(grant and self._targets(rule, database)
                   for action in actions for rule, grant in self._by_action.get(action, ()))

    # --- graph privileges ------------------------------------------------------------------------------------

    def allows_graph(self, action: str, database: str, segment: str, labels: Iterable[str],
                     prop: str | None = None) -> bool:
        """A graph privilege on an entity with `labels` (a relationship: its type): granted through one of its
        labels or `*`, and denied through none of them. WRITE-family rules without a segment cover both."""
        labels = frozenset(labels)

        def matches(rule: Rule) -> bool:
            if rule.segment not in (segment, None) or not self._targets(rule, database):
                return False
            if rule.label != ALL and rule.label not in labels:
                return False
            return prop is None or rule.properties in (None, ALL) or prop in rule.properties
        return self._decide(action, matches)

    def allows_label_change(self, action: str, database: str, label: str) -> bool:
        """SET LABEL / REMOVE LABEL of `label`."""
        def matches(rule: Rule) -> bool:
            return self._targets(rule, database) and (rule.qualifier in (None, ALL) or label in rule.qualifier)
        return self._decide(action, matches)
