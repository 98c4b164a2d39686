"""The pytest plugin (entry point `pytest11`): an isolated graph per test.

Fixtures: `graphplex_dbms` (one in-memory DBMS per test process, so it is safe under pytest-xdist),
`graph_database` (the name of a fresh database, dropped after the test), `graph_session` (a session on it),
`graphplex_load` (runs a Cypher script or file into a database) and `graphplex_bolt_uri` (a Bolt server over
`graphplex_dbms` on a free loopback port, for suites written against the official `neo4j` driver). Mark a test with
`@pytest.mark.graphplex_data("seed.cypher")` (a path relative to the test file, or Cypher text) to preload its
`graph_database`."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "graphplex_data(source): preload the test's graph_database from a Cypher "
                                       "file (relative to the test file) or Cypher text")


@pytest.fixture(scope="session")
def graphplex_dbms():
    """An in-memory DBMS shared by the tests of this process."""
    from graphplex import DBMS
    dbms = DBMS.in_memory()
    yield dbms
    dbms.close()


@pytest.fixture
def graphplex_load(graphplex_dbms):
    """`load(source, database)`: runs a Cypher script (a file path or the text itself) into `database`."""
    from graphplex.cli.script import split_script

    def load(source: str | Path, database: str, base: Path | None = None) -> None:
        text = _script_text(source, base)
        with graphplex_dbms.session(database=database) as session:
            for piece in split_script(text):
                if piece.command:
                    session.run(piece.text.upper()).consume()  # :begin / :commit / :rollback
                else:
                    session.run(piece.text).consume()
    return load


def _script_text(source: str | Path, base: Path | None) -> str:
    """The Cypher a source stands for: a file's text, or the source itself when it is Cypher.

    A `Path`, or a string without whitespace that ends in a file suffix (`seed.cypher`, `data/shop.cql`), names a
    file: a missing one is an error that says so, rather than the name parsed as Cypher."""
    path = Path(source) if base is None else base / source
    names_a_file = isinstance(source, Path) or (not any(c.isspace() for c in source) and Path(source).suffix != "")
    try:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    except OSError:
        pass
    if names_a_file:
        pytest.fail(f"graphplex_data: no such Cypher file: {path}", pytrace=False)
    return str(source)


@pytest.fixture
def graph_database(request, graphplex_dbms, graphplex_load):
    """The name of a new, empty database for this test; it is dropped afterwards."""
    name = f"test-{uuid.uuid4().hex[:16]}"
    with graphplex_dbms.session() as session:
        session.run("CREATE DATABASE $name", name=name).consume()
    try:
        marker = request.node.get_closest_marker("graphplex_data")
        if marker is not None:
            for source in marker.args:
                graphplex_load(source, name, base=Path(str(request.node.fspath)).parent)
        yield name
    finally:
        with graphplex_dbms.session() as session:
            session.run("DROP DATABASE $name IF EXISTS", name=name).consume()


@pytest.fixture
def graph_session(graphplex_dbms, graph_database):
    """A session on this test's database."""
    with graphplex_dbms.session(database=graph_database) as session:
        yield session


@pytest.fixture(scope="session")
def graphplex_bolt_uri(graphplex_dbms):
    """`bolt://127.0.0.1:PORT` of a Bolt server over `graphplex_dbms` (authentication off: any credentials)."""
    from graphplex.bolt import BoltServer
    server = BoltServer(graphplex_dbms, "127.0.0.1", 0).start()
    yield server.uri
    server.stop()
