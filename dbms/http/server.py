"""The HTTP server of `graphplex serve`: Neo4j's Query API and the web console, on uvicorn in a background thread.

`HttpServer(dbms).start()` listens (port 0 picks a free one); `url` then names it. The socket is bound here, not
by uvicorn, so that an address in use is a clear error rather than uvicorn's exit. Requests beyond
`max_connections` open connections are answered 503 at once. Nobody holds a connection for nothing: a request must
arrive whole (head and body) within `request_timeout` seconds of the connection's start or of the previous answer,
else the connection is closed (`_Deadlined`) — a client that sends nothing, or a byte at a time, cannot fill the
connection limit and lock the others out."""
from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
import threading

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from graphplex.databases import NEO4J_VERSION
from graphplex.databases.errors import ClientError
from graphplex.http.app import build_app
from graphplex.http.query_api import QueryApi
from graphplex.http.transactions import OpenTransactions



class _Deadlined(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request to arrive whole (uvicorn's own keep-alive
    timer stops at the first byte of a request, so a slow sender would keep the connection forever)."""

    request_timeout = 20.0  # set per server on a subclass
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        """The client stopped reading an answer (the transport's buffer is full): it must go on within the
        deadline, or the connection, and the answer it holds in memory, is dropped."""
        super().pause_writing()
        self._arm()

    def resume_writing(self) -> None:
        super().resume_writing()
        self._disarm()

    def _arm(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.request_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        """The request is not whole yet (h11 waits for its head or body), or its answer is stuck in a client that
        does not read: the connection is closed. A request being worked on (the client's side DONE, the answer not
        started) is never cut."""
        self._deadline = None
        transport = self.transport
        if self.conn.their_state is h11.DONE and not self.flow.write_paused and not transport.is_closing():
            return  # the request is whole and its answer not started (or flowing): being worked on
        if transport.get_write_buffer_size():
            transport.abort()  # close() would keep the unread answer in memory until it is read
        elif not transport.is_closing():
            transport.close()


class HttpServer:
    """An HTTP server for one DBMS; `bolt_address` (host:port of a Bolt server over the same DBMS) is named in the
    discovery document."""

    def __init__(self, dbms, host: str = "127.0.0.1", port: int = 7474, *, bolt_address: str | None = None,
                 max_connections: int = 256, max_body: int = 64 * 1024 * 1024, request_timeout: float = 20.0,
                 transaction_idle_timeout: float | None = None, version: str = NEO4J_VERSION) -> None:
        self.dbms = dbms
        self.host = host
        self.requested_port = port
        self.transactions = OpenTransactions(dbms.settings.http_transaction_idle_timeout
                                             if transaction_idle_timeout is None else transaction_idle_timeout)
        self.app = build_app(dbms, QueryApi(dbms, self.transactions), bolt_address, max_body, version,
                             max_workers=max_connections, loopback_only=_is_loopback(host))
        self.max_connections = max_connections
        self.protocol = type("Deadlined", (_Deadlined,), {"request_timeout": request_timeout})
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> "HttpServer":
        """Binds and serves in a background thread; returns once requests are answered."""
        self._socket = self._bind()
        # uvicorn counts the connection asking among its `limit_concurrency`: one more lets max_connections in.
        config = uvicorn.Config(self.app, http=self.protocol, log_level="warning", access_log=False,
                                lifespan="off", limit_concurrency=self.max_connections + 1,
                                timeout_keep_alive=max(1, int(self.protocol.request_timeout)), server_header=False,
                                date_header=False)
        self._server = uvicorn.Server(config)
        self.transactions.start()
        self._thread = threading.Thread(target=self._serve, name="graphplex-http", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise ClientError(f"The HTTP server on {self.address} did not start",
                                  "Neo.DatabaseError.General.UnknownError")
            self._thread.join(0.01)
        return self

    def _serve(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._socket]))

    def _bind(self) -> socket.socket:
        # IPPROTO_TCP named: asyncio turns Nagle off only on sockets that name it (else each answer, written as head
        # and body, waits ~40 ms for the client's delayed ACK).
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM,
                             socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.requested_port))
        except OSError as error:
            sock.close()
            reason = "the address is already in use (is another server running?)" \
                if error.errno == errno.EADDRINUSE else (error.strerror or str(error))
            raise ClientError(f"Cannot listen on {self.host}:{self.requested_port} (HTTP): {reason}. Stop the other "
                              "server or choose another address (port 0 picks a free one).",
                              "Neo.ClientError.General.InvalidArguments") from None
        sock.listen(socket.SOMAXCONN)
        sock.set_inheritable(True)
        return sock

    def stop(self) -> None:
        """Stops answering, then rolls back the explicit transactions still open."""
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None
        self.transactions.stop()
        if self._socket is not None:
            self._socket.close()

    def __enter__(self) -> "HttpServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost"


__all__ = ["HttpServer"]
