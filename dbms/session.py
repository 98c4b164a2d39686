"""Sessions and transactions shaped like the `neo4j` driver's: implicit `run`, explicit transactions, managed
transactions with retries, bookmarks, and BEGIN/COMMIT/ROLLBACK statements."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from graphplex.databases.cypher import ast
from graphplex.databases.errors import ClientError, Neo4jError, SessionError, TransactionError, TransientError
from graphplex.databases.storage import ANALYTICAL_ISOLATION_MESSAGE, StorageMode
from graphplex.databases.storage.disk import ONLY_SNAPSHOT_ISOLATION
from graphplex.confinement import ExclusiveUse
from graphplex.dialects import MEMGRAPH, NEO4J
from graphplex.memgraph_transactions import transaction_id as memgraph_transaction_id
from graphplex.result import Result, ResultSummary, SummaryCounters
from graphplex.refusals import isolation_level_fixed, nested_transaction, not_in_multicommand
from graphplex.remote import carried_bookmarks
from graphplex.routing import Request, request_for, route_for
from graphplex.security import Principal
from graphplex.transaction import DBMSTransaction, Status as TransactionStatus
from graphplex.use_database import STATUS, SWITCHING, fixed_database, status, target_database

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
    exception rolls back.

    As in the driver, a statement that fails ends the transaction's work: its database transactions are rolled back
    at once and the session is free again (`session.run`, a new `begin_transaction`), while this transaction keeps
    refusing `run` and `commit` with "Transaction failed" (chained to the cause) until `rollback()` or `close()`."""

    def __init__(self, session: "Session", dbms_transaction: DBMSTransaction) -> None:
        self._session = session
        self._txn = dbms_transaction
        self._closed = False
        self._failure: Neo4jError | None = None
        self._terminated: Neo4jError | None = None
        self._results: list[Result] = []

    @property
    def id(self) -> str:
        """The id SHOW TRANSACTIONS lists it under and TERMINATE TRANSACTIONS takes, in the session's dialect."""
        if self._session.dialect == MEMGRAPH:
            return memgraph_transaction_id(self._txn)
        return self._txn.transaction_id()

    def run(self, query: str | Query, parameters: dict | None = None, **kwparameters) -> Result:
        with self._session._guard:
            self._check_usable()
            text = query.text if isinstance(query, Query) else query
            self._session._consume_open_result()
            try:
                result = self._txn.run(text, {**(parameters or {}), **kwparameters})
            except Neo4jError:
                self._notice_failure()
                raise
            self._results.append(result)
            self._session._last_result = result
            return result

    def commit(self) -> None:
        with self._session._guard:
            self._check_usable()
            try:
                self._session._consume_open_result(keep_readable=False)
            except Neo4jError:
                self._notice_failure()
                raise
            self._check_usable()
            try:
                bookmarks = self._txn.commit()
            finally:
                self._end()
            self._session._remember(bookmarks)

    def rollback(self) -> None:
        with self._session._guard:
            if self._closed:
                return
            self._txn.rollback()
            self._end()

    def close(self) -> None:
        """Rolls back if still open."""
        self.rollback()

    def closed(self) -> bool:
        return self._closed

    def _check_usable(self) -> None:
        if self._closed:
            raise TransactionError("Transaction closed", "Neo.ClientError.Transaction.TransactionNotFound")
        self._notice_failure()
        if self._terminated is not None:
            raise self._terminated
        if self._failure is not None:
            raise TransactionError("Transaction failed") from self._failure

    def _notice_failure(self) -> None:
        """A failed DBMS transaction (a statement failed, or it was terminated) is done: it is rolled back and the
        session lets go of it; this transaction remembers why, to refuse further work naming the cause."""
        txn = self._txn
        if self._failure is not None or txn.status is not TransactionStatus.FAILED:
            return
        self._failure, self._terminated = txn.failure, txn.terminated
        txn.rollback()
        self._leave_session()

    def _end(self) -> None:
        self._closed = True
        self._leave_session()

    def _leave_session(self) -> None:
        """Its results go out of scope (as in the driver) and the session may begin another transaction."""
        session = self._session
        if session._last_result in self._results:
            session._last_result = None
        for result in self._results:
            result.transaction_ended()
        self._results = []
        if session._transaction is self:
            session._transaction = None

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
    """A series of transactions, one at a time, against its database (Memgraph's USE DATABASE changes it between
    transactions). Not thread-safe: concurrent use raises."""

    def __init__(self, dbms: "DBMS", database: str | None, default_access_mode: str, bookmarks,
                 principal: Principal, *, dialect: str = NEO4J, database_fixed: bool = False) -> None:
        self._dbms = dbms
        # A client that names the database in every message (Bolt's `db`) keeps it: USE DATABASE is refused.
        self._database_fixed = database_fixed
        self.principal = principal
        # Neo4j's or Memgraph's (`graphplex.dialects`): stamped on every transaction of the session, which answers
        # in it.
        self.dialect = dialect
        # Without a database, a session uses its user's home database.
        self.database = dbms.database_name(database or principal.privileges.home)
        self.access_mode = default_access_mode.upper()
        self._bookmarks: list[str] = list(bookmarks or [])
        self._transaction: Transaction | None = None
        self._statement_transaction: DBMSTransaction | None = None
        self._last_result: Result | None = None
        self._implicit: DBMSTransaction | None = None  # the last implicit transaction, until its bookmarks are taken
        self._closed = False
        self._guard = ExclusiveUse()
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

    def _check_open(self) -> None:
        """Every use, inside the session's guard (a second thread using the session at the same moment is
        refused), starts here."""
        if self._closed:
            raise SessionError("Session closed")

    def _settle(self) -> None:
        """Takes the bookmarks of the last implicit transaction once it ended, and lets go of an explicit
        transaction that failed (it is done, as in the driver)."""
        txn = self._implicit
        if txn is not None and not txn.is_open:
            self._remember(txn.bookmarks)
            self._implicit = None
        if self._transaction is not None:
            self._transaction._notice_failure()

    # --- implicit transactions ---------------------------------------------------------------------------

    def run(self, query: str | Query, parameters: dict | None = None, **kwparameters) -> Result:
        """Runs a statement in an implicit transaction (or in the transaction BEGIN opened)."""
        with self._guard:
            self._check_open()
            text = query.text if isinstance(query, Query) else query
            parameters = {**(parameters or {}), **kwparameters}
            self._consume_open_result()
            self._settle()
            request = request_for(self._dbms, text, parameters)
            route = route_for(request.statement)
            if route.of_the_session:
                return self._session_statement(request)
            if self._transaction is not None and not route.beside_explicit:
                raise TransactionError("Explicit transaction is open: run statements through it, or commit or "
                                       "roll it back first", "Neo.ClientError.Transaction.TransactionNotFound")
            if self._statement_transaction is not None:
                result = self._statement_transaction.run_request(request)
            else:
                txn = self._new_transaction(implicit=True, metadata=getattr(query, "metadata", None),
                                            timeout=getattr(query, "timeout", None), uses_next_level=route.reads_graph)
                self._implicit = txn
                result = txn.run_request(request)
            self._last_result = result
            return result

    def _session_statement(self, request: Request) -> Result:
        """BEGIN, COMMIT, ROLLBACK, SET … ISOLATION LEVEL and USE DATABASE: statements about the session itself."""
        if isinstance(request.statement, ast.UseDatabase):
            return self._use_database(request)
        if isinstance(request.statement, ast.TransactionControl):
            self._transaction_control(request.statement.action)
        else:
            self._set_isolation_level(request)
        return _empty_result(request.text, self.database)

    def _use_database(self, request: Request) -> Result:
        """Memgraph's USE DATABASE: the statements that follow run on the database it names; nothing changes when
        it is refused (in a transaction, unknown, not accessible, or the client fixed the database)."""
        if self._statement_transaction is not None or self._transaction is not None:
            raise not_in_multicommand(SWITCHING)
        if self._database_fixed:
            raise fixed_database()
        target = target_database(self._dbms, self._current_principal(), request.statement, request.parameters)
        row = (status(self.database, target, request.statement.name, request.parameters),)
        self.database = target
        return Result([STATUS], iter([row]), lambda: ResultSummary(request.text, {}, SummaryCounters(), "s", target))

    def _transaction_control(self, action: str) -> None:
        txn = self._statement_transaction
        if action == "BEGIN":
            if txn is not None or self._transaction is not None:
                raise nested_transaction()
            self._statement_transaction = self._new_transaction(implicit=False)
            return
        if txn is None:
            raise TransactionError(f"No current transaction to {action.lower()}.",
                                   "Neo.ClientError.Transaction.TransactionNotFound")
        if action == "COMMIT":
            # A refused COMMIT leaves the transaction to be rolled back by a ROLLBACK, as Memgraph asks.
            bookmarks = txn.commit()
            self._statement_transaction = None
            self._remember(bookmarks)
        else:
            self._statement_transaction = None
            txn.rollback()

    def _set_isolation_level(self, request: Request) -> None:
        statement = request.statement
        if self._statement_transaction is not None or self._transaction is not None:
            raise isolation_level_fixed()
        database = self._dbms.databases.get(self.database)
        mode = database.storage_mode if database is not None else None
        if mode == StorageMode.IN_MEMORY_ANALYTICAL.value:
            raise ClientError(ANALYTICAL_ISOLATION_MESSAGE, "Neo.ClientError.Statement.ExecutionFailed")
        if mode == StorageMode.ON_DISK_TRANSACTIONAL.value and statement.level != "SNAPSHOT_ISOLATION":
            raise ClientError(ONLY_SNAPSHOT_ISOLATION, "Neo.ClientError.Statement.ExecutionFailed")
        if statement.scope == "GLOBAL":
            txn = self._new_transaction(implicit=True, uses_next_level=False)
            try:
                txn.change_setting(request, "isolation_level", statement.level)
                self._remember(txn.commit())
            finally:
                txn.rollback()
        elif statement.scope == "SESSION":
            self._isolation_level = statement.level
        else:
            self._next_isolation_level = statement.level

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
                         isolation_level: str | None = None, access_mode: str | None = None,
                         uses_next_level: bool = True) -> DBMSTransaction:
        """A DBMS transaction of this session; `uses_next_level=False` for statements that touch no graph (SHOW
        TRANSACTIONS, SHOW STORAGE INFO), which leave SET NEXT TRANSACTION ISOLATION LEVEL to the next one that does."""
        self._await_bookmarks()
        level = isolation_level or self._next_isolation_level or self._isolation_level
        levels = (self._isolation_level, self._next_isolation_level)
        if uses_next_level:
            self._next_isolation_level = None
        txn = DBMSTransaction(self._dbms, self.database, access_mode=access_mode or self.access_mode,
                              isolation_level=level, metadata=metadata, timeout=timeout, implicit=implicit,
                              principal=self._current_principal(), dialect=self.dialect)
        txn.session_isolation = levels
        txn.given_bookmarks = list(self._bookmarks)
        txn.confinement = self._guard
        if self.connection is not None:
            txn.connection_id, txn.client_address, txn.protocol = self.connection
        return txn

    # --- explicit transactions ---------------------------------------------------------------------------

    def begin_transaction(self, metadata: dict | None = None, timeout: float | None = None,
                          isolation_level: str | None = None, access_mode: str | None = None) -> Transaction:
        """An explicit transaction; `access_mode` (READ/WRITE) overrides the session's for this one."""
        with self._guard:
            self._check_open()
            self._consume_open_result()
            self._settle()
            if self._transaction is not None or self._statement_transaction is not None:
                raise TransactionError("Explicit transaction already open in this session",
                                       "Neo.ClientError.Transaction.TransactionStartFailed")
            txn = Transaction(self, self._new_transaction(False, metadata, timeout, isolation_level, access_mode))
            self._transaction = txn
            return txn

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
        with self._guard:
            self._consume_open_result()
            self._settle()
            return list(self._bookmarks)

    def _remember(self, bookmarks: dict[str, str]) -> None:
        if bookmarks:
            self._bookmarks = carried_bookmarks(self._bookmarks, list(bookmarks.values()))

    def _consume_open_result(self, keep_readable: bool = True) -> None:
        """Before the next statement the pending result is read into memory (it stays readable); when its
        transaction ends it is consumed (reading it afterwards raises ResultConsumedError), as in the driver."""
        result, self._last_result = self._last_result, None
        if result is not None:
            if keep_readable:
                result.detach()
            else:
                result.consume()

    def close(self) -> None:
        """Consumes a pending result, rolls back an open transaction and releases everything."""
        if self._closed:
            return
        with self._guard:
            try:
                self._consume_open_result()
                self._settle()
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


def _empty_result(text: str, database: str) -> Result:
    return Result([], iter(()), lambda: ResultSummary(text, {}, SummaryCounters(), "s", database))


__all__ = ["Session", "Transaction", "Query"]
