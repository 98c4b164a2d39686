"""The Bolt server: handshake, chunked framing and a thread per connection over one DBMS.

`BoltServer(dbms).start()` listens (port 0 picks a free one) in a background thread; `uri` then names it. Bad input
(a wrong handshake, an oversized or truncated message, garbage) closes that connection only, after rolling back
whatever it had open; other connections never notice. Nobody holds a connection for nothing: the handshake and the
login have deadlines, a connection not logged in yet may only send small messages and takes a slot of a small
share (`Admission`), and a logged-in one may idle only so long (`Limits`)."""
from __future__ import annotations

import errno
import itertools
import logging
import select
import socket
import socketserver
import struct
import threading
import time

from graphplex.databases.errors import ClientError, Neo4jError
from graphplex.bolt.admission import Admission
from graphplex.bolt.connection import BoltConnection, Close, ServerOptions, failure
from graphplex.bolt.disconnects import DisconnectMonitor
from graphplex.bolt.limits import FROM_SETTINGS, UNAUTHENTICATED_MESSAGE_SIZE, Limits
from graphplex.bolt.packstream import Structure, pack_into, unpack

MAGIC = b"\x60\x60\xB0\x17"
# 5.6: GQL statuses in SUCCESS; 5.7: GQL errors in FAILURE. As Neo4j 5.26, never 5.5 (the drivers skip it too).
SUPPORTED = [(5, 7), (5, 6), (5, 4), (5, 3), (5, 2), (5, 1), (5, 0), (4, 4), (4, 3), (4, 2), (4, 1)]
_LENGTH = struct.Struct(">H")
# Bytes asked of the socket at once: a pipelined batch of messages is received by one call.
_RECEIVE_SIZE = 64 * 1024
log = logging.getLogger("graphplex.bolt")


def negotiate(proposals: bytes) -> tuple[int, int] | None:
    """The version to speak: at the first proposal overlapping ours, the highest we support in its range."""
    for offset in range(0, 16, 4):
        _, span, minor, major = proposals[offset:offset + 4]
        if major == 0 or major == 0xFF:
            continue
        offered = {(major, m) for m in range(max(0, minor - span), minor + 1)}
        for version in SUPPORTED:
            if version in offered:
                return version
    return None


class _Handler(socketserver.BaseRequestHandler):
    """Serves one admitted connection in its own thread; every read has a deadline (`_Deadline`)."""

    server: "_TCPServer"
    deadline: "_Deadline"  # of the read under way
    logged_in: bool = False
    version: tuple[int, int]  # negotiated: the shape of a FAILURE depends on it

    def handle(self) -> None:
        owner = self.server.owner
        self._inbox = bytearray()  # received, not yet read
        self._working = None  # the disconnect monitor's mark, once there is a connection
        self._outbox = bytearray()  # replies not sent yet: they go out before the next wait for the client
        try:
            try:
                self._serve(owner)
            finally:
                self._flush()  # the last replies (a FAILURE before closing) too
        except (ConnectionError, OSError, _Closed):
            pass
        finally:
            owner.admission.release(self.request)

    def _read(self, size: int) -> bytes:
        """`size` bytes from what the client sent: from the bytes already received when they hold them (a driver
        sends RUN and PULL in one write: one `recv` for both), else after sending the replies owed (the client may
        wait for them before sending more) and receiving more, by the read's deadline."""
        inbox = self._inbox
        while len(inbox) < size:
            self._receive(size - len(inbox))
        data = bytes(inbox[:size])
        del inbox[:size]
        return data

    def _receive(self, wanted: int) -> None:
        """Adds what the client sent next to the inbox, once the replies owed are sent (the connection is then
        waiting for its client, not working)."""
        if self._working is not None:
            self._working.clear()
        self._flush()
        self._wait_for_client()
        try:
            # Only now the big buffer: a connection waiting for its client holds none (a waiting recv's
            # 64 KiB buffer cost each idle or stalled connection two resident pages).
            chunk = self.request.recv(max(_RECEIVE_SIZE, wanted))
        except BlockingIOError:
            return
        if not chunk:
            raise _Closed()
        self._inbox += chunk

    def _wait_for_client(self) -> None:
        """Until the socket is readable (bytes, or the client's close), by the read's deadline. One `poll` on the
        non-blocking socket: a socket timeout would cost a mode switch before each wait and a poll before each
        receive and send."""
        try:
            remaining = self.deadline.remaining()
            if not self._readable.poll(None if remaining is None else remaining * 1000):
                raise TimeoutError()
        except TimeoutError:
            log.info("closed %s: %s", self.client_address[0], self.deadline.reason)
            raise _Closed() from None

    def _serve(self, owner: "BoltServer") -> None:
        sock = self.request
        limits = owner.limits
        # Small replies go out at once (Nagle plus delayed ACKs would stall each pipelined reply by ~40 ms).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)  # every wait is a poll with the deadline (`_wait_for_client`, `_sendall`)
        self._readable = select.poll()
        self._readable.register(sock, select.POLLIN)
        accepted = time.monotonic()
        self.deadline = _Deadline(accepted + min(limits.handshake_timeout, limits.auth_timeout),
                                  "no handshake in time")
        if self._read(4) != MAGIC:
            return
        version = self.version = negotiate(self._read(16))
        if version is None:
            self._sendall(b"\x00\x00\x00\x00")
            return
        self._sendall(bytes((0, 0, version[1], version[0])))
        host, port = self.client_address[:2]
        connection = BoltConnection(owner.dbms, version, owner.next_connection_id(), f"{host}:{port}",
                                    owner.options, owner.address)
        logged_in_by = _Deadline(accepted + limits.auth_timeout, "not logged in in time")
        working = self._working = owner.disconnects.working(sock, connection.connection_id)
        try:
            while True:
                if self.logged_in:
                    self.deadline = _Deadline.after(limits.idle_timeout, "idle for too long")
                    message = self._message(limits.max_message_size)
                else:
                    self.deadline = logged_in_by
                    message = self._message(limits.unauthenticated_message_size)
                if message is None:
                    continue
                try:
                    structure = unpack(message)
                    if not isinstance(structure, Structure):
                        raise Neo4jError("A Bolt message must be a structure", "Neo.ClientError.Request.Invalid")
                    working.mark()  # until the next wait for the client (`_receive`)
                    responses = connection.handle(structure)
                except Close as close:
                    self._send(close.responses)
                    return
                except Neo4jError as error:  # undecodable: answer, then close
                    self._send([failure(error, version, connection.client_dialect)])
                    return
                self._send(responses)
                if connection.authenticated and not self.logged_in:
                    owner.admission.authenticated(sock)
                elif self.logged_in and not connection.authenticated:  # LOGOFF: log in again in time
                    logged_in_by = _Deadline.after(limits.auth_timeout, "not logged in in time")
                self.logged_in = connection.authenticated
        finally:
            working.clear()
            connection.close()

    def _message(self, limit: int) -> bytes | None:
        """One message's bytes (None for a NOOP keep-alive chunk); one over `limit` is refused unread."""
        inbox = self._inbox
        if not inbox:
            self._receive(4)
        if len(inbox) > 2:  # most messages are one chunk, received whole: taken at once
            length = inbox[0] << 8 | inbox[1]
            end = length + 2
            if 0 < length <= limit and len(inbox) >= end + 2 and inbox[end] == 0 and inbox[end + 1] == 0:
                data = bytes(inbox[2:end])
                del inbox[:end + 2]
                return data
        data = bytearray()
        while True:
            (length,) = _LENGTH.unpack(self._read(2))
            if length == 0:
                return bytes(data) if data else None
            if len(data) + length > limit:
                self._send([failure(Neo4jError(f"The message is larger than the limit of {limit} bytes",
                                               "Neo.ClientError.Request.Invalid"), self.version)])
                raise _Closed()
            data += self._read(length)

    def _send(self, responses: list[Structure]) -> None:
        """Queues `responses`, chunked; they are sent when the server next waits for the client (so the replies to
        pipelined messages leave in one write and wake the client once) or once they fill a receive's size."""
        out = self._outbox
        for response in responses:
            header = len(out)
            out += b"\x00\x00"  # the chunk's length, known once the message is encoded after it
            try:
                pack_into(response, out)
            except BaseException:
                del out[header:]  # no half message goes out with the replies before it
                raise
            size = len(out) - header - 2
            if size <= 0xFFFF:
                out[header:header + 2] = _LENGTH.pack(size)
            else:  # too long for one chunk: cut into chunks
                body = bytes(out[header + 2:])
                del out[header:]
                for start in range(0, size, 0xFFFF):
                    piece = body[start:start + 0xFFFF]
                    out += _LENGTH.pack(len(piece))
                    out += piece
            out += b"\x00\x00"
        if len(out) >= _RECEIVE_SIZE:
            self._flush()

    def _flush(self) -> None:
        if self._outbox:
            data, self._outbox = self._outbox, bytearray()  # emptied first: a failed send is not tried again
            self._sendall(data)

    def _sendall(self, data: bytes) -> None:
        """Writes within the idle timeout (before login: by the deadline), so that a client that stops reading
        cannot hold the thread forever. Replies mostly fit the socket's buffer: one `send`, no wait."""
        sock = self.request
        try:
            sent = sock.send(data)
        except BlockingIOError:
            sent = 0
        if sent == len(data):
            return
        deadline = _Deadline.after(self.server.owner.limits.idle_timeout, "not reading") if self.logged_in \
            else self.deadline
        writable = select.poll()
        writable.register(sock, select.POLLOUT)
        rest = memoryview(data)[sent:]
        while rest:
            remaining = deadline.remaining()  # TimeoutError, an OSError: the connection is closed
            if not writable.poll(None if remaining is None else remaining * 1000):
                raise TimeoutError()
            try:
                rest = rest[sock.send(rest):]
            except BlockingIOError:
                pass


class _Deadline:
    """When the bytes being waited for must have arrived, and what to log if they have not."""

    def __init__(self, at: float | None, reason: str) -> None:
        self.at = at
        self.reason = reason

    @classmethod
    def after(cls, seconds: float | None, reason: str) -> "_Deadline":
        return cls(None if seconds is None else time.monotonic() + seconds, reason)

    def remaining(self) -> float | None:
        """Seconds left for the next read (None: no limit); raises TimeoutError once passed."""
        if self.at is None:
            return None
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError()
        return left


class _Closed(Exception):
    pass


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The kernel's queue of connections not accepted yet: socketserver's 5 drops the SYNs of a burst (the clients
    # then wait a second or more to retry).
    request_queue_size = socket.SOMAXCONN
    owner: "BoltServer"

    def verify_request(self, request, client_address) -> bool:
        """Admission happens before a thread is started: a refused connection costs nothing but its close."""
        return self.owner.admission.admit(request)

    def process_request(self, request, client_address) -> None:
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.owner.admission.release(request)
            raise

    def handle_error(self, request, client_address) -> None:
        """A Python exception while serving a connection is a bug of the server: logged, that connection closed."""
        log.error("internal error serving %s", client_address[0], exc_info=True)


class BoltServer:
    """A Bolt server for one DBMS, within `Limits` (arguments left at FROM_SETTINGS take the DBMS's settings)."""

    def __init__(self, dbms, host: str = "127.0.0.1", port: int = 7687, *, agent: str = "Neo4j/5.26.0",
                 max_connections: int = 256, max_unauthenticated: int | None = None,
                 max_message_size: int = 64 * 1024 * 1024,
                 unauthenticated_message_size: int = UNAUTHENTICATED_MESSAGE_SIZE,
                 handshake_timeout: float | object = FROM_SETTINGS, auth_timeout: float | object = FROM_SETTINGS,
                 idle_timeout: float | None | object = FROM_SETTINGS,
                 advertised_address: str | None = None) -> None:
        self.dbms = dbms
        self.host = host
        self.requested_port = port
        self.options = ServerOptions(agent=agent, advertised_address=advertised_address)
        self.limits = Limits.of(dbms.settings, max_connections=max_connections,
                                max_unauthenticated=max_unauthenticated, max_message_size=max_message_size,
                                unauthenticated_message_size=unauthenticated_message_size,
                                handshake_timeout=handshake_timeout, auth_timeout=auth_timeout,
                                idle_timeout=idle_timeout)
        self.admission = Admission(self.limits.max_connections, self.limits.max_unauthenticated)
        self._ids = itertools.count(1)
        self._server: _TCPServer | None = None
        self._thread: threading.Thread | None = None
        # A client that leaves while its statement runs has the statement terminated, not committed.
        self.disconnects = DisconnectMonitor(dbms)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def uri(self) -> str:
        return f"bolt://{self.address}"

    def next_connection_id(self) -> str:
        return f"bolt-{next(self._ids)}"

    def start(self) -> "BoltServer":
        """Binds and serves in a background thread; returns once connections are accepted."""
        self._server = self._bind()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="graphplex-bolt", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serves in this thread until `stop()` (or Ctrl-C)."""
        if self._server is None:
            self._server = self._bind()
        self._server.serve_forever()

    def _bind(self) -> "_TCPServer":
        """The listening socket; an address that cannot be used is refused naming it, not with an OSError."""
        try:
            server = _TCPServer((self.host, self.requested_port), _Handler)
        except OSError as error:
            reason = "the address is already in use (is another server running?)" \
                if error.errno == errno.EADDRINUSE else (error.strerror or str(error))
            raise ClientError(f"Cannot listen on {self.host}:{self.requested_port}: {reason}. Stop the other "
                              "server or choose another address (port 0 picks a free one).",
                              "Neo.ClientError.General.InvalidArguments") from None
        server.owner = self
        return server

    def stop(self) -> None:
        self.disconnects.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "BoltServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


__all__ = ["BoltServer", "negotiate"]
