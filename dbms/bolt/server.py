"""The Bolt server: handshake, chunked framing and a thread per connection over one DBMS.

`BoltServer(dbms).start()` listens (port 0 picks a free one) in a background thread; `uri` then names it. Bad input
(a wrong handshake, an oversized or truncated message, garbage) closes that connection only, after rolling back
whatever it had open; other connections never notice."""
from __future__ import annotations

import errno
import itertools
import logging
import socket
import socketserver
import struct
import threading

from graphplex.databases.errors import ClientError, Neo4jError
from graphplex.bolt.connection import BoltConnection, Close, ServerOptions, failure
from graphplex.bolt.disconnects import DisconnectMonitor
from graphplex.bolt.packstream import Structure, pack, unpack

MAGIC = b"\x60\x60\xB0\x17"
SUPPORTED = [(5, 4), (5, 3), (5, 2), (5, 1), (5, 0), (4, 4), (4, 3), (4, 2), (4, 1)]
_LENGTH = struct.Struct(">H")
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
    server: "_TCPServer"

    def handle(self) -> None:
        owner = self.server.owner
        if not owner.admit():
            self.request.close()
            return
        try:
            self._serve(owner)
        except (ConnectionError, OSError, _Closed):
            pass
        finally:
            owner.release()

    def _read(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = self.request.recv(size - len(data))
            if not chunk:
                raise _Closed()
            data += chunk
        return bytes(data)

    def _serve(self, owner: "BoltServer") -> None:
        sock = self.request
        sock.settimeout(owner.idle_timeout)
        # Small replies go out at once (Nagle plus delayed ACKs would stall each pipelined reply by ~40 ms).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self._read(4) != MAGIC:
            return
        version = negotiate(self._read(16))
        if version is None:
            sock.sendall(b"\x00\x00\x00\x00")
            return
        sock.sendall(bytes((0, 0, version[1], version[0])))
        host, port = self.client_address[:2]
        connection = BoltConnection(owner.dbms, version, owner.next_connection_id(), f"{host}:{port}",
                                    owner.options, owner.address)
        try:
            while True:
                message = self._message(owner.max_message_size)
                if message is None:
                    continue
                try:
                    structure = unpack(message)
                    if not isinstance(structure, Structure):
                        raise Neo4jError("A Bolt message must be a structure", "Neo.ClientError.Request.Invalid")
                    with owner.disconnects.working(sock, connection.connection_id):
                        responses = connection.handle(structure)
                except Close as close:
                    self._send(close.responses)
                    return
                except Neo4jError as error:  # undecodable: answer, then close
                    self._send([failure(error)])
                    return
                self._send(responses)
        finally:
            connection.close()

    def _message(self, limit: int) -> bytes | None:
        """One message's bytes (None for a NOOP keep-alive chunk)."""
        data = bytearray()
        while True:
            (length,) = _LENGTH.unpack(self._read(2))
            if length == 0:
                return bytes(data) if data else None
            data += self._read(length)
            if len(data) > limit:
                self._send([failure(Neo4jError(f"The message is larger than the limit of {limit} bytes",
                                               "Neo.ClientError.Request.Invalid"))])
                raise _Closed()

    def _send(self, responses: list[Structure]) -> None:
        if not responses:
            return
        out = bytearray()
        for response in responses:
            body = pack(response)
            for start in range(0, len(body), 0xFFFF):
                piece = body[start:start + 0xFFFF]
                out += _LENGTH.pack(len(piece)) + piece
            out += b"\x00\x00"
        self.request.sendall(out)


class _Closed(Exception):
    pass


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: "BoltServer"


class BoltServer:
    """A Bolt server for one DBMS. `max_connections` and `max_message_size` bound what clients may take."""

    def __init__(self, dbms, host: str = "127.0.0.1", port: int = 7687, *, agent: str = "Neo4j/5.26.0",
                 max_connections: int = 256, max_message_size: int = 64 * 1024 * 1024,
                 advertised_address: str | None = None, idle_timeout: float | None = None) -> None:
        self.dbms = dbms
        self.host = host
        self.requested_port = port
        self.options = ServerOptions(agent=agent, advertised_address=advertised_address)
        self.max_connections = max_connections
        self.max_message_size = max_message_size
        self.idle_timeout = idle_timeout
        self._ids = itertools.count(1)
        self._open = 0
        self._lock = threading.Lock()
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

    def admit(self) -> bool:
        with self._lock:
            if self._open >= self.max_connections:
                log.warning("refused a connection: %d connections are open", self._open)
                return False
            self._open += 1
            return True

    def release(self) -> None:
        with self._lock:
            self._open -= 1

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
