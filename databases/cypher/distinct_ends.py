"""count(DISTINCT x) of the far ends of a MATCH, without a row per match: the two-hop shape
`MATCH (a:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(c) RETURN count(DISTINCT c)`.

When a statement's pipeline starts with a MATCH whose last step is a plain expand binding `c`, followed by an
aggregation without grouping keys whose one aggregate is count(DISTINCT c), the rows that last expand would make
are never read: the aggregation keeps only the set of their ends. This prefix runs the MATCH's steps before the
last one row by row, takes the ends each of their rows reaches (`MatchPlan.ends_of`, which keeps relationship
uniqueness) into the aggregate's set, and hands the aggregation its one group seeded (`Grouping.run_seeded`), as
the column path does: the aggregation's rows are computed as they would be.

It is a `plan.PlanPrefix`, so a profiled run takes the operators as planned.
A run under a memory limit does too: the aggregation counts each value it is given there, one per match.
"""
from __future__ import annotations

from typing import Iterator

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.aggregates import new_accumulator
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.plan import Operator
from graphplex.databases.cypher.termination import checked_rows


class DistinctEndsPrefix:
    """The first two operators (MATCH, then the aggregation) of a pipeline, run as one set of ends."""

    def __init__(self, ends, grouping, replaced: list[Operator]) -> None:
        self.ends = ends
        self.grouping = grouping
        self.replaced = replaced
        self.replaces = len(replaced)

    def rows(self, ctx: ExecutionContext) -> Iterator[dict]:
        return checked_rows(self._rows(ctx), ctx)

    def _rows(self, ctx: ExecutionContext) -> Iterator[dict]:
        if ctx.txn.memory.bounded:  # asked when the first row is pulled: a QUERY MEMORY LIMIT is in force then
            rows: Iterator[dict] = iter(({},))
            for operator in self.replaced:
                rows = operator.run(rows, ctx)
            yield from rows
            return
        accumulator = new_accumulator("count", True)
        add = accumulator.seen.update  # an end is a node: `group_key` keys a node by itself
        check = ctx.check
        for ends in self.ends({}, ctx):
            check()
            add(ends)
        yield from self.grouping.run_seeded({(): ([], [accumulator], {})}, iter(()), ctx)


def plan_distinct_ends(operators: list[Operator]) -> DistinctEndsPrefix | None:
    """The prefix for a pipeline that starts MATCH … then count(DISTINCT end) with no grouping key, else None."""
    if len(operators) < 2 or operators[0].name != "Match" or operators[0].pattern is None:
        return None
    grouping = operators[1].grouping
    if grouping is None or grouping.keys or len(grouping.aggregates) != 1:
        return None
    aggregate = grouping.aggregates[0]
    if aggregate.name != "count" or not aggregate.distinct or not isinstance(aggregate.expression, ast.Variable):
        return None
    ends = operators[0].pattern.ends_of(aggregate.expression.name)
    return None if ends is None else DistinctEndsPrefix(ends, grouping, operators[:2])
