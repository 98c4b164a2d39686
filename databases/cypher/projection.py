"""WITH and RETURN: projection, aggregation, DISTINCT, ORDER BY, SKIP and LIMIT as row operators."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterator

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.aggregates import new_accumulator
from graphplex.databases.cypher.analysis import rewrite
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.errors import argument_error, syntax_error, type_error
from graphplex.databases.cypher.expressions import AGGREGATE_NAMES, Scope, compile_expression, contains_aggregate
from graphplex.databases.cypher.patterns import is_internal
from graphplex.databases.cypher.plan import Operator
from graphplex.databases.cypher.plan_text import expression_text
from graphplex.databases.cypher.values import OrderKey, group_key
from graphplex.databases.cypher.working_memory import Held

# Aggregates that keep every value they are given (and so hold working memory).
_KEEPING = frozenset({"collect", "percentilecont", "percentiledisc"})

_placeholders = itertools.count()


@dataclass
class _Aggregate:
    placeholder: str
    name: str
    distinct: bool
    argument: object
    extra: object = None
    expression: ast.Expr | None = None  # the argument as written (a column scan evaluates it column-at-a-time)


@dataclass
class Grouping:
    """An aggregation as a column scan may take it over (`columnar`): its grouping keys and aggregates as
    written, and `run_seeded(groups, rows, ctx, row_width)`, which goes on from groups the scan computed (group key
    → (key values, accumulators in `aggregates` order, {}); each held as a row of `row_width` values) with more
    rows, and yields the aggregation's rows."""

    keys: list[tuple[str, ast.Expr]]
    aggregates: list[_Aggregate]
    run_seeded: object


def plan_projection(projection: ast.Projection, scope: Scope, visible: list[str], is_with: bool,
                    where: ast.Expr | None = None, after_writes: bool = False) -> tuple[list[Operator], list[str]]:
    """Operators for a WITH/RETURN body (and WITH's WHERE) and the names it binds, in order.

    `after_writes` says that clauses before this one write: SKIP and LIMIT then still pull every row, so that
    every write happens however few rows are returned (Neo4j's ExhaustiveLimit).

    Without aggregation or DISTINCT, ORDER BY and WHERE may still read the variables from before the
    projection, so those rows keep them until the last step."""
    items = _expand_star(projection, visible, is_with)
    _check_items(items, is_with)
    names = [item.name for item in items]
    aggregating = any(contains_aggregate(item.expression) for item in items)
    operators: list[Operator] = []
    order_by = [_rewrite_to_columns(sort, items) for sort in projection.order_by]
    keep_input = (bool(order_by) or where is not None) and not projection.distinct and not aggregating
    if aggregating:
        operators.append(_aggregation(items, scope))
        sort_scope = Scope(set(names), scope.subplanner)
    else:
        operators.append(_projection(items, scope, keep_input=keep_input))
        sort_scope = Scope(set(names) | (scope.variables if keep_input else set()), scope.subplanner)
    if projection.distinct:
        operators.append(_distinct(names))
    if order_by:
        for sort in order_by:
            if contains_aggregate(sort.expression):
                raise syntax_error("Cannot use aggregation in ORDER BY if there are no aggregate expressions in "
                                   "the preceding RETURN or WITH")
        operators.append(_sort(order_by, sort_scope))
    if projection.skip is not None or projection.limit is not None:
        operators.append(_skip_limit(projection.skip, projection.limit, scope, exhaustive=after_writes))
    if where is not None:
        predicate = compile_expression(_rewrite_to_columns(ast.SortItem(where), items).expression, sort_scope)
        operators.append(Operator("Filter", expression_text(where),
                                  lambda rows, ctx: (r for r in rows if predicate(r, ctx) is True)))
    if keep_input:
        operators.append(_keep_only(names))
    return operators, names


def _expand_star(projection: ast.Projection, visible: list[str], is_with: bool) -> list[ast.ReturnItem]:
    items = list(projection.items)
    if projection.star:
        user = sorted(name for name in visible if not is_internal(name))
        if not user and not items and not is_with:
            raise syntax_error("RETURN * is not allowed when there are no variables in scope")
        explicit = {item.name for item in items}
        items = [ast.ReturnItem(ast.Variable(name), name) for name in user if name not in explicit] + items
    return items


def _check_items(items: list[ast.ReturnItem], is_with: bool) -> None:
    seen: set[str] = set()
    for item in items:
        if isinstance(item.expression, ast.PatternExpression):
            raise syntax_error("A pattern expression should only be used in order to test the existence of a "
                               "pattern. It can not be projected; use a pattern comprehension or EXISTS { } instead.")
        if is_with and not item.aliased and not isinstance(item.expression, ast.Variable):
            raise syntax_error("Expression in WITH must be aliased (use AS)")
        if item.name in seen:
            raise syntax_error("Multiple result columns with the same name are not supported")
        seen.add(item.name)


def _rewrite_to_columns(sort: ast.SortItem, items: list[ast.ReturnItem]) -> ast.SortItem:
    """ORDER BY may repeat a projected expression (`RETURN n.x ORDER BY n.x`): read it from the column. Around an
    aggregate only aggregates and keys `_repeatable_around_aggregate` are read back, as in Neo4j."""
    around_aggregate = contains_aggregate(sort.expression)
    by_expression = {item.expression: item.name for item in items if not around_aggregate
                     or contains_aggregate(item.expression) or _repeatable_around_aggregate(item.expression)}

    def replace(node):
        if isinstance(node, ast.Expr) and node in by_expression and not isinstance(node, ast.Variable):
            return ast.Variable(by_expression[node])
        return None
    return ast.SortItem(rewrite(sort.expression, replace), sort.descending)


# --- projection ----------------------------------------------------------------------------------------------

def _projection(items: list[ast.ReturnItem], scope: Scope, keep_input: bool) -> Operator:
    compiled = [(item.name, compile_expression(item.expression, scope)) for item in items]

    def run(rows: Iterator[dict], ctx: ExecutionContext) -> Iterator[dict]:
        for row in rows:
            ctx.check()
            out = dict(row) if keep_input else {}
            for name, expression in compiled:
                out[name] = expression(row, ctx)
            yield out
    projected = None if keep_input else tuple((item.name, item.expression) for item in items)
    return Operator("Projection", ", ".join(_projected_text(item) for item in items), run, projected=projected)


def _projected_text(item: ast.ReturnItem) -> str:
    """A projected column as Neo4j details it: its expression AS its name in backticks; a variable kept under its
    own name, the name alone."""
    expression = item.expression
    if isinstance(expression, ast.Variable) and expression.name == item.name:
        return item.name
    return f"{expression_text(expression)} AS `{item.name}`"


def _keep_only(names: list[str]) -> Operator:
    def run(rows, ctx):
        for row in rows:
            yield {name: row[name] for name in names}
    return Operator("Projection", ", ".join(names), run)


# --- aggregation ---------------------------------------------------------------------------------------------

def _aggregation(items: list[ast.ReturnItem], scope: Scope) -> Operator:
    aggregates: list[_Aggregate] = []
    keys: list[tuple[str, object]] = []
    key_expressions: list[tuple[str, ast.Expr]] = []
    finals: list[tuple[str, object]] = []
    for item in items:
        if not contains_aggregate(item.expression):
            keys.append((item.name, compile_expression(item.expression, scope)))
            key_expressions.append((item.name, item.expression))
            continue
        rewritten = rewrite(item.expression, lambda node: _extract_aggregate(node, aggregates, scope))
        # A grouping expression repeated around an aggregate (`me.age + count(*)`) reads the group's value.
        grouped = {i.expression: i.name for i in items
                   if not contains_aggregate(i.expression) and _repeatable_around_aggregate(i.expression)}
        rewritten = rewrite(rewritten, lambda node: ast.Variable(grouped[node])
                            if isinstance(node, ast.Expr) and node in grouped else None)
        finals.append((item.name, rewritten))
    key_names = [name for name, _ in keys]
    final_scope = Scope(set(key_names) | {a.placeholder for a in aggregates} | _grouping_sources(items, scope),
                        scope.subplanner)
    for _, expression in finals:
        _check_implicit_grouping(expression, final_scope)
    compiled_finals = [(name, compile_expression(expression, final_scope)) for name, expression in finals]
    source_names = sorted(_grouping_sources(items, scope))
    # Without grouping keys, aggregates that each read a variable (`count(DISTINCT c)`) take it from the row.
    variables = None if keys or not all(a.extra is None and isinstance(a.expression, ast.Variable)
                                        for a in aggregates) else [a.expression.name for a in aggregates]

    def run(rows: Iterator[dict], ctx: ExecutionContext) -> Iterator[dict]:
        return run_seeded({}, rows, ctx)

    def run_seeded(groups: dict, rows: Iterator[dict], ctx: ExecutionContext, row_width: int = 1) -> Iterator[dict]:
        held = Held(ctx)
        held.add_rows(len(groups), row_width)  # each seeded group holds its first row, as one grouped here would
        try:
            yield from _aggregated(rows, ctx, groups, held)
        finally:
            held.release()

    def _by_variable(rows: Iterator[dict], ctx: ExecutionContext, groups: dict, held: Held) -> None:
        """The row loop for `variables`: one group, each aggregate fed its variable's value, no expression call."""
        check = ctx.check
        group = groups.get(())
        for row in rows:
            check()
            if group is None:
                held.add_row(row)
                group = groups[()] = ([], [new_accumulator(a.name, a.distinct) for a in aggregates], {})
            for name, accumulator in zip(variables, group[1]):
                accumulator.add(row[name])

    def _aggregated(rows: Iterator[dict], ctx: ExecutionContext, groups: dict, held: Held) -> Iterator[dict]:
        if variables is not None and not held.counting:  # a memory limit counts each value: the general loop
            _by_variable(rows, ctx, groups, held)
            rows = iter(())
        for row in rows:
            ctx.check()
            if keys:
                values = [expression(row, ctx) for _, expression in keys]
                key = tuple([group_key(v) for v in values])
            else:
                values, key = [], ()
            group = groups.get(key)
            if group is None:
                held.add_row(row)
                group = groups[key] = (values, [new_accumulator(a.name, a.distinct) for a in aggregates],
                                       {name: row.get(name) for name in source_names})
            for aggregate, accumulator in zip(aggregates, group[1]):
                if aggregate.argument is None:
                    accumulator.add(None)
                    continue
                value = aggregate.argument(row, ctx)
                if held.counting and (aggregate.distinct or aggregate.name in _KEEPING):
                    held.add_value(value)
                if aggregate.extra is not None:
                    accumulator.add_with(value, aggregate.extra(row, ctx))
                else:
                    accumulator.add(value)
        if not groups and not keys:
            groups[()] = ([], [new_accumulator(a.name, a.distinct) for a in aggregates], {})
        for values, accumulators, sources in groups.values():
            out = dict(sources)
            out.update(zip(key_names, values))
            for aggregate, accumulator in zip(aggregates, accumulators):
                out[aggregate.placeholder] = accumulator.result()
            for name, expression in compiled_finals:
                out[name] = expression(out, ctx)
            yield {item.name: out[item.name] for item in items}
    details = ", ".join(key_names) + (" | " if key_names else "") + ", ".join(name for name, _ in finals)
    return Operator("EagerAggregation", details, run, grouping=Grouping(key_expressions, aggregates, run_seeded))


def _repeatable_around_aggregate(expression: ast.Expr) -> bool:
    """Whether an expression that is a grouping key may be repeated around an aggregate (`n.x + count(*)`): in
    Neo4j only a property of a variable may; a longer key (`a.x + b.y`) repeated is an implicit grouping key."""
    return isinstance(expression, ast.Property) and isinstance(expression.subject, ast.Variable)


def _check_implicit_grouping(expression: ast.Expr, scope: Scope) -> None:
    """An aggregating expression may read, outside its aggregates, only grouping keys: anything else would group
    implicitly (Neo4j's AmbiguousAggregationExpression)."""
    from graphplex.databases.cypher.analysis import free_variables
    illegal = sorted(free_variables(expression) - scope.variables)
    if illegal:
        raise syntax_error("Aggregation column contains implicit grouping expressions. For example, in 'RETURN n.a, "
                           "n.a + n.b + count(*)' the aggregation expression 'n.a + n.b + count(*)' includes the "
                           "implicit grouping key 'n.b'. It may be possible to rewrite the query by extracting these "
                           "grouping/aggregation expressions into a preceding WITH clause. Illegal expression(s): "
                           + ", ".join(illegal))


def _grouping_sources(items: list[ast.ReturnItem], scope: Scope) -> set[str]:
    """Variables that grouping items project as themselves: aggregate expressions may still read them."""
    return {item.expression.name for item in items
            if isinstance(item.expression, ast.Variable) and not contains_aggregate(item.expression)}


def _extract_aggregate(node: ast.Node, aggregates: list[_Aggregate], scope: Scope):
    if isinstance(node, ast.CountStar):
        placeholder = f"  agg{next(_placeholders)}"
        aggregates.append(_Aggregate(placeholder, "count*", False, None))
        return ast.Variable(placeholder)
    if isinstance(node, ast.FunctionCall) and node.lower_name in AGGREGATE_NAMES:
        for arg in node.args:
            if contains_aggregate(arg):
                raise syntax_error("Can't use aggregate functions inside of aggregate functions.")
        expected = 2 if node.lower_name.startswith("percentile") else 1
        if len(node.args) != expected:
            raise syntax_error(f"{'Insufficient' if len(node.args) < expected else 'Too many'} parameters for "
                               f"function '{node.name}'")
        placeholder = f"  agg{next(_placeholders)}"
        argument = compile_expression(node.args[0], scope)
        extra = compile_expression(node.args[1], scope) if expected == 2 else None
        aggregates.append(_Aggregate(placeholder, node.lower_name, node.distinct, argument, extra, node.args[0]))
        return ast.Variable(placeholder)
    return None


# --- DISTINCT, ORDER BY, SKIP/LIMIT --------------------------------------------------------------------------

def _distinct(names: list[str]) -> Operator:
    def run(rows, ctx):
        seen: set = set()
        held = Held(ctx)
        try:
            for row in rows:
                key = tuple(group_key(row[name]) for name in names)
                if key not in seen:
                    held.add_row(row)
                    seen.add(key)
                    yield row
        finally:
            held.release()
    return Operator("Distinct", ", ".join(names), run)


def _sort(order_by: list[ast.SortItem], scope: Scope) -> Operator:
    keys = [(compile_expression(sort.expression, scope), sort.descending) for sort in order_by]

    def run(rows, ctx):
        held = Held(ctx)
        try:
            decorated = []
            for row in rows:
                held.add_row(row)
                decorated.append(([key(row, ctx) for key, _ in keys], row))
            for index in range(len(keys) - 1, -1, -1):
                sort_key = _native_sort_key([values[index] for values, _ in decorated])
                if sort_key is None:
                    decorated.sort(key=lambda pair: OrderKey(pair[0][index]), reverse=keys[index][1])
                else:
                    decorated.sort(key=lambda pair: sort_key(pair[0][index]), reverse=keys[index][1])
            for _, row in decorated:
                yield row
        finally:
            held.release()
    return Operator("Sort", ", ".join(f"{expression_text(s.expression)} {'DESC' if s.descending else 'ASC'}"
                                      for s in order_by), run)


def _native_sort_key(values: list):
    """A key under which Python's own comparisons sort `values` in Cypher's order, when they allow one: all
    numbers without NaN, all strings or all booleans, with or without nulls (last); else None (`OrderKey`)."""
    kinds = set(map(type, values))
    nulls = type(None) in kinds
    kinds.discard(type(None))
    if not kinds:
        return None
    if kinds <= {int, float}:
        if float in kinds and any(value != value for value in values if type(value) is float):
            return None  # NaN
    elif kinds != {str} and kinds != {bool}:
        return None
    if not nulls:
        return _identity
    filler = next(value for value in values if value is not None)
    return lambda value: (True, filler) if value is None else (False, value)


def _identity(value):
    return value


def _skip_limit(skip: ast.Expr | None, limit: ast.Expr | None, scope: Scope, exhaustive: bool) -> Operator:
    skip_value = _count_expression(skip, "SKIP", scope)
    limit_value = _count_expression(limit, "LIMIT", scope)

    def run(rows, ctx):
        start = skip_value(ctx) if skip_value else 0
        count = limit_value(ctx) if limit_value else None
        rows = iter(rows)
        if count != 0:
            rows = itertools.islice(rows, start, None)
            # Two slices: a start and a count near 2^63 each fit islice, their sum would not.
            yield from rows if count is None else itertools.islice(rows, count)
        if exhaustive:
            for _ in rows:
                ctx.check()
    return Operator("SkipLimit", expression_text(limit) if limit is not None else "", run)


def _count_expression(expr: ast.Expr | None, clause: str, scope: Scope):
    if expr is None:
        return None
    from graphplex.databases.cypher.analysis import free_variables
    if free_variables(expr):
        raise syntax_error(f"It is not allowed to refer to variables in {clause}, so that the value for {clause} "
                           "can be statically calculated.")
    compiled = compile_expression(expr, Scope(set(), scope.subplanner))
    if isinstance(expr, ast.Literal):
        _validate_count(expr.value, clause, syntax_error)

    def evaluate(ctx):
        value = compiled({}, ctx)
        _validate_count(value, clause, argument_error)
        return value
    return evaluate


def _validate_count(value: object, clause: str, error) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise (error if error is syntax_error else type_error)(
            f"Invalid input. '{value}' is not a valid value. Must be a non-negative integer.")
    if value < 0:
        raise error(f"Invalid input. '{value}' is not a valid value. Must be a non-negative integer.")
