"""Compiles AST expressions into Python closures `f(row, ctx)`, once per plan.

A row is a dict from variable name to value. Null propagates as Cypher says; type errors, arithmetic errors
and missing entities raise the Neo4j errors of `databases.cypher.errors`. Patterns inside expressions
(`EXISTS { }`, pattern comprehensions) are compiled by the planner through `Scope.subplanner`.
"""
from __future__ import annotations

import math

# `regex`, not `re`: a match in `re` cannot be interrupted, one in `regex` can be given a time slice.
from dataclasses import dataclass, field
from typing import Callable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.errors import arithmetic_error, division_by_zero, syntax_error, type_error
from graphplex.databases.cypher.functions import property_of
from graphplex.databases.cypher.label_expressions import row_label_test
from graphplex.databases.cypher.lookup import find_function
from graphplex.databases.cypher.ranges import LazyRange
from graphplex.databases.cypher.termination import regex_fullmatch
from graphplex.databases.cypher.working_memory import Held
from graphplex.databases.cypher.values import PathValue, compare, equals, is_number, type_name
from graphplex.databases.storage import Edge, Vertex
from graphplex.databases.values import Duration, Point

Compiled = Callable[[dict, ExecutionContext], object]

MIN_INT, MAX_INT = -(2 ** 63), 2 ** 63 - 1
AGGREGATE_NAMES = frozenset({"count", "sum", "avg", "min", "max", "collect", "stdev", "stdevp",
                             "percentilecont", "percentiledisc"})


@dataclass
class Scope:
    """What is bound where an expression is compiled, and a hook back into the planner for subqueries."""

    variables: set[str] = field(default_factory=set)
    subplanner: object = None

    def with_variables(self, *names: str) -> "Scope":
        return Scope(self.variables | set(names), self.subplanner)


def compile_expression(expr: ast.Expr, scope: Scope) -> Compiled:
    """The closure that evaluates `expr` on a row."""
    compiler = _COMPILERS.get(type(expr))
    if compiler is None:
        raise syntax_error(f"Unsupported expression: {type(expr).__name__}")
    return compiler(expr, scope)


def contains_aggregate(expr: ast.Node) -> bool:
    for node in expr.walk():
        if isinstance(node, ast.CountStar):
            return True
        if isinstance(node, ast.FunctionCall) and node.lower_name in AGGREGATE_NAMES:
            return True
        if isinstance(node, (ast.ExistsSubquery, ast.CountSubquery, ast.CollectSubquery)):
            continue
    return False


# --- leaves ------------------------------------------------------------------------------------------------

def _literal(expr: ast.Literal, scope: Scope) -> Compiled:
    value = expr.value
    return lambda row, ctx: value


def _parameter(expr: ast.Parameter, scope: Scope) -> Compiled:
    name = expr.name

    def parameter(row, ctx):
        try:
            return ctx.parameters[name]
        except KeyError:
            from graphplex.databases.errors import ClientError
            raise ClientError(f"Expected parameter(s): {name}", "Neo.ClientError.Statement.ParameterMissing") from None
    return parameter


def _variable(expr: ast.Variable, scope: Scope) -> Compiled:
    name = expr.name
    if name not in scope.variables:
        raise syntax_error(f"Variable `{name}` not defined")
    return lambda row, ctx: row[name]


# --- access ------------------------------------------------------------------------------------------------

def _property(expr: ast.Property, scope: Scope) -> Compiled:
    subject = compile_expression(expr.subject, scope)
    key = expr.key

    def lookup(row, ctx):
        value = subject(row, ctx)
        if value is None:
            return None
        if type(value) is Vertex or type(value) is Edge:
            return ctx.view(value).props.get(key)
        if type(value) is dict:
            return value.get(key)
        return property_of(value, key)
    return lookup


def _subscript(expr: ast.Subscript, scope: Scope) -> Compiled:
    subject = compile_expression(expr.subject, scope)
    index = compile_expression(expr.index, scope)

    def subscript(row, ctx):
        value, position = subject(row, ctx), index(row, ctx)
        if value is None or position is None:
            return None
        if isinstance(value, list):
            if not isinstance(position, int) or isinstance(position, bool):
                raise type_error(f"Type mismatch: expected Integer but was {_pretty_type(position)}")
            if -len(value) <= position < len(value):
                return value[position]
            return None
        if isinstance(value, dict):
            if not isinstance(position, str):
                raise type_error(f"Type mismatch: expected String but was {_pretty_type(position)}")
            return value.get(position)
        if isinstance(value, (Vertex, Edge)):
            if not isinstance(position, str):
                raise type_error(f"Type mismatch: expected String but was {_pretty_type(position)}")
            return ctx.view(value).props.get(position)
        raise type_error(f"Type mismatch: expected a map, node, relationship or list but was "
                         f"{_pretty_type(value)}")
    return subscript


def _slice(expr: ast.Slice, scope: Scope) -> Compiled:
    subject = compile_expression(expr.subject, scope)
    start = compile_expression(expr.start, scope) if expr.start is not None else None
    end = compile_expression(expr.end, scope) if expr.end is not None else None

    def slice_(row, ctx):
        value = subject(row, ctx)
        low = start(row, ctx) if start is not None else 0
        high = end(row, ctx) if end is not None else None
        if value is None or low is None or (end is not None and high is None):
            return None
        if not isinstance(value, list):
            raise type_error(f"Type mismatch: expected List but was {_pretty_type(value)}")
        for bound in (low, high):
            if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool)):
                raise type_error(f"Type mismatch: expected Integer but was {_pretty_type(bound)}")
        return value[low:high]
    return slice_


def _label_check(expr: ast.LabelCheck, scope: Scope) -> Compiled:
    subject = compile_expression(expr.subject, scope)
    labels = expr.labels

    def check(row, ctx):
        value = subject(row, ctx)
        if value is None:
            return None
        if type(value) is Vertex:
            have = ctx.view(value).labels
            return all(label in have for label in labels)
        if type(value) is Edge:
            return all(label == value.type for label in labels)
        raise type_error(f"Type mismatch: expected Node but was {_pretty_type(value)}")
    return check


def _label_predicate(expr: ast.LabelPredicate, scope: Scope) -> Compiled:
    subject = compile_expression(expr.subject, scope)
    test = row_label_test(expr.labels, lambda labels: compile_expression(labels, scope))

    def check(row, ctx):
        value = subject(row, ctx)
        if value is None:
            return None
        if type(value) is Vertex:
            return test(ctx.view(value).labels, row, ctx)
        if type(value) is Edge:
            return test(frozenset((value.type,)), row, ctx)
        raise type_error(f"Type mismatch: expected Node but was {_pretty_type(value)}")
    return check


# --- constructors ------------------------------------------------------------------------------------------

def _list(expr: ast.ListLiteral, scope: Scope) -> Compiled:
    items = [compile_expression(item, scope) for item in expr.items]
    if all(isinstance(item, ast.Literal) for item in expr.items):
        constant = [item.value for item in expr.items]
        return lambda row, ctx: list(constant)
    return lambda row, ctx: [item(row, ctx) for item in items]


def _map(expr: ast.MapLiteral, scope: Scope) -> Compiled:
    if expr.items and all(isinstance(value, ast.Parameter) for _, value in expr.items):
        # `{id: $id, name: $name}`: the executor checked every parameter is given before running.
        names = [(key, value.name) for key, value in expr.items]
        return lambda row, ctx: {key: ctx.parameters[name] for key, name in names}
    items = [(key, compile_expression(value, scope)) for key, value in expr.items]
    return lambda row, ctx: {key: value(row, ctx) for key, value in items}


def _map_projection(expr: ast.MapProjection, scope: Scope) -> Compiled:
    subject = compile_expression(expr.subject, scope)
    steps = []
    for item in expr.items:
        if item[0] == "property":
            steps.append(("property", item[1], None))
        elif item[0] == "all":
            steps.append(("all", None, None))
        elif item[0] == "literal":
            steps.append(("literal", item[1], compile_expression(item[2], scope)))
        else:
            steps.append(("literal", item[1], compile_expression(ast.Variable(item[1]), scope)))

    def project(row, ctx):
        value = subject(row, ctx)
        if value is None:
            return None
        if isinstance(value, (Vertex, Edge)):
            props = ctx.view(value).props
        elif isinstance(value, dict):
            props = value
        else:
            raise type_error(f"Type mismatch: expected Map, Node or Relationship but was {_pretty_type(value)}")
        result: dict = {}
        for kind, key, compiled in steps:
            if kind == "property":
                result[key] = props.get(key)
            elif kind == "all":
                result.update(props)
            else:
                result[key] = compiled(row, ctx)
        return result
    return project


# --- arithmetic --------------------------------------------------------------------------------------------

def _check_int(value: int) -> int:
    if value > MAX_INT or value < MIN_INT:
        raise arithmetic_error("long overflow")
    return value


def add(a: object, b: object) -> object:
    if a is None or b is None:
        return None
    a, b = _materialized(a), _materialized(b)
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _check_int(a + b)
    if is_number(a) and is_number(b):
        return float(a) + float(b)
    if ta is str and tb is str:
        return a + b
    if ta is list and tb is list:
        return a + b
    if ta is list:
        return a + [b]
    if tb is list:
        return [a] + b
    if ta is str and (is_number(b) or tb is bool):
        return a + _to_string(b)
    if tb is str and (is_number(a) or ta is bool):
        return _to_string(a) + b
    from graphplex.databases.cypher.functions.temporal_arithmetic import add_temporal
    result = add_temporal(a, b)
    if result is not NotImplemented:
        return result
    raise type_error(f"Cannot add `{_pretty_type(a)}` and `{_pretty_type(b)}`")


def _materialized(value: object) -> object:
    """A lazy range as the list it stands for, before an operation that builds a new list from it."""
    return value.materialize() if type(value) is LazyRange else value


def concatenate(a: object, b: object) -> object:
    """`||`: the GQL concatenation of two strings or two lists (no coercion, unlike `+`)."""
    if a is None or b is None:
        return None
    a, b = _materialized(a), _materialized(b)
    if (type(a) is str and type(b) is str) or (type(a) is list and type(b) is list):
        return a + b
    raise type_error(f"Cannot concatenate `{_pretty_type(a)}` and `{_pretty_type(b)}`: `||` takes two strings "
                     "or two lists")


def subtract(a: object, b: object) -> object:
    if a is None or b is None:
        return None
    if type(a) is int and type(b) is int:
        return _check_int(a - b)
    if is_number(a) and is_number(b):
        return float(a) - float(b)
    from graphplex.databases.cypher.functions.temporal_arithmetic import subtract_temporal
    result = subtract_temporal(a, b)
    if result is not NotImplemented:
        return result
    raise type_error(f"Cannot subtract `{_pretty_type(b)}` from `{_pretty_type(a)}`")


def multiply(a: object, b: object) -> object:
    if a is None or b is None:
        return None
    if type(a) is int and type(b) is int:
        return _check_int(a * b)
    if is_number(a) and is_number(b):
        return float(a) * float(b)
    from graphplex.databases.cypher.functions.temporal_arithmetic import multiply_temporal
    result = multiply_temporal(a, b)
    if result is not NotImplemented:
        return result
    raise type_error(f"Cannot multiply `{_pretty_type(a)}` and `{_pretty_type(b)}`")


def divide(a: object, b: object) -> object:
    if a is None or b is None:
        return None
    if type(a) is int and type(b) is int:
        if b == 0:
            raise division_by_zero()
        quotient = abs(a) // abs(b)
        return _check_int(quotient if (a >= 0) == (b >= 0) else -quotient)
    if is_number(a) and is_number(b):
        a, b = float(a), float(b)
        if b == 0.0:
            if a == 0.0 or math.isnan(a):
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    from graphplex.databases.cypher.functions.temporal_arithmetic import divide_temporal
    result = divide_temporal(a, b)
    if result is not NotImplemented:
        return result
    raise type_error(f"Cannot divide `{_pretty_type(a)}` by `{_pretty_type(b)}`")


def modulo(a: object, b: object) -> object:
    if a is None or b is None:
        return None
    if type(a) is int and type(b) is int:
        if b == 0:
            raise division_by_zero()
        remainder = abs(a) % abs(b)
        return remainder if a >= 0 else -remainder
    if is_number(a) and is_number(b):
        if float(b) == 0.0:
            return math.nan
        return math.fmod(float(a), float(b))
    raise type_error(f"Cannot calculate the modulo of `{_pretty_type(a)}` and `{_pretty_type(b)}`")


def power(a: object, b: object) -> object:
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        try:
            return math.pow(float(a), float(b))
        except OverflowError:
            return math.inf
        except ValueError:
            return math.nan
    raise type_error(f"Cannot raise `{_pretty_type(a)}` to the power of `{_pretty_type(b)}`")


_ARITHMETIC = {"+": add, "||": concatenate, "-": subtract, "*": multiply, "/": divide, "%": modulo, "^": power}


def _arithmetic(expr: ast.Arithmetic, scope: Scope) -> Compiled:
    left, right = compile_expression(expr.left, scope), compile_expression(expr.right, scope)
    operation = _ARITHMETIC[expr.operator]
    return lambda row, ctx: operation(left(row, ctx), right(row, ctx))


def negate(value: object) -> object:
    if value is None:
        return None
    if type(value) is int:
        return _check_int(-value)
    if type(value) is float:
        return -value
    if isinstance(value, Duration):
        from graphplex.databases.cypher.functions.temporal_values import make_duration
        return make_duration(-value.months, -value.days, -value.seconds, -value.nanoseconds)
    raise type_error(f"Cannot negate `{_pretty_type(value)}`")


def _negate(expr: ast.Negate, scope: Scope) -> Compiled:
    operand = compile_expression(expr.operand, scope)
    return lambda row, ctx: negate(operand(row, ctx))


def _unary_plus(expr: ast.UnaryPlus, scope: Scope) -> Compiled:
    operand = compile_expression(expr.operand, scope)

    def plus(row, ctx):
        value = operand(row, ctx)
        if value is None or is_number(value) or isinstance(value, Duration):
            return value
        raise type_error(f"Type mismatch: expected a number but was {_pretty_type(value)}")
    return plus


# --- comparison and logic ----------------------------------------------------------------------------------

def _compare_operator(operator: str) -> Callable[[object, object], bool | None]:
    if operator == "=":
        return equals
    if operator == "<>":
        def not_equals(a, b):
            result = equals(a, b)
            return None if result is None else not result
        return not_equals
    test = {"<": lambda c: c < 0, ">": lambda c: c > 0, "<=": lambda c: c <= 0, ">=": lambda c: c >= 0}[operator]

    def ordered(a, b):
        if a is None or b is None:
            return None
        result = compare(a, b)
        if result is None:
            if is_number(a) and is_number(b):
                return False
            return None
        return test(result)
    return ordered


def _comparison(expr: ast.Comparison, scope: Scope) -> Compiled:
    operands = [compile_expression(operand, scope) for operand in expr.operands]
    operators = [_compare_operator(op) for op in expr.operators]
    if len(operators) == 1:
        left, right, operator = operands[0], operands[1], operators[0]
        return lambda row, ctx: operator(left(row, ctx), right(row, ctx))

    def chain(row, ctx):
        values = [operand(row, ctx) for operand in operands]
        result: bool | None = True
        for operator, a, b in zip(operators, values, values[1:]):
            outcome = operator(a, b)
            if outcome is False:
                return False
            if outcome is None:
                result = None
        return result
    return chain


def _boolean(value: object, operator: str) -> bool | None:
    if value is None or type(value) is bool:
        return value
    raise type_error(f"Type mismatch: expected Boolean but was {_pretty_type(value)} (in {operator})")


def _check_boolean_operands(items, operator: str) -> None:
    """Operands that can never be boolean (literals of other types, lists, maps) fail at compile time."""
    for item in items:
        if isinstance(item, (ast.ListLiteral, ast.MapLiteral, ast.ListComprehension)) or (
                isinstance(item, ast.Literal) and item.value is not None and type(item.value) is not bool):
            raise syntax_error(f"Type mismatch: expected Boolean but was {_describe_literal(item)} (in {operator})")


def _describe_literal(item) -> str:
    if isinstance(item, ast.Literal):
        return _pretty_type(item.value)
    return "Map" if isinstance(item, ast.MapLiteral) else "List"


def _and(expr: ast.And, scope: Scope) -> Compiled:
    _check_boolean_operands(expr.items, "AND")
    items = [compile_expression(item, scope) for item in expr.items]

    def and_(row, ctx):
        result: bool | None = True
        for item in items:
            value = _boolean(item(row, ctx), "AND")
            if value is False:
                return False
            if value is None:
                result = None
        return result
    return and_


def _or(expr: ast.Or, scope: Scope) -> Compiled:
    _check_boolean_operands(expr.items, "OR")
    items = [compile_expression(item, scope) for item in expr.items]

    def or_(row, ctx):
        result: bool | None = False
        for item in items:
            value = _boolean(item(row, ctx), "OR")
            if value is True:
                return True
            if value is None:
                result = None
        return result
    return or_


def _xor(expr: ast.Xor, scope: Scope) -> Compiled:
    _check_boolean_operands(expr.items, "XOR")
    items = [compile_expression(item, scope) for item in expr.items]

    def xor(row, ctx):
        result = False
        for item in items:
            value = _boolean(item(row, ctx), "XOR")
            if value is None:
                return None
            result = result != value
        return result
    return xor


def _not(expr: ast.Not, scope: Scope) -> Compiled:
    _check_boolean_operands((expr.operand,), "NOT")
    operand = compile_expression(expr.operand, scope)

    def not_(row, ctx):
        value = _boolean(operand(row, ctx), "NOT")
        return None if value is None else not value
    return not_


def _string_predicate(expr: ast.StringPredicate, scope: Scope) -> Compiled:
    left, right = compile_expression(expr.left, scope), compile_expression(expr.right, scope)
    operator = expr.operator
    if operator == "=~":
        import regex as regex_engine   # here, not at the top: it costs a tenth of the engine's start-up

        def regex(row, ctx):
            text, pattern = left(row, ctx), right(row, ctx)
            if not isinstance(text, str) or not isinstance(pattern, str):
                return None
            try:
                compiled = regex_engine.compile(_java_regex(pattern), regex_engine.DOTALL if "(?s)" in pattern else 0)
            except regex_engine.error as error:
                from graphplex.databases.cypher.errors import argument_error
                raise argument_error(f"Invalid Regex: {error}") from None
            return regex_fullmatch(compiled, text, ctx)
        return regex
    test = {"STARTS WITH": str.startswith, "ENDS WITH": str.endswith, "CONTAINS": str.__contains__}[operator]

    def predicate(row, ctx):
        a, b = left(row, ctx), right(row, ctx)
        if type(a) is not str or type(b) is not str:
            return None
        return test(a, b)
    return predicate


def _java_regex(pattern: str) -> str:
    """Java's regex dialect differs from Python's in a few common spellings."""
    return pattern.replace("(?<", "(?P<") if "(?<" in pattern and "(?<=" not in pattern and "(?<!" not in pattern \
        else pattern


def _in(expr: ast.In, scope: Scope) -> Compiled:
    item, collection = compile_expression(expr.item, scope), compile_expression(expr.collection, scope)
    return lambda row, ctx: list_contains(collection(row, ctx), item(row, ctx))


def list_contains(collection: object, value: object) -> bool | None:
    if collection is None:
        return None
    if not isinstance(collection, list):
        raise type_error(f"Type mismatch: expected List but was {_pretty_type(collection)}")
    if type(collection) is LazyRange:
        return collection.contains(value)
    unknown = False
    for element in collection:
        result = equals(value, element)
        if result:
            return True
        if result is None:
            unknown = True
    return None if unknown or (value is None and collection) else False


def _is_null(expr: ast.IsNull, scope: Scope) -> Compiled:
    operand = compile_expression(expr.operand, scope)
    if expr.negated:
        return lambda row, ctx: operand(row, ctx) is not None
    return lambda row, ctx: operand(row, ctx) is None


def _is_type(expr: ast.IsType, scope: Scope) -> Compiled:
    from graphplex.databases.cypher.functions.types import value_is_of_type

    operand = compile_expression(expr.operand, scope)
    types, negated = expr.types, expr.negated

    def is_type(row, ctx):
        result = any(value_is_of_type(operand(row, ctx), name) for name in types)
        return not result if negated else result
    return is_type


def _case(expr: ast.Case, scope: Scope) -> Compiled:
    subject = compile_expression(expr.subject, scope) if expr.subject is not None else None
    alternatives = [(compile_expression(w, scope), compile_expression(t, scope)) for w, t in expr.alternatives]
    default = compile_expression(expr.default, scope) if expr.default is not None else None

    if subject is not None:
        def simple_case(row, ctx):
            value = subject(row, ctx)
            for when, then in alternatives:
                if equals(value, when(row, ctx)):
                    return then(row, ctx)
            return default(row, ctx) if default is not None else None
        return simple_case

    def generic_case(row, ctx):
        for when, then in alternatives:
            if when(row, ctx) is True:
                return then(row, ctx)
        return default(row, ctx) if default is not None else None
    return generic_case


# --- iteration -----------------------------------------------------------------------------------------

def _iterable(value: object) -> list | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise type_error(f"Type mismatch: expected List but was {_pretty_type(value)}")
    return value


def _list_comprehension(expr: ast.ListComprehension, scope: Scope) -> Compiled:
    source = compile_expression(expr.source, scope)
    inner = scope.with_variables(expr.variable)
    predicate = compile_expression(expr.predicate, inner) if expr.predicate is not None else None
    projection = compile_expression(expr.projection, inner) if expr.projection is not None else None
    name = expr.variable

    def comprehension(row, ctx):
        items = _iterable(source(row, ctx))
        if items is None:
            return None
        local = dict(row)
        result = []
        txn = ctx.txn
        held = Held(ctx)  # the list being built, while it is built
        try:
            for item in items:
                if txn.termination is not None:
                    txn.check_terminated()
                local[name] = item
                if predicate is not None and predicate(local, ctx) is not True:
                    continue
                element = projection(local, ctx) if projection is not None else item
                if held.counting:
                    held.add_element(element)
                result.append(element)
        finally:
            held.release()
        return result
    return comprehension


def _quantifier(expr: ast.Quantifier, scope: Scope) -> Compiled:
    source = compile_expression(expr.source, scope)
    inner = scope.with_variables(expr.variable)
    predicate = compile_expression(expr.predicate, inner) if expr.predicate is not None else (lambda row, ctx: True)
    name, kind = expr.variable, expr.kind

    def quantifier(row, ctx):
        items = _iterable(source(row, ctx))
        if items is None:
            return None
        local = dict(row)
        true_count = unknown = 0
        txn = ctx.txn
        for item in items:
            if txn.termination is not None:
                txn.check_terminated()
            local[name] = item
            value = _boolean(predicate(local, ctx), kind)
            if value is True:
                true_count += 1
                if kind == "any":
                    return True
                if kind == "none":
                    return False
                if kind == "single" and true_count > 1:
                    return False
            elif value is None:
                unknown += 1
            elif kind == "all":
                return False
        if kind == "all":
            return None if unknown else True
        if kind == "any":
            return None if unknown else False
        if kind == "none":
            return None if unknown else True
        if unknown:
            return None
        return true_count == 1
    return quantifier


def _reduce(expr: ast.Reduce, scope: Scope) -> Compiled:
    initial = compile_expression(expr.initial, scope)
    source = compile_expression(expr.source, scope)
    body = compile_expression(expr.expression, scope.with_variables(expr.accumulator, expr.variable))
    accumulator, name = expr.accumulator, expr.variable

    def reduce_(row, ctx):
        items = _iterable(source(row, ctx))
        if items is None:
            return None
        local = dict(row)
        local[accumulator] = initial(row, ctx)
        txn = ctx.txn
        held = Held(ctx)  # the accumulator (a string or list that grows), while it grows
        try:
            for item in items:
                if txn.termination is not None:
                    txn.check_terminated()
                local[name] = item
                local[accumulator] = value = body(local, ctx)
                if held.counting:
                    held.hold_only(value)
        finally:
            held.release()
        return local[accumulator]
    return reduce_


# --- calls -------------------------------------------------------------------------------------------------

def _function_call(expr: ast.FunctionCall, scope: Scope) -> Compiled:
    name = expr.lower_name
    if name in AGGREGATE_NAMES:
        raise syntax_error(f"Invalid use of aggregating function {expr.name}(...) in this context")
    spec = find_function(name)
    if spec is None:
        raise syntax_error(f"Unknown function '{expr.name}'")
    if name == "exists" and len(expr.args) == 1 and isinstance(expr.args[0], ast.PatternExpression):
        return _subquery_expression(expr.args[0], scope)  # Neo4j 5's predicate function over a pattern
    if any(isinstance(arg, ast.PatternExpression) for arg in expr.args):
        raise syntax_error("A pattern expression should only be used in order to test the existence of a pattern. "
                           "It should therefore only be used in contexts that evaluate to a boolean, e.g. in the "
                           "WHERE clause or as the argument of exists(). Use a pattern comprehension or COUNT { } "
                           "instead.")
    count = len(expr.args)
    if count < spec.min_args:
        raise syntax_error(f"Insufficient parameters for function '{expr.name}'")
    if spec.max_args is not None and count > spec.max_args:
        raise syntax_error(f"Too many parameters for function '{expr.name}'")
    args = [compile_expression(arg, scope) for arg in expr.args]
    impl = spec.impl
    if count == 0:
        return lambda row, ctx: impl(ctx)
    if count == 1:
        only = args[0]
        return lambda row, ctx: impl(ctx, only(row, ctx))
    if count == 2:
        first, second = args
        return lambda row, ctx: impl(ctx, first(row, ctx), second(row, ctx))
    return lambda row, ctx: impl(ctx, *[arg(row, ctx) for arg in args])


def _count_star(expr: ast.CountStar, scope: Scope) -> Compiled:
    raise syntax_error("Invalid use of aggregating function count(...) in this context")


def _subquery_expression(expr: ast.Expr, scope: Scope) -> Compiled:
    if scope.subplanner is None:
        raise syntax_error(f"{type(expr).__name__} is not supported here")
    return scope.subplanner.compile_subquery_expression(expr, scope)


_COMPILERS: dict[type, Callable[[ast.Expr, Scope], Compiled]] = {
    ast.Literal: _literal, ast.Parameter: _parameter, ast.Variable: _variable, ast.Property: _property,
    ast.Subscript: _subscript, ast.Slice: _slice, ast.LabelCheck: _label_check, ast.LabelPredicate: _label_predicate, ast.ListLiteral: _list,
    ast.MapLiteral: _map, ast.MapProjection: _map_projection, ast.Arithmetic: _arithmetic, ast.Negate: _negate,
    ast.UnaryPlus: _unary_plus, ast.Comparison: _comparison, ast.And: _and, ast.Or: _or, ast.Xor: _xor,
    ast.Not: _not, ast.StringPredicate: _string_predicate, ast.In: _in, ast.IsNull: _is_null,
    ast.IsType: _is_type, ast.Case: _case, ast.ListComprehension: _list_comprehension,
    ast.Quantifier: _quantifier, ast.Reduce: _reduce, ast.FunctionCall: _function_call,
    ast.CountStar: _count_star, ast.PatternExpression: _subquery_expression,
    ast.PatternComprehension: _subquery_expression, ast.ExistsSubquery: _subquery_expression,
    ast.CountSubquery: _subquery_expression, ast.CollectSubquery: _subquery_expression,
    ast.ShortestPathExpression: _subquery_expression,
}


# --- helpers -----------------------------------------------------------------------------------------------

_PRETTY = {"NULL": "Null", "BOOLEAN": "Boolean", "INTEGER": "Integer", "FLOAT": "Float", "STRING": "String",
           "NODE": "Node", "RELATIONSHIP": "Relationship", "PATH": "Path", "LIST<ANY>": "List", "MAP": "Map",
           "DURATION": "Duration", "POINT": "Point", "DATE": "Date", "LOCAL TIME": "LocalTime",
           "ZONED TIME": "Time", "LOCAL DATETIME": "LocalDateTime", "ZONED DATETIME": "DateTime"}


def _pretty_type(value: object) -> str:
    """Neo4j's spelling of a type in type-mismatch messages (`Integer`, `String`, `List`…)."""
    return _PRETTY.get(type_name(value), type_name(value))


pretty_type = _pretty_type


def _to_string(value: object) -> str:
    from graphplex.databases.cypher.functions.conversion import to_string
    return to_string(value)


__all__ = ["Scope", "Compiled", "compile_expression", "contains_aggregate", "AGGREGATE_NAMES", "add",
           "subtract", "multiply", "divide", "modulo", "power", "negate", "list_contains", "pretty_type",
           "PathValue", "Point"]
