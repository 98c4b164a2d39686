"""Who may use a session, an explicit transaction or an embedded transaction, and from which thread.

A driver-shaped session is not thread-safe: any thread may use it, one at a time, and a second thread using it at
the same moment is refused (`ExclusiveUse`). An embedded transaction is bound to the thread that began it
(`ThreadBinding`). The guard travels with the DBMS transaction into its results, so that reading a lazy result —
which runs the statement's work — is checked as well, and two threads never step one record stream at once."""
from __future__ import annotations

import contextlib
import threading

from graphplex.databases.errors import ClientError, SessionError

ACCESSED_CONCURRENTLY = "Neo.ClientError.Transaction.TransactionAccessedConcurrently"


class ExclusiveUse:
    """A session's guard: re-entrant for the thread inside it, refusing (never waiting for) any other thread."""

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def __enter__(self) -> None:
        if not self._lock.acquire(blocking=False):
            raise SessionError("Session is not thread-safe: it is already in use by another thread")

    def __exit__(self, *exc) -> None:
        self._lock.release()


class ThreadBinding:
    """An embedded transaction's guard: only the thread that began it may use it or read its results."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def __enter__(self) -> None:
        if threading.get_ident() != self.thread:
            raise ClientError("The transaction is bound to the thread that began it and cannot be used from "
                              "another thread", ACCESSED_CONCURRENTLY)

    def __exit__(self, *exc) -> None:
        return None


UNCONFINED = contextlib.nullcontext()
"""The guard of a DBMS transaction nobody confined (it is re-entrant and shareable)."""
