"""`graphplex serve`: a Bolt server over a data directory (or an in-memory DBMS), until interrupted."""
from __future__ import annotations

import signal
import threading
from pathlib import Path

from graphplex.databases.errors import Neo4jError
from graphplex.cli.exits import Unavailable
from graphplex.cli.main import EXIT_OK, EXIT_USAGE, open_dbms


def command_serve(args, out, err) -> int:
    from graphplex.bolt import BoltServer
    host, port = _address(args.listen)
    # The HTTP server listens beside Bolt: on Neo4j's 7474, or on a free port too when Bolt's was left to pick.
    http = None if args.no_http else _address(args.http or f"[{host}]:{7474 if port else 0}")
    for option, address in (("--listen", (host, port)), ("--http", http)):
        if address is not None and address[1] is None:
            err.write(f"graphplex: Neo.ClientError.General.InvalidArguments: {option} needs HOST:PORT, got "
                      f"{getattr(args, option[2:])!r}\n")
            return EXIT_USAGE
    initialised = bool(args.data_dir) and (Path(args.data_dir) / "system").exists()
    settings = {"auth_enabled": not args.no_auth, "import_dir": args.import_dir}
    if args.query_modules_directory is not None:
        settings["query_modules_directory"] = args.query_modules_directory
    if args.client_dialect is not None:
        settings["client_dialect"] = args.client_dialect
    if args.initial_password is not None:
        settings["initial_password"] = args.initial_password
        if initialised:
            # Only a first start sets the administrator's password; later ones must not pretend to change it.
            err.write(f"graphplex: warning: --initial-password is ignored: {args.data_dir} was started before and "
                      "the user neo4j keeps the password set then. Log in with it (or, as an administrator, "
                      "ALTER USER neo4j SET PASSWORD '…').\n")
            err.flush()
    elif not args.no_auth and not initialised:
        err.write("graphplex: Neo.ClientError.General.InvalidArguments: a new server with authentication needs "
                  "--initial-password (the password of the administrator neo4j), or --no-auth\n")
        return EXIT_USAGE
    stopped = threading.Event()
    with open_dbms(args, **settings) as dbms:
        try:
            server = BoltServer(dbms, host, port, agent=args.agent, max_connections=args.max_connections,
                                **_timeouts(args))
        except Neo4jError as error:  # a limit that is not a positive number
            err.write(f"graphplex: {error.code}: {error.message}\n")
            return EXIT_USAGE
        web = None
        try:
            server.start()
            if http is not None:
                from graphplex.http import HttpServer
                web = HttpServer(dbms, *http, bolt_address=server.address, max_connections=args.max_connections,
                                 version=args.agent.rpartition("/")[2] or args.agent).start()
        except Neo4jError as error:  # the address is in use or cannot be had
            server.stop()
            raise Unavailable(error) from None
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopped.set())
        out.write(f"graphplex Bolt server listening on {server.uri}\n")
        if web is not None:
            out.write(f"graphplex HTTP server listening on {web.url} (Query API: {web.url}/db/{{database}}/query/v2,"
                      f" console: {web.url}/browser/)\n")
        out.flush()
        stopped.wait()
        if web is not None:
            web.stop()
        server.stop()
    return EXIT_OK


def _address(text: str) -> tuple[str, int | None]:
    """HOST:PORT (an IPv6 host in brackets) as a host and a port number (None when the text is not one)."""
    host, _, port = text.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return (host, int(port)) if host and port.isdigit() else (host, None)


def _timeouts(args) -> dict:
    """The timeouts given as options (the others come from the DBMS's settings); an idle timeout of 0 is none."""
    given = {"handshake_timeout": args.handshake_timeout, "auth_timeout": args.auth_timeout,
             "idle_timeout": args.idle_timeout}
    timeouts = {name: value for name, value in given.items() if value is not None}
    if timeouts.get("idle_timeout") == 0:
        timeouts["idle_timeout"] = None
    return timeouts
