"""User, role and privilege commands, executed in a transaction of the system database, with Neo4j 5's rules
and messages. SHOW commands return rows (dicts with every column); the others return their update count."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from graphplex.databases.cypher import ast
from graphplex.databases.errors import ClientError
from graphplex.databases.storage import Transaction
from graphplex.system_db.parameters import text
from graphplex.system_db.security.memgraph_privileges import granted_rules, mapped_names, revoked_rules
from graphplex.system_db.security.model import DENIED, GRANTED
from graphplex.system_db.security.passwords import checked_hash, hash_password, verify_password
from graphplex.system_db.security.rules import command_of, privilege_row, rules_of
from graphplex.system_db.security.store import PUBLIC, SecurityStore, not_found

USER_COLUMNS = ["user", "roles", "passwordChangeRequired", "suspended", "home"]
ROLE_COLUMNS = ["role"]
ROLE_EXTRA_COLUMNS = ["immutable"]


class SecurityCommands:
    """Runs one security statement for `current_user` (the user whose session sent it). `graph_named` gives the
    database (or remote alias) a privilege's target names, None when nothing of the DBMS has that name."""

    def __init__(self, store: SecurityStore, graph_named: Callable[[str], str | None]) -> None:
        self.store = store
        self.graph_named = graph_named

    # --- users -----------------------------------------------------------------------------------------------

    def execute(self, statement, txn: Transaction, parameters: dict, current_user: str) -> int:
        handler = getattr(self, "_" + type(statement).__name__)
        return handler(statement, txn, parameters, current_user)

    def _CreateUser(self, statement: ast.CreateUser, txn, parameters, current_user) -> int:
        name = text(statement.name, parameters, "user name")
        existing = self.store.user(txn, name)
        if existing is not None:
            if statement.if_not_exists:
                return 0
            if not statement.or_replace:
                raise ClientError(f"Failed to create the specified user '{name}': User already exists.",
                                  "Neo.ClientError.General.InvalidArguments")
            if name == current_user:
                raise ClientError(f"Failed to replace the specified user '{name}': Deleting yourself is not "
                                  "allowed.", "Neo.ClientError.General.InvalidArguments")
            self.store.drop_user(txn, name)
        settings = statement.settings
        if settings.password is None:
            raise ClientError(f"Failed to create the specified user '{name}': A password is required.",
                              "Neo.ClientError.General.InvalidArguments")
        self.store.create_user(txn, name, self._credentials(settings, parameters),
                               settings.change_required is not False, settings.status == "SUSPENDED",
                               self._home(settings, parameters))
        return 1 + (existing is not None)

    def _credentials(self, settings: ast.UserSettings, parameters: dict) -> str:
        password = text(settings.password, parameters, "password")
        return checked_hash(password) if settings.encrypted else hash_password(password)

    def _home(self, settings: ast.UserSettings, parameters: dict) -> str | None:
        if settings.home_database is None:
            return None
        return text(settings.home_database, parameters, "database name").lower()

    def _AlterUser(self, statement: ast.AlterUser, txn, parameters, current_user) -> int:
        name = text(statement.name, parameters, "user name")
        user = self.store.user(txn, name)
        if user is None:
            if statement.if_exists:
                return 0
            raise not_found(f"Failed to alter the specified user '{name}': User does not exist.")
        settings = statement.settings
        changes: dict = {}
        if settings.password is not None:
            if not settings.encrypted and verify_password(text(settings.password, parameters, "password"),
                                                          user.credentials):
                raise ClientError(f"Failed to alter the specified user '{name}': Old password and new password "
                                  "cannot be the same.", "Neo.ClientError.General.InvalidArguments")
            changes["credentials"] = self._credentials(settings, parameters)
        if settings.change_required is not None:
            changes["passwordChangeRequired"] = settings.change_required
        if settings.status is not None:
            if name == current_user and settings.status == "SUSPENDED":
                raise ClientError(f"Failed to alter the specified user '{name}': Changing your own activation "
                                  "status is not allowed.", "Neo.ClientError.General.InvalidArguments")
            changes["suspended"] = settings.status == "SUSPENDED"
        if settings.home_database is not None:
            changes["home"] = self._home(settings, parameters)
        if settings.remove_home_database:
            changes["home"] = None
        self.store.update_user(txn, name, **changes)
        return 1 if changes else 0

    def _DropUser(self, statement: ast.DropUser, txn, parameters, current_user) -> int:
        name = text(statement.name, parameters, "user name")
        if self.store.user(txn, name) is None:
            if statement.if_exists:
                return 0
            raise not_found(f"Failed to delete the specified user '{name}': User does not exist.")
        if name == current_user:
            raise ClientError(f"Failed to delete the specified user '{name}': Deleting yourself is not allowed.",
                              "Neo.ClientError.General.InvalidArguments")
        self.store.drop_user(txn, name)
        return 1

    def _RenameUser(self, statement: ast.RenameUser, txn, parameters, current_user) -> int:
        name = text(statement.name, parameters, "user name")
        new_name = text(statement.new_name, parameters, "user name")
        prefix = f"Failed to rename the specified user '{name}' to '{new_name}'"
        if self.store.user(txn, name) is None:
            if statement.if_exists:
                return 0
            raise not_found(f"{prefix}: The user '{name}' does not exist.")
        if self.store.user(txn, new_name) is not None:
            raise ClientError(f"{prefix}: User '{new_name}' already exists.", "Neo.ClientError.General.InvalidArguments")
        if name == current_user:
            raise ClientError(f"{prefix}: Renaming yourself is not allowed.", "Neo.ClientError.General.InvalidArguments")
        self.store.update_user(txn, name, name=new_name)
        return 1

    def _AlterCurrentUserPassword(self, statement, txn, parameters, current_user) -> int:
        user = self.store.user(txn, current_user)
        old = text(statement.old_password, parameters, "password")
        new = text(statement.new_password, parameters, "password")
        prefix = f"User '{current_user}' failed to alter their own password"
        if user is None or not verify_password(old, user.credentials):
            raise ClientError(f"{prefix}: Invalid principal or credentials.", "Neo.ClientError.General.InvalidArguments")
        if old == new:
            raise ClientError(f"{prefix}: Old password and new password cannot be the same.",
                              "Neo.ClientError.General.InvalidArguments")
        self.store.update_user(txn, current_user, credentials=hash_password(new), passwordChangeRequired=False)
        return 1

    # --- roles -----------------------------------------------------------------------------------------------

    def _CreateRole(self, statement: ast.CreateRole, txn, parameters, current_user) -> int:
        name = text(statement.name, parameters, "role name")
        exists = self.store.role_exists(txn, name)
        if exists:
            if statement.if_not_exists:
                return 0
            if not statement.or_replace:
                raise ClientError(f"Failed to create the specified role '{name}': Role already exists.",
                                  "Neo.ClientError.General.InvalidArguments")
            self._check_not_public(name, "replace")
            self.store.drop_role(txn, name)
        copied = []
        if statement.copy_of is not None:
            source = text(statement.copy_of, parameters, "role name")
            if not self.store.role_exists(txn, source):
                raise not_found(f"Failed to create a role as copy of '{source}': Role does not exist.")
            copied = [_with_role(rule, name) for rule in self.store.rules(txn, {source})]
        self.store.create_role(txn, name)
        self.store.add_rules(txn, copied)
        return 1 + exists

    def _check_not_public(self, name: str, verb: str) -> None:
        if name == PUBLIC:
            raise ClientError(f"Failed to {verb} the specified role '{name}': '{name}' is a reserved role and cannot "
                              f"be {verb}d.", "Neo.ClientError.General.InvalidArguments")

    def _DropRole(self, statement: ast.DropRole, txn, parameters, current_user) -> int:
        name = text(statement.name, parameters, "role name")
        if not self.store.role_exists(txn, name):
            if statement.if_exists:
                return 0
            raise not_found(f"Failed to delete the specified role '{name}': Role does not exist.")
        if name == PUBLIC:
            raise ClientError(f"Failed to delete the specified role '{name}': '{name}' is a reserved role and "
                              "cannot be dropped.", "Neo.ClientError.General.InvalidArguments")
        self.store.drop_role(txn, name)
        return 1

    def _RenameRole(self, statement: ast.RenameRole, txn, parameters, current_user) -> int:
        name = text(statement.name, parameters, "role name")
        new_name = text(statement.new_name, parameters, "role name")
        prefix = f"Failed to rename the specified role '{name}' to '{new_name}'"
        if not self.store.role_exists(txn, name):
            if statement.if_exists:
                return 0
            raise not_found(f"{prefix}: The role '{name}' does not exist.")
        if self.store.role_exists(txn, new_name):
            raise ClientError(f"{prefix}: Role '{new_name}' already exists.", "Neo.ClientError.General.InvalidArguments")
        if name == PUBLIC:
            raise ClientError(f"{prefix}: '{PUBLIC}' is a reserved role and cannot be renamed.",
                              "Neo.ClientError.General.InvalidArguments")
        self.store.rename_role(txn, name, new_name)
        return 1

    def _GrantRoles(self, statement: ast.GrantRoles, txn, parameters, current_user) -> int:
        return self._memberships(statement, txn, parameters, grant=True)

    def _RevokeRoles(self, statement: ast.RevokeRoles, txn, parameters, current_user) -> int:
        return self._memberships(statement, txn, parameters, grant=False)

    def _memberships(self, statement, txn, parameters, grant: bool) -> int:
        verb, direction = ("grant", "to") if grant else ("revoke", "from")
        changed = 0
        for role_name in statement.roles:
            role = text(role_name, parameters, "role name")
            for user_name in statement.users:
                user = text(user_name, parameters, "user name")
                prefix = f"Failed to {verb} role '{role}' {direction} user '{user}'"
                if role == PUBLIC:
                    raise ClientError(f"{prefix}: '{PUBLIC}' is a reserved role and cannot be {verb}ed.",
                                      "Neo.ClientError.General.InvalidArguments")
                if not self.store.role_exists(txn, role):
                    raise not_found(f"{prefix}: Role does not exist.")
                if self.store.user(txn, user) is None:
                    raise not_found(f"{prefix}: User does not exist.")
                done = self.store.grant_role(txn, role, user) if grant else self.store.revoke_role(txn, role, user)
                changed += done
        return changed

    # --- privileges ------------------------------------------------------------------------------------------

    def _PrivilegeCommand(self, statement: ast.PrivilegeCommand, txn, parameters, current_user) -> int:
        changed = 0
        for role_name in statement.roles:
            role = text(role_name, parameters, "role name")
            if not self.store.role_exists(txn, role):
                verb = {"GRANT": "grant", "DENY": "deny", "REVOKE": "revoke"}[statement.action]
                raise not_found(f"Failed to {verb} {statement.privilege.name.lower()} privilege "
                                f"{'from' if verb == 'revoke' else 'to'} role '{role}': Role does not exist.")
            privilege = self._on_graphs(statement.privilege, revoke=statement.action == "REVOKE")
            if statement.action == "REVOKE":
                access = {"GRANT": GRANTED, "DENY": DENIED}.get(statement.revoke_kind)
                changed += self.store.remove_rules(txn, rules_of(privilege, GRANTED, role), access)
            else:
                access = GRANTED if statement.action == "GRANT" else DENIED
                changed += self.store.add_rules(txn, rules_of(privilege, access, role))
        return changed

    def _on_graphs(self, privilege: ast.Privilege, revoke: bool) -> ast.Privilege:
        """The privilege on what its targets name: a local alias stands for its target (privileges are the
        database's, not the alias's, as in Neo4j), a remote alias for itself. A name of nothing is refused,
        except by REVOKE (a rule on a dropped database can still go)."""
        named = _named_targets(privilege)
        if not named:
            return privilege
        targets = []
        for written, name in zip(privilege.targets, named):
            graph = self.graph_named(name)
            if graph is None and not revoke:
                raise ClientError(f"Database '{name}' does not exist.", "Neo.ClientError.Database.DatabaseNotFound")
            targets.append(written if graph in (None, name) else graph)
        return replace(privilege, targets=tuple(targets))

    def _MemgraphPrivilegeCommand(self, statement: ast.MemgraphPrivilegeCommand, txn, parameters,
                                  current_user) -> int:
        name = text(statement.target, parameters, "user or role name")
        names = mapped_names(statement.privileges)
        if statement.action == "REVOKE":
            if not self._holds(txn, name, statement.target_kind, create=False):
                return 0
            return self.store.remove_rules(txn, revoked_rules(names, name, self.store.rules(txn, {name})), None)
        access, replaced = (GRANTED, DENIED) if statement.action == "GRANT" else (DENIED, GRANTED)
        self._holds(txn, name, statement.target_kind, create=True)
        rules = granted_rules(names, access, name)
        return self.store.remove_rules(txn, rules, replaced) + self.store.add_rules(txn, rules)

    def _holds(self, txn, name: str, kind: str | None, create: bool) -> bool:
        """Whether the role `name` that holds Memgraph's grants to `name` is there: a user's own role (of the
        user's name, created and assigned to them when `create`), else the role `name`; `kind` USER or ROLE
        looks for that one only."""
        if kind == "ROLE" or self.store.user(txn, name) is None:
            if kind != "USER" and self.store.role_exists(txn, name):
                return True
            raise not_found(f"User or role '{name}' doesn't exist.")
        if create:
            if not self.store.role_exists(txn, name):
                self.store.create_role(txn, name)
            self.store.grant_role(txn, name, name)
        return self.store.role_exists(txn, name)

    # --- SHOW ------------------------------------------------------------------------------------------------

    def user_rows(self, txn: Transaction, current_user: str | None) -> list[dict]:
        """SHOW USERS (all) or SHOW CURRENT USER (`current_user`)."""
        return [{"user": user.name, "roles": list(user.roles), "passwordChangeRequired": user.password_change_required,
                 "suspended": user.suspended, "home": user.home}
                for user in self.store.users(txn) if current_user is None or user.name == current_user]

    def role_rows(self, statement: ast.ShowRoles, txn: Transaction) -> list[dict]:
        rows = []
        for role in self.store.role_names(txn):
            members = self.store.members(txn, role)
            if statement.populated and not members:
                continue
            if statement.with_users:
                rows.extend({"role": role, "immutable": False, "member": member} for member in (members or [None]))
            else:
                rows.append({"role": role, "immutable": False})
        return rows

    def privilege_rows(self, statement: ast.ShowPrivileges, txn: Transaction, parameters: dict,
                       current_user: str) -> list[dict]:
        names = [text(name, parameters, "name") for name in statement.names]
        if statement.filter == "USER":
            users = names or [current_user]
            selected = []
            for user_name in users:
                user = self.store.user(txn, user_name)
                if user is None:
                    continue
                for rule in self.store.rules(txn, set(user.roles)):
                    selected.append((rule, {"user": user_name}))
        else:
            roles = set(names) if statement.filter == "ROLE" else None
            selected = [(rule, {}) for rule in self.store.rules(txn, roles)]
        if statement.as_commands:
            return [{"command": command_of(rule, statement.as_revoke), "immutable": rule.immutable, **extra}
                    for rule, extra in selected]
        return [{**privilege_row(rule), **extra} for rule, extra in selected]


def _with_role(rule, role: str):
    return replace(rule, role=role)


def _named_targets(privilege: ast.Privilege) -> tuple:
    if privilege.scope not in ("GRAPH", "DATABASE") or isinstance(privilege.targets, str):
        return ()
    return tuple(target.lower() for target in privilege.targets)
