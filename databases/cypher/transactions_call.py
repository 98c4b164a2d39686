"""`CALL { … } IN TRANSACTIONS`: the subquery runs over batches of input rows, each batch in a transaction of its
own that commits before the next begins (Neo4j 5 semantics, ON ERROR CONTINUE | BREAK | FAIL, REPORT STATUS).
Each committed batch is counted in `ctx.transactions_committed`, which a failure of the statement names
(`batch_failures`).

Batches get their transactions from `ctx.new_batch` (the `context.BatchTransaction` contract), which only an
implicit (auto-commit) execution provides; anywhere else the clause fails with Neo4j's TransactionStartFailed
error. Under the DBMS the outer transaction creates each batch, so a batch carries the user's privileges and the
memory limit, is listed by SHOW TRANSACTIONS, and stops when the outer transaction is terminated or times out:
that stop ends the whole statement whatever ON ERROR says, and batches committed before it stay committed.
"""
from __future__ import annotations

import dataclasses
import itertools
from typing import Callable, Iterator

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.context import BatchTransaction, Counters, ExecutionContext
from graphplex.databases.cypher.errors import argument_error, syntax_error, type_error
from graphplex.databases.cypher.expressions import Scope, compile_expression
from graphplex.databases.cypher.plan import Operator
from graphplex.databases.errors import DatabaseError, Neo4jError

EXPLICIT_MESSAGE = ("A query with 'CALL { ... } IN TRANSACTIONS' can only be executed in an implicit transaction, "
                    "but tried to execute in an explicit transaction.")


def plan_in_transactions(clause: ast.CallSubquery, operators, imported: list[str], columns: list[str],
                         scope: Scope) -> Operator:
    options = clause.in_transactions
    batch_size = _batch_size(options.batch_size, scope)
    on_error = options.on_error
    report = options.report_status
    if report is not None and on_error == "FAIL":
        raise syntax_error("REPORT STATUS can only be used when specifying ON ERROR CONTINUE or ON ERROR BREAK")

    def run(rows: Iterator[dict], ctx: ExecutionContext) -> Iterator[dict]:
        if ctx.new_batch is None:
            raise DatabaseError(EXPLICIT_MESSAGE, "Neo.DatabaseError.Transaction.TransactionStartFailed")
        size = batch_size(ctx)
        broken = False
        rows = iter(rows)
        while True:
            batch = list(itertools.islice(rows, size))
            if not batch:
                return
            if broken:
                for row in batch:
                    yield _with_nulls(row, columns, report, _status(False, False, None, None))
                continue
            ctx.check()
            transaction = ctx.new_batch()
            # A batch counts its updates apart: only a committed batch's reach the statement's summary.
            inner = dataclasses.replace(ctx, txn=transaction.transaction, new_batch=None, csv_position=None,
                                        counters=Counters())
            try:
                produced = [(row, list(_run_inner(operators, imported, row, inner))) for row in batch]
                committed_at = transaction.commit()
            except Neo4jError as error:
                transaction.rollback()
                ctx.check()  # stopping the outer transaction stops the statement, even ON ERROR CONTINUE
                if on_error == "FAIL":
                    raise
                status = _status(True, False, transaction.transaction_id(), error.message)
                for row in batch:
                    yield _with_nulls(row, columns, report, status)
                broken = on_error == "BREAK"
                continue
            except BaseException:
                transaction.rollback()
                raise
            ctx.counters.add(inner.counters)
            ctx.transactions_committed += 1
            see_commit(ctx, committed_at)
            status = _status(True, True, transaction.transaction_id(), None)
            for row, results in produced:
                if not columns:
                    yield _with_report(dict(row), report, status)
                    continue
                for result in results:
                    out = dict(row)
                    for name in columns:
                        out[name] = result[name]
                    yield _with_report(out, report, status)
    return Operator("TransactionApply", f"{on_error}", run, list(operators))


def see_commit(ctx: ExecutionContext, committed_at: int | None) -> None:
    """The rest of the outer query sees what a batch committed (as Neo4j's outer transaction does)."""
    if committed_at is not None and ctx.txn.read_ts < committed_at:
        ctx.txn.read_ts = committed_at


def _run_inner(operators, imported: list[str], row: dict, ctx: ExecutionContext) -> Iterator[dict]:
    current: Iterator[dict] = iter(({name: row[name] for name in imported},))
    for operator in operators:
        current = operator.run(current, ctx)
    return current


def _batch_size(expr: ast.Expr | None, scope: Scope):
    if expr is None:
        return lambda ctx: 1000
    compiled = compile_expression(expr, Scope(set(), scope.subplanner))

    def evaluate(ctx):
        value = compiled({}, ctx)
        if not isinstance(value, int) or isinstance(value, bool):
            raise type_error(f"Type mismatch: the batch size of IN TRANSACTIONS must be an integer, got {value!r}")
        if value <= 0:
            raise argument_error(f"Invalid input. '{value}' is not a valid value. Must be a positive integer.")
        return value
    return evaluate


class StorageBatch:
    """A batch of a database used on its own (no DBMS): a bare storage transaction, limited like the outer one."""

    def __init__(self, transaction, database_name: str) -> None:
        self.transaction = transaction
        self.database_name = database_name

    def transaction_id(self) -> str:
        return f"{self.database_name}-transaction-{self.transaction.id}"

    def commit(self) -> int | None:
        return self.transaction.commit()

    def rollback(self) -> None:
        if self.transaction.is_open:
            self.transaction.rollback()


def standalone_batches(database, outer) -> Callable[[], BatchTransaction]:
    """The batch factory of an implicit execution on a database used without a DBMS: each batch has the outer
    transaction's isolation level and memory limit."""
    return lambda: StorageBatch(database.begin(outer.isolation, outer.memory.limit), database.name)


def _status(started: bool, committed: bool, transaction_id, message) -> dict:
    return {"started": started, "committed": committed, "transactionId": transaction_id, "errorMessage": message}


def _with_report(row: dict, report: str | None, status: dict) -> dict:
    if report is not None:
        row[report] = dict(status)
    return row


def _with_nulls(row: dict, columns: list[str], report: str | None, status: dict) -> dict:
    out = dict(row)
    for name in columns:
        out[name] = None
    return _with_report(out, report, status)
