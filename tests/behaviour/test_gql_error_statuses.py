"""Embedded users read an error's GQL status as driver users do: the status Neo4j 5.26 gives it, its description
and its classification, beside the Neo4j code and message."""
from __future__ import annotations

import pytest

from graphplex.errors import ClientError, CypherSyntaxError


@pytest.mark.parametrize("query, code, gql_status", [
    ("RETRUN 1", "Neo.ClientError.Statement.SyntaxError", "42001"),
    ("RETURN 1 / 0 AS x", "Neo.ClientError.Statement.ArithmeticError", "22012"),
    ("RETURN 9223372036854775807 + 1 AS x", "Neo.ClientError.Statement.ArithmeticError", "22003"),
    ("RETURN $missing AS x", "Neo.ClientError.Statement.ParameterMissing", "42N51"),
])
def test_a_failed_statement_reports_its_gql_status(session, query, code, gql_status):
    with pytest.raises(ClientError) as caught:
        session.run(query).consume()
    assert (caught.value.code, caught.value.gql_status, caught.value.gql_classification) == (
        code, gql_status, "CLIENT_ERROR")
    assert caught.value.gql_status_description.startswith("error: ")


def test_the_code_and_message_are_unchanged(session):
    with pytest.raises(CypherSyntaxError) as caught:
        session.run("RETRUN 1").consume()
    assert caught.value.classification == "ClientError" and caught.value.message.startswith("Invalid input 'RETRUN'")
    assert caught.value.gql_status_description == "error: syntax error or access rule violation - invalid syntax"
