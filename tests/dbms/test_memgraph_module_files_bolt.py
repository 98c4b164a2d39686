"""Memgraph's module-file procedures through Memgraph's own client (pymgclient over Bolt 4.x) against `graphplex serve
--query-modules-directory`, as GQLAlchemy's `Memgraph.add_query_module` and its tests use them: a module created,
listed, run, read, updated and deleted, and a refused path as the client's error with Memgraph's words."""
from __future__ import annotations

import pytest

from mgclient_support import fetch

mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")

MODULE = '''def register(module):
    @module.function("hello.word")
    def word(ctx) -> str:
        return "hello"
'''


@pytest.fixture
def served(serve, tmp_path) -> int:
    """The port of a `graphplex serve --no-auth` process on a data directory, with a query modules directory (the
    conftest's `cursor` connects to it)."""
    (tmp_path / "modules").mkdir()
    return serve("--query-modules-directory", str(tmp_path / "modules"), data_dir=tmp_path / "data")


def test_module_files_over_pymgclient(tmp_path, cursor):
    # GQLAlchemy's add_query_module: the content inlined in the statement, YIELD * on every call.
    statement = "CALL mg.create_module_file('hello.py','" + MODULE.replace("'", '"') + "') YIELD *;"
    path = fetch(cursor, statement)[0]["path"]
    assert path == str((tmp_path / "data" / "internal_modules" / "hello.py").resolve())
    assert fetch(cursor, "RETURN hello.word() AS word") == [{"word": "hello"}]
    assert fetch(cursor, "CALL mg.get_module_files() YIELD path, is_editable") == [{"path": path, "is_editable": True}]
    assert fetch(cursor, "CALL mg.get_module_file($path) YIELD *", {"path": path}) == [{"content": MODULE}]
    fetch(cursor, "CALL mg.update_module_file($path, $content)",
          {"path": path, "content": MODULE.replace('"hello"', '"welcome"')})
    assert fetch(cursor, "RETURN hello.word() AS word") == [{"word": "welcome"}]
    assert fetch(cursor, f"CALL mg.delete_module_file('{path}') YIELD *") == []
    assert fetch(cursor, "CALL mg.get_module_files() YIELD path") == []
    with pytest.raises(mgclient.DatabaseError, match="mg.create_module_file: Invalid relative path defined"):
        fetch(cursor, "CALL mg.create_module_file('../escaped.py', '') YIELD *")
    assert not (tmp_path / "data" / "escaped.py").exists()
