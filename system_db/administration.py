"""Database administration commands, executed in a transaction of the system database.

Each command changes the catalog (so it commits or rolls back with its transaction) and returns the rows it
shows; the DBMS brings its live databases in line with the catalog after the commit."""
from __future__ import annotations

from typing import Callable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.errors import ClientError
from graphplex.databases.storage import Transaction, check_constraint_checking
from graphplex.system_db.alias_commands import AliasCommands
from graphplex.system_db.catalog import COMPOSITE, SYSTEM, Catalog, DatabaseEntry, normalise
from graphplex.system_db.parameters import text

DATABASE_COLUMNS = ["name", "type", "aliases", "access", "address", "role", "writer", "requestedStatus",
                    "currentStatus", "statusMessage", "default", "home", "constituents"]
DATABASE_EXTRA_COLUMNS = ["databaseID", "serverID", "currentPrimariesCount", "currentSecondariesCount",
                          "requestedPrimariesCount", "requestedSecondariesCount", "creationTime", "lastStartTime",
                          "lastStopTime", "store", "lastCommittedTxn", "replicationLag", "options"]


class Administration:
    """Runs database administration commands against the catalog. `resolve` turns a name or parameter into a
    name; `home_database` is the current user's home (or the default database)."""

    def __init__(self, catalog: Catalog, storage_mode: Callable[[], str], aliases: AliasCommands,
                 address: str = "localhost:7687") -> None:
        self.catalog = catalog
        self.aliases = aliases
        self.storage_mode = storage_mode
        self.address = address

    def execute(self, statement: ast.Statement, txn: Transaction, parameters: dict, home_database: str) -> int:
        """Applies a database command; returns the number of system updates."""
        name = resolve_name(statement.name, parameters)
        catalog = self.catalog
        existing = catalog.entry(txn, name)
        if isinstance(statement, ast.CreateDatabase):
            composite = isinstance(statement, ast.CreateCompositeDatabase)
            if catalog.name_taken(txn, name) is not None:
                if statement.if_not_exists:
                    return 0
                if existing is None or not statement.or_replace:
                    raise ClientError(f"Failed to create the specified database '{name}': Database name or alias "
                                      "already exists.", "Neo.ClientError.Database.ExistingDatabaseFound")
                self._check_droppable(existing, "delete")
                self._drop(txn, existing, cascade=False)
            options = {} if composite else creation_options(statement.options, parameters)
            catalog.create(txn, name, self.storage_mode(), **options, type_=COMPOSITE if composite else "standard")
            return 1 + (existing is not None)
        if existing is None:
            if getattr(statement, "if_exists", False):
                return 0
            verb = {ast.DropDatabase: "delete", ast.DropCompositeDatabase: "delete", ast.StartDatabase: "start",
                    ast.StopDatabase: "stop", ast.AlterDatabase: "alter"}[type(statement)]
            raise ClientError(f"Failed to {verb} the specified database '{name}': Database does not exist.",
                              "Neo.ClientError.Database.DatabaseNotFound")
        if isinstance(statement, ast.DropDatabase):
            self._check_droppable(existing, "delete")
            if isinstance(statement, ast.DropCompositeDatabase) and not existing.composite:
                raise ClientError(f"Failed to delete the specified composite database '{name}': Database '{name}' "
                                  "is not a composite database.", "Neo.ClientError.Database.DatabaseNotFound")
            self._drop(txn, existing, statement.cascade_aliases)
            return 1
        if isinstance(statement, ast.StartDatabase):
            if existing.status == "online":
                return 0
            catalog.update(txn, name, status="online")
            return 1
        if isinstance(statement, ast.StopDatabase):
            if existing.name == SYSTEM:
                raise ClientError("Not allowed to stop system database.",
                                  "Neo.ClientError.Statement.UnsupportedAdministrationCommand")
            if existing.status == "offline":
                return 0
            catalog.update(txn, name, status="offline")
            return 1
        access = "read-only" if statement.access == "READ ONLY" else "read-write"
        if existing.composite:
            raise ClientError(f"Failed to alter the specified database '{name}': Composite databases cannot be "
                              "altered.", "Neo.ClientError.Statement.UnsupportedAdministrationCommand")
        if existing.name == SYSTEM:
            raise ClientError("Not allowed to alter system database.",
                              "Neo.ClientError.Statement.UnsupportedAdministrationCommand")
        if existing.access == access:
            return 0
        catalog.update(txn, name, access=access)
        return 1

    def _drop(self, txn: Transaction, entry: DatabaseEntry, cascade: bool) -> None:
        """Drops a database; the aliases that name it (a composite's constituents, a database's local aliases) go
        with it when `cascade`, and otherwise keep it from being dropped, as in Neo4j."""
        aliases = self.aliases.aliases_of(txn, entry.name, entry.composite)
        if aliases and not cascade:
            kind, owner = ("composite database", "Composite database has one or more constituent aliases") \
                if entry.composite else ("database", "Database has one or more aliases")
            listed = ", ".join(f"'{name}'" for name in aliases)
            raise ClientError(f"Failed to delete the specified {kind} '{entry.name}': {owner}. Drop the aliases: "
                              f"[{listed}] before dropping the database.",
                              "Neo.ClientError.Database.ExistingAliasFound")
        self.aliases.drop_named(txn, aliases)
        self.catalog.drop(txn, entry.name)

    def _check_droppable(self, entry: DatabaseEntry, verb: str) -> None:
        if entry.name == SYSTEM:
            raise ClientError(f"Not allowed to {verb} system database.",
                              "Neo.ClientError.Statement.UnsupportedAdministrationCommand")
        if entry.default:
            raise ClientError(f"Not allowed to {verb} the default database '{entry.name}'.",
                              "Neo.ClientError.Statement.UnsupportedAdministrationCommand")

    def show_rows(self, statement: ast.ShowDatabases, ctx: ExecutionContext, home_database: str) -> list[dict]:
        """The rows of SHOW DATABASE(S), one per database, in name order."""
        name = resolve_name(statement.name, ctx.parameters) if statement.name is not None else None
        rows = []
        aliases = self.catalog.aliases.entries(ctx.txn)
        named = next((alias for alias in aliases if alias.name == name and not alias.is_remote), None)
        if named is not None:   # SHOW DATABASE alias: its target's row, as in Neo4j
            name = named.target
        for entry in self.catalog.entries(ctx.txn):
            if statement.scope == "NAMED" and entry.name != name:
                continue
            if statement.scope == "DEFAULT" and not entry.default:
                continue
            if statement.scope == "HOME" and entry.name != home_database:
                continue
            composite = entry.composite
            row = {
                "name": entry.name, "type": entry.type,
                "aliases": [a.name for a in aliases if not a.is_remote and a.target == entry.name],
                "access": "read-only" if composite else entry.access, "address": self.address,
                "role": None if composite else "primary", "writer": not composite,
                "requestedStatus": entry.status, "currentStatus": entry.status, "statusMessage": "",
                "default": entry.default, "home": entry.name == home_database,
                "constituents": [a.name for a in aliases if a.composite == entry.name],
                "databaseID": entry.uuid, "serverID": "graphplex",
                "currentPrimariesCount": None if composite else 1, "currentSecondariesCount": None if composite else 0,
                "requestedPrimariesCount": None if composite else 1,
                "requestedSecondariesCount": None if composite else 0,
                "creationTime": entry.created, "lastStartTime": entry.created, "lastStopTime": None,
                "store": None if composite else entry.storage_mode, "lastCommittedTxn": None, "replicationLag": 0,
                "options": None if composite else {"storageMode": entry.storage_mode, **(
                    {"constraintChecking": entry.constraint_checking} if entry.constraint_checking else {})},
            }
            rows.append(row)
        return rows


def creation_options(options: ast.Expr | None, parameters: dict) -> dict:
    """The OPTIONS of CREATE DATABASE that graphplex acts on, as keyword arguments of `Catalog.create`:
    `constraintChecking` ('statement' or 'commit'). Neo4j's own options (seeding, store formats) mean nothing to
    an embedded DBMS and are left alone."""
    if not isinstance(options, ast.MapLiteral):
        return {}
    chosen = {}
    for key, value in options.items:
        if key != "constraintChecking":
            continue
        if isinstance(value, ast.Parameter):
            value = parameters.get(value.name)
        elif isinstance(value, ast.Literal):
            value = value.value
        chosen["constraint_checking"] = check_constraint_checking(
            value, "The option constraintChecking", "Neo.ClientError.Statement.ArgumentError")
    return chosen


def resolve_name(name, parameters: dict) -> str:
    """A database name written as a name or a `$parameter`."""
    return normalise(text(name, parameters, "database name"))
