"""Fixtures of the behaviour tests: a fresh in-memory DBMS per test (also one with authentication and its admin),
sessions on it, and small helpers.

These tests use the public API only: `from dbms import DBMS, Query` and the errors of `dbms.errors`."""
from __future__ import annotations

import pytest

from behaviour_support import ADMIN_PASSWORD
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


@pytest.fixture
def secure():
    """A fresh in-memory DBMS with authentication on, its admin `neo4j` with password ADMIN_PASSWORD."""
    with DBMS.in_memory(auth_enabled=True, initial_password=ADMIN_PASSWORD) as instance:
        yield instance


@pytest.fixture
def admin(secure):
    """A session of the admin `neo4j` on `secure`."""
    with secure.session(auth=("neo4j", ADMIN_PASSWORD)) as session:
        yield session
