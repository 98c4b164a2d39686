"""Names and passwords in administration commands, written literally or as `$parameters`."""
from __future__ import annotations

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.functions import FUNCTIONS
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


def map_value(expr: ast.Expr, parameters: dict) -> object:
    """The value of an option map of an administration command (`OPTIONS {…}`, `DRIVER {…}`, `PROPERTIES {…}`):
    literals, parameters, lists and maps of them, and `duration(…)` of those, as Neo4j allows there."""
    if isinstance(expr, ast.Parameter):
        if expr.name not in parameters:
            raise ClientError(f"Expected parameter(s): {expr.name}", "Neo.ClientError.Statement.ParameterMissing")
        return parameters[expr.name]
    if isinstance(expr, ast.Literal):
        return expr.value
    if isinstance(expr, ast.MapLiteral):
        return {key: map_value(value, parameters) for key, value in expr.items}
    if isinstance(expr, ast.ListLiteral):
        return [map_value(item, parameters) for item in expr.items]
    if isinstance(expr, ast.FunctionCall) and expr.lower_name == "duration" and len(expr.args) == 1:
        return FUNCTIONS["duration"].impl(None, map_value(expr.args[0], parameters))
    if isinstance(expr, ast.Negate):
        value = map_value(expr.operand, parameters)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
    raise ClientError("Options of an administration command must be literal values or parameters.",
                      "Neo.ClientError.Statement.ArgumentError")
