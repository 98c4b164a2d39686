"""Users, roles and privileges as a graph in the system database.

`(:User {name, credentials, passwordChangeRequired, suspended, home})-[:HAS_ROLE]->(:Role {name, immutable})`
and one `(:Privilege {…})` node per rule, naming its role. Only password hashes are stored (`passwords`)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, fields

from graphplex.databases import Database
from graphplex.databases.errors import ClientError
from graphplex.databases.storage import UNIQUENESS, SchemaChange, Transaction
from graphplex.system_db.security.model import Rule
from graphplex.system_db.security.passwords import hash_password
from graphplex.system_db.security.rules import BUILT_IN_ROLES, built_in_rules

ADMIN_USER = "neo4j"
PUBLIC = "PUBLIC"


@dataclass(frozen=True)
class UserRecord:
    name: str
    credentials: str
    password_change_required: bool
    suspended: bool
    home: str | None
    roles: tuple[str, ...]


class SecurityStore:
    """Reads and writes the security graph inside system transactions."""

    def __init__(self, system: Database) -> None:
        self.system = system

    def bootstrap(self, initial_password: str | None) -> None:
        """On first open: name constraints, the built-in roles with their privileges, and the admin `neo4j`."""
        txn = self.system.begin()
        for label in ("User", "Role"):
            txn.change_schema(SchemaChange("create_constraint", f"{label.lower()}_name", label=label,
                                           properties=("name",), kind=UNIQUENESS, if_not_exists=True))
        txn.commit()
        txn = self.system.begin()
        try:
            if self._role(txn, PUBLIC) is None:   # a new system database: no privileges to compare with yet
                for role in BUILT_IN_ROLES:
                    txn.create_vertex(["Role"], {"name": role, "immutable": False})
                    for props in _built_in_privileges(role):
                        txn.create_vertex(["Privilege"], dict(props))
            if self._user(txn, ADMIN_USER) is None:
                credentials = hash_password(initial_password) if initial_password is not None else _default_hash()
                self.create_user(txn, ADMIN_USER, credentials, initial_password is None, False, None)
                self.grant_role(txn, "admin", ADMIN_USER)
            txn.commit()
        except BaseException:
            if txn.is_open:
                txn.rollback()
            raise

    # --- reading ---------------------------------------------------------------------------------------------

    def _user(self, txn: Transaction, name: str):
        return next(txn.vertices_by_property("User", "name", name), None)

    def _role(self, txn: Transaction, name: str):
        return next(txn.vertices_by_property("Role", "name", name), None)

    def user(self, txn: Transaction, name: str) -> UserRecord | None:
        vertex = self._user(txn, name)
        return None if vertex is None else self._record(txn, vertex)

    def users(self, txn: Transaction) -> list[UserRecord]:
        return sorted((self._record(txn, v) for v in txn.vertices_with_label("User")), key=lambda u: u.name)

    def _record(self, txn: Transaction, vertex) -> UserRecord:
        props = txn.view(vertex).props
        roles = sorted(txn.view(role).props["name"] for _, role in txn.expand(vertex, "out", ("HAS_ROLE",)))
        return UserRecord(props["name"], props["credentials"], props["passwordChangeRequired"], props["suspended"],
                          props.get("home"), tuple(sorted(set(roles) | {PUBLIC})))

    def role_names(self, txn: Transaction) -> list[str]:
        return sorted(txn.view(v).props["name"] for v in txn.vertices_with_label("Role"))

    def role_exists(self, txn: Transaction, name: str) -> bool:
        return self._role(txn, name) is not None

    def members(self, txn: Transaction, role: str) -> list[str]:
        if role == PUBLIC:
            return [user.name for user in self.users(txn)]
        vertex = self._role(txn, role)
        if vertex is None:
            return []
        return sorted(txn.view(user).props["name"] for _, user in txn.expand(vertex, "in", ("HAS_ROLE",)))

    def rules(self, txn: Transaction, roles=None) -> list[Rule]:
        """The rules of `roles` (every role when None), in a stable order."""
        wanted = None if roles is None else set(roles)
        found = []
        for vertex in txn.vertices_with_label("Privilege"):
            rule = _rule(txn.view(vertex).props)
            if wanted is None or rule.role in wanted:
                found.append(rule)
        return sorted(found, key=lambda r: (r.role, r.scope, r.action, r.target, r.segment or "", r.label,
                                            str(r.properties), str(r.qualifier), r.access))

    # --- users -----------------------------------------------------------------------------------------------

    def create_user(self, txn: Transaction, name: str, credentials: str, change_required: bool, suspended: bool,
                    home: str | None) -> None:
        props = {"name": name, "credentials": credentials, "passwordChangeRequired": change_required,
                 "suspended": suspended}
        if home is not None:
            props["home"] = home
        txn.create_vertex(["User"], props)

    def update_user(self, txn: Transaction, user: str, /, **changes) -> None:
        vertex = self._user(txn, user)
        for key, value in changes.items():
            txn.set_property(vertex, key, value)

    def drop_user(self, txn: Transaction, name: str) -> None:
        txn.delete_vertex(self._user(txn, name), detach=True)

    def grant_role(self, txn: Transaction, role: str, user: str) -> bool:
        """Adds the membership; False if it was there."""
        user_vertex, role_vertex = self._user(txn, user), self._role(txn, role)
        if any(other is role_vertex for _, other in txn.expand(user_vertex, "out", ("HAS_ROLE",))):
            return False
        txn.create_edge(user_vertex, role_vertex, "HAS_ROLE")
        return True

    def revoke_role(self, txn: Transaction, role: str, user: str) -> bool:
        user_vertex, role_vertex = self._user(txn, user), self._role(txn, role)
        for edge, other in list(txn.expand(user_vertex, "out", ("HAS_ROLE",))):
            if other is role_vertex:
                txn.delete_edge(edge)
                return True
        return False

    # --- roles and rules -------------------------------------------------------------------------------------

    def create_role(self, txn: Transaction, name: str) -> None:
        txn.create_vertex(["Role"], {"name": name, "immutable": False})

    def drop_role(self, txn: Transaction, name: str) -> None:
        txn.delete_vertex(self._role(txn, name), detach=True)
        for vertex in list(txn.vertices_with_label("Privilege")):
            if txn.view(vertex).props["role"] == name:
                txn.delete_vertex(vertex)

    def rename_role(self, txn: Transaction, name: str, new_name: str) -> None:
        txn.set_property(self._role(txn, name), "name", new_name)
        for vertex in list(txn.vertices_with_label("Privilege")):
            if txn.view(vertex).props["role"] == name:
                txn.set_property(vertex, "role", new_name)

    def add_rules(self, txn: Transaction, rules) -> int:
        """Stores the rules not already there; returns how many were new."""
        existing = set(self.rules(txn, {rule.role for rule in rules}))
        added = 0
        for rule in rules:
            if rule not in existing:
                txn.create_vertex(["Privilege"], _props(rule))
                existing.add(rule)
                added += 1
        return added

    def remove_rules(self, txn: Transaction, rules, access: str | None) -> int:
        """Removes stored rules equal to `rules` (of either access when `access` is None)."""
        removed = 0
        for vertex in list(txn.vertices_with_label("Privilege")):
            stored = _rule(txn.view(vertex).props)
            if any(stored.same_privilege(rule) and (access is None or stored.access == access) for rule in rules):
                txn.delete_vertex(vertex)
                removed += 1
        return removed


# The hash of Neo4j's well-known first password `neo4j` (which must be changed at first login), made once and
# written here: a fresh process would otherwise spend ~0.1 s of its start hashing it. The salt being the same
# everywhere gives nothing away, since the password itself is public; a test checks that it verifies.
DEFAULT_PASSWORD_HASH = ("scrypt$16384$8$1$90f2d3890b694db675478f6edb201b5a$"
                         "12801eef42167569940b5049bbe1da789d5be60833743f8cb3b927e6b19e5b73")


def _default_hash() -> str:
    return DEFAULT_PASSWORD_HASH


_RULE_FIELDS = [f.name for f in fields(Rule)]


@functools.lru_cache(maxsize=None)
def _built_in_privileges(role: str) -> tuple[dict, ...]:
    """The stored properties of a built-in role's privileges, each once, made once per process."""
    return tuple(_props(rule) for rule in dict.fromkeys(built_in_rules(role)))


def _props(rule: Rule) -> dict:
    props = {}
    for name in _RULE_FIELDS:
        value = getattr(rule, name)
        if value is not None:
            props[name] = list(value) if isinstance(value, tuple) else value
    return props


def _rule(props: dict) -> Rule:
    values = {name: props.get(name) for name in _RULE_FIELDS}
    for name in ("properties", "qualifier"):
        if isinstance(values[name], list):
            values[name] = tuple(values[name])
    values["immutable"] = bool(values["immutable"])
    return Rule(**values)


def not_found(message: str) -> ClientError:
    return ClientError(message, "Neo.ClientError.General.InvalidArguments")
