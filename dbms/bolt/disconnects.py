"""Noticing a Bolt client that went away while its statement runs.

The connection's thread is busy running the statement and reads nothing from the socket until it is done, so it
cannot see the client leave; an auto-commit statement would then run to its end and commit for nobody. One
daemon thread per server polls the sockets of the connections that are working (`working`) for the peer's
hang-up, and terminates the transactions of a connection whose client left: the statement stops at its next
termination point, its own thread rolls it back, and nothing of it is committed."""
from __future__ import annotations

import contextlib
import select
import socket
import threading
from typing import Iterator

from graphplex.databases.errors import Neo4jError, error_for_code
from graphplex.management import TERMINATED_PREFIX

# How often the sockets of working connections are polled (seconds).
POLL_INTERVAL = 0.1
# The peer closed its side (Linux reports it even while unread data waits), the connection broke, or it failed.
_GONE = getattr(select, "POLLRDHUP", 0) | select.POLLHUP | select.POLLERR


def client_disconnected() -> Neo4jError:
    return error_for_code("Neo.ClientError.Transaction.Terminated",
                          TERMINATED_PREFIX + "The client disconnected while the transaction was running. ")


class DisconnectMonitor:
    """Watches working connections' sockets; terminates the transactions of one whose client is gone."""

    def __init__(self, dbms) -> None:
        self.dbms = dbms
        self._condition = threading.Condition()
        self._working: dict[int, tuple[socket.socket, str]] = {}
        self._thread: threading.Thread | None = None
        self._stopped = False

    @contextlib.contextmanager
    def working(self, sock: socket.socket, connection_id: str) -> Iterator[None]:
        """While the block runs (a message being handled), the client leaving terminates `connection_id`'s work."""
        fd = sock.fileno()
        with self._condition:
            self._working[fd] = (sock, connection_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="graphplex-bolt-disconnects", daemon=True)
                self._thread.start()
            self._condition.notify()
        try:
            yield
        finally:
            with self._condition:
                self._working.pop(fd, None)

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._working and not self._stopped:
                    self._condition.wait()
                if self._stopped:
                    return
                watched = dict(self._working)
            poller = select.poll()
            for fd in watched:
                poller.register(fd, _GONE if _GONE & ~(select.POLLHUP | select.POLLERR) else select.POLLIN)
            try:
                events = poller.poll(POLL_INTERVAL * 1000)
            except OSError:
                continue
            for fd, event in events:
                sock, connection_id = watched[fd]
                if event & _GONE or _peer_closed(sock):
                    with self._condition:
                        if self._working.get(fd, (None,))[0] is not sock:
                            continue  # that message was handled meanwhile
                        del self._working[fd]
                    self._terminate(connection_id)
            if events:
                threading.Event().wait(POLL_INTERVAL)  # a closed socket stays readable: do not spin on it

    def _terminate(self, connection_id: str) -> None:
        error = client_disconnected()
        for txn in self.dbms.registry.all():
            if txn.connection_id == connection_id:
                txn.terminate(error)


def _peer_closed(sock: socket.socket) -> bool:
    """Where the platform cannot report a hang-up: readable with nothing to read means closed."""
    if getattr(select, "POLLRDHUP", 0):
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
