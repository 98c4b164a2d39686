"""Sessions and transactions shaped like the `neo4j` driver's: implicit `run`, explicit transactions, managed
transactions with retries, bookmarks, and BEGIN/COMMIT/ROLLBACK statements."""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.classify import TRANSACTION_CONTROL
from graphplex.databases.errors import ClientError, Neo4jError, SessionError, TransactionError, TransientError
from graphplex.databases.storage import ANALYTICAL_ISOLATION_MESSAGE, StorageMode
from graphplex.databases.storage.disk import ONLY_SNAPSHOT_ISOLATION
from graphplex.management import run_management
from graphplex.result import Result, ResultSummary, SummaryCounters
from graphplex.security import Principal
from graphplex.transaction import DBMSTransaction

if TYPE_CHECKING:
    from graphplex.dbms import DBMS


@dataclass
class Query:
    """A query text with the metadata and timeout of its implicit transaction (as `neo4j.Query`)."""

    text: str
    metadata: dict | None = None
    timeout: float | None = None


class Transaction:
    """An explicit transaction of a session (`session.begin_transaction()`); leaving a `with` block commits, an
    exception rolls back."""

    def __init__(self, session: "Session", dbms_transaction: DBMSTransaction) -> None:
        self._session = session
        self._txn = dbms_transaction
        self._closed = False

    @property
    def id(self) -> str:
        return self._txn.transaction_id()

    def run(self, query: str | Query, parameters: dict | None = None, **kwparameters) -> Result:
        if self._closed:
            raise TransactionError("Transaction closed", "Neo.ClientError.Transaction.TransactionNotFound")
        text = query.text if isinstance(query, Query) else query
        self._session._consume_open_result()
        result = self._txn.run(text, {**(parameters or {}), **kwparameters})
        self._session._last_result = result
        return result

    def commit(self) -> None:
        if self._closed:
            raise TransactionError("Transaction closed", "Neo.ClientError.Transaction.TransactionNotFound")
        self._session._consume_open_result(keep_readable=False)
        try:
            bookmarks = self._txn.commit()
        finally:
            self._closed = True
            self._session._transaction = None
        self._session._remember(bookmarks)

    def rollback(self) -> None:
        if self._closed:
            return
        self._session._drop_open_result()
        self._txn.rollback()
        self._closed = True
        self._session._transaction = None

    def close(self) -> None:
        """Rolls back if still open."""
        self.rollback()

    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "Transaction":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._closed:
            return
        if exc_type is None:
            self.commit()
        else:
            self.rollback()


class Session:
    """A series of transactions against one database, one at a time. Not thread-safe: concurrent use raises."""

    def __init__(self, dbms: "DBMS", database: str | None, default_access_mode: str, bookmarks,
                 principal: Principal) -> None:
        self._dbms = dbms
        self.principal = principal
        # Without a database, a session uses its user's home database.
        self.database = (database or principal.privileges.home).lower()
        self.access_mode = default_access_mode.upper()
        self._bookmarks: list[str] = list(bookmarks or [])
        self._transaction: Transaction | None = None
        self._statement_transaction: DBMSTransaction | None = None
        self._last_result: Result | None = None
        self._closed = False
        self._owner: int | None = None
        self._guard = threading.Lock()
        self._isolation_level: str | None = None
        self._next_isolation_level: str | None = None
        self._bookmarks_awaited = not self._bookmarks
        # (connection id, client address, protocol) stamped on this session's transactions (Bolt connections).
        self.connection: tuple[str, str, str] | None = None

    @property
    def in_statement_transaction(self) -> bool:
        """Whether a `BEGIN` statement opened a transaction that a `COMMIT`/`ROLLBACK` statement has not ended."""
        return self._statement_transaction is not None

    # --- thread confinement ------------------------------------------------------------------------------

    def _enter(self) -> None:
        if self._closed:
            raise SessionError("Session closed")
        if not self._guard.acquire(blocking=False):
            raise SessionError("Session is not thread-safe: it is already in use by another thread")

    def _exit(self) -> None:
        self._guard.release()

    # --- implicit transactions ---------------------------------------------------------------------------

    def run(self, query: str | Query, parameters: dict | None = None, **kwparameters) -> Result:
        """Runs a statement in an implicit transaction (or in the transaction BEGIN opened)."""
        self._enter()
        try:
            text = query.text if isinstance(query, Query) else query
            parameters = {**(parameters or {}), **kwparameters}
            self._consume_open_result()
            statement, info = self._dbms.parse(text)
            if info.category == TRANSACTION_CONTROL:
                return self._control(statement, text, parameters)
            if self._transaction is not None:
                raise TransactionError("Explicit transaction is open: run statements through it, or commit or "
                                       "roll it back first", "Neo.ClientError.Transaction.TransactionNotFound")
            if self._statement_transaction is not None:
                result = self._statement_transaction.run(text, parameters)
            else:
                txn = self._new_transaction(implicit=True, metadata=getattr(query, "metadata", None),
                                            timeout=getattr(query, "timeout", None))
                result = txn.run(text, parameters)
                result = _with_bookmarks(result, txn, self)
            self._last_result = result
            return result
        finally:
            self._exit()

    def _control(self, statement, text: str, parameters: dict) -> Result:
        if isinstance(statement, ast.TransactionControl):
            if statement.action == "BEGIN":
                if self._statement_transaction is not None or self._transaction is not None:
                    raise TransactionError("Nested transactions are not supported.",
                                           "Neo.ClientError.Transaction.TransactionStartFailed")
                self._statement_transaction = self._new_transaction(implicit=False)
            elif statement.action == "COMMIT":
                txn = self._statement_transaction
                if txn is None:
                    raise TransactionError("No current transaction to commit.",
                                           "Neo.ClientError.Transaction.TransactionNotFound")
                # A refused COMMIT leaves the transaction to be rolled back by a ROLLBACK, as Memgraph asks.
                bookmarks = txn.commit()
                self._statement_transaction = None
                self._remember(bookmarks)
            else:
                txn = self._statement_transaction
                if txn is None:
                    raise TransactionError("No current transaction to rollback.",
                                           "Neo.ClientError.Transaction.TransactionNotFound")
                self._statement_transaction = None
                txn.rollback()
            return _empty_result(text, self.database)
        if isinstance(statement, ast.SetIsolationLevel):
            if self._statement_transaction is not None or self._transaction is not None:
                raise TransactionError("Isolation level cannot be modified in multicommand transactions.",
                                       "Neo.ClientError.Transaction.ForbiddenDueToTransactionType")
            database = self._dbms.databases.get(self.database)
            mode = database.storage_mode if database is not None else None
            if mode == StorageMode.IN_MEMORY_ANALYTICAL.value:
                raise ClientError(ANALYTICAL_ISOLATION_MESSAGE, "Neo.ClientError.Statement.ExecutionFailed")
            if mode == StorageMode.ON_DISK_TRANSACTIONAL.value and statement.level != "SNAPSHOT_ISOLATION":
                raise ClientError(ONLY_SNAPSHOT_ISOLATION, "Neo.ClientError.Statement.ExecutionFailed")
            if statement.scope == "GLOBAL":
                self._dbms.set_global("isolation_level", statement.level)
            elif statement.scope == "SESSION":
                self._isolation_level = statement.level
            else:
                self._next_isolation_level = statement.level
            return _empty_result(text, self.database)
        if isinstance(statement, (ast.ShowTransactions, ast.TerminateTransactions)):
            if self._statement_transaction is not None:
                return self._statement_transaction.run(text, parameters)
            txn = self._new_transaction(implicit=True)
            txn.current_query = text
            try:
                return run_management(self._dbms, statement, text, parameters, txn.principal)
            finally:
                txn.commit()
        raise ClientError(f"{type(statement).__name__} is not supported yet",
                          "Neo.ClientError.Statement.UnsupportedAdministrationCommand")

    def _await_bookmarks(self) -> None:
        """A session given bookmarks starts its first transaction only once those commits are visible."""
        if self._bookmarks_awaited:
            return
        self._bookmarks_awaited = True
        self._dbms.await_bookmarks(self._bookmarks)

    def _current_principal(self) -> Principal:
        """The session's user with the privileges they hold now (a GRANT applies to their next transaction)."""
        if self.principal.unrestricted:
            return self.principal
        self.principal = self._dbms.security.principal(self.principal.user)
        return self.principal

    def _new_transaction(self, implicit: bool, metadata: dict | None = None, timeout: float | None = None,
                         isolation_level: str | None = None, access_mode: str | None = None) -> DBMSTransaction:
        self._await_bookmarks()
        level = isolation_level or self._next_isolation_level or self._isolation_level
        levels = (self._isolation_level, self._next_isolation_level)
        self._next_isolation_level = None
        txn = DBMSTransaction(self._dbms, self.database, access_mode=access_mode or self.access_mode,
                              isolation_level=level, metadata=metadata, timeout=timeout, implicit=implicit,
                              principal=self._current_principal())
        txn.session_isolation = levels
        if self.connection is not None:
            txn.connection_id, txn.client_address, txn.protocol = self.connection
        return txn

    # --- explicit transactions ---------------------------------------------------------------------------

    def begin_transaction(self, metadata: dict | None = None, timeout: float | None = None,
                          isolation_level: str | None = None, access_mode: str | None = None) -> Transaction:
        """An explicit transaction; `access_mode` (READ/WRITE) overrides the session's for this one."""
        self._enter()
        try:
            self._consume_open_result()
            if self._transaction is not None or self._statement_transaction is not None:
                raise TransactionError("Explicit transaction already open in this session",
                                       "Neo.ClientError.Transaction.TransactionStartFailed")
            txn = Transaction(self, self._new_transaction(False, metadata, timeout, isolation_level, access_mode))
            self._transaction = txn
            return txn
        finally:
            self._exit()

    def execute_read(self, work: Callable, *args, **kwargs) -> Any:
        return self._managed("READ", work, args, kwargs)

    def execute_write(self, work: Callable, *args, **kwargs) -> Any:
        return self._managed("WRITE", work, args, kwargs)

    def _managed(self, mode: str, work: Callable, args, kwargs, max_retry_time: float = 30.0) -> Any:
        deadline = time.monotonic() + max_retry_time
        delay = 0.001
        while True:
            tx = self.begin_transaction(access_mode=mode)
            try:
                value = work(tx, *args, **kwargs)
                if not tx.closed():
                    tx.commit()
                return value
            except Neo4jError as error:
                tx.rollback()
                if not isinstance(error, TransientError) or not error.is_retryable() or \
                        time.monotonic() + delay > deadline:
                    raise
            except TransactionError as error:
                tx.rollback()
                cause = error.__cause__
                if not isinstance(cause, TransientError) or time.monotonic() + delay > deadline:
                    raise
            except BaseException:
                tx.rollback()
                raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 1.0)

    # --- bookmarks and the end ---------------------------------------------------------------------------

    def last_bookmarks(self) -> list[str]:
        self._consume_open_result()
        return list(self._bookmarks)

    def _remember(self, bookmarks: dict[str, str]) -> None:
        if bookmarks:
            self._bookmarks = list(bookmarks.values())

    def _consume_open_result(self, keep_readable: bool = True) -> None:
        """Before the next statement the pending result is read into memory (it stays readable); when its
        transaction ends it is consumed (reading it afterwards raises ResultConsumedError), as in the driver."""
        result, self._last_result = self._last_result, None
        if result is not None:
            if keep_readable:
                result.detach()
            else:
                result.consume()

    def _drop_open_result(self) -> None:
        self._last_result = None

    def close(self) -> None:
        """Consumes a pending result, rolls back an open transaction and releases everything."""
        if self._closed:
            return
        try:
            self._consume_open_result()
        finally:
            for txn in (self._transaction, self._statement_transaction):
                if txn is not None:
                    txn.rollback()
            self._transaction = self._statement_transaction = None
            self._closed = True

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _with_bookmarks(result: Result, txn: DBMSTransaction, session: Session) -> Result:
    finish = result._finish

    def finish_and_remember() -> ResultSummary:
        summary = finish()
        session._remember(txn.bookmarks)
        return summary
    result._finish = finish_and_remember
    return result


def _empty_result(text: str, database: str) -> Result:
    return Result([], iter(()), lambda: ResultSummary(text, {}, SummaryCounters(), "s", database), None)


__all__ = ["Session", "Transaction", "Query"]
