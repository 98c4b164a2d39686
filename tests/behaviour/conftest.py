"""Fixtures of the behaviour tests: a fresh in-memory DBMS per test, sessions on it, and small helpers.

These tests use the public API only: `from dbms import DBMS, Query` and the errors of `dbms.errors`."""
from __future__ import annotations

import pytest

from graphplex import DBMS


@pytest.fixture
def dbms():
    """A fresh in-memory DBMS (default database `neo4j`), closed after the test."""
    instance = DBMS.in_memory()
    yield instance
    instance.close()


@pytest.fixture
def session(dbms):
    """A WRITE session on the default database."""
    with dbms.session() as s:
        yield s


@pytest.fixture
def other_db(dbms):
    """The name of a second user database, `other`, created and online."""
    with dbms.session() as s:
        s.run("CREATE DATABASE other").consume()
    return "other"

