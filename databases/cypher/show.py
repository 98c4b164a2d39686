"""SHOW commands: rows from a source, then the command's YIELD / WHERE / ORDER BY / SKIP / LIMIT / RETURN tail."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.errors import syntax_error
from graphplex.databases.cypher.expressions import compile_expression
from graphplex.databases.cypher.plan import Operator, Plan
from graphplex.databases.cypher.projection import plan_projection

if TYPE_CHECKING:
    from graphplex.databases.cypher.context import ExecutionContext
    from graphplex.databases.cypher.planner import Planner

RowSource = Callable[["ExecutionContext"], Iterable[dict]]


def plan_show(statement, name: str, source: RowSource, default: list[str], every: list[str],
              planner: "Planner", category: str = "read") -> Plan:
    """A plan whose rows come from `source(ctx)` (dicts with every column), shaped by the statement's tail.

    Without YIELD the `default` columns are returned; `YIELD *` returns `every` column."""

    def produce(rows, ctx):
        for _ in rows:
            yield from source(ctx)
    operators = [Operator(name, "", produce)]
    if statement.yield_items is None or statement.yield_items == "*":
        visible = list(default if statement.yield_items is None else every)
    else:
        visible = []
        for column, alias in statement.yield_items:
            if column not in every:
                raise syntax_error(f"Trying to YIELD non-existing column: `{column}`")
            visible.append(alias)
        renames = list(statement.yield_items)
        operators.append(Operator("Yield", "", lambda rows, ctx: ({a: r[c] for c, a in renames} for r in rows)))
    scope = planner.scope(visible)
    if statement.where is not None:
        predicate = compile_expression(statement.where, scope)
        operators.append(Operator("Filter", "", lambda rows, ctx: (r for r in rows if predicate(r, ctx) is True)))
    if statement.order_by or statement.skip is not None or statement.limit is not None:
        items = tuple(ast.ReturnItem(ast.Variable(column), column) for column in visible)
        ordered, _ = plan_projection(ast.Projection(items, False, False, statement.order_by, statement.skip,
                                                    statement.limit), scope, visible, True)
        operators.extend(ordered)
    columns = list(visible)
    if statement.return_clause is not None:
        returned, columns = plan_projection(statement.return_clause.projection, scope, visible, False)
        operators.extend(returned)
    return Plan(operators, columns, "r", category)
