"""A database: one named graph, its storage and its Cypher engine, usable on its own."""
from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from itertools import chain
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.context import BatchTransaction, Counters, ExecutionContext, Host, StatementDoor
from graphplex.databases.cypher.classify import READ, classify
from graphplex.databases.cypher.extensions import Extensions, using_extensions
from graphplex.databases.cypher.parser import parse
from graphplex.databases.cypher.plan import Plan
from graphplex.databases.cypher.planner import Planner
from graphplex.databases.cypher.profiling import Meter
from graphplex.databases.cypher.results import to_public
from graphplex.databases.cypher.transactions_call import standalone_batches
from graphplex.databases.cypher.working_memory import within
from graphplex.databases.errors import ClientError, DatabaseError, Neo4jError, TransactionError
from graphplex.databases.storage import IsolationLevel, Storage, StorageEngine, StorageMode, StorageTransaction, disk
from graphplex.databases.storage.disk import ONLY_SNAPSHOT_ISOLATION

if TYPE_CHECKING:
    from graphplex.databases.durability import TransactionLog


class PlanCache:
    """Statements and their plans by query text: a repeated query is neither parsed nor planned again, and after a
    schema change it is planned again from the statement kept here, not parsed again. Shared by the threads of
    every session, hence the lock."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[ast.Statement, int, Plan]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> tuple[ast.Statement, int, Plan] | None:
        """(statement, schema version it was planned on, plan), or None for a text not seen (or evicted). Takes no
        lock: each of the two steps is one call into C (`OrderedDict`), atomic under the GIL, and an entry another
        thread evicts between them is simply not moved (every statement passes here)."""
        entries = self._entries
        entry = entries.get(text)
        if entry is not None:
            try:
                entries.move_to_end(text)
            except KeyError:
                pass
        return entry

    def clear(self) -> int:
        """Forgets every plan (`db.clearQueryCaches()`); returns how many there were."""
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            return count

    def put(self, text: str, statement: ast.Statement, version: int, plan: Plan) -> None:
        with self._lock:
            self._entries[text] = (statement, version, plan)
            self._entries.move_to_end(text)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)


class Database:
    """One named graph. `execute` runs a statement in its own (implicit) transaction, or in `transaction`."""

    def __init__(self, name: str = "neo4j", storage: StorageEngine | None = None, *,
                 isolation_level: IsolationLevel | str = IsolationLevel.SNAPSHOT_ISOLATION,
                 lock_acquisition_timeout: float = 60.0, import_dir: str | None = None,
                 database_id: str | None = None, directory: str | None = None, durability: str = "fsync",
                 storage_mode: StorageMode | str = StorageMode.IN_MEMORY_TRANSACTIONAL,
                 constraint_checking: str = "statement") -> None:
        mode = StorageMode.parse(storage_mode)
        self.name = name
        # "statement": uniqueness and keys are checked when each statement ends, as Neo4j does; "commit": only when
        # the transaction commits, as Memgraph does (the commit checks every constraint in both).
        self.constraint_checking = constraint_checking
        self.import_dir = import_dir
        self.directory = directory
        self.durability = durability
        self.isolation_level = IsolationLevel.parse(isolation_level)
        self.lock_acquisition_timeout = lock_acquisition_timeout
        if directory is not None and database_id is None:
            database_id = _stored_database_id(Path(directory))
        self.database_id = database_id or str(uuid.uuid4())
        # An on-disk database of an in-memory DBMS keeps its store in a directory of its own, removed on close.
        self._scratch: str | None = None
        self.log: TransactionLog | None = None
        if storage is not None:
            self.storage = storage
            self.storage.mode = mode
        else:
            self._install(mode)
        self.planner = Planner(self.storage)
        self.plans = PlanCache()
        # The procedures and functions of the DBMS that opened this database (None: only the built-in ones).
        self.extensions: Extensions | None = None
        # The nested statements of every execution not given a door of its caller's (one object, not two a statement).
        self._own_statements = NestedPlanner(self, OwnDoor())

    def _install(self, mode: StorageMode) -> None:
        """Creates the storage (and for an in-memory mode with a directory, the log) that `mode` needs."""
        if mode is StorageMode.ON_DISK_TRANSACTIONAL:
            if self.isolation_level is not IsolationLevel.SNAPSHOT_ISOLATION:
                raise ClientError(ONLY_SNAPSHOT_ISOLATION, "Neo.ClientError.Statement.ExecutionFailed")
            if self.directory is None and self._scratch is None:
                self._scratch = tempfile.mkdtemp(prefix="graphplex-disk-")
            self.storage = disk.DiskStorage(Path(self.directory or self._scratch), self.database_id,
                                            self.lock_acquisition_timeout, self.durability)
            self.log = None
            return
        self.storage = Storage(self.isolation_level, self.lock_acquisition_timeout, self.database_id)
        self.storage.mode = mode
        # With a directory, every commit is logged before it is visible and the log is replayed on open.
        self.log = None
        if self.directory is not None:
            from graphplex.databases.durability import TransactionLog   # here: in memory, nothing is logged
            self.log = TransactionLog(self.storage, self.directory, self.durability)

    @property
    def on_disk(self) -> bool:
        return self.storage.mode is StorageMode.ON_DISK_TRANSACTIONAL

    @property
    def files_directory(self) -> str | None:
        """Where this database keeps files (None when it keeps none)."""
        return self.directory or self._scratch

    def close(self, checkpoint: bool = True) -> None:
        """Closes the log (after a checkpoint unless told otherwise) or the on-disk store."""
        if self.log is not None:
            self.log.close(checkpoint)
        if self.on_disk:
            self.storage.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    # --- storage mode, snapshots, storage info ------------------------------------------------------------

    @property
    def storage_mode(self) -> str:
        return self.storage.mode.value

    def set_storage_mode(self, mode: StorageMode | str) -> None:
        """`STORAGE MODE …`: refused while a transaction is open. Leaving IN_MEMORY_ANALYTICAL writes a snapshot
        before any new transaction starts, because analytical commits were never logged. Moving to or from
        ON_DISK_TRANSACTIONAL needs an empty database (no data, indexes or constraints), as in Memgraph."""
        target = StorageMode.parse(mode)
        if target is self.storage.mode:
            return
        if self.on_disk or target is StorageMode.ON_DISK_TRANSACTIONAL:
            self._move_storage(target)
            return
        durable = self.log is not None and self.log.durability != "none"
        leaving_analytical = self.storage.mode is StorageMode.IN_MEMORY_ANALYTICAL
        self.storage.switch_mode(target, self.log.checkpoint if durable and leaving_analytical else None)

    def _move_storage(self, target: StorageMode) -> None:
        storage = self.storage
        with storage.commit_lock:
            open_count = len(storage.active_transactions())
            if open_count:
                raise ClientError(f"Storage mode cannot be changed to {target.value} while there are {open_count} "
                                  "active transaction(s) on this database; retry when they have finished.",
                                  "Neo.ClientError.Statement.ExecutionFailed")
            schema = storage.schema
            if storage.counts() != (0, 0) or storage.indexes.by_name or schema.lookups or schema.search or \
                    schema.constraints:
                raise ClientError(f"Storage mode can be changed from {storage.mode.value} to {target.value} only "
                                  "while the database is empty (no nodes, relationships, indexes or constraints).",
                                  "Neo.ClientError.Statement.ExecutionFailed")
        if target is StorageMode.ON_DISK_TRANSACTIONAL and \
                self.isolation_level is not IsolationLevel.SNAPSHOT_ISOLATION:
            raise ClientError(ONLY_SNAPSHOT_ISOLATION, "Neo.ClientError.Statement.ExecutionFailed")
        previous = storage.mode
        # Memgraph keeps its triggers across a change of storage mode; here they are schema rules of the store.
        triggers = [trigger.change() for trigger in storage.schema.triggers.values()]
        self.close(checkpoint=False)
        if self.directory is not None:
            for leftover in ("transactions.log", "transactions.log.old", "snapshot", *disk.DISK_FILES):
                (Path(self.directory) / leftover).unlink(missing_ok=True)
        try:
            self._install(target)
        except BaseException:
            self._install(previous)  # the database was empty: an empty store of the old mode is the same state
            self._recreate(triggers)
            raise
        self._recreate(triggers)
        self.planner = Planner(self.storage)
        self.plans = PlanCache()

    def _recreate(self, changes: list) -> None:
        """Commits `changes` (schema rules carried from the previous store) in the new store."""
        if changes:
            txn = self.begin()
            for change in changes:
                txn.change_schema(change)
            txn.commit()

    def create_snapshot(self) -> str:
        """`CREATE SNAPSHOT`: writes a snapshot of the committed state now and truncates the log; returns its path."""
        if self.on_disk:
            raise ClientError("CREATE SNAPSHOT is not available in ON_DISK_TRANSACTIONAL mode: the on-disk store "
                              "is itself the durable state.", "Neo.ClientError.Statement.ExecutionFailed")
        if self.log is None or self.log.durability == "none":
            raise ClientError(f"Database '{self.name}' keeps no files (an in-memory DBMS or durability 'none'): "
                              "there is nowhere to write a snapshot.", "Neo.ClientError.Statement.ExecutionFailed")
        self.log.checkpoint()
        return str(self.log.snapshot_path)

    def checkpoint(self) -> tuple[bool, str]:
        """`db.checkpoint()`: what `CREATE SNAPSHOT` writes (a snapshot, the log truncated), as (success, message).
        The on-disk store holds each commit once it returns, so it has nothing to write; a database that keeps no
        files cannot checkpoint, and says so instead of failing the caller's transaction."""
        if self.on_disk:
            return True, "Checkpoint completed: the on-disk store already holds every committed transaction."
        if self.log is None or self.log.durability == "none":
            return False, (f"Database '{self.name}' keeps no files (an in-memory DBMS or durability 'none'): "
                           "there is nothing to checkpoint.")
        self.log.checkpoint()
        return True, "Checkpoint completed."

    def storage_info(self) -> dict:
        """What `SHOW STORAGE INFO ON DATABASE` reports of this database."""
        storage = self.storage
        nodes, relationships = storage.counts()
        level = IsolationLevel.READ_UNCOMMITTED if storage.mode is StorageMode.IN_MEMORY_ANALYTICAL \
            else storage.isolation_level
        return {
            "name": self.name, "database_uuid": storage.database_id, "storage_mode": storage.mode.value,
            "vertex_count": nodes, "edge_count": relationships,
            "average_degree": round(2 * relationships / nodes, 4) if nodes else 0.0,
            "disk_usage": storage.disk_usage() if self.on_disk else
            (self.log.disk_usage() if self.log is not None else 0),
            "durability": self.durability if self.on_disk or self.log is not None else "none",
            "storage_isolation_level": level.value,
        }

    def plan(self, query: str, statement: ast.Statement | None = None) -> Plan:
        """The plan of a statement, from the cache when the same text was planned on the same schema. A caller
        that parsed the text already (the DBMS's cache of statements) passes `statement`, so nothing parses it
        twice; after a schema change the cached statement is planned again."""
        version = self.storage.schema.version
        cached = self.plans.get(query)
        if cached is not None:
            statement, planned_on, plan = cached
            if planned_on == version:
                return plan
        elif statement is None:
            statement = parse(query)
        with using_extensions(self.extensions):
            plan = self.planner.plan(statement)
        self.plans.put(query, statement, version, plan)
        return plan

    def begin(self, isolation_level: IsolationLevel | str | None = None,
              memory_limit: int | None = None) -> StorageTransaction:
        """A storage transaction on this database's graph, in whichever engine holds it."""
        return self.storage.begin(isolation_level, memory_limit)

    def execute(self, query: str, parameters: dict | None = None, *, transaction: StorageTransaction | None = None,
                new_batch: Callable[[], BatchTransaction] | None = None,
                statement: ast.Statement | None = None, host: Host | None = None,
                statements: StatementDoor | None = None, check_statements: bool = True) -> "QueryResult":
        """Runs a statement; the result streams lazily. Without `transaction` the statement runs in its own
        transaction, committed when the result is exhausted (or rolled back if it fails). `new_batch` lets
        `CALL { } IN TRANSACTIONS` open its batches when the caller's transaction is an implicit one; `statement`
        is `query` already parsed (see `plan`); `statements` admits the statements procedures run inside this one
        (by default, as this database alone does); `host` answers procedures for the DBMS running it."""
        parameters = _engine_parameters(parameters) if parameters else {}
        if transaction is not None and not transaction.is_open:
            raise TransactionError(f"The transaction is {transaction.status.value} and cannot be used.",
                                   "Neo.ClientError.Transaction.TransactionNotFound")
        if transaction is not None and transaction.failure is not None:
            raise TransactionError("Transaction failed") from transaction.failure
        try:
            plan = self.plan(query, statement)
        except Neo4jError as error:
            if transaction is not None:
                transaction.mark_failed(error)
            raise
        except Exception as unexpected:
            error = _unexpected(unexpected)
            if transaction is not None:
                transaction.mark_failed(error)
            raise error from unexpected
        if plan.parameters and not plan.parameters <= parameters.keys() and not plan.explain:
            missing = sorted(plan.parameters - parameters.keys())
            error = ClientError(f"Expected parameter(s): {', '.join(missing)}",
                                "Neo.ClientError.Statement.ParameterMissing")
            if transaction is not None:
                transaction.mark_failed(error)
            raise error
        implicit = transaction is None
        txn = transaction if transaction is not None else self.storage.begin()
        ctx = ExecutionContext(txn, parameters, Counters(), self.name,
                               new_batch=standalone_batches(self, txn) if implicit else new_batch,
                               import_dir=self.import_dir, host=host, checkpoint=self.checkpoint,
                               clear_query_caches=self.plans.clear,
                               statements=self._own_statements if statements is None else
                               NestedPlanner(self, statements))
        # `check_statements` False: the caller commits right after this statement (an auto-commit transaction),
        # and the commit checks every constraint anyway.
        return QueryResult(plan, ctx, implicit, check_statements and self.constraint_checking == "statement")


class NestedPlanner:
    """`NestedStatements` of one execution: statements admitted through `door`, planned by this database (through
    its plan cache, as top-level statements are)."""

    def __init__(self, database: Database, door: StatementDoor) -> None:
        self.database = database
        self.door = door

    def plan(self, text: str, read_only: bool, schema: bool = False) -> Plan:
        return self.database.plan(text, self.door.admit(text, read_only, schema))


class OwnDoor:
    """The `StatementDoor` of a database used on its own (no DBMS to admit statements): it parses; a procedure of
    mode READ may not run a statement that writes."""

    def admit(self, text: str, read_only: bool, schema: bool = False) -> ast.Statement:
        statement = parse(text)
        if read_only and classify(statement).category != READ:
            raise ClientError("Write operations are not allowed for a procedure restricted to READ.",
                              "Neo.ClientError.Security.Forbidden")
        return statement


def _unexpected(error: Exception) -> Neo4jError:
    """Never a bare Python exception: what the engine did not foresee still reaches the user with a code."""
    if isinstance(error, RecursionError):
        return ClientError("The query is too deeply nested to run: a value it builds (or an expression) nests "
                           "thousands of levels deep. Build flatter lists and maps.",
                           "Neo.ClientError.Statement.ExecutionFailed")
    return DatabaseError(f"{type(error).__name__}: {error}", "Neo.DatabaseError.General.UnknownError")


def _stored_database_id(directory: Path) -> str:
    """The id a database directory keeps for itself, so that element ids stay the same across reopens."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "database.id"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    database_id = str(uuid.uuid4())
    path.write_text(database_id, encoding="utf-8")
    return database_id


def _engine_parameters(parameters: dict) -> dict:
    """Parameters as the engine's values: Python tuples are Cypher lists (as the driver sends them), and an
    integer beyond 64 bits is refused here, as the driver refuses to send it, before it can be stored."""
    for key, value in parameters.items():
        if type(value) in _CONTAINERS:
            return {key: _engine_value(key, item) for key, item in parameters.items()}
        if type(value) is int and not _LONG_MIN <= value <= _LONG_MAX:
            raise _out_of_range(key, value)
    return parameters


_CONTAINERS = frozenset({tuple, list, dict})
_LONG_MIN, _LONG_MAX = -2 ** 63, 2 ** 63 - 1


# The values that need no conversion, whose containers are copied in one C call once their integers are checked.
_SCALARS = frozenset({int, float, str, bool, type(None)})
_MAP = {dict}


def _engine_value(key: str, value: object) -> object:
    """A parameter value as the engine's: lists and maps copied (the engine may store them; the caller may change
    its own afterwards), tuples as lists, integers checked. A list or map of plain scalars, and a list of such
    maps (a batch import's rows), is checked and copied in C loops, not element by element."""
    if isinstance(value, (list, tuple)):
        kinds = set(map(type, value))
        if _SCALARS.issuperset(kinds):
            _check_integers(key, value)
            return list(value)
        if kinds == _MAP and _SCALARS.issuperset(map(type, chain.from_iterable(map(dict.values, value)))):
            _check_integers(key, chain.from_iterable(map(dict.values, value)))
            return list(map(dict, value))
        return [_engine_value(key, item) for item in value]
    if isinstance(value, dict):
        if _SCALARS.issuperset(map(type, value.values())):
            _check_integers(key, value.values())
            return dict(value)
        return {name: _engine_value(key, item) for name, item in value.items()}
    if type(value) is int and not _LONG_MIN <= value <= _LONG_MAX:
        raise _out_of_range(key, value)
    return value


def _check_integers(key: str, values) -> None:
    """Refuses the first integer of `values` out of Cypher's range; the integers (and booleans, in range) are
    picked and bounded by C loops."""
    numbers = list(filter(int.__instancecheck__, values))
    if numbers and (min(numbers) < _LONG_MIN or max(numbers) > _LONG_MAX):
        raise _out_of_range(key, next(value for value in numbers if not _LONG_MIN <= value <= _LONG_MAX))


def _out_of_range(key: str, value: int) -> ClientError:
    shown = str(value) if value.bit_length() < 256 else f"of {value.bit_length()} bits"
    return ClientError(f"The parameter ${key} holds the integer {shown}, which is out of the range of a Cypher "
                       f"integer ({_LONG_MIN} to {_LONG_MAX}). Pass it as a float or a string.",
                       "Neo.ClientError.Statement.ArgumentError")


class QueryResult:
    """The records of one statement, produced lazily; `counters` are final once the result is exhausted."""

    def __init__(self, plan: Plan, ctx: ExecutionContext, implicit: bool, check_unique: bool = False) -> None:
        self.plan = plan
        self.keys = list(plan.columns)
        self.ctx = ctx
        self.implicit = implicit
        # Whether the statement's end checks uniqueness and keys; the commit right after an implicit one does.
        self.check_unique = check_unique and not implicit
        self.profile_stats: Meter | None = Meter() if plan.profile else None
        # Looked at before anything runs, as Neo4j does when it plans: a label the statement creates is unknown.
        self._planned = plan.notifications_now(ctx.txn)
        self._done = False

    @property
    def counters(self) -> Counters:
        return self.ctx.counters

    @property
    def notifications(self) -> tuple:
        """What the summary reports: what was known before the statement ran, then what running it found (a
        schema rule that was there already); complete once the result is exhausted."""
        return self._planned + tuple(self.ctx.notifications)

    def plan_description(self) -> list[dict]:
        return self.plan.describe(self.profile_stats, self.ctx.database_name)

    def __iter__(self) -> Iterator[tuple]:
        if self._done:
            return
        if self.plan.explain:
            self._finish()
            return
        ctx = self.ctx
        columns = self.keys
        try:
            if self.check_unique:
                ctx.txn.begin_statement()
            if self.profile_stats is not None:
                rows = self.plan.profiled_rows(ctx, self.profile_stats)
            else:
                rows = self.plan.rows(ctx)
            if self.plan.memory_limit is not None:
                rows = within(rows, ctx, self.plan.memory_limit, "QUERY MEMORY LIMIT")
            if len(columns) == 1:  # a point read's one column: no per-row loop over the columns
                column = columns[0]
                for row in rows:
                    yield (to_public(row[column], ctx),)
            elif columns:
                for row in rows:
                    yield tuple([to_public(row[column], ctx) for column in columns])
            else:
                for _ in rows:
                    pass
            if self.check_unique:
                ctx.txn.end_statement()
        except Neo4jError as error:
            self._fail(error)
            raise
        except Exception as unexpected:
            error = _unexpected(unexpected)
            self._fail(error)
            raise error from unexpected
        self._finish()

    def consume(self) -> Counters:
        for _ in self:
            pass
        return self.counters

    def _finish(self) -> None:
        self._done = True
        if self.implicit:
            self.ctx.txn.commit()

    def _fail(self, error: Neo4jError) -> None:
        self._done = True
        txn = self.ctx.txn
        if self.implicit:
            txn.rollback()
        else:
            txn.mark_failed(error)
