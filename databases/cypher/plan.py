"""An executable plan: a pipeline of operators over rows, its columns, and what the coordinator must know."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, Protocol

from graphplex.databases.cypher.context import Counters, ExecutionContext
from graphplex.databases.cypher.termination import checked_rows
from graphplex.databases.cypher.batch_failures import reporting_commits
from graphplex.databases.cypher.notifications import (
    Notification, unknown_label, unknown_property_key, unknown_relationship_type,
)
from graphplex.databases.cypher.plan_description import describe
from graphplex.databases.cypher.profiling import Meter, MeteredTransaction

if TYPE_CHECKING:
    from graphplex.databases.storage import StorageTransaction

Rows = Iterator[dict]
RowFunction = Callable[[Rows, ExecutionContext], Rows]


@dataclass
class Operator:
    """One stage of a pipeline: `run(rows, ctx)` maps the incoming rows lazily to outgoing rows."""

    name: str
    details: str
    run: RowFunction
    children: list["Operator"] = field(default_factory=list)
    notifications: tuple[Notification, ...] = ()  # what this stage of the plan tells the user (a cartesian product)
    identifiers: tuple[str, ...] = ()  # the variables in scope after it (for EXPLAIN and PROFILE)
    # A fused MATCH: its steps as Neo4j's operators (`patterns.StepInfo`), and how to run it with each step
    # measured apart, `profiled(rows, ctx, meter)`, when the run is profiled.
    steps: tuple = ()
    profiled: Callable[[Rows, ExecutionContext, Meter], Rows] | None = None
    grouping: object | None = None  # an aggregation's `projection.Grouping`, for a column scan to take over
    pattern: object | None = None  # a MATCH's planned pattern (`patterns.MatchPlan`), for `distinct_ends`
    # A projection that keeps only its columns: their (name, expression as written), for a column scan to take over.
    projected: tuple | None = None

    def __post_init__(self) -> None:
        # The one termination point of the pipeline: every row an operator hands on passes it, so no operator
        # (nor one that filters everything away downstream) runs on once its transaction is stopped. It is also
        # where a profiled run (its transaction metered) measures each operator, nested ones too; an unprofiled
        # run pays one type check per operator run, not per row.
        produce = self.run

        def run(rows: Rows, ctx: ExecutionContext) -> Rows:
            txn = ctx.txn
            if type(txn) is not MeteredTransaction:
                return checked_rows(produce(rows, ctx), ctx)
            meter = txn.meter
            produced = produce(rows, ctx) if self.profiled is None else self.profiled(rows, ctx, meter)
            return meter.measured(checked_rows(produced, ctx), meter.of(self))
        self.run = run


class PlanPrefix(Protocol):
    """A faster run of a pipeline's first `replaces` operators, planned beside them: a column scan
    (`columnar.ColumnarPrefix`), a set of traversal ends (`distinct_ends.DistinctEndsPrefix`) or a chunk-wise batch
    import (`batched_writes.BatchedWrites`).

    Phases: planned once with the plan (None when the statement's shape does not allow it); at each unprofiled run,
    `rows(ctx)` gives exactly the rows the replaced operators would, deciding then whether this run allows the
    faster way (the storage engine, the user's read filter, a memory limit) and running the replaced operators
    itself when it does not; the remaining operators read those rows."""

    replaces: int

    def rows(self, ctx: ExecutionContext) -> Iterator[dict]: ...


@dataclass
class Plan:
    """What the planner produced for one statement.

    `query_type` is the driver's summary type: "r", "w", "rw" or "s". `category` is the workload category the
    coordinator enforces: "read", "write", "schema" (and later "admin", "transaction"). `target_database` is
    the name a leading `USE` gave, if any.
    """

    operators: list[Operator]
    columns: list[str]
    query_type: str
    category: str
    parameters: frozenset = frozenset()
    target_database: str | None = None
    in_transactions: bool = False
    explain: bool = False
    profile: bool = False
    notifications: tuple[Notification, ...] = ()
    unknown_labels: frozenset[str] = frozenset()  # named by a MATCH, not in the database when planned
    unknown_types: frozenset[str] = frozenset()
    unknown_keys: frozenset[str] = frozenset()  # property keys read that were no tokens when planned
    if_no_effect: tuple[Notification, ...] = ()  # reported when the statement changed nothing (DROP … IF EXISTS)
    memory_limit: int | None = None  # Memgraph's QUERY MEMORY LIMIT, in bytes (`working_memory.within`)
    # A faster run of the first operators, taken when the run is not profiled (see `PlanPrefix`).
    prefix: PlanPrefix | None = None

    def notifications_now(self, txn: StorageTransaction) -> tuple[Notification, ...]:
        """The notifications of one run in `txn`: those found while planning, and the MATCH clauses' labels and
        types the database still does not hold, and the property keys read that are still no tokens (neither in
        the database nor written first by `txn`). Only the tokens missing when planned are looked up again (a
        token, once there, stays known, as Neo4j's tokens do), so a cached plan costs nothing more here."""
        if not (self.unknown_labels or self.unknown_types or self.unknown_keys):
            return self.notifications
        storage = txn.storage
        found = list(self.notifications)
        if self.unknown_labels:
            found += [unknown_label(name) for name in sorted(self.unknown_labels) if not storage.label_count(name)]
        if self.unknown_types:
            present = set(storage.types_in_use())
            found += [unknown_relationship_type(name) for name in sorted(self.unknown_types - present)]
        if self.unknown_keys:
            missing = storage.property_keys.missing(self.unknown_keys)
            if missing:
                found += [unknown_property_key(key) for key in sorted(missing.difference(txn.new_property_keys()))]
        return tuple(found)

    def notifications_after(self, counters: Counters) -> tuple[Notification, ...]:
        """The notifications that depend on what the statement did, once it ran."""
        return () if counters.contains_updates else self.if_no_effect

    def rows(self, ctx: ExecutionContext) -> Rows:
        """Runs the pipeline on one empty starting row; its first operators column-at-a-time or chunk-wise when
        planned so and the run is not profiled (PROFILE measures the operators as planned)."""
        rows: Rows = iter(({},))
        operators = self.operators
        prefix = self.prefix
        if prefix is not None and type(ctx.txn) is not MeteredTransaction:
            rows = prefix.rows(ctx)
            operators = operators[prefix.replaces:]
        for operator in operators:
            rows = operator.run(rows, ctx)
        return self._reported(rows, ctx)

    def profiled_rows(self, ctx: ExecutionContext, meter: Meter) -> Rows:
        """As `rows`, measuring every operator into `meter` (see `profiling`): the run reads the store through
        a metered transaction, the statement's own again once the rows are done."""
        txn = ctx.txn
        ctx.txn = MeteredTransaction(txn, meter)
        try:
            yield from self.rows(ctx)
        finally:
            ctx.txn = txn

    def _reported(self, rows: Rows, ctx: ExecutionContext) -> Rows:
        """A statement that commits batches of its own names, when it fails, how many it committed."""
        return reporting_commits(rows, ctx) if self.in_transactions else rows

    def describe(self, meter: Meter | None = None, database: str = "neo4j") -> dict:
        """The plan as Neo4j's tree of operators (EXPLAIN), with each operator's figures when `meter` measured a
        run (PROFILE): see `plan_description`."""
        return describe(self, database, meter)
