"""Memgraph's QUERY MEMORY and PROCEDURE MEMORY clauses: where they go, and what they parse to."""
from __future__ import annotations

import pytest

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.parser import parse
from graphplex.errors import CypherSyntaxError


@pytest.mark.parametrize("text, limit", [
    ("MATCH (n) RETURN n QUERY MEMORY LIMIT 10 KB", 10 * 1024),
    ("MATCH (n) RETURN n query memory limit 2 mb;", 2 * 1024 * 1024),
    ("RETURN 1 AS x UNION RETURN 2 AS x QUERY MEMORY LIMIT 1_000 KB", 1_000 * 1024),
    ("CREATE (:A) QUERY MEMORY UNLIMITED", None),
    ("MATCH (n) RETURN n", None),
])
def test_query_memory_ends_a_query(text, limit):
    assert parse(text).memory_limit == limit


def test_explain_keeps_the_limit():
    assert parse("EXPLAIN MATCH (n) RETURN n QUERY MEMORY LIMIT 1 MB").query.memory_limit == 1024 * 1024


@pytest.mark.parametrize("text, limit", [
    ("CALL db.labels() PROCEDURE MEMORY LIMIT 5 KB YIELD label RETURN label", 5 * 1024),
    ("CALL db.labels PROCEDURE MEMORY UNLIMITED", None),
    ("CALL db.labels() PROCEDURE MEMORY LIMIT 1 MB", 1024 * 1024),
])
def test_procedure_memory_follows_the_arguments(text, limit):
    call, = [c for c in parse(text).parts[0].clauses if isinstance(c, ast.CallProcedure)]
    assert call.memory_limit == limit


@pytest.mark.parametrize("text", [
    "MATCH (n) QUERY MEMORY LIMIT 1 KB RETURN n",
    "MATCH (n) RETURN n QUERY MEMORY LIMIT 1 GB",
    "MATCH (n) RETURN n QUERY MEMORY LIMIT 1.5 MB",
    "CALL db.labels() YIELD label PROCEDURE MEMORY LIMIT 1 KB RETURN label",
    "CALL { RETURN 1 AS x QUERY MEMORY LIMIT 1 KB } RETURN x",
])
def test_misplaced_or_malformed_limits_are_syntax_errors(text):
    with pytest.raises(CypherSyntaxError):
        parse(text)


def test_the_words_stay_names():
    statement = parse("MATCH (query:Memory {unlimited: 1}) RETURN query.kb AS mb")
    assert statement.memory_limit is None
