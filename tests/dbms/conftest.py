"""Fixtures shared by the coordinator's tests."""
import pytest

from graphplex import DBMS


@pytest.fixture
def dbms():
    """A fresh in-memory DBMS, closed after the test."""
    with DBMS.in_memory() as instance:
        yield instance
