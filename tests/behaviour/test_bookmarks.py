"""Bookmarks: `last_bookmarks()` changes after a write commit and not after a read-only, failed or rolled-back
transaction. (API.md "Sessions"; SEMANTICS.md "Sessions and bookmarks"; reference notes §10.)
Waiting for bookmarks is not built yet and is not tested here."""
from __future__ import annotations

import pytest

from graphplex.errors import ClientError


def test_last_bookmarks_is_a_list_of_strings(session):
    session.run("CREATE ()").consume()
    bookmarks = session.last_bookmarks()
    assert isinstance(bookmarks, list)
    assert bookmarks and all(isinstance(b, str) and b for b in bookmarks)


def test_a_new_session_returns_its_initial_bookmarks(dbms, session):
    session.run("CREATE ()").consume()
    given = session.last_bookmarks()
    with dbms.session(bookmarks=given) as s:
        assert s.last_bookmarks() == given


def test_bookmarks_change_after_an_implicit_write_commit(session):
    before = session.last_bookmarks()
    session.run("CREATE ()").consume()
    after = session.last_bookmarks()
    assert after != before
    session.run("CREATE ()").consume()
    assert session.last_bookmarks() != after


def test_bookmarks_change_after_an_explicit_write_commit(session):
    before = session.last_bookmarks()
    with session.begin_transaction() as tx:
        tx.run("CREATE ()")
    assert session.last_bookmarks() != before


def test_bookmarks_change_after_execute_write(session):
    before = session.last_bookmarks()
    session.execute_write(lambda tx: tx.run("CREATE ()").consume())
    assert session.last_bookmarks() != before


def test_bookmarks_change_after_a_begin_commit_script(session):
    before = session.last_bookmarks()
    session.run("BEGIN")
    session.run("CREATE ()")
    session.run("COMMIT")
    assert session.last_bookmarks() != before


def test_bookmarks_change_after_a_write_to_another_database(session, other_db):
    before = session.last_bookmarks()
    session.run("USE other CREATE ()").consume()
    assert session.last_bookmarks() != before


def test_bookmarks_change_after_an_administration_command(session):
    before = session.last_bookmarks()
    session.run("CREATE DATABASE marked").consume()
    assert session.last_bookmarks() != before


def test_bookmarks_do_not_change_after_an_implicit_read(session):
    session.run("CREATE ()").consume()
    before = session.last_bookmarks()
    session.run("MATCH (n) RETURN count(n)").consume()
    assert session.last_bookmarks() == before


def test_bookmarks_do_not_change_after_an_explicit_read_only_commit(session):
    session.run("CREATE ()").consume()
    before = session.last_bookmarks()
    with session.begin_transaction() as tx:
        tx.run("MATCH (n) RETURN count(n)").consume()
    assert session.last_bookmarks() == before


def test_bookmarks_do_not_change_after_execute_read(session):
    session.run("CREATE ()").consume()
    before = session.last_bookmarks()
    session.execute_read(lambda tx: tx.run("MATCH (n) RETURN count(n)").consume())
    assert session.last_bookmarks() == before


def test_bookmarks_do_not_change_after_a_rolled_back_write(session):
    session.run("CREATE ()").consume()
    before = session.last_bookmarks()
    tx = session.begin_transaction()
    tx.run("CREATE ()").consume()
    tx.rollback()
    assert session.last_bookmarks() == before


def test_bookmarks_do_not_change_after_a_failed_write(session):
    session.run("CREATE ()").consume()
    before = session.last_bookmarks()
    with pytest.raises(ClientError):
        session.run("CREATE () WITH 1 AS one RETURN 1 / 0").consume()
    assert session.last_bookmarks() == before


def test_bookmarks_do_not_change_after_a_failed_explicit_transaction(session):
    session.run("CREATE ()").consume()
    before = session.last_bookmarks()
    with pytest.raises(ClientError):
        with session.begin_transaction() as tx:
            tx.run("CREATE ()").consume()
            tx.run("RETURN 1 / 0").consume()
    assert session.last_bookmarks() == before


def test_bookmarks_of_two_sessions_writing_differ(dbms):
    with dbms.session() as first, dbms.session() as second:
        first.run("CREATE ()").consume()
        second.run("CREATE ()").consume()
        assert first.last_bookmarks() != second.last_bookmarks()


def test_last_bookmarks_consumes_a_pending_auto_commit_result(session):
    before = session.last_bookmarks()
    session.run("CREATE ()")
    assert session.last_bookmarks() != before
