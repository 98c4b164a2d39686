"""SHOW TRANSACTIONS and TERMINATE TRANSACTIONS as Memgraph answers them, and the errors a Memgraph session's
transaction fails with when it is stopped: what a session of Memgraph's dialect sees (`graphplex.dialects`).

Taken from Memgraph's source (src/query/interpreter.cpp `ShowTransactions` / `HandleTransactionQueueQuery`,
interpreter_context.cpp `TerminateTransactions`, exceptions.hpp `HintedAbortError`, and the Bolt server's mapping of
its exceptions to codes): one row per session transaction (not per database, and not per batch of
`CALL { } IN TRANSACTIONS`), every statement it ran so far, ids numbered from 2^63 as Memgraph numbers them."""
from __future__ import annotations

import time
import zoneinfo
from typing import TYPE_CHECKING, Callable

from graphplex.databases.errors import ClientError, TransientError
from graphplex.databases.cypher.parser import redact_passwords
from graphplex.databases.temporal_values import DateTime
from graphplex.batches import Batch

if TYPE_CHECKING:
    from graphplex.transaction import DBMSTransaction

SHOW_COLUMNS = ["username", "transaction_id", "query", "status", "metadata", "start_time", "elapsed_ms"]
TERMINATE_COLUMNS = ["transaction_id", "killed"]
# HintedAbortError's messages, by reason.
BY_ANOTHER_USER = "Transaction was asked to abort by another user."
SHUTDOWN = "Transaction was asked to abort because of database shutdown."
TIMEOUT = "Transaction was asked to abort because of transaction timeout."
# kInterpreterTransactionInitialId: Memgraph's transaction ids start here.
FIRST_ID = 1 << 63
TERMINATE_ALL = "*"
# The code of a transaction id Memgraph refuses (a query's error: Memgraph's clients read a ClientError).
INVALID_ID = "Neo.ClientError.Statement.ArgumentError"
_UTC = zoneinfo.ZoneInfo("UTC")


def aborted(message: str) -> TransientError:
    """The failure of a transaction that was stopped (one of the messages above), as Memgraph reports it: a
    retryable transient error (Memgraph's clients read it as `Memgraph.TransientError.…`: `code_in_dialect`)."""
    return TransientError(message, TransientError.default_code)


def transaction_id(txn: "DBMSTransaction") -> str:
    """The id Memgraph's SHOW TRANSACTIONS lists `txn` under and its TERMINATE TRANSACTIONS takes."""
    return str(FIRST_ID + txn.id)


def sessions_transactions(visible: list) -> list["DBMSTransaction"]:
    """The transactions Memgraph would list: those of sessions, without the batches they run."""
    return [txn for txn in visible if not isinstance(txn, Batch)]


def show_rows(visible: list, ids: list, auth_enabled: bool) -> list[dict]:
    """SHOW TRANSACTIONS' rows (filtered by `ids` when the statement names some); with authentication off Memgraph
    knows no user, and its username is ''."""
    rows = []
    for txn in sessions_transactions(visible):
        row_id = transaction_id(txn)
        if ids and row_id not in ids:
            continue
        queries = txn.queries or ([txn.current_query] if txn.current_query else [])
        rows.append({"username": txn.user if auth_enabled else "", "transaction_id": row_id,
                     "query": [redact_passwords(query) for query in queries], "status": _status(txn),
                     "metadata": dict(txn.metadata), "start_time": DateTime.fromtimestamp(txn.start_time, _UTC),
                     "elapsed_ms": int((time.time() - txn.start_time) * 1000)})
    return rows


def _status(txn: "DBMSTransaction") -> str:
    if txn.terminated is not None:
        return "terminating"
    return "aborting" if txn.failure is not None else "running"


def terminate_rows(visible: list, values: list, caller: "DBMSTransaction",
                   terminate: Callable[["DBMSTransaction"], None]) -> list[dict]:
    """TERMINATE TRANSACTIONS' rows: the ids it could not terminate (unknown, not the caller's to stop, or no longer
    running) with killed false, then those it terminated, in the order Memgraph's partition leaves them. `"*"`
    alone terminates every running transaction the caller may stop but its own, oldest first."""
    candidates = [txn for txn in sessions_transactions(visible)
                  if txn.is_open and txn.failure is None and txn.terminated is None]
    if TERMINATE_ALL in values:
        if len(values) != 1:
            raise ClientError(f"The '{TERMINATE_ALL}' wildcard cannot be combined with transaction ids.",
                              INVALID_ID)
        killed = sorted((txn for txn in candidates if txn is not caller), key=lambda txn: txn.id)
        for txn in killed:
            terminate(txn)
        return [{"transaction_id": transaction_id(txn), "killed": True} for txn in killed]
    ids = [_parse_id(value) for value in values]
    found = len(ids)  # ids[:found] are not (yet) found; a match is swapped to just past them
    for txn in candidates:
        number = int(transaction_id(txn))
        try:
            position = ids.index(number, 0, found)
        except ValueError:
            continue
        found -= 1
        ids[position], ids[found] = ids[found], ids[position]
        terminate(txn)
    return [{"transaction_id": str(number), "killed": index >= found} for index, number in enumerate(ids)]


def _parse_id(value: object) -> int:
    """A transaction id as Memgraph takes one: a string of digits, the whole of it."""
    if not isinstance(value, str):
        raise ClientError("Transaction id must be a string.", INVALID_ID)
    if not value.isascii() or not value.isdigit() or int(value) >= 1 << 64:
        raise ClientError(f"'{value}' is not a valid transaction id.", INVALID_ID)
    return int(value)
