"""Fixtures shared by the coordinator's tests: a fresh DBMS, its Bolt server and an official driver to it."""
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
