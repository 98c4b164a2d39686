"""Names and passwords in administration commands, written literally or as `$parameters`."""
from __future__ import annotations

from graphplex.databases.cypher import ast
from graphplex.databases.errors import ClientError


def text(value, parameters: dict, what: str) -> str:
    """A name or password written literally or as a `$parameter`."""
    if isinstance(value, ast.Parameter):
        given = parameters.get(value.name)
        if not isinstance(given, str):
            raise ClientError(f"Expected parameter ${value.name} to be a {what} (a string)",
                              "Neo.ClientError.Statement.ParameterMissing" if given is None
                              else "Neo.ClientError.Statement.TypeError")
        return given
    return value
