"""Fixtures shared by the coordinator's tests: a fresh DBMS, its Bolt server and an official driver to it, and
`graphplex serve` in a process of its own (pymgclient's connect() holds the GIL while it connects, so Memgraph's
client cannot reach a server in the test's own process)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from graphplex import DBMS
from graphplex.bolt import BoltServer


@pytest.fixture
def dbms():
    """A fresh in-memory DBMS, closed after the test."""
    with DBMS.in_memory() as instance:
        yield instance


@pytest.fixture
def server(dbms):
    """A Bolt server for `dbms` on a free port, stopped after the test."""
    with BoltServer(dbms, port=0) as running:
        yield running


@pytest.fixture
def driver(server):
    """The official neo4j driver connected to `server` (the test is skipped where the driver is not installed)."""
    neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
    with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", "unused")) as instance:
        yield instance


@pytest.fixture
def serve():
    """Starts `graphplex serve` processes on free ports and returns each one's port: in memory unless `data_dir`
    names a data directory, without authentication unless `password` is its admin's initial password, with the
    further command-line `options` given. Each must exit cleanly when stopped after the test."""
    processes: list[subprocess.Popen] = []

    def start(*options: str, password: str | None = None, data_dir: Path | None = None) -> int:
        storage = ["--in-memory"] if data_dir is None else ["--data-dir", str(data_dir)]
        auth = ["--no-auth"] if password is None else ["--initial-password", password]
        process = subprocess.Popen([sys.executable, "-m", "graphplex.cli.main", "serve", *storage, *auth,
                                    "--listen", "127.0.0.1:0", *options],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        processes.append(process)
        line = process.stdout.readline()
        found = re.search(r"bolt://127\.0\.0\.1:(\d+)", line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
        return int(found.group(1))
    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        assert process.wait(timeout=30) == 0


@pytest.fixture
def served(serve) -> int:
    """The port of a `graphplex serve --in-memory --no-auth` process."""
    return serve()


@pytest.fixture
def cursor(served):
    """A cursor of an autocommit connection of Memgraph's client (pymgclient) to `served` (the test is skipped
    where pymgclient is not installed)."""
    mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")
    connection = mgclient.connect(host="127.0.0.1", port=served)
    connection.autocommit = True
    yield connection.cursor()
    connection.close()
