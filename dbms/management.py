"""Transaction management: SHOW TRANSACTIONS, TERMINATE TRANSACTIONS and the timeout watchdog."""
from __future__ import annotations

import datetime as dt
import heapq
import threading
import time
from typing import TYPE_CHECKING

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.context import Counters, ExecutionContext
from graphplex.databases.cypher.expressions import Scope, compile_expression
from graphplex.databases.cypher.parser import redact_password_parameters, redact_passwords
from graphplex.databases.cypher.show import plan_show
from graphplex.databases.errors import ClientError, Neo4jError, error_for_code
from graphplex.databases.values import Duration
from graphplex import memgraph_transactions as memgraph
from graphplex.dialects import MEMGRAPH, NEO4J
from graphplex.refusals import not_in_multicommand
from graphplex.system_db import SYSTEM

if TYPE_CHECKING:
    from graphplex.transaction import DBMSTransaction

TERMINATED_PREFIX = ("The transaction has been terminated. Retry your operation in a new transaction, and you "
                     "should see a successful result. ")
SHOW_COLUMNS = ["database", "transactionId", "currentQueryId", "connectionId", "clientAddress", "username",
                "currentQuery", "startTime", "status", "elapsedTime"]
SHOW_EXTRA_COLUMNS = ["outerTransactionId", "metaData", "parameters", "planner", "runtime", "indexes",
                      "currentQueryStartTime", "protocol", "requestUri", "currentQueryStatus", "statusDetails",
                      "resourceInformation", "activeLockCount", "currentQueryActiveLockCount", "cpuTime",
                      "waitTime", "idleTime", "currentQueryElapsedTime", "currentQueryAllocatedBytes",
                      "allocatedDirectBytes", "estimatedUsedHeapMemory", "pageHits", "pageFaults",
                      "isolationLevel", "allocatedBytes"]
TERMINATE_COLUMNS = ["transactionId", "username", "message"]

# The errors a stopped transaction fails with, in the words of the dialect of its session (`graphplex.dialects`):
# the stopper makes the one its victim's client expects.


def terminated_by_user(dialect: str = NEO4J) -> Neo4jError:
    if dialect == MEMGRAPH:
        return memgraph.aborted(memgraph.BY_ANOTHER_USER)
    return error_for_code("Neo.ClientError.Transaction.Terminated", TERMINATED_PREFIX + "Explicitly terminated by the user. ")


def database_stopped(name: str, dialect: str = NEO4J) -> Neo4jError:
    if dialect == MEMGRAPH:
        return memgraph.aborted(memgraph.SHUTDOWN)
    return error_for_code("Neo.TransientError.Transaction.Terminated",
                          TERMINATED_PREFIX + f"Transaction was asked to abort because of database shutdown: database "
                          f"'{name}' was dropped or stopped.")


def dbms_closed(dialect: str = NEO4J) -> Neo4jError:
    if dialect == MEMGRAPH:
        return memgraph.aborted(memgraph.SHUTDOWN)
    return error_for_code("Neo.TransientError.Transaction.Terminated",
                          TERMINATED_PREFIX + "Transaction was asked to abort because of database shutdown: the DBMS "
                          "was closed.")


def timed_out(client_configured: bool, dialect: str = NEO4J) -> Neo4jError:
    if dialect == MEMGRAPH:
        return memgraph.aborted(memgraph.TIMEOUT)
    if client_configured:
        return error_for_code("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
                              TERMINATED_PREFIX + "The transaction has not completed within the timeout specified at "
                              "its start by the client. You may want to retry with a longer timeout.")
    return error_for_code("Neo.ClientError.Transaction.TransactionTimedOut",
                          TERMINATED_PREFIX + "The transaction has not completed within the specified timeout "
                          "(db.transaction.timeout). You may want to retry with a longer timeout.")


def run_management(txn: "DBMSTransaction", statement, parameters: dict) -> tuple[list[str], list[tuple]]:
    """Runs SHOW TRANSACTIONS or TERMINATE TRANSACTIONS in `txn`; returns (keys, records), in the columns of
    `txn`'s dialect (Memgraph's: `memgraph_transactions`). A user sees (terminates) their own transactions and those
    the SHOW TRANSACTION (TERMINATE TRANSACTION) privilege gives them (Memgraph's TRANSACTION_MANAGEMENT is both).
    The statement's YIELD/WHERE/RETURN run over `txn`'s child on its own database, as a read of it would."""
    dbms, principal = txn.dbms, txn.principal
    # The ids and the rows (YIELD, WHERE …) are evaluated in a transaction of the session's database, or of
    # `system` when that is a remote alias's, whose child is on another server.
    database = SYSTEM if dbms.remote_alias(txn.database) is not None else txn.database
    dbms.database_named(database)
    ctx = ExecutionContext(txn.child(database), parameters, Counters(), database)
    values = _id_values(statement.ids, ctx)
    show = isinstance(statement, ast.ShowTransactions)
    action = "SHOW TRANSACTION" if show else "TERMINATE TRANSACTION"

    def may(txn) -> bool:
        return txn.user == principal.user or any(
            principal.privileges.allows_for_user(action, database, txn.user)
            for database in (list(txn.children) or [txn.database]))
    visible = [t for t in dbms.registry.all() if may(t)]
    if txn.dialect == MEMGRAPH:
        if not txn.implicit:
            raise not_in_multicommand("Querying transaction status")
        if show:
            rows = memgraph.show_rows(visible, values, dbms.settings.auth_enabled)
        else:
            rows = memgraph.terminate_rows(visible, values, txn, _stop)
        columns = memgraph.SHOW_COLUMNS if show else memgraph.TERMINATE_COLUMNS
        every_column = columns
    elif show:
        ids = _neo4j_ids(values)
        rows = [row for t in visible for row in _rows(t) if not ids or row["transactionId"] in ids]
        columns, every_column = SHOW_COLUMNS, SHOW_COLUMNS + SHOW_EXTRA_COLUMNS
    else:
        rows = _terminate(visible, _neo4j_ids(values))
        columns = every_column = TERMINATE_COLUMNS
    plan = plan_show(statement, "ShowTransactions" if show else "TerminateTransactions", lambda ctx: rows, columns,
                     every_column, dbms.system.planner)
    return plan.columns, [tuple(row[c] for c in plan.columns) for row in plan.rows(ctx)]


def _terminate(visible: list, ids: list[str]) -> list[dict]:
    """Neo4j's TERMINATE TRANSACTIONS: each id named, terminated if the caller sees it, else not found."""
    by_id = {row["transactionId"]: t for t in visible for row in _rows(t)}
    results = []
    for transaction_id in ids:
        victim = by_id.get(transaction_id)
        if victim is None:
            results.append({"transactionId": transaction_id, "username": None, "message": "Transaction not found."})
            continue
        _stop(victim)
        results.append({"transactionId": transaction_id, "username": victim.user, "message": "Transaction terminated."})
    return results


def _stop(victim) -> None:
    """TERMINATE's work on one transaction: it fails with the words its own session's dialect uses."""
    victim.terminate(terminated_by_user(victim.dialect))


def _id_values(expressions: tuple, ctx: ExecutionContext) -> list:
    """The values of the statement's id expressions, a list flattened (each dialect checks them its way)."""
    values: list = []
    for expression in expressions:
        compiled = compile_expression(expression, Scope())
        value = compiled({}, ctx)
        values.extend(value if isinstance(value, list) else [value])
    return values


def _neo4j_ids(values: list) -> list[str]:
    for item in values:
        if not isinstance(item, str):
            raise ClientError(f"Transaction ids must be strings, got {item!r}", "Neo.ClientError.Statement.TypeError")
    return values


def _rows(txn: "DBMSTransaction") -> list[dict]:
    """One row per database the transaction touches (the session's database when it touched none yet)."""
    databases = list(txn.children) or [txn.database]
    query, parameters = _shown_query(txn)
    now = time.time()
    elapsed = now - txn.start_time
    rows = []
    for database in databases:
        child = txn.children.get(database)
        transaction_id = txn.transaction_id(database)
        status = "Running"
        if txn.terminated is not None:
            status = f"Terminated with reason: {txn.terminated.code.rsplit('.', 1)[-1]}"
        elif child is not None and child.waiting_for is not None:
            status = "Blocked by: [" + f"{database}-transaction-{child.waiting_for.id}" + "]"
        start = dt.datetime.fromtimestamp(txn.start_time, dt.timezone.utc)
        rows.append({
            "database": database, "transactionId": transaction_id,
            "currentQueryId": f"query-{txn.id}" if query else "", "connectionId": txn.connection_id,
            "clientAddress": txn.client_address, "username": txn.user, "currentQuery": query,
            "startTime": start.isoformat(timespec="milliseconds").replace("+00:00", "Z"), "status": status,
            "elapsedTime": Duration(seconds=int(elapsed), nanoseconds=int((elapsed % 1) * 1e9)),
            "outerTransactionId": txn.outer_transaction_id, "metaData": dict(txn.metadata), "parameters": parameters,
            "planner": "",
            "runtime": "", "indexes": [], "currentQueryStartTime": start.isoformat(), "protocol": txn.protocol,
            "requestUri": txn.client_address, "currentQueryStatus": "running" if query else "",
            "statusDetails": "", "resourceInformation": {}, "activeLockCount": len(child.written_entities()) if child else 0,
            "currentQueryActiveLockCount": 0, "cpuTime": None, "waitTime": Duration(), "idleTime": None,
            "currentQueryElapsedTime": None, "currentQueryAllocatedBytes": None, "allocatedDirectBytes": 0,
            "estimatedUsedHeapMemory": child.memory.used if child else 0, "pageHits": 0, "pageFaults": 0,
            "isolationLevel": txn.isolation_level, "allocatedBytes": child.memory.used if child else 0,
        })
    return rows


def _shown_query(txn: "DBMSTransaction") -> tuple[str, dict]:
    """The current query and its parameters as another user may see them: a password typed in the query or passed
    as one of its parameters shows as Neo4j shows it, '******'."""
    text = txn.current_query
    return redact_passwords(text), redact_password_parameters(text, txn.current_parameters)


class TimeoutWatchdog:
    """One daemon thread that terminates transactions whose deadline passed."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._deadlines: list[tuple[float, int, object]] = []
        self._thread: threading.Thread | None = None
        self._stopped = False

    def watch(self, txn: "DBMSTransaction", seconds: float, client_configured: bool) -> None:
        with self._condition:
            heapq.heappush(self._deadlines, (time.monotonic() + seconds, txn.id, (txn, client_configured)))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="graphplex-timeouts", daemon=True)
                self._thread.start()
            self._condition.notify()

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify()

    def _run(self) -> None:
        with self._condition:
            while not self._stopped:
                if not self._deadlines:
                    self._condition.wait()
                    continue
                deadline, _, (txn, client_configured) = self._deadlines[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._condition.wait(delay)
                    continue
                heapq.heappop(self._deadlines)
                if txn.is_open:
                    txn.terminate(timed_out(client_configured, txn.dialect))
