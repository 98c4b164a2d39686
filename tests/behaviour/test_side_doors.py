"""Statements about the DBMS rather than a graph (STORAGE MODE, SET GLOBAL …, SHOW/TERMINATE TRANSACTIONS) run
through the DBMS transaction like any other: privileges are checked, the catalog change commits with it (so the
session's bookmark names it) and the catalog is synchronised once."""
from __future__ import annotations

import pytest

from graphplex import DBMS
from graphplex.errors import Forbidden


@pytest.fixture
def editor(secure, admin):
    admin.run("CREATE USER ed SET PASSWORD 'pw-1' CHANGE NOT REQUIRED").consume()
    admin.run("GRANT ROLE editor TO ed").consume()
    with secure.session(auth=("ed", "pw-1")) as session:
        yield session


def storage_mode(session) -> str:
    return dict(session.run("SHOW STORAGE INFO").values())["storage_mode"]


def test_changing_the_storage_mode_needs_the_alter_database_privilege(editor, admin):
    with pytest.raises(Forbidden) as caught:
        editor.run("STORAGE MODE IN_MEMORY_ANALYTICAL").consume()
    assert caught.value.message == ("Permission denied for ALTER DATABASE. The user 'ed' with roles "
                                    "[PUBLIC, editor] does not have the ALTER DATABASE privilege.")
    assert storage_mode(admin) == "IN_MEMORY_TRANSACTIONAL"
    admin.run("STORAGE MODE IN_MEMORY_ANALYTICAL").consume()
    assert storage_mode(admin) == "IN_MEMORY_ANALYTICAL"


def test_changing_the_global_isolation_level_needs_the_alter_database_privilege(secure, editor, admin):
    with pytest.raises(Forbidden):
        editor.run("SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    assert secure.settings.isolation_level == "SNAPSHOT_ISOLATION"
    editor.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    admin.run("SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    assert secure.settings.isolation_level == "READ_COMMITTED"


@pytest.mark.parametrize("statement", ["STORAGE MODE IN_MEMORY_ANALYTICAL",
                                       "SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED"])
def test_the_catalog_change_commits_with_the_statements_transaction(statement):
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run(statement).consume()
        bookmarks = session.last_bookmarks()
        system_uuid = dbms.entry("system").uuid
        assert len(bookmarks) == 1 and bookmarks[0].startswith(f"GP:{system_uuid}:")


def test_a_refused_switch_changes_neither_the_database_nor_the_catalog(tmp_path):
    with DBMS.open(tmp_path / "data") as dbms, dbms.session() as session:
        session.run("CREATE (:Kept)").consume()
        with pytest.raises(Exception):
            session.run("STORAGE MODE ON_DISK_TRANSACTIONAL").consume()
        assert storage_mode(session) == "IN_MEMORY_TRANSACTIONAL"
    with DBMS.open(tmp_path / "data") as dbms, dbms.session() as session:
        assert storage_mode(session) == "IN_MEMORY_TRANSACTIONAL"
        assert session.run("MATCH (n:Kept) RETURN count(n)").single()[0] == 1

