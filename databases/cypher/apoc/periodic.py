"""apoc.periodic.iterate: the action statement runs over the rows of the iterate statement in batches, each batch
a transaction of its own that commits before the next one begins, counted as APOC 5.26 counts them.

The batches are those of `CALL { } IN TRANSACTIONS` (`ExecutionContext.new_batch`), so the same rules hold: only
an implicit transaction has them (anywhere else the call fails with TransactionStartFailed); under the DBMS each
batch carries the caller's privileges and the memory limit, is listed by SHOW TRANSACTIONS and stops with the
outer transaction. A batch that fails is rolled back and counted (failedBatches, failedOperations, errorMessages),
as APOC does, without failing the call; stopping the outer transaction stops the call, and batches committed before
stay committed. The iterate statement runs in the caller's transaction; `parallel: true` is accepted and run one
batch after the other (graphplex has one writer per database)."""
from __future__ import annotations

import dataclasses
import itertools
import re
import time
from typing import Iterator

from graphplex.databases.cypher.apoc.cypher_runner import prepare, run_plan
from graphplex.databases.cypher.context import Counters, ExecutionContext
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.cypher.transactions_call import see_commit
from graphplex.databases.errors import DatabaseError, Neo4jError
from graphplex.databases.procedure_failures import procedure_failed

NAME = "apoc.periodic.iterate"
EXPLICIT_MESSAGE = ("apoc.periodic.iterate commits its batches as transactions of their own, so it can only be "
                    "executed in an implicit transaction, but tried to execute in an explicit transaction.")
OUTPUTS = (("batches", "INTEGER"), ("total", "INTEGER"), ("timeTaken", "INTEGER"),
           ("committedOperations", "INTEGER"), ("failedOperations", "INTEGER"), ("failedBatches", "INTEGER"),
           ("retries", "INTEGER"), ("errorMessages", "MAP"), ("batch", "MAP"), ("operations", "MAP"),
           ("wasTerminated", "BOOLEAN"), ("failedParams", "MAP"), ("updateStatistics", "MAP"))
_STATISTICS = (("nodesCreated", "nodes_created"), ("nodesDeleted", "nodes_deleted"),
               ("relationshipsCreated", "relationships_created"), ("relationshipsDeleted", "relationships_deleted"),
               ("propertiesSet", "properties_set"), ("labelsAdded", "labels_added"),
               ("labelsRemoved", "labels_removed"))
_BATCH_MODES = ("BATCH", "BATCH_SINGLE", "SINGLE")
_RETRY_PAUSE = 0.1  # APOC waits 100 ms before it retries a batch


@dataclasses.dataclass
class Config:
    """The config map of apoc.periodic.iterate, read as APOC reads it."""

    batch_size: int
    batch_mode: str
    params: dict
    retries: int
    failed_params: int

    @classmethod
    def of(cls, config: dict | None) -> "Config":
        """The config of a call, refused as APOC refuses it (a batch size or concurrency below 1, a bad mode)."""
        config = config or {}
        batch_size = _integer(config.get("batchSize", 10000), "batchSize")
        if batch_size < 1:
            raise procedure_failed(NAME, "batchSize parameter must be > 0")
        concurrency = config.get("concurrency")
        if concurrency is not None and _integer(concurrency, "concurrency") < 1:
            raise procedure_failed(NAME, "concurrency parameter must be > 0")
        params = config.get("params") or {}
        if not isinstance(params, dict):
            raise procedure_failed(NAME, "params must be a map", "java.lang.ClassCastException")
        return cls(batch_size, _batch_mode(config), params, _integer(config.get("retries", 0), "retries"),
                   _integer(config.get("failedParams", -1), "failedParams"))


def _integer(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise procedure_failed(NAME, f"{name} must be a number", "java.lang.ClassCastException")
    try:
        return int(value)
    except ValueError:
        raise procedure_failed(NAME, f'For input string: "{value}"', "java.lang.NumberFormatException") from None


def _batch_mode(config: dict) -> str:
    """APOC's BatchMode.fromConfig: `batchMode`, else the older `iterateList` (true: BATCH, false: SINGLE)."""
    mode = config.get("batchMode")
    if mode is not None:
        if str(mode).upper() not in _BATCH_MODES:
            raise procedure_failed(NAME, f"Invalid batch mode: `{mode}`. Valid values are: "
                                         f"[{', '.join(_BATCH_MODES)}]")
        return str(mode).upper()
    iterate_list = config.get("iterateList")
    if iterate_list is not None:
        return "BATCH" if iterate_list is True or str(iterate_list).lower() == "true" else "SINGLE"
    return "BATCH"


def _quote(name: str) -> str:
    """APOC's Util.quote: a name as it is when it is a plain identifier, else between backticks."""
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "`" + name.replace("`", "``") + "`"


def _param(name: str) -> str:
    return name if name.startswith("$") else "$" + _quote(name)


def inner_statement(action: str, mode: str, columns: list[str]) -> tuple[str, bool]:
    """APOC's prepareInnerStatement: the action as it runs, and whether it runs once per batch (over `$_batch`)
    rather than once per row."""
    names = "|".join(re.escape(_quote(c)) for c in columns)
    flags = re.IGNORECASE | re.MULTILINE | re.DOTALL
    if columns and re.search(r"[{$](" + names + r")\}?\s+AS\s+", action, flags):
        return action, False
    if mode == "SINGLE":
        return _mapping(columns, lambda c: f"{_param(c)} AS {_quote(c)}") + action, False
    if mode == "BATCH":
        if re.search(r"UNWIND\s+[{$]_batch\}?\s+AS\s+", action, flags):
            return action, True
        mapping = _mapping(columns, lambda c: f"_batch.{_quote(c)} AS {_quote(c)}")
        return f"UNWIND $_batch AS _batch{mapping} {action}", True
    return action, True


def _mapping(columns: list[str], as_variable) -> str:
    with_items = ",".join(as_variable(c) for c in columns)
    return f" WITH {with_items} " if with_items else ""


class Collector:
    """What APOC's BatchAndTotalCollector counts, and the result row it makes of it."""

    def __init__(self, failed_params: int) -> None:
        self.start = time.monotonic()
        self.failed_params = failed_params
        self.batches = self.total = self.committed = self.failed_operations = self.failed_batches = 0
        self.retries = 0
        self.operation_errors: dict[str, int] = {}
        self.batch_errors: dict[str, int] = {}
        self.failed_parameters: dict[str, list] = {}
        self.statistics = {key: 0 for key, _ in _STATISTICS}

    def operation_failed(self, batch: list[dict], error: Neo4jError) -> None:
        """An action failed: every row of its batch counts as failed, its message once."""
        self.failed_operations += len(batch)
        if self.failed_params >= 0:
            self.failed_parameters[str(self.batches)] = batch[:self.failed_params + 1]
        self.operation_errors[error.message] = self.operation_errors.get(error.message, 0) + 1

    def batch_failed(self, message: str) -> None:
        """A batch failed for good (after its retries)."""
        self.failed_batches += 1
        self.batch_errors[message] = self.batch_errors.get(message, 0) + 1

    def counted(self, counters: Counters) -> None:
        """Adds an action's updates to updateStatistics."""
        for key, field in _STATISTICS:
            self.statistics[key] += getattr(counters, field)

    def result(self) -> dict:
        """The row apoc.periodic.iterate yields."""
        return {
            "batches": self.batches, "total": self.total, "timeTaken": int(time.monotonic() - self.start),
            "committedOperations": self.committed, "failedOperations": self.failed_operations,
            "failedBatches": self.failed_batches, "retries": self.retries,
            "errorMessages": dict(self.operation_errors),
            "batch": {"total": self.batches, "failed": self.failed_batches,
                      "committed": self.batches - self.failed_batches, "errors": dict(self.batch_errors)},
            "operations": {"total": self.total, "failed": self.failed_operations, "committed": self.committed,
                           "errors": dict(self.operation_errors)},
            "wasTerminated": False, "failedParams": dict(self.failed_parameters),
            "updateStatistics": dict(self.statistics),
        }


class _OperationFailed(Exception):
    """An action failed inside a batch (already counted); the batch is rolled back."""

    def __init__(self, error: Neo4jError) -> None:
        super().__init__(error.message)
        self.error = error


def _run_batch(ctx: ExecutionContext, action: str, batch: list[dict], per_batch: bool, config: Config,
               collector: Collector) -> tuple[int, int | None]:
    """Runs one batch in a transaction of its own: (operations done, commit timestamp). An action that fails is
    counted and raised as `_OperationFailed`; the batch is then rolled back."""
    transaction = ctx.new_batch()
    # A batch counts its updates apart: APOC reports them in updateStatistics, not in the caller's summary.
    inner = dataclasses.replace(ctx, txn=transaction.transaction, new_batch=None, csv_position=None,
                                counters=Counters())
    try:
        done = 0
        runs = [{"_count": collector.total, "_batch": batch}] if per_batch else \
            [{**row, "_count": collector.total + index, "_batch": batch} for index, row in enumerate(batch)]
        for parameters in runs:
            parameters = {**config.params, **parameters}
            before = dataclasses.replace(inner.counters)
            try:
                # Planned in the batch, as APOC's batch runs it: a statement that cannot run fails its batches.
                plan = prepare(inner, NAME, action, parameters, read_only=False)
                for _ in run_plan(inner, NAME, plan, parameters):
                    pass
            except Neo4jError as error:
                ctx.check()  # stopping the outer transaction stops the call, not a failed batch
                collector.operation_failed(batch, _root(error))
                raise _OperationFailed(error) from error
            done += len(batch) if per_batch else 1
            _count_since(collector, before, inner.counters)
        committed_at = transaction.commit()
    except BaseException:
        transaction.rollback()
        raise
    return done, committed_at


@procedure(NAME, inputs=(("cypherIterate", "STRING", ...), ("cypherAction", "STRING", ...), ("config", "MAP", ...)),
           outputs=OUTPUTS, mode="WRITE",
           description="Runs the second statement for each item returned by the first statement.\nThis procedure "
                       "returns the number of batches and the total number of processed rows.")
def iterate(ctx: ExecutionContext, cypher_iterate: str, cypher_action: str, config: dict | None) -> Iterator[dict]:
    """Runs the second statement for each item returned by the first statement. This procedure returns the number
    of batches and the total number of processed rows."""
    settings = Config.of(config)
    if ctx.new_batch is None:
        raise DatabaseError(EXPLICIT_MESSAGE, "Neo.DatabaseError.Transaction.TransactionStartFailed")
    source = prepare(ctx, NAME, cypher_iterate, settings.params, read_only=False)
    if source.category == "schema":
        raise procedure_failed(NAME, "Supported query types for the operation are [READ_ONLY, WRITE, READ_WRITE]",
                               "java.lang.RuntimeException")
    action, per_batch = inner_statement(cypher_action, settings.batch_mode, list(source.columns))
    collector = Collector(settings.failed_params)
    rows = run_plan(ctx, NAME, source, settings.params)
    last_commit = None
    while True:
        ctx.check()
        batch = list(itertools.islice(rows, settings.batch_size))
        if not batch:
            break
        committed_at = _with_retries(ctx, action, batch, per_batch, settings, collector)
        if committed_at is not None:
            last_commit = max(last_commit or 0, committed_at)
        collector.batches += 1
        collector.total += len(batch)
    see_commit(ctx, last_commit)
    yield collector.result()


def _with_retries(ctx: ExecutionContext, action: str, batch: list[dict], per_batch: bool, config: Config,
                  collector: Collector) -> int | None:
    """One batch, tried again up to `retries` times (APOC waits 100 ms between tries); its commit timestamp."""
    for attempt in range(config.retries + 1):
        ctx.check()
        try:
            done, committed_at = _run_batch(ctx, action, batch, per_batch, config, collector)
        except _OperationFailed as failure:
            # APOC names a batch's failure by the exception its future threw: the statement's, whole.
            message = f"org.neo4j.graphdb.QueryExecutionException: {_root(failure.error).message}"
        except Neo4jError as failure:  # the commit failed, or the batch could not begin
            ctx.check()
            message = _root(failure).message
        else:
            collector.committed += done
            ctx.transactions_committed += 1
            return committed_at
        if attempt < config.retries:
            collector.retries += 1
            time.sleep(_RETRY_PAUSE)
            continue
        collector.batch_failed(message)
    return None


def _count_since(collector: Collector, before: Counters, after: Counters) -> None:
    delta = Counters()
    for field in dataclasses.fields(Counters):
        setattr(delta, field.name, getattr(after, field.name) - getattr(before, field.name))
    collector.counted(delta)


def _root(error: Neo4jError) -> Neo4jError:
    """APOC counts an operation's error by its root cause's message."""
    cause = error
    while isinstance(cause.__cause__, Neo4jError):
        cause = cause.__cause__
    return cause
