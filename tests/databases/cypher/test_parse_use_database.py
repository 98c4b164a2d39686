"""Memgraph's `USE DATABASE name` and `SHOW [CURRENT] DATABASE` parse as statements of their own, while Neo4j's
`USE db` clause (even of a database named `database`) and `SHOW DATABASE name` keep their meaning."""
from __future__ import annotations

import pytest

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.parser import parse
from graphplex.databases.errors import CypherSyntaxError


@pytest.mark.parametrize("text, name", [
    ("USE DATABASE tenant", "tenant"), ("use database `my-db`;", "my-db"), ("USE DATABASE match", "match"),
    ("USE DATABASE $db", ast.Parameter("db")),
])
def test_use_database(text, name):
    assert parse(text) == ast.UseDatabase(name)


@pytest.mark.parametrize("text, current", [("SHOW DATABASE", False), ("SHOW CURRENT DATABASE;", True),
                                           ("show current database", True)])
def test_show_current_database(text, current):
    assert parse(text) == ast.ShowCurrentDatabase(current)


def test_use_clause_of_a_database_named_database_is_a_query():
    statement = parse("USE database MATCH (n) RETURN n")
    assert isinstance(statement, ast.Query)
    assert statement.parts[0].clauses[0] == ast.Use("database")


def test_show_database_with_a_name_is_neo4js():
    assert parse("SHOW DATABASE foo").scope == "NAMED"


@pytest.mark.parametrize("text", ["USE DATABASE a MATCH (n) RETURN n", "USE DATABASE a, b"])
def test_use_database_is_the_whole_statement(text):
    with pytest.raises(CypherSyntaxError):
        parse(text)
