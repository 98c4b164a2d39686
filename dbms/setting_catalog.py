"""The settings as SHOW SETTINGS and `dbms.listConfig` list them: graphplex's own (the keyword arguments of
`DBMS.open`) and, under Neo4j 5's names, those applications read to learn how the server behaves (the default
database, whether auth is on, timeouts). Every row comes from the live `Settings`; values are strings, as Neo4j
gives them."""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Callable

from graphplex.settings import Settings

if TYPE_CHECKING:
    from graphplex.dbms import DBMS

# (description, valid values) of graphplex's settings; `initial_password` is left out: a secret is never listed.
# Every other field of `Settings` has its entry here (tests/dbms/test_setting_catalog.py checks it).
_OWN = {
    "default_database": ("The database a session uses when it names none.", "A database name"),
    "auth_enabled": ("Whether users must log in.", "A boolean"),
    "isolation_level": ("The isolation level of new transactions (SET GLOBAL TRANSACTION ISOLATION LEVEL "
                        "changes it).", "One of [SNAPSHOT_ISOLATION, READ_COMMITTED, READ_UNCOMMITTED]"),
    "storage_mode": ("The storage mode of new databases.",
                     "One of [IN_MEMORY_TRANSACTIONAL, IN_MEMORY_ANALYTICAL, ON_DISK_TRANSACTIONAL]"),
    "transaction_timeout": ("Seconds a transaction may run before it is terminated (null: no limit).",
                            "A number of seconds, or null"),
    "transaction_memory_max": ("Bytes of changes one transaction may hold (null: no limit).",
                               "A number of bytes, or null"),
    "lock_acquisition_timeout": ("Seconds a transaction waits for a lock before it fails.", "A number of seconds"),
    "import_dir": ("The only directory LOAD CSV may read files from (null: none).", "A path, or null"),
    "bookmark_ready_timeout": ("Seconds a transaction waits for the commits its bookmarks name.",
                               "A number of seconds"),
    "durability": ("How a commit reaches the disk before it returns.", "One of [fsync, flush, none]"),
    "constraint_checking": ("When uniqueness and key constraints are checked: at the end of each statement (as "
                            "Neo4j) or at commit (as Memgraph).", "One of [statement, commit]"),
    "auth_max_failed_attempts": ("Failed logins in a row before a user name is locked.", "An integer"),
    "auth_lock_time": ("Seconds a user name stays locked after too many failed logins.", "A number of seconds"),
    "query_max_length": ("Characters a query text may have (null: no limit).", "A positive integer, or null"),
    "bolt_handshake_timeout": ("Seconds a Bolt client has to finish its handshake.", "A number of seconds"),
    "bolt_auth_timeout": ("Seconds a Bolt client has to log in after connecting.", "A number of seconds"),
    "bolt_idle_timeout": ("Seconds a logged-in Bolt connection may sit idle (null: forever).",
                          "A number of seconds, or null"),
    "http_transaction_idle_timeout": ("Seconds an explicit transaction of the HTTP Query API may go without a "
                                      "request before it is rolled back.", "A number of seconds"),
    "alias_key_file": ("The file of the key that encrypts remote aliases' passwords (null: aliases.key in the data "
                       "directory).", "A path, or null"),
    "remote_connection_timeout": ("Seconds a remote alias waits to connect unless its DRIVER settings say "
                                  "otherwise.", "A number of seconds"),
    "query_modules_directory": ("The folder of Python query modules run at start and on mg.load_all() (null: "
                                "none).", "A path, or null"),
    "client_dialect": ("The dialect of Bolt connections: auto (Memgraph's for Memgraph's clients, known by their "
                       "user agent; Neo4j's for the others), neo4j or memgraph.", "One of [auto, neo4j, memgraph]"),
}


def _seconds(value: float | None) -> str:
    """A duration as Neo4j prints one: `0s` for none, whole seconds as `30s`, else milliseconds."""
    if not value:
        return "0s"
    return f"{int(value)}s" if float(value).is_integer() else f"{round(value * 1000)}ms"


def _bytes(value: int | None) -> str:
    return f"{value or 0}B"


def _boolean(value: bool) -> str:
    return "true" if value else "false"


# Neo4j's name → (the graphplex setting behind it, its form, description, valid values).
_NEO4J: dict[str, tuple[str, Callable[[object], str | None], str, str]] = {
    "initial.dbms.default_database": ("default_database", str, "Name of the default database.",
                                      "A valid database name"),
    "dbms.security.auth_enabled": ("auth_enabled", _boolean, "Enable auth requirement to access Neo4j.",
                                   "A boolean"),
    "dbms.security.auth_max_failed_attempts": ("auth_max_failed_attempts", str, "The maximum number of "
                                               "unsuccessful authentication attempts before imposing a user lock.",
                                               "An integer that is minimum `0`"),
    "dbms.security.auth_lock_time": ("auth_lock_time", _seconds, "The amount of time a user account is locked "
                                     "after too many failed authentication attempts.", "A duration"),
    "db.transaction.timeout": ("transaction_timeout", _seconds, "The maximum time interval of a transaction "
                               "within which it should be completed.", "A duration (Valid units are: `ns`, `μs`, "
                               "`ms`, `s`, `m`, `h` and `d`; default unit is `s`)"),
    "db.lock.acquisition.timeout": ("lock_acquisition_timeout", _seconds, "The maximum time interval within which "
                                    "lock should be acquired.", "A duration"),
    "db.memory.transaction.max": ("transaction_memory_max", _bytes, "Limit the amount of memory that a single "
                                  "transaction can consume, in bytes (or kilobytes with the 'k' suffix, megabytes "
                                  "with 'm' and gigabytes with 'g'). Zero means 'largest possible value'.",
                                  "A byte size"),
    "db.transaction.bookmark_ready_timeout": ("bookmark_ready_timeout", _seconds, "The maximum amount of time to "
                                              "wait for the database state represented by the bookmark.",
                                              "A duration"),
    "server.queryapi.transaction_idle_timeout": ("http_transaction_idle_timeout", _seconds, "The maximum amount "
                                                 "of time that an idle Query API transaction is kept open.",
                                                 "A duration"),
    "server.directories.import": ("import_dir", lambda v: None if v is None else str(v), "Sets the root directory "
                                  "for file URLs used with the Cypher `LOAD CSV` clause.", "A path"),
}


def setting_rows(dbms: "DBMS") -> list[dict]:
    """Every listed setting, by name, with SHOW SETTINGS' columns (see `Host.settings`)."""
    settings, startup = dbms.settings, dbms.startup_settings
    defaults = {f.name: f.default for f in dataclasses.fields(Settings) if f.name != "given"}
    rows = []
    for name, (description, valid) in _OWN.items():
        rows.append(_row(name, _plain(getattr(settings, name)), name in Settings.RUNTIME,
                         _plain(defaults[name]), description, _plain(getattr(startup, name)),
                         name in settings.given or getattr(settings, name) != getattr(startup, name), valid))
    for name, (own, form, description, valid) in _NEO4J.items():
        rows.append(_row(name, form(getattr(settings, own)), False, form(defaults[own]), description,
                         form(getattr(startup, own)), own in settings.given, valid))
    return sorted(rows, key=lambda row: row["name"])


def _row(name, value, dynamic, default, description, startup, explicit, valid) -> dict:
    return {"name": name, "value": value, "isDynamic": dynamic, "defaultValue": default,
            "description": description, "startupValue": startup, "isExplicitlySet": explicit,
            "validValues": valid, "isDeprecated": False}


def _plain(value: object) -> str | None:
    """A graphplex setting's value as a string (null stays null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _boolean(value)
    return str(value)
