"""The settings of a DBMS (keyword arguments of `DBMS.open` / `DBMS.in_memory`)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from graphplex.databases.errors import ClientError
from graphplex.databases.storage import IsolationLevel, StorageMode, check_constraint_checking
from graphplex.databases.storage.disk import ONLY_SNAPSHOT_ISOLATION
from graphplex.dialects import AUTO, DIALECTS, check_dialect


@dataclass
class Settings:
    default_database: str = "neo4j"
    auth_enabled: bool = False
    initial_password: str | None = None
    isolation_level: str = "SNAPSHOT_ISOLATION"
    storage_mode: str = "IN_MEMORY_TRANSACTIONAL"
    transaction_timeout: float | None = None
    transaction_memory_max: int | None = None
    lock_acquisition_timeout: float = 60.0
    import_dir: str | None = None
    bookmark_ready_timeout: float = 30.0
    durability: str = "fsync"
    # When uniqueness and key constraints are checked: "statement" (Neo4j: the statement that breaks one fails) or
    # "commit" (Memgraph); a database created with OPTIONS {constraintChecking: …} overrides it.
    constraint_checking: str = "statement"
    # Failed logins in a row before a user name is locked, and for how many seconds.
    auth_max_failed_attempts: int = 3
    auth_lock_time: float = 5.0
    # Characters a query text may have (None: no limit), checked before parsing; as Bolt's largest message.
    query_max_length: int | None = 64 * 1024 * 1024
    # The Bolt server (seconds): to finish the handshake (a client sends it in one packet) and to log in after
    # connecting (Neo4j's 30 s), and how long a logged-in connection may sit idle (None: forever), longer than
    # the drivers' 1-hour connection lifetime so that a pooled connection is retired by its driver first.
    bolt_handshake_timeout: float = 10.0
    bolt_auth_timeout: float = 30.0
    bolt_idle_timeout: float | None = 7200.0
    # Seconds an explicit transaction of the HTTP Query API lives without a request before it is rolled back
    # (Neo4j's server.queryapi.transaction_idle_timeout).
    http_transaction_idle_timeout: float = 60.0
    # The file of the key that encrypts remote aliases' passwords in the system database (None: `aliases.key` in a
    # durable DBMS's directory, a key of the process in memory); made on first use (`system_db.secret_key`).
    alias_key_file: str | None = None
    # Seconds a remote alias's driver waits to connect or for a connection of its pool, unless its DRIVER settings
    # say otherwise: a remote that is down fails a statement in this time rather than hanging it.
    remote_connection_timeout: float = 5.0
    # A folder of Python query modules (Memgraph's --query-modules-directory), run at start and on mg.load_all.
    query_modules_directory: str | None = None
    # The dialect of Bolt connections: "auto" (Memgraph's for Memgraph's clients, told by their user agent, else
    # Neo4j's), "neo4j" or "memgraph" (`graphplex.dialects`).
    client_dialect: str = AUTO
    # The names passed explicitly: a setting changed at run time and kept in the catalog yields to them.
    given: frozenset = field(default=frozenset(), repr=False)

    # Settings `SET GLOBAL …` may change at run time (kept in the system database).
    RUNTIME = ("isolation_level",)

    @classmethod
    def from_kwargs(cls, **kwargs) -> "Settings":
        known = {f.name for f in fields(cls)} - {"given"}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise ClientError(f"Unknown setting(s): {', '.join(unknown)}. Known settings: {', '.join(sorted(known))}",
                              "Neo.ClientError.General.InvalidArguments")
        settings = cls(**kwargs, given=frozenset(kwargs))
        settings.isolation_level = IsolationLevel.parse(settings.isolation_level).value
        if settings.durability not in ("fsync", "flush", "none"):
            raise ClientError(f"Unknown durability '{settings.durability}'. Expected fsync, flush or none.",
                              "Neo.ClientError.General.InvalidArguments")
        check_constraint_checking(settings.constraint_checking, "constraint_checking",
                                  "Neo.ClientError.General.InvalidArguments")
        settings.storage_mode = StorageMode.parse(settings.storage_mode).value
        check_dialect(settings.client_dialect, "client_dialect", (AUTO, *DIALECTS))
        if settings.storage_mode == StorageMode.ON_DISK_TRANSACTIONAL.value and \
                settings.isolation_level != IsolationLevel.SNAPSHOT_ISOLATION.value:
            raise ClientError(ONLY_SNAPSHOT_ISOLATION, "Neo.ClientError.General.InvalidArguments")
        limit = settings.query_max_length
        if limit is not None and (type(limit) is not int or limit < 1):
            raise ClientError(f"query_max_length must be a positive whole number of characters (or None for no "
                              f"limit), not {limit!r}.", "Neo.ClientError.General.InvalidArguments")
        return settings


SETTINGS_FILE = "graphplex.toml"


def read_settings_file(directory: Path) -> dict:
    """The settings `directory/graphplex.toml` gives (top-level keys, or a `[dbms]` table), if it exists."""
    import tomllib   # here: an in-memory DBMS reads no file, and starts without it

    path = Path(directory) / SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ClientError(f"{path} is not valid TOML: {error}", "Neo.ClientError.General.InvalidArguments") from None
    table = data.get("dbms", data)
    if not isinstance(table, dict):
        raise ClientError(f"{path}: [dbms] must be a table", "Neo.ClientError.General.InvalidArguments")
    return {key: value for key, value in table.items() if not isinstance(value, dict)}
