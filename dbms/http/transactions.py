"""The Query API's explicit transactions: an id → open DBMS transaction table, each with an owner and an expiry.

A client holds a transaction across requests by its id. Nobody can hold one for nothing: each expires when no
request touched it for the idle timeout (`http_transaction_idle_timeout`, Neo4j's
`server.queryapi.transaction_idle_timeout`, 60 s), and the sweeper then rolls it back. A transaction serves one
request at a time; a second request meanwhile is refused, never queued, as Neo4j refuses it."""
from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field

from graphplex.confinement import ACCESSED_CONCURRENTLY
from graphplex.databases.errors import ClientError

_ID_LENGTH = 6  # lowercase hex, as Neo4j 5.26 gives them
_MOST_OPEN = 10_000  # open transactions over all clients: past it a new one is refused …
_MOST_OPEN_PER_USER = 1_000  # … and per user, so that one user cannot take them all
log = logging.getLogger("graphplex.http")


class TransactionNotFound(ClientError):
    """An explicit transaction the request cannot have: answered 404, as Neo4j does."""


def not_found(transaction_id: str) -> ClientError:
    """Neo4j's answer (HTTP 404) for an id that is unknown, expired, of another database or of another user."""
    return TransactionNotFound(f'Transaction with Id: "{transaction_id}" was not found. It may have timed out and '
                               "therefore rolled back or the routing header 'neo4j-cluster-affinity' was not "
                               "provided.", "Neo.ClientError.Request.Invalid")


@dataclass
class OpenTransaction:
    """One explicit transaction: its session and DBMS transaction, who opened it, on which database, and when it
    expires unless a request touches it."""

    id: str
    session: object
    transaction: object
    user: str
    database: str
    expires: float  # time.time() of expiry
    busy: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        """Rolls back what is still open and releases the session."""
        try:
            if not self.transaction.closed():
                self.transaction.rollback()
        finally:
            self.session.close()


class OpenTransactions:
    """The table of explicit transactions of one HTTP server, and the sweeper that rolls back expired ones."""

    def __init__(self, idle_timeout: float) -> None:
        self.idle_timeout = idle_timeout
        self._lock = threading.Lock()
        self._open: dict[str, OpenTransaction] = {}
        self._stopped = threading.Event()
        self._sweeper: threading.Thread | None = None

    def start(self) -> None:
        self._sweeper = threading.Thread(target=self._sweep, name="graphplex-http-expiry", daemon=True)
        self._sweeper.start()

    def add(self, session, transaction, user: str, database: str) -> OpenTransaction:
        """A new entry, held by the request that opened it (`release` after it): the sweeper cannot take it
        before that request has run its statement."""
        with self._lock:
            if len(self._open) >= _MOST_OPEN or \
                    sum(entry.user == user for entry in self._open.values()) >= _MOST_OPEN_PER_USER:
                raise ClientError("Too many open transactions; commit or roll back some first.",
                                  "Neo.ClientError.Request.ResourceExhaustion")
            while True:
                transaction_id = secrets.token_hex(_ID_LENGTH // 2)
                if transaction_id not in self._open:
                    break
            entry = OpenTransaction(transaction_id, session, transaction, user, database,
                                    time.time() + self.idle_timeout)
            entry.busy.acquire()
            self._open[transaction_id] = entry
        return entry

    def take(self, transaction_id: str, user: str, database: str) -> OpenTransaction:
        """The transaction for one request of its owner, locked to that request (`release` after it): a wrong id,
        user or database is not found; one serving another request is refused."""
        with self._lock:
            entry = self._open.get(transaction_id)
            if entry is None or entry.user != user or entry.database != database:
                raise not_found(transaction_id)
            if not entry.busy.acquire(blocking=False):
                raise ClientError("Another request is currently accessing this transaction.",
                                  ACCESSED_CONCURRENTLY)
            entry.expires = time.time() + self.idle_timeout
        return entry

    def release(self, entry: OpenTransaction, keep: bool) -> None:
        """After a request: the transaction stays open for the next one (`keep`) or is gone, rolled back if it
        was not committed."""
        if keep:
            entry.expires = time.time() + self.idle_timeout
            entry.busy.release()
            return
        with self._lock:
            self._open.pop(entry.id, None)
        try:
            entry.close()
        finally:
            entry.busy.release()

    def _sweep(self) -> None:
        while not self._stopped.wait(min(1.0, max(self.idle_timeout / 4, 0.05))):
            self.expire()

    def expire(self) -> None:
        """Rolls back every transaction past its expiry that no request holds now."""
        now = time.time()
        with self._lock:
            expired = [entry for entry in self._open.values()
                       if entry.expires <= now and entry.busy.acquire(blocking=False)]
            for entry in expired:
                del self._open[entry.id]
        for entry in expired:
            try:
                entry.close()
            except Exception:  # nobody to tell, and the sweeper must go on: the transaction is gone either way
                log.error("rolling back the expired HTTP transaction %s failed", entry.id, exc_info=True)
            finally:
                entry.busy.release()

    def stop(self) -> None:
        """Stops the sweeper and rolls back every transaction still open (waiting a little for a request still
        in one)."""
        self._stopped.set()
        if self._sweeper is not None:
            self._sweeper.join(5)
        with self._lock:
            entries, self._open = list(self._open.values()), {}
        for entry in entries:
            held = entry.busy.acquire(timeout=5)
            try:
                entry.close()
            except Exception:
                log.error("rolling back the HTTP transaction %s at shutdown failed", entry.id, exc_info=True)
            finally:
                if held:
                    entry.busy.release()
