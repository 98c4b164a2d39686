"""Who may hold one of the Bolt server's connections.

A connection that has not logged in yet costs the server a thread and buffers while giving nothing back, and
anybody can open one: 256 sockets that send two bytes of handshake and stop would hold every slot. So at most
`max_connections` are open in all and at most `max_unauthenticated` of them have not logged in yet. When the
latter are all taken, the newcomer takes the slot of the one that has waited longest (which is dropped): a real
client logs in within milliseconds of connecting, a stalled one never does, so the one dropped is the stalled
one and a flood of stalled sockets cannot lock real clients out."""
from __future__ import annotations

import logging
import socket
import threading
from collections import OrderedDict

log = logging.getLogger("graphplex.bolt")


class Admission:
    """Counts the open connections; `admit` on accept, `authenticated` once logged in, `release` on close."""

    def __init__(self, max_connections: int, max_unauthenticated: int) -> None:
        self.max_connections = max_connections
        self.max_unauthenticated = max(1, min(max_unauthenticated, max_connections))
        self._lock = threading.Lock()
        self._open = 0
        self._waiting: OrderedDict[socket.socket, None] = OrderedDict()  # not logged in yet, oldest first
        self._dropped: set[socket.socket] = set()  # dropped for a newcomer: their slots are already given away

    def admit(self, sock: socket.socket) -> bool:
        """Whether `sock` may be served; it counts as not logged in until `authenticated`."""
        with self._lock:
            if len(self._waiting) >= self.max_unauthenticated or \
                    (self._open >= self.max_connections and self._waiting):
                self._drop_oldest()
            if self._open >= self.max_connections:
                log.warning("refused a connection: %d connections are open", self._open)
                return False
            self._open += 1
            self._waiting[sock] = None
            return True

    def authenticated(self, sock: socket.socket) -> None:
        with self._lock:
            self._waiting.pop(sock, None)

    def release(self, sock: socket.socket) -> None:
        with self._lock:
            self._waiting.pop(sock, None)
            if sock in self._dropped:
                self._dropped.discard(sock)
            else:
                self._open -= 1

    @property
    def open(self) -> int:
        return self._open

    @property
    def unauthenticated(self) -> int:
        return len(self._waiting)

    def _drop_oldest(self) -> None:
        oldest, _ = self._waiting.popitem(last=False)
        self._dropped.add(oldest)
        self._open -= 1
        log.info("dropped a connection that had not logged in, for a newer one (%d may wait to log in)",
                    self.max_unauthenticated)
        try:
            oldest.shutdown(socket.SHUT_RDWR)  # its thread's read ends and it closes the socket
        except OSError:
            pass
