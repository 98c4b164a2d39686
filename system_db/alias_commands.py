"""CREATE, ALTER, DROP and SHOW ALIAS: the aliases of the catalog, changed in the caller's system transaction.

The rules are Neo4j 5's: an alias's name is taken by no database and no other alias; a local alias names a
standard database of this DBMS; a remote one a database behind a `neo4j://` or `bolt://` URL, reached with a
user and a password kept encrypted; an alias `c.part` of a composite database `c` is one of its constituents."""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from graphplex.databases.cypher import ast
from graphplex.databases.errors import ClientError
from graphplex.databases.values import Duration
from graphplex.databases.storage import Transaction
from graphplex.system_db.aliases import AliasCatalog, AliasEntry, AliasSecrets
from graphplex.system_db.catalog import SYSTEM, Catalog
from graphplex.system_db.names import normalise
from graphplex.system_db.parameters import map_value, text

ALIAS_COLUMNS = ["name", "composite", "database", "location", "url", "user"]
ALIAS_EXTRA_COLUMNS = ["driver", "properties"]
URL_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
SECURE_SCHEMES = ("neo4j+s", "neo4j+ssc", "bolt+s", "bolt+ssc")
# The driver settings a remote alias may carry, under Neo4j 5's names (`graphplex.remote` gives them to the
# driver): the durations are kept in seconds and shown as durations.
DURATION_SETTINGS = ("connection_timeout", "connection_max_lifetime", "connection_pool_acquisition_timeout",
                     "connection_pool_idle_test")
LOGGING_LEVELS = ("DEBUG", "INFO", "WARN", "ERROR", "NONE")
DRIVER_SETTINGS = ("ssl_enforced", *DURATION_SETTINGS, "connection_pool_max_size", "logging_level")


class AliasCommands:
    """Runs alias commands against the catalog; `secrets` encrypts remote passwords before they are stored."""

    def __init__(self, catalog: Catalog, secrets: AliasSecrets) -> None:
        self.catalog = catalog
        self.aliases: AliasCatalog = catalog.aliases
        self.secrets = secrets

    def execute(self, statement: ast.Statement, txn: Transaction, parameters: dict) -> int:
        """Applies an alias command; returns the number of system updates."""
        name = normalise(text(statement.name, parameters, "alias name"))
        existing = self.aliases.entry(txn, name)
        if isinstance(statement, ast.CreateAlias):
            return self._create(statement, txn, parameters, name, existing)
        if existing is None:
            if statement.if_exists:
                return 0
            verb = "delete" if isinstance(statement, ast.DropAlias) else "alter"
            raise ClientError(f"Failed to {verb} the specified database alias '{name}': Database alias does not "
                              "exist.", "Neo.ClientError.Database.DatabaseNotFound")
        if isinstance(statement, ast.DropAlias):
            self.aliases.drop(txn, name)
            return 1
        return self._alter(statement, txn, parameters, existing)

    def _create(self, statement: ast.CreateAlias, txn: Transaction, parameters: dict, name: str,
                existing: AliasEntry | None) -> int:
        taken = self.catalog.name_taken(txn, name)
        if taken is not None:
            if statement.if_not_exists:
                return 0
            if taken == "database":
                raise ClientError(f"Failed to create the specified database alias '{name}': Database exists with "
                                  "that name.", "Neo.ClientError.Database.ExistingDatabaseFound")
            if not statement.or_replace:
                raise ClientError(f"Failed to create the specified database alias '{name}': Database name or alias "
                                  "already exists.", "Neo.ClientError.Database.ExistingDatabaseFound")
        check_alias_name(name)
        alias = AliasEntry(name, normalise(text(statement.target, parameters, "database name")),
                           self._composite_of(txn, name), properties=_properties(statement.properties, parameters))
        if statement.url is not None:
            alias = replace(alias, **self._remote(statement, parameters, name))
        else:
            self._check_local_target(txn, alias, "create")
        if existing is not None:
            self.aliases.drop(txn, name)
        self.aliases.put(txn, alias)
        return 1 + (existing is not None)

    def _alter(self, statement: ast.AlterAlias, txn: Transaction, parameters: dict, alias: AliasEntry) -> int:
        changes: dict = {}
        if statement.target is not None:
            changes["target"] = normalise(text(statement.target, parameters, "database name"))
        if statement.properties is not None:
            changes["properties"] = _properties(statement.properties, parameters)
        remote_only = (statement.url, statement.user, statement.password, statement.driver)
        if not alias.is_remote and any(value is not None for value in remote_only):
            raise _alter_failed(alias.name, "alter a local alias to a remote alias is not supported.")
        if alias.is_remote and statement.target is not None and statement.url is None:
            raise _alter_failed(alias.name, "url needs to be defined to alter a remote alias target.")
        if statement.url is not None:
            changes["url"] = _url(text(statement.url, parameters, "URL"), alias.name)
        if statement.user is not None:
            changes["user"] = text(statement.user, parameters, "user name")
        if statement.password is not None:
            changes["password"] = self.secrets.encrypt(text(statement.password, parameters, "password"))
        if statement.driver is not None:
            changes["driver"] = _driver(statement.driver, parameters)
        altered = replace(alias, **changes)
        if altered.is_remote:
            _check_secure(altered.url, altered.driver)
        else:
            self._check_local_target(txn, altered, "alter")
        if altered == alias:
            return 0
        self.aliases.put(txn, altered)
        return 1

    def _remote(self, statement: ast.CreateAlias, parameters: dict, name: str) -> dict:
        url, driver = _url(text(statement.url, parameters, "URL"), name), _driver(statement.driver, parameters)
        _check_secure(url, driver)
        return {"url": url, "user": text(statement.user, parameters, "user name"),
                "password": self.secrets.encrypt(text(statement.password, parameters, "password")),
                "driver": driver}

    def _composite_of(self, txn: Transaction, name: str) -> str | None:
        """The composite database `name` is a constituent of: the one its part before the first dot names."""
        if "." not in name:
            return None
        entry = self.catalog.entry(txn, name.split(".", 1)[0])
        return entry.name if entry is not None and entry.composite else None

    def _check_local_target(self, txn: Transaction, alias: AliasEntry, verb: str) -> None:
        target = self.catalog.entry(txn, alias.target)
        if target is None:
            raise ClientError(f"Failed to {verb} the specified database alias '{alias.name}': Database "
                              f"'{alias.target}' does not exist.", "Neo.ClientError.Database.DatabaseNotFound")
        if target.composite:
            raise ClientError(f"Failed to {verb} the specified database alias '{alias.name}': Database "
                              f"'{target.name}' is composite.", "Neo.ClientError.Statement.ArgumentError")
        if target.name == SYSTEM:
            raise ClientError(f"Failed to {verb} the specified database alias '{alias.name}': an alias cannot "
                              "target the system database.", "Neo.ClientError.Statement.ArgumentError")

    def aliases_of(self, txn: Transaction, database: str, composite: bool) -> list[str]:
        """The aliases that stand in the way of dropping a database, by name: a composite's constituents, or the
        local aliases of a standard database (remote aliases name databases elsewhere)."""
        return [alias.name for alias in self.aliases.entries(txn)
                if ((alias.composite == database) if composite else (not alias.is_remote and alias.target == database))]

    def drop_named(self, txn: Transaction, names: list[str]) -> None:
        for name in names:
            self.aliases.drop(txn, name)

    def show_rows(self, statement: ast.ShowAliases, txn: Transaction, parameters: dict) -> list[dict]:
        """The rows of SHOW ALIASES FOR DATABASE, in name order: never a password."""
        wanted = normalise(text(statement.name, parameters, "alias name")) if statement.name is not None else None
        return [{"name": alias.name, "composite": alias.composite, "database": alias.target,
                 "location": alias.location, "url": alias.url, "user": alias.user,
                 "driver": shown_driver(alias.driver) if alias.is_remote else None, "properties": dict(alias.properties)}
                for alias in self.aliases.entries(txn) if wanted is None or alias.name == wanted]


def check_alias_name(name: str) -> None:
    """Neo4j's rules for an alias's name: any identifier up to 65,534 characters, not ending with a dot (a dot
    separates a composite's name from a constituent's), not starting with `system` or `_` (reserved)."""
    if len(name) > 65534:
        raise ClientError("The provided alias is to long, maximum characters are 65534.",
                          "Neo.ClientError.Statement.ArgumentError")
    if not name or name.endswith(".") or name.startswith(("system", "_")):
        raise ClientError(f"Could not create alias with specified name '{name}': the name is empty, ends with a "
                          "dot, or is reserved (names starting with 'system' or '_').",
                          "Neo.ClientError.Statement.ArgumentError")


def _alter_failed(name: str, reason: str) -> ClientError:
    return ClientError(f"Failed to alter the specified database alias '{name}': {reason}",
                       "Neo.ClientError.Statement.ArgumentError")


def _url(url: str, alias: str) -> str:
    """A remote alias's URL: a Bolt scheme, a host, a port if any in range, and no credentials (they would show in
    SHOW ALIASES and in errors: USER and PASSWORD carry them)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port   # a malformed host, or a port out of range, raises ValueError
    except ValueError:
        raise ClientError("Could not validate remote database alias url.",
                          "Neo.ClientError.Statement.ArgumentError") from None
    if parts.scheme.lower() not in URL_SCHEMES:
        raise ClientError(f"The provided url '{url}' has an invalid scheme. Please use one of the following schemes: "
                          f"{', '.join(URL_SCHEMES)}.", "Neo.ClientError.Statement.ArgumentError")
    if not host or port == 0:
        raise ClientError(f"The provided url '{url}' names no host and port.", "Neo.ClientError.Statement.ArgumentError")
    if parts.username is not None or parts.password is not None:
        raise ClientError("The provided url of a remote alias may not hold credentials: give them with USER and "
                          "PASSWORD.", "Neo.ClientError.Statement.ArgumentError")
    return url


def _check_secure(url: str, driver: dict) -> None:
    """A remote alias encrypts its connection unless its DRIVER settings say `ssl_enforced: false`, as in Neo4j."""
    if driver.get("ssl_enforced", True) is not False and urlsplit(url).scheme.lower() not in SECURE_SCHEMES:
        raise ClientError(f"The provided url '{url}' is not a secure scheme. Please use one of the following schemes: "
                          f"{', '.join(SECURE_SCHEMES)}.", "Neo.ClientError.Statement.ArgumentError")


def _driver(expr: ast.Expr | None, parameters: dict) -> dict:
    """The DRIVER settings, checked and stored as plain values (durations in seconds)."""
    settings = {}
    for key, value in _map(expr, parameters, "DRIVER").items():
        if key in DURATION_SETTINGS:
            seconds = _seconds(value)
            if seconds is None:
                raise _bad_setting(key, value, "a duration of zero or more")
            settings[key] = seconds
        elif key == "ssl_enforced" and isinstance(value, bool):
            settings[key] = value
        elif key == "connection_pool_max_size" and isinstance(value, int) and not isinstance(value, bool) \
                and value > 0:
            settings[key] = value
        elif key == "logging_level" and isinstance(value, str) and value.upper() in LOGGING_LEVELS:
            settings[key] = value.upper()
        elif key not in DRIVER_SETTINGS:
            raise ClientError(f"Unrecognised driver setting {key}: expected any of {', '.join(DRIVER_SETTINGS)}.",
                              "Neo.ClientError.Statement.ArgumentError")
        else:
            raise _bad_setting(key, value, {"ssl_enforced": "a boolean",
                                            "connection_pool_max_size": "a positive integer",
                                            "logging_level": f"one of {', '.join(LOGGING_LEVELS)}"}[key])
    return settings


def _seconds(value) -> float | None:
    """A setting's duration in seconds; None for anything else, a negative duration too (no timeout or lifetime
    is shorter than nothing)."""
    if isinstance(value, Duration):
        value = (value.months * 30 * 86400 + value.days * 86400 + value.seconds) + value.nanoseconds / 1e9
    elif not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    return value if value >= 0 else None


def _bad_setting(key: str, value, expected: str) -> ClientError:
    return ClientError(f"Invalid value {value!r} for the driver setting {key}: expected {expected}.",
                       "Neo.ClientError.Statement.ArgumentError")


def shown_driver(settings: dict) -> dict:
    """The DRIVER settings as SHOW ALIASES shows them: durations as durations."""
    return {key: Duration(seconds=int(value), nanoseconds=round((value % 1) * 1e9)) if key in DURATION_SETTINGS
            else value for key, value in settings.items()}


def _properties(expr: ast.Expr | None, parameters: dict) -> dict:
    """An alias's PROPERTIES, its keys lower-cased as Neo4j stores them (`{nameContainsSpace: true}` is shown
    as `{namecontainsspace: TRUE}`)."""
    return {key.lower(): value for key, value in _map(expr, parameters, "PROPERTIES").items()}


def _map(expr: ast.Expr | None, parameters: dict, clause: str) -> dict:
    if expr is None:
        return {}
    value = map_value(expr, parameters)
    if not isinstance(value, dict):
        raise ClientError(f"{clause} expects a map, not {value!r}", "Neo.ClientError.Statement.TypeError")
    return value
