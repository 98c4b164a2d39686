"""Constructors for the Cypher errors the engine raises, with Neo4j's codes."""
from __future__ import annotations

from graphplex.databases.errors import ClientError, CypherSyntaxError, CypherTypeError


def type_error(message: str) -> CypherTypeError:
    return CypherTypeError(message, "Neo.ClientError.Statement.TypeError")


def semantic_error(message: str) -> ClientError:
    return ClientError(message, "Neo.ClientError.Statement.SemanticError")


def syntax_error(message: str) -> CypherSyntaxError:
    return CypherSyntaxError(message, "Neo.ClientError.Statement.SyntaxError")


def arithmetic_error(message: str) -> ClientError:
    return ClientError(message, "Neo.ClientError.Statement.ArithmeticError")


def division_by_zero() -> ClientError:
    """Java's message under Neo4j's code; the GQL status is division by zero, not the code's out-of-range."""
    return ClientError("/ by zero", "Neo.ClientError.Statement.ArithmeticError", gql_status="22012")


def argument_error(message: str) -> ClientError:
    return ClientError(message, "Neo.ClientError.Statement.ArgumentError")


def entity_not_found(message: str) -> ClientError:
    return ClientError(message, "Neo.ClientError.Statement.EntityNotFound")
