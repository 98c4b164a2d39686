"""Static checks of a clause's expressions before it runs: the type errors and misuses Neo4j's semantic analysis
finds at compile time, reported as Neo4j does (`Neo.ClientError.Statement.SyntaxError`).

Types are known only where the query text fixes them: literals, and variables bound by patterns (nodes,
relationships, paths) or projected from literals. Anything else is unknown and never fails here: the operators
check values as they come, at runtime, as Neo4j does for what it cannot type statically.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.errors import syntax_error
from graphplex.databases.cypher.expressions import AGGREGATE_NAMES, contains_aggregate

__all__ = ["check_clause"]

_KIND_TYPES = {"node": "Node", "relationship": "Relationship", "path": "Path", "list": "List", "map": "Map"}
_LITERAL_TYPES = {bool: "Boolean", int: "Integer", float: "Float", str: "String", type(None): "Null"}
_NOT_BOOLEAN = frozenset({"Node", "Relationship", "Path"})
_NUMERIC_OPERATORS = frozenset({"-", "*", "/", "%", "^"})
_NOT_NUMBER = frozenset({"String", "Boolean", "Node", "Relationship", "Path", "Map", "List"})
_NO_PROPERTIES = frozenset({"Path", "Integer", "Float", "Boolean", "String", "List"})
# Function → the types its first argument takes, for functions whose signature Neo4j checks statically.
_ARGUMENT_TYPES = {
    "labels": ("Node",), "type": ("Relationship",), "length": ("Path",), "size": ("String", "List"),
    "properties": ("Map", "Node", "Relationship"), "keys": ("Map", "Node", "Relationship"),
    "nodes": ("Path",), "relationships": ("Path",), "head": ("List",), "last": ("List",), "tail": ("List",),
    "reverse": ("String", "List"),
    **{name: ("String",) for name in ("toupper", "tolower", "upper", "lower", "trim", "ltrim", "rtrim", "btrim",
                                      "replace", "substring", "left", "right", "split")},
    **{name: ("Integer", "Float") for name in ("abs", "ceil", "floor", "round", "sign", "sqrt", "exp", "log",
                                               "log10", "sin", "cos", "tan", "cot", "asin", "acos", "atan",
                                               "atan2", "degrees", "radians", "haversin")},
}
_OVER_LISTS = (ast.ListComprehension, ast.Quantifier, ast.Reduce)
_OPAQUE = (ast.ExistsSubquery, ast.CountSubquery, ast.CollectSubquery, ast.PatternComprehension)


def check_clause(clause: ast.Clause, kinds: Mapping[str, str]) -> None:
    """Raises the first static error in `clause`, given the kinds (`planner` notation: "node", "path", …) of the
    variables bound before it. A MATCH's own pattern variables are known in its WHERE; a projection's WHERE and
    ORDER BY see the names it projects."""
    env = {name: _KIND_TYPES.get(kind) for name, kind in kinds.items()}
    if isinstance(clause, (ast.With, ast.Return)):
        _check_projection(clause, env)
        return
    if isinstance(clause, ast.Match):
        env.update(_pattern_types(clause.pattern))
        if clause.where is not None:
            _check_predicate(clause.where, env)
    for expression in _expressions(clause):
        _type_of(expression, env)


def _check_projection(clause: ast.With | ast.Return, env: Mapping[str, str | None]) -> None:
    projection = clause.projection
    projected = {item.name: _type_of(item.expression, env) for item in projection.items}
    for count in (projection.skip, projection.limit):
        if count is not None:
            _type_of(count, env)
    after = {**env, **projected}
    for sort in projection.order_by:
        _type_of(sort.expression, after)
    if isinstance(clause, ast.With) and clause.where is not None:
        _check_predicate(clause.where, after)


def _pattern_types(pattern: tuple[ast.PatternPart, ...]) -> dict[str, str | None]:
    types: dict[str, str | None] = {}
    for part in pattern:
        for node in part.element.nodes:
            if node.variable:
                types[node.variable] = "Node"
        for rel in part.element.relationships:
            if rel.variable:
                types[rel.variable] = "Relationship" if rel.length is None else "List"
        if part.variable:
            types[part.variable] = "Path"
    return types


def _expressions(node: ast.Node) -> Iterator[ast.Expr]:
    """The outermost expressions of a clause, not those of the queries nested in it (they have scopes of their
    own: CALL { }, FOREACH's clauses)."""
    for child in node.children():
        if isinstance(child, ast.Expr):
            yield child
        elif not isinstance(child, (ast.Query, ast.SingleQuery, ast.Clause)):
            yield from _expressions(child)


def _check_predicate(expression: ast.Expr, env: Mapping[str, str | None]) -> None:
    found = _type_of(expression, env)
    if found in _NOT_BOOLEAN:
        raise _mismatch("Boolean", found)


def _type_of(expr: ast.Expr, env: Mapping[str, str | None]) -> str | None:
    """The static type of `expr` (None when unknown), after checking its subexpressions."""
    if isinstance(expr, ast.Literal):
        return _LITERAL_TYPES.get(type(expr.value))
    if isinstance(expr, ast.Variable):
        return env.get(expr.name)
    if isinstance(expr, _OPAQUE):
        return None
    if isinstance(expr, _OVER_LISTS):
        _check_over_list(expr, env)
        return "List" if isinstance(expr, ast.ListComprehension) else None
    types = [_type_of(child, env) for child in expr.children() if isinstance(child, ast.Expr)]
    if isinstance(expr, ast.FunctionCall):
        _check_function(expr, types)
    elif isinstance(expr, ast.In):
        _check_operand(types[1], ("List",), "IN")
    elif isinstance(expr, ast.Arithmetic) and expr.operator in _NUMERIC_OPERATORS:
        for found in types:
            if found in _NOT_NUMBER:
                raise syntax_error(f"Type mismatch: expected Integer, Float or Duration but was {found} "
                                   f"(in {expr.operator})")
    elif isinstance(expr, ast.Property) and types[0] in _NO_PROPERTIES:
        raise _mismatch("Map, Node, Relationship, Point, Duration, Date, Time, LocalTime, LocalDateTime or DateTime",
                        types[0])
    elif isinstance(expr, (ast.Not, ast.And, ast.Or, ast.Xor)):
        for found in types:
            if found in _NOT_BOOLEAN:
                raise _mismatch("Boolean", found)
    return {ast.ListLiteral: "List", ast.MapLiteral: "Map"}.get(type(expr))


def _check_function(call: ast.FunctionCall, types: list[str | None]) -> None:
    name = call.lower_name
    if name in AGGREGATE_NAMES and any(isinstance(node, ast.FunctionCall) and node.lower_name == "rand"
                                   for arg in call.args for node in arg.walk()):
        raise syntax_error("Can't use non-deterministic (random) functions inside of aggregate functions.")
    accepted = _ARGUMENT_TYPES.get(name)
    if accepted is not None and types:
        _check_operand(types[0], accepted, f"{call.name}()")


def _check_operand(found: str | None, accepted: tuple[str, ...], where: str) -> None:
    if found is not None and found != "Null" and found not in accepted:
        raise syntax_error(f"Type mismatch: expected {' or '.join(accepted)} but was {found} (in {where})")


def _check_over_list(expr, env: Mapping[str, str | None]) -> None:
    """A comprehension, quantifier or reduce: its source is checked in the outer scope, its inner expressions
    with its variable typed as the source's elements (when a list literal fixes them) and without aggregates."""
    _type_of(expr.source, env)
    inner = {**env, expr.variable: _element_type(expr.source, env)}
    if isinstance(expr, ast.Reduce):
        _type_of(expr.initial, env)
        inner[expr.accumulator] = None
        parts = [expr.expression]
    else:
        parts = [expr.predicate, getattr(expr, "projection", None)]
    for part in parts:
        if part is None:
            continue
        if contains_aggregate(part):
            raise syntax_error("Can't use aggregating expressions inside of expressions executing over lists")
        if part is getattr(expr, "predicate", None):
            _check_predicate(part, inner)
        else:
            _type_of(part, inner)


def _element_type(source: ast.Expr, env: Mapping[str, str | None]) -> str | None:
    if not isinstance(source, ast.ListLiteral) or not source.items:
        return None
    types = {_type_of(item, env) for item in source.items}
    return types.pop() if len(types) == 1 else None


def _mismatch(expected: str, found: str) -> Exception:
    return syntax_error(f"Type mismatch: expected {expected} but was {found}")
