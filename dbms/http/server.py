"""The HTTP server of `graphplex serve`: Neo4j's Query API and the web console, on uvicorn in a background thread.

`HttpServer(dbms).start()` listens (port 0 picks a free one); `url` then names it. The socket is bound here, not
by uvicorn, so that an address in use is a clear error rather than uvicorn's exit. Connections beyond
`max_connections` are answered 503 at once; a keep-alive connection idle for `idle_timeout` seconds is closed."""
from __future__ import annotations

import asyncio
import errno
import socket
import threading

import uvicorn

from graphplex.databases.errors import ClientError
from graphplex.http.app import build_app
from graphplex.http.query_api import QueryApi
from graphplex.http.transactions import OpenTransactions

NEO4J_VERSION = "5.26.0"


class HttpServer:
    """An HTTP server for one DBMS; `bolt_address` (host:port of a Bolt server over the same DBMS) is named in the
    discovery document."""

    def __init__(self, dbms, host: str = "127.0.0.1", port: int = 7474, *, bolt_address: str | None = None,
                 max_connections: int = 256, max_body: int = 64 * 1024 * 1024, idle_timeout: float = 30.0,
                 transaction_idle_timeout: float | None = None) -> None:
        self.dbms = dbms
        self.host = host
        self.requested_port = port
        self.transactions = OpenTransactions(dbms.settings.http_transaction_idle_timeout
                                             if transaction_idle_timeout is None else transaction_idle_timeout)
        self.app = build_app(dbms, QueryApi(dbms, self.transactions), bolt_address, max_body, NEO4J_VERSION)
        self.max_connections = max_connections
        self.idle_timeout = idle_timeout
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> "HttpServer":
        """Binds and serves in a background thread; returns once requests are answered."""
        self._socket = self._bind()
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off",
                                limit_concurrency=self.max_connections, timeout_keep_alive=int(self.idle_timeout),
                                server_header=False, date_header=False)
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
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.requested_port))
        except OSError as error:
            sock.close()
            reason = "the address is already in use (is another server running?)" \
                if error.errno == errno.EADDRINUSE else (error.strerror or str(error))
            raise ClientError(f"Cannot listen on {self.host}:{self.requested_port}: {reason}. Stop the other "
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


__all__ = ["HttpServer"]
