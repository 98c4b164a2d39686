"""The DBMS: many named databases in one process, the system database that catalogs them, and sessions."""
from __future__ import annotations

import copy
import fcntl
import shutil
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from graphplex.databases import Database, UserRegistry, function_spec, procedure_spec, using_extensions
from graphplex.databases.cypher import ast
from graphplex.databases.cypher.classify import StatementInfo, classify
from graphplex.databases.cypher.parser import parse
from graphplex.databases.errors import ClientError, DatabaseError, Neo4jError, TransientError
from graphplex.data_directory import prepare_data_directory
from graphplex.dialects import MEMGRAPH_DEFAULT_DATABASE, NEO4J, check_dialect
from graphplex.management import TimeoutWatchdog, database_stopped, dbms_closed
from graphplex.refusals import database_not_found
from graphplex.query_modules import QueryModules, register_mg_procedures
from graphplex.registry import TransactionRegistry
from graphplex.security import Security
from graphplex.triggers import AfterCommitTriggers
from graphplex.settings import Settings, read_settings_file
from graphplex.remote import REMOTE_BOOKMARK, RemoteDrivers
from graphplex.system_db import SYSTEM, AliasEntry, Catalog, DatabaseEntry, FernetSecrets, SystemCommands

# Statements whose AST the DBMS keeps (least recently used first out).
STATEMENT_CACHE_SIZE = 1000


class DBMS:
    """Open with `DBMS.in_memory(**settings)`; close with `close()` (or use it as a context manager)."""

    def __init__(self, settings: Settings, path: Path | None = None) -> None:
        self.settings = settings
        self.path = path
        self._lock_file = _lock_directory(path) if path is not None else None
        self.registry = TransactionRegistry()
        self.watchdog = TimeoutWatchdog()
        self.after_commit_triggers = AfterCommitTriggers()
        self._lock = threading.RLock()
        self._statements: OrderedDict[str | tuple[str, str], tuple[ast.Statement, StatementInfo]] = OrderedDict()
        self._statements_lock = threading.Lock()
        self.broken: dict[str, Exception] = {}
        # The procedures and functions defined on this DBMS (`procedure`, `function`), seen by its databases only.
        self.extensions = UserRegistry()
        self.system = Database(SYSTEM, isolation_level=settings.isolation_level,
                               lock_acquisition_timeout=settings.lock_acquisition_timeout,
                               directory=self._directory(SYSTEM), durability=settings.durability)
        self.system.extensions = self.extensions
        self.catalog = Catalog(self.system)
        self.catalog.bootstrap(settings.default_database.lower(), settings.storage_mode)
        for name, value in self.catalog.settings().items():
            if name in Settings.RUNTIME and name not in settings.given:
                setattr(settings, name, value)
        # What SHOW SETTINGS calls startupValue: SET GLOBAL changes `settings` later, never this copy.
        self.startup_settings = copy.copy(settings)
        self.security = Security(self)
        self.secrets = self._alias_secrets()
        self.remote_drivers = RemoteDrivers(lambda alias: self.secrets.decrypt(alias.password),
                                            lambda: self.settings.remote_connection_timeout)
        self.system_commands = SystemCommands(self.catalog, lambda: self.settings.storage_mode, self.security.commands,
                                              self.system.planner, self.secrets)
        self.databases: dict[str, Database] = {SYSTEM: self.system}
        self._entries: dict[str, DatabaseEntry] = {}
        self.aliases: dict[str, AliasEntry] = {}
        self.closed = False
        self.sync_catalog()
        self.query_modules = QueryModules(self, settings.query_modules_directory)
        register_mg_procedures(self.query_modules)
        # A module that fails is logged and left out: it must not keep the DBMS from starting.
        self.query_modules.load_all()

    @classmethod
    def in_memory(cls, **settings) -> "DBMS":
        """A DBMS that touches no disk: ideal for tests."""
        return cls(Settings.from_kwargs(**settings))

    @classmethod
    def open(cls, path: str | Path, **settings) -> "DBMS":
        """A durable DBMS in `path` (created if new): every commit is logged before it returns, and reopening
        recovers every committed transaction. Two processes cannot open the same directory. Settings may also
        come from `path/graphplex.toml`; keyword arguments win over it."""
        path = Path(path)
        prepare_data_directory(path)
        values = {**read_settings_file(path), **settings}
        values.setdefault("import_dir", str(path / "import"))
        return cls(Settings.from_kwargs(**values), path)

    def _alias_secrets(self) -> FernetSecrets:
        """The key of remote aliases' passwords: the `alias_key_file` setting's, else `aliases.key` beside the data,
        else (in memory) one of this process."""
        if self.settings.alias_key_file is not None:
            return FernetSecrets.kept_in(Path(self.settings.alias_key_file))
        if self.path is not None:
            return FernetSecrets.kept_in(self.path / "aliases.key")
        return FernetSecrets.ephemeral()

    def _directory(self, name: str, uuid: str | None = None) -> str | None:
        if self.path is None:
            return None
        return str(self.path / SYSTEM) if name == SYSTEM else str(self.path / "databases" / uuid)

    # --- lifecycle ---------------------------------------------------------------------------------------

    def close(self) -> None:
        """Rolls back open transactions and releases everything; idempotent.

        Open transactions are terminated first, so a statement still running stops at its next check instead of
        being waited for; rolling each back then waits only for that check."""
        if self.closed:
            return
        self.closed = True
        self.watchdog.stop()
        self.after_commit_triggers.stop()
        transactions = self.registry.all()
        for txn in transactions:
            txn.terminate(dbms_closed(txn.dialect))
        for txn in transactions:
            txn.rollback()
        self.after_commit_triggers.join()
        self.remote_drivers.close()
        for database in self.databases.values():
            database.close()
        if self._lock_file is not None:
            self._lock_file.close()

    def __enter__(self) -> "DBMS":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- catalog -----------------------------------------------------------------------------------------

    def sync_catalog(self) -> None:
        """Brings the live databases in line with the committed catalog (after administration commits)."""
        with self._lock:
            txn = self.system.begin()
            try:
                entries = {entry.name: entry for entry in self.catalog.entries(txn)}
                aliases = {alias.name: alias for alias in self.catalog.aliases.entries(txn)}
            finally:
                txn.commit()
            for name in list(self.databases):
                entry = entries.get(name)
                if entry is None or (name != SYSTEM and self.databases[name].storage.database_id != entry.uuid):
                    self._terminate_users_of(name)
                    self._discard(self.databases.pop(name))
                elif entry.status != "online" and self._entries.get(name) is not None and \
                        self._entries[name].status == "online":
                    self._terminate_users_of(name)
            for name, entry in entries.items():
                if name not in self.databases and name not in self.broken:
                    try:
                        self.databases[name] = Database(
                            name, isolation_level=self.settings.isolation_level,
                            lock_acquisition_timeout=self.settings.lock_acquisition_timeout,
                            import_dir=self.settings.import_dir, database_id=entry.uuid,
                            # A composite's graph is an empty one in memory: what answers its statements that
                            # read no graph (nothing may write it: `DBMSTransaction.admit_nested`).
                            directory=None if entry.composite else self._directory(name, entry.uuid),
                            durability=self.settings.durability,
                            storage_mode=entry.storage_mode,
                            constraint_checking=entry.constraint_checking or self.settings.constraint_checking)
                        self.databases[name].extensions = self.extensions
                    except Neo4jError as error:
                        # A damaged database stays closed; the others remain usable.
                        self.broken[name] = error
            self._entries = entries
            self.aliases = aliases
            self.remote_drivers.forget({alias.name for alias in aliases.values() if alias.is_remote})

    def _terminate_users_of(self, name: str) -> None:
        """Open transactions on a database that is dropped or stopped end: their next use (or commit) fails."""
        for txn in self.registry.all():
            if name in txn.children and txn.is_open:
                txn.terminate(database_stopped(name, txn.dialect))

    def _discard(self, database: Database) -> None:
        """Closes a dropped database and removes its files."""
        directory = database.directory
        database.close()
        if self.path is not None and directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    def database_name(self, name: str) -> str:
        """The database `name` reaches: its own, lower-cased; a local alias's target (privileges are the target's,
        as in Neo4j); a remote alias stays its own name (`remote_alias`). Memgraph's name of its default database,
        `memgraph`, reaches the default database while no database has that name, for every client (LangChain's
        MemgraphGraph and other Memgraph clients ask for it over the neo4j driver, whose user agent does not tell
        them apart)."""
        name = name.lower()
        alias = self.aliases.get(name)
        if alias is not None:
            return name if alias.is_remote else alias.target
        if name == MEMGRAPH_DEFAULT_DATABASE and self.entry(name) is None:
            return self.settings.default_database.lower()
        return name

    def is_composite(self, name: str) -> bool:
        """Whether `name` (as `database_name` gives it) is a composite database."""
        entry = self._entries.get(name)
        return entry is not None and entry.composite

    def remote_alias(self, name: str) -> AliasEntry | None:
        """The remote alias `name` (as `database_name` gives it), None when it names a database of this DBMS."""
        alias = self.aliases.get(name)
        return alias if alias is not None and alias.is_remote else None

    def entry(self, name: str) -> DatabaseEntry | None:
        return self._entries.get(name.lower())

    def catalog_entry(self, name: str) -> DatabaseEntry:
        """The catalog's entry of database `name`; DatabaseNotFound when there is none."""
        entry = self.entry(name)
        if entry is None:
            raise database_not_found(name)
        return entry

    def database_named(self, name: str) -> Database:
        """The live database `name` (online or stopped); the error that keeps a damaged one closed, or
        DatabaseNotFound."""
        broken = self.broken.get(name)
        if broken is not None:
            raise broken
        database = self.databases.get(name)
        if database is None:
            alias = self.remote_alias(name)
            if alias is not None:
                raise ClientError(f"'{name}' is a remote database alias (of database '{alias.target}' at "
                                  f"{alias.url}): this command runs on a database of this DBMS only; run it on the "
                                  "remote server.", "Neo.ClientError.Database.DatabaseNotFound")
            raise database_not_found(name)
        return database

    def bookmark(self, database: str, commit_ts: int) -> str:
        entry = self._entries.get(database)
        uuid = entry.uuid if entry is not None else database
        return f"GP:{uuid}:{commit_ts}"

    def await_bookmarks(self, bookmarks) -> None:
        """Waits until every bookmark's commit is visible, up to `bookmark_ready_timeout` seconds."""
        deadline = time.monotonic() + self.settings.bookmark_ready_timeout
        for bookmark in bookmarks or ():
            if isinstance(bookmark, str) and bookmark.startswith(REMOTE_BOOKMARK):
                continue   # a remote alias's: its remote waits for it when the alias's child begins
            parsed = _parse_bookmark(bookmark)
            if parsed is None:
                raise ClientError(f"Invalid bookmark: '{bookmark}'", "Neo.ClientError.Transaction.InvalidBookmark")
            uuid, ts = parsed
            database = next((self.databases.get(e.name) for e in self._entries.values() if e.uuid == uuid), None)
            if database is None:
                continue
            while database.storage.last_commit_ts < ts:
                if time.monotonic() >= deadline:
                    raise TransientError(
                        f"Database '{database.name}' not up to the requested version: {ts}. Latest database version "
                        f"is {database.storage.last_commit_ts}", "Neo.TransientError.Transaction.BookmarkTimeout")
                time.sleep(0.01)

    # --- statements --------------------------------------------------------------------------------------

    def parse(self, text: str, built: ast.Statement | None = None) -> tuple[ast.Statement, StatementInfo]:
        """The AST and classification of a statement: parsed once, then taken from a bounded cache that every
        session and thread shares (the lock guards the cache only; two threads meeting a new text at the same
        moment may both parse it). A statement the engine `built` itself instead of parsing `text` (a trigger's,
        its variables bound) is classified once too, cached apart from the texts users send."""
        key = text if built is None else ("built", text)
        with self._statements_lock:
            cached = self._statements.get(key)
            if cached is not None:
                self._statements.move_to_end(key)
                return cached
        statement = parse(text) if built is None else built
        cached = (statement, self.classify(statement))
        with self._statements_lock:
            self._statements[key] = cached
            if len(self._statements) > STATEMENT_CACHE_SIZE:
                self._statements.popitem(last=False)
        return cached

    def classify(self, statement: ast.Statement) -> StatementInfo:
        """What the coordinator needs of `statement` (`classify`), with this DBMS's own procedures and functions in
        view: a CALL of one of its WRITE procedures makes a write."""
        with using_extensions(self.extensions):
            return classify(statement)

    # --- procedures and functions in Python ---------------------------------------------------------------

    def procedure(self, name: str, mode: str = "READ", *, description: str | None = None,
                  outputs: dict[str, object] | None = None) -> Callable[[Callable], Callable]:
        """Decorates `impl(ctx, *arguments)`, a generator of rows, as the procedure `name` of this DBMS (see
        docs/api.md): its signature comes from the annotations; its description is `description`, else the first
        line of its docstring. A built-in procedure's name is refused."""
        def register(impl: Callable) -> Callable:
            self.extensions.add_procedure(procedure_spec(name, impl, mode, description, outputs))
            self._extensions_changed()
            return impl
        return register

    def function(self, name: str, *, description: str | None = None) -> Callable[[Callable], Callable]:
        """Decorates `impl(ctx, *arguments)`, which returns one value, as the function `name` of this DBMS."""
        def register(impl: Callable) -> Callable:
            self.extensions.add_function(function_spec(name, impl, description))
            self._extensions_changed()
            return impl
        return register

    def unregister_procedure(self, name: str) -> bool:
        """Removes this DBMS's procedure `name`; whether there was one."""
        removed = self.extensions.remove_procedure(name)
        self._extensions_changed()
        return removed

    def unregister_function(self, name: str) -> bool:
        """Removes this DBMS's function `name`; whether there was one."""
        removed = self.extensions.remove_function(name)
        self._extensions_changed()
        return removed

    def _extensions_changed(self) -> None:
        """Forgets every statement and plan cached: one may have bound a procedure or function now replaced, or
        failed on a name that now exists."""
        with self._statements_lock:
            self._statements.clear()
        for database in list(self.databases.values()):
            database.plans.clear()

    # --- entry points ------------------------------------------------------------------------------------

    def session(self, database: str | None = None, auth=None, default_access_mode: str = "WRITE",
                bookmarks=None, *, dialect: str | None = None):
        """A session on `database` (default: the DBMS default database) that answers in `dialect`, "neo4j" (the
        default) or "memgraph" (`graphplex.dialects`)."""
        from graphplex.session import Session

        if self.closed:
            raise TransientError("The DBMS is closed", "Neo.TransientError.General.DatabaseUnavailable")
        dialect = NEO4J if dialect is None else check_dialect(dialect, "dialect")
        return Session(self, database, default_access_mode, bookmarks, self.security.login(auth), dialect=dialect)

    def bulk_transaction(self, database: str, purpose: str, auth=None, write: bool = True):
        """The declared bulk path of `graphplex import`, `dump` and `load`: a DBMS transaction of the user `auth`
        names, registered like any other (SHOW TRANSACTIONS lists it with `purpose` as its query; TERMINATE stops
        it). As neo4j-admin's import, it is held neither to `transaction_timeout` nor to `transaction_memory_max`
        (a batch holds thousands of elements). A dump reads through
        `child(database)` at snapshot isolation; a load is checked as a write (`begin_bulk_write`) and writes in
        batches (`new_batch(database)`)."""
        from graphplex.transaction import DBMSTransaction

        if self.closed:
            raise TransientError("The DBMS is closed", "Neo.TransientError.General.DatabaseUnavailable")
        txn = DBMSTransaction(self, database.lower(), access_mode="WRITE" if write else "READ",
                              isolation_level=None if write else "SNAPSHOT_ISOLATION", timeout=0,
                              principal=self.security.login(auth))
        txn.current_query = purpose
        txn.memory_limit = None
        txn.memgraph_values = True  # a load writes back every value a dump holds, Memgraph's too
        try:
            if write:
                txn.begin_bulk_write(txn.database)
            else:
                txn.child(txn.database)
        except BaseException:
            txn.rollback()
            raise
        return txn

    def database(self, name: str | None = None):
        """The embedded API of one database: `with dbms.database("neo4j").begin_tx() as tx: …`."""
        from graphplex.embedded import EmbeddedDatabase

        return EmbeddedDatabase(self, name or self.settings.default_database)

    def database_names(self) -> list[str]:
        return sorted(self._entries)


def _parse_bookmark(bookmark: str) -> tuple[str, int] | None:
    """`GP:{database uuid}:{commit timestamp}`, as `DBMS.bookmark` writes it."""
    parts = bookmark.split(":") if isinstance(bookmark, str) else []
    if len(parts) != 3 or parts[0] != "GP" or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


def _lock_directory(path: Path):
    """Holds an exclusive lock on `path/dbms.lock` for the life of the DBMS."""
    handle = open(path / "dbms.lock", "a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise DatabaseError(f"The data directory {path} is in use by another process (dbms.lock is locked).",
                            "Neo.DatabaseError.General.UnknownError") from None
    return handle
