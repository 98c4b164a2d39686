"""The embedded API: thread-confined, flat nested transactions (Neo4j 3.x's `beginTx` / `success` / `failure`).

`begin_tx` on a thread that already has an open transaction on the same database returns a nested transaction
that only joins the top-level one: `failure()` anywhere marks the whole for rollback, and only the top level
commits — when it was marked successful and nothing marked it for rollback."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from graphplex.confinement import ThreadBinding
from graphplex.databases.errors import TransactionError, TransactionFailureError
from graphplex.result import Result
from graphplex.transaction import DBMSTransaction, Status

if TYPE_CHECKING:
    from graphplex.dbms import DBMS

_local = threading.local()

MARKED_AS_SUCCESSFUL = "Transaction was marked as successful, but unable to commit transaction so rolled back."


def _open_transactions() -> dict:
    if not hasattr(_local, "open"):
        _local.open = {}
    return _local.open


class EmbeddedDatabase:
    """One database of a DBMS, for code that runs inside the DBMS's process (`dbms.database(name)`)."""

    def __init__(self, dbms: "DBMS", name: str) -> None:
        self.dbms = dbms
        self.name = name.lower()

    def begin_tx(self, timeout: float | None = None, isolation_level: str | None = None) -> "EmbeddedTransaction":
        key = (id(self.dbms), self.name)
        top = _open_transactions().get(key)
        if top is not None:
            return EmbeddedTransaction(self, top=top)
        txn = DBMSTransaction(self.dbms, self.name, isolation_level=isolation_level, timeout=timeout)
        # Its lazy results run the transaction's work as they are read: they are bound to this thread as well.
        txn.confinement = ThreadBinding()
        top = EmbeddedTransaction(self, dbms_transaction=txn)
        _open_transactions()[key] = top
        return top


class EmbeddedTransaction:
    """A top-level transaction (it owns a DBMS transaction) or a nested one (it joins `top`)."""

    def __init__(self, database: EmbeddedDatabase, dbms_transaction: DBMSTransaction | None = None,
                 top: "EmbeddedTransaction | None" = None) -> None:
        self.database = database
        self.top = top or self
        self._txn = dbms_transaction
        self._binding = dbms_transaction.confinement if dbms_transaction is not None else top._binding
        self._success = False
        self._closed = False

    @property
    def nested(self) -> bool:
        return self.top is not self

    def _check_thread(self) -> None:
        with self._binding:
            pass

    def execute(self, query: str, parameters: dict | None = None, **kwparameters) -> Result:
        """Runs a statement in the top-level DBMS transaction (which refuses writes once marked for rollback)."""
        self._check_thread()
        if self._closed:
            raise TransactionError("The transaction is closed", "Neo.ClientError.Transaction.TransactionNotFound")
        return self.top._txn.run(query, {**(parameters or {}), **kwparameters})

    def success(self) -> None:
        self._check_thread()
        self._success = True

    def failure(self) -> None:
        """Marks the top-level transaction for rollback (a nested part cannot be rolled back alone)."""
        self._check_thread()
        self.top._txn.doom()

    def close(self) -> None:
        self._check_thread()
        if self._closed:
            return
        self._closed = True
        if self.nested:
            if not self._success:
                self.top._txn.doom()
            return
        _open_transactions().pop((id(self.database.dbms), self.database.name), None)
        txn = self._txn
        if self._success and not txn.doomed and txn.status is Status.ACTIVE:
            txn.commit()
            return
        cause = txn.failure
        txn.rollback()
        if self._success:
            raise TransactionFailureError(MARKED_AS_SUCCESSFUL) from cause

    def finish(self) -> None:
        """The 2.x name of `close()`."""
        self.close()

    def __enter__(self) -> "EmbeddedTransaction":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.failure()
            try:
                self.close()
            except TransactionFailureError:
                pass
            return
        self.close()
