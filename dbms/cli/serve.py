"""`graphplex serve`: a Bolt server over a data directory (or an in-memory DBMS), until interrupted."""
from __future__ import annotations

import signal
import threading
from pathlib import Path

from graphplex.cli.main import EXIT_OK, EXIT_USAGE


def command_serve(args, out, err) -> int:
    from graphplex import DBMS
    from graphplex.bolt import BoltServer
    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit():
        err.write(f"graphplex: --listen needs HOST:PORT, got {args.listen!r}\n")
        return EXIT_USAGE
    settings = {"auth_enabled": not args.no_auth}
    if args.initial_password is not None:
        settings["initial_password"] = args.initial_password
    elif not args.no_auth and not (args.data_dir and (Path(args.data_dir) / "system").exists()):
        err.write("graphplex: a new server with authentication needs --initial-password (the password of the "
                  "administrator neo4j), or --no-auth\n")
        return EXIT_USAGE
    dbms = DBMS.open(args.data_dir, **settings) if args.data_dir else DBMS.in_memory(**settings)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    try:
        server = BoltServer(dbms, host, int(port), agent=args.agent, max_connections=args.max_connections).start()
        out.write(f"graphplex Bolt server listening on {server.uri}\n")
        out.flush()
        stopped.wait()
        server.stop()
    finally:
        dbms.close()
    return EXIT_OK
