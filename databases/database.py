"""A database: one named graph, its storage and its Cypher engine, usable on its own."""
from __future__ import annotations

import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Iterator

from databases.cypher.context import Counters, ExecutionContext
from databases.cypher.parser import parse
from databases.cypher.plan import Plan
from databases.cypher.planner import Planner
from databases.cypher.results import to_public
from databases.durability import TransactionLog
from databases.errors import ClientError, DatabaseError, Neo4jError, TransactionError
from databases.storage import IsolationLevel, Storage, StorageMode, Transaction, available_mode


class PlanCache:
    """Plans by query text and schema version: a repeated query is neither parsed nor planned again."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._plans: OrderedDict[tuple[str, int], Plan] = OrderedDict()

    def get(self, key: tuple[str, int]) -> Plan | None:
        plan = self._plans.get(key)
        if plan is not None:
            self._plans.move_to_end(key)
        return plan

    def put(self, key: tuple[str, int], plan: Plan) -> None:
        self._plans[key] = plan
        if len(self._plans) > self.size:
            self._plans.popitem(last=False)


class Database:
    """One named graph. `execute` runs a statement in its own (implicit) transaction, or in `transaction`."""

    def __init__(self, name: str = "neo4j", storage: Storage | None = None, *,
                 isolation_level: IsolationLevel | str = IsolationLevel.SNAPSHOT_ISOLATION,
                 lock_acquisition_timeout: float = 60.0, import_dir: str | None = None,
                 database_id: str | None = None, directory: str | None = None, durability: str = "fsync",
                 storage_mode: StorageMode | str = StorageMode.IN_MEMORY_TRANSACTIONAL) -> None:
        mode = available_mode(storage_mode)
        self.name = name
        self.import_dir = import_dir
        if directory is not None and database_id is None:
            database_id = _stored_database_id(Path(directory))
        self.storage = storage or Storage(isolation_level, lock_acquisition_timeout, database_id)
        self.storage.mode = mode
        # With a directory, every commit is logged before it is visible and the log is replayed on open.
        self.log = TransactionLog(self.storage, directory, durability) if directory is not None else None
        self.planner = Planner(self.storage)
        self.plans = PlanCache()

    def close(self, checkpoint: bool = True) -> None:
        """Closes the log (after a checkpoint unless told otherwise)."""
        if self.log is not None:
            self.log.close(checkpoint)

    # --- storage mode, snapshots, storage info ------------------------------------------------------------

    @property
    def storage_mode(self) -> str:
        return self.storage.mode.value

    def set_storage_mode(self, mode: StorageMode | str) -> None:
        """`STORAGE MODE …`: refused while a transaction is open. Leaving IN_MEMORY_ANALYTICAL writes a snapshot
        before any new transaction starts, because analytical commits were never logged."""
        target = available_mode(mode)
        if target is self.storage.mode:
            return
        durable = self.log is not None and self.log.durability != "none"
        leaving_analytical = self.storage.mode is StorageMode.IN_MEMORY_ANALYTICAL
        self.storage.switch_mode(target, self.log.checkpoint if durable and leaving_analytical else None)

    def create_snapshot(self) -> str:
        """`CREATE SNAPSHOT`: writes a snapshot of the committed state now and truncates the log; returns its path."""
        if self.log is None or self.log.durability == "none":
            raise ClientError(f"Database '{self.name}' keeps no files (an in-memory DBMS or durability 'none'): "
                              "there is nowhere to write a snapshot.", "Neo.ClientError.Statement.ExecutionFailed")
        self.log.checkpoint()
        return str(self.log.snapshot_path)

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
            "disk_usage": self.log.disk_usage() if self.log is not None else 0,
            "durability": "none" if self.log is None else self.log.durability,
            "storage_isolation_level": level.value,
        }

    def plan(self, query: str) -> Plan:
        """The plan of a statement, from the cache when the same text was planned on the same schema."""
        key = (query, self.storage.schema.version)
        plan = self.plans.get(key)
        if plan is None:
            plan = self.planner.plan(parse(query))
            self.plans.put(key, plan)
        return plan

    def begin(self, isolation_level: IsolationLevel | str | None = None,
              memory_limit: int | None = None) -> Transaction:
        return self.storage.begin(isolation_level, memory_limit)

    def execute(self, query: str, parameters: dict | None = None, *, transaction: Transaction | None = None,
                new_transaction: Callable[[], Transaction] | None = None) -> "QueryResult":
        """Runs a statement; the result streams lazily. Without `transaction` the statement runs in its own
        transaction, committed when the result is exhausted (or rolled back if it fails). `new_transaction` lets
        `CALL { } IN TRANSACTIONS` open its batches when the caller's transaction is an implicit one."""
        parameters = _engine_parameters(parameters) if parameters else {}
        if transaction is not None and not transaction.is_open:
            raise TransactionError(f"The transaction is {transaction.status.value} and cannot be used.",
                                   "Neo.ClientError.Transaction.TransactionNotFound")
        if transaction is not None and transaction.failure is not None:
            raise TransactionError("Transaction failed") from transaction.failure
        try:
            plan = self.plan(query)
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
        txn = transaction if transaction is not None else self.begin()
        ctx = ExecutionContext(txn, parameters, Counters(), self.name,
                               new_transaction=(lambda: self.begin(txn.isolation)) if implicit else new_transaction,
                               import_dir=self.import_dir)
        return QueryResult(plan, ctx, implicit)


def _unexpected(error: Exception) -> Neo4jError:
    """Never a bare Python exception: what the engine did not foresee still reaches the user with a code."""
    if isinstance(error, RecursionError):
        return ClientError("The query is too deeply nested to run", "Neo.ClientError.Statement.ExecutionFailed")
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
    """Parameters as the engine's values: Python tuples are Cypher lists (as the driver sends them)."""
    for value in parameters.values():
        if type(value) in _CONTAINERS:
            return {key: _engine_value(item) for key, item in parameters.items()}
    return parameters


_CONTAINERS = frozenset({tuple, list, dict})


def _engine_value(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return [_engine_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _engine_value(item) for key, item in value.items()}
    return value


class QueryResult:
    """The records of one statement, produced lazily; `counters` are final once the result is exhausted."""

    def __init__(self, plan: Plan, ctx: ExecutionContext, implicit: bool) -> None:
        self.plan = plan
        self.keys = list(plan.columns)
        self.ctx = ctx
        self.implicit = implicit
        self.profile_stats: dict | None = {} if plan.profile else None
        self._rows: Iterator[dict] | None = None
        self._done = False

    @property
    def counters(self) -> Counters:
        return self.ctx.counters

    def plan_description(self) -> list[dict]:
        return self.plan.describe(self.profile_stats)

    def __iter__(self) -> Iterator[tuple]:
        if self._done:
            return
        if self.plan.explain:
            self._finish()
            return
        ctx = self.ctx
        columns = self.keys
        try:
            if self.profile_stats is not None:
                rows = self.plan.profiled_rows(ctx, self.profile_stats)
            else:
                rows = self.plan.rows(ctx)
            if columns:
                for row in rows:
                    yield tuple(to_public(row[column], ctx) for column in columns)
            else:
                for _ in rows:
                    pass
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
