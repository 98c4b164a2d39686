"""Noticing a Bolt client that went away while its statement runs.

The connection's thread is busy running the statement and reads nothing from the socket until it is done, so it
cannot see the client leave; an auto-commit statement would then run to its end and commit for nobody. One
daemon thread per server polls, every `POLL_INTERVAL`, the sockets of the connections whose message has been
working since the previous poll at least (`working`) for the peer's hang-up, and terminates the transactions of a
connection whose client left: the statement stops at its next termination point, its own thread rolls it back,
and nothing of it is committed.

Most messages are done in far less than a poll interval, so marking one as working must cost next to nothing: it
wakes the monitor only when the monitor has parked for want of work, which happens at most once a poll interval
(waking it for every message cost a quarter of a point read's time over Bolt)."""
from __future__ import annotations

import select
import socket
import threading
import time

from graphplex.databases.errors import Neo4jError, error_for_code
from graphplex.management import TERMINATED_PREFIX

# How often the sockets of working connections are polled (seconds); a client that leaves is noticed within two.
POLL_INTERVAL = 0.1
# The peer closed its side (Linux reports it even while unread data waits), the connection broke, or it failed.
_GONE = getattr(select, "POLLRDHUP", 0) | select.POLLHUP | select.POLLERR
_WATCH = _GONE if _GONE & ~(select.POLLHUP | select.POLLERR) else select.POLLIN


def client_disconnected() -> Neo4jError:
    return error_for_code("Neo.ClientError.Transaction.Terminated",
                          TERMINATED_PREFIX + "The client disconnected while the transaction was running. ")


class DisconnectMonitor:
    """Watches working connections' sockets; terminates the transactions of one whose client is gone."""

    def __init__(self, dbms) -> None:
        self.dbms = dbms
        self._condition = threading.Condition(threading.Lock())
        # fd → (socket, connection id, when its message started), for the messages being handled
        self._working: dict[int, tuple[socket.socket, str, float]] = {}
        self._parked = False  # the monitor waits for a `working` to wake it
        self._thread: threading.Thread | None = None
        self._stopped = False

    def working(self, sock: socket.socket, connection_id: str) -> "_Working":
        """The mark of `connection_id`'s socket: while it is set (messages being handled), the client leaving
        terminates the connection's work."""
        return _Working(self, sock, connection_id)

    def _begin(self, sock: socket.socket, connection_id: str) -> int:
        fd = sock.fileno()
        with self._condition:
            self._working[fd] = (sock, connection_id, time.monotonic())
            if self._parked:
                self._parked = False
                self._condition.notify()
            elif self._thread is None:
                self._thread = threading.Thread(target=self._run, name="graphplex-bolt-disconnects", daemon=True)
                self._thread.start()
        return fd

    def _end(self, fd: int) -> None:
        with self._condition:
            self._working.pop(fd, None)

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                if not self._working:
                    # Woken by the next message, then a whole interval passes whatever: by the time this thread
                    # runs, that message is mostly done, and parking again at once would have every message wake it.
                    self._parked = True
                    while self._parked and not self._stopped:
                        self._condition.wait()
                if self._stopped:
                    return
                self._condition.wait(POLL_INTERVAL)
                if self._stopped:
                    return
                since = time.monotonic() - POLL_INTERVAL
                watched = {fd: entry for fd, entry in self._working.items() if entry[2] <= since}
            if watched:
                self._poll(watched)

    def _poll(self, watched: dict[int, tuple[socket.socket, str, float]]) -> None:
        poller = select.poll()
        for fd in watched:
            poller.register(fd, _WATCH)
        try:
            events = poller.poll(0)
        except OSError:
            return
        for fd, event in events:
            sock, connection_id, _ = watched[fd]
            if event & _GONE or _peer_closed(sock):
                with self._condition:
                    if self._working.get(fd, (None,))[0] is not sock:
                        continue  # that message was handled meanwhile
                    del self._working[fd]
                self._terminate(connection_id)

    def _terminate(self, connection_id: str) -> None:
        error = client_disconnected()
        for txn in self.dbms.registry.all():
            if txn.connection_id == connection_id:
                txn.terminate(error)


class _Working:
    """One connection's mark: set (`mark`) when it starts handling a message, cleared (`clear`) when it goes back
    to waiting for its client, so that the messages a client pipelines (RUN and PULL) are marked once. A plain
    class: a generator-based context manager cost more than the rest of marking."""

    __slots__ = ("_monitor", "_sock", "_connection_id", "_fd")

    def __init__(self, monitor: DisconnectMonitor, sock: socket.socket, connection_id: str) -> None:
        self._monitor = monitor
        self._sock = sock
        self._connection_id = connection_id
        self._fd: int | None = None

    def mark(self) -> None:
        """The connection is working (again): from now on, its client leaving terminates its work."""
        if self._fd is None:
            self._fd = self._monitor._begin(self._sock, self._connection_id)

    def clear(self) -> None:
        """The connection waits for its client: nothing of it is running."""
        if self._fd is not None:
            self._monitor._end(self._fd)
            self._fd = None


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
