"""Logging in and query texts as an attacker meets them (issue 14): a refusal takes as long whether or not the user
exists, concurrent guesses are counted before they are checked, passwords never show in what others see, and a
query text has a size limit."""
from __future__ import annotations

import statistics
import threading
import time

import pytest

from graphplex import DBMS
from graphplex.errors import AuthError, Neo4jError

ADMIN_PASSWORD = "admin-secret"


def _refusal_seconds(dbms, user: str) -> float:
    started = time.perf_counter()
    with pytest.raises(AuthError):
        dbms.session(auth=(user, "a wrong guess"))
    return time.perf_counter() - started


def test_an_unknown_user_is_refused_as_slowly_as_a_wrong_password():
    """The time of a refusal must not tell whether the user exists: an unknown user costs a password check too.
    Compared as medians of interleaved attempts, so that a busy machine slows both alike."""
    with DBMS.in_memory(auth_enabled=True, initial_password=ADMIN_PASSWORD, auth_max_failed_attempts=1000) as dbms:
        known, unknown = [], []
        for _ in range(7):
            known.append(_refusal_seconds(dbms, "neo4j"))
            unknown.append(_refusal_seconds(dbms, "nobody-of-that-name"))
        assert statistics.median(unknown) >= 0.5 * statistics.median(known), (known, unknown)
