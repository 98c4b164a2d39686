"""Memgraph's module-file procedures through Memgraph's own client (pymgclient over Bolt 4.x) against `graphplex serve
--query-modules-directory`, as GQLAlchemy's `Memgraph.add_query_module` and its tests use them: a module created,
listed, run, read, updated and deleted, and a refused path as the client's error with Memgraph's words."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")

MODULE = '''def register(module):
    @module.function("hello.word")
    def word(ctx) -> str:
        return "hello"
'''


@pytest.fixture
def served(tmp_path):
    """The port of a `graphplex serve --no-auth` process on a data directory, with a query modules directory."""
    (tmp_path / "modules").mkdir()
    process = subprocess.Popen([sys.executable, "-m", "graphplex.cli.main", "serve",
                                "--data-dir", str(tmp_path / "data"),
                                "--query-modules-directory", str(tmp_path / "modules"), "--no-auth",
                                "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    found = re.search(r"bolt://127\.0\.0\.1:(\d+)", line)
    assert found, (line, process.stderr.read() if process.poll() is not None else "")
    yield int(found.group(1))
    process.terminate()
    assert process.wait(timeout=30) == 0


@pytest.fixture
def cursor(served):
    """A cursor of an autocommit connection."""
    connection = mgclient.connect(host="127.0.0.1", port=served)
    connection.autocommit = True
    yield connection.cursor()
    connection.close()


def fetch(cursor, query: str, parameters: dict | None = None) -> list[tuple]:
    cursor.execute(query, parameters or {})
    return cursor.fetchall()


def test_module_files_over_pymgclient(tmp_path, cursor):
    # GQLAlchemy's add_query_module: the content inlined in the statement, YIELD * on every call.
    statement = "CALL mg.create_module_file('hello.py','" + MODULE.replace("'", '"') + "') YIELD *;"
    (path,), = fetch(cursor, statement)
    assert path == str((tmp_path / "data" / "internal_modules" / "hello.py").resolve())
    assert fetch(cursor, "RETURN hello.word()") == [("hello",)]
    assert fetch(cursor, "CALL mg.get_module_files() YIELD path, is_editable") == [(path, True)]
    assert fetch(cursor, "CALL mg.get_module_file($path) YIELD *", {"path": path}) == [(MODULE,)]
    fetch(cursor, "CALL mg.update_module_file($path, $content)",
          {"path": path, "content": MODULE.replace('"hello"', '"welcome"')})
    assert fetch(cursor, "RETURN hello.word()") == [("welcome",)]
    assert fetch(cursor, f"CALL mg.delete_module_file('{path}') YIELD *") == []
    assert fetch(cursor, "CALL mg.get_module_files() YIELD path") == []
    with pytest.raises(mgclient.DatabaseError, match="mg.create_module_file: Invalid relative path defined"):
        fetch(cursor, "CALL mg.create_module_file('../escaped.py', '') YIELD *")
    assert not (tmp_path / "data" / "escaped.py").exists()
