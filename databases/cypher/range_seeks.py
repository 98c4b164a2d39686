"""Range and prefix seeks: `n.k > $x`, `n.k >= $a AND n.k < $b`, `n.k STARTS WITH $p` answered by a range index
on the node's label (or the relationship's type) instead of a scan and a filter.

Planning picks, from a pattern element's pending WHERE conjuncts, at most one lower bound, one upper bound or one
prefix on one indexed key (`find_range`); the seek answers the conjuncts it takes. At run time a bound the index
orders as Cypher compares — a number that is not NaN, a string, both of one kind — seeks, and the storage checks
each entity's value against the bounds as Cypher compares (`filters.RangeBounds.holds`); a null bound or a
non-string prefix matches nothing (the comparison is null); any other bound (a list, a temporal value, a NaN, a
mix of kinds) scans the label and checks the conjuncts, as the plan without the index would.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.analysis import free_variables
from graphplex.databases.cypher.expressions import Scope, compile_expression
from graphplex.databases.cypher.plan_text import expression_text
from graphplex.databases.storage import BOTH, IN

_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_LOWER = frozenset({">", ">="})


@dataclass(frozen=True)
class RangeSeek:
    """The bounds one seek takes, as conjuncts with the property on the left: (operator, value, conjunct)."""

    key: str
    lower: tuple[str, ast.Expr, ast.Expr] | None = None
    upper: tuple[str, ast.Expr, ast.Expr] | None = None
    prefix: tuple[ast.Expr, ast.Expr] | None = None

    @property
    def conjuncts(self) -> list[ast.Expr]:
        """The WHERE conjuncts the seek answers."""
        parts = [self.lower, self.upper]
        found = [part[2] for part in parts if part is not None]
        return found + ([self.prefix[1]] if self.prefix is not None else [])

    def text(self) -> str:
        """The predicate as Neo4j details the seek: `age >= 10 AND age < 20`, `name STARTS WITH $p`."""
        if self.prefix is not None:
            return f"{self.key} STARTS WITH {expression_text(self.prefix[0])}"
        return " AND ".join(f"{self.key} {part[0]} {expression_text(part[1])}"
                            for part in (self.lower, self.upper) if part is not None)


def find_range(variable: str, pending: Iterable[ast.Expr], bound: set[str],
               indexed: Callable[[str], bool], prefixes: bool = True) -> RangeSeek | None:
    """The seek the pending conjuncts allow on `variable` by a key `indexed(key)` accepts, or None: a prefix (when
    `prefixes`) if there is one, else the first key's first lower and first upper bound (values known before the
    seek)."""
    ranges: dict[str, dict[str, tuple]] = {}
    for predicate in pending:
        found = _bound_of(predicate, variable, bound)
        if found is None:
            continue
        key, operator, value = found
        if not indexed(key) or (operator == "STARTS WITH" and not prefixes):
            continue
        if operator == "STARTS WITH":
            return RangeSeek(key, prefix=(value, predicate))
        side = "lower" if operator in _LOWER else "upper"
        ranges.setdefault(key, {}).setdefault(side, (operator, value, predicate))
    for key, sides in ranges.items():
        return RangeSeek(key, sides.get("lower"), sides.get("upper"))
    return None


def _bound_of(predicate: ast.Expr, variable: str, bound: set[str]) -> tuple[str, str, ast.Expr] | None:
    """(key, operator, value) of `variable.key <op> value` (either way round) or `variable.key STARTS WITH value`."""
    if isinstance(predicate, ast.StringPredicate):
        if predicate.operator == "STARTS WITH":
            key = _key_of(predicate.left, variable)
            if key is not None and free_variables(predicate.right) <= bound:
                return key, "STARTS WITH", predicate.right
        return None
    if not isinstance(predicate, ast.Comparison) or len(predicate.operators) != 1 \
            or predicate.operators[0] not in _FLIPPED:
        return None
    operator = predicate.operators[0]
    left, right = predicate.operands
    for prop, value, op in ((left, right, operator), (right, left, _FLIPPED[operator])):
        key = _key_of(prop, variable)
        if key is not None and free_variables(value) <= bound:
            return key, op, value
    return None


def _key_of(expression: ast.Expr, variable: str) -> str | None:
    if isinstance(expression, ast.Property) and isinstance(expression.subject, ast.Variable) \
            and expression.subject.name == variable:
        return expression.key
    return None


def seekable(value: object) -> bool:
    """Whether the index orders `value` as Cypher compares it: a number (not NaN, not a boolean) or a string."""
    if isinstance(value, str):
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not (isinstance(value, float) and math.isnan(value))


def same_kind(low: object, high: object) -> bool:
    """Whether two bounds are both strings or both numbers (bounds of two kinds hold for no value)."""
    return low is None or high is None or isinstance(low, str) == isinstance(high, str)


# --- the steps (`patterns.Step`: row, ctx, used -> (row, used) pairs) ---------------------------------------

def node_range_seek_step(name: str, label: str, seek: RangeSeek, scope: Scope, checked_scope: Scope
                         ) -> Callable:
    """Finds the label's nodes in the seek's range (or with its prefix); on the fallback of a bound the index does
    not order as Cypher compares, scans the label and checks the conjuncts the seek answers on each."""
    key = seek.key
    value_of = compile_expression(seek.prefix[0], scope) if seek.prefix is not None else None
    lower = (compile_expression(seek.lower[1], scope), seek.lower[0] == ">=") if seek.lower else None
    upper = (compile_expression(seek.upper[1], scope), seek.upper[0] == "<=") if seek.upper else None
    checks = [compile_expression(predicate, checked_scope) for predicate in seek.conjuncts]

    def candidates(row, ctx) -> tuple[Iterable, bool]:
        """The nodes to bind and whether they are the answer already (the storage checked the bounds as Cypher
        compares) or must be checked against the conjuncts."""
        txn = ctx.txn
        if value_of is not None:
            prefix = value_of(row, ctx)
            return (txn.vertices_by_prefix(label, key, prefix), True) if isinstance(prefix, str) else ((), True)
        low = lower[0](row, ctx) if lower is not None else None
        high = upper[0](row, ctx) if upper is not None else None
        if (lower is not None and low is None) or (upper is not None and high is None):
            return (), True
        if all(seekable(bound) for bound in (low, high) if bound is not None) and same_kind(low, high):
            return txn.vertices_by_range(label, key, low, high, lower is None or lower[1],
                                         upper is None or upper[1]), True
        return txn.vertices_with_label(label), False

    def step(row, ctx, used):
        found, exact = candidates(row, ctx)
        for vertex in found:
            new = row.copy()
            new[name] = vertex
            if exact or all(check(new, ctx) is True for check in checks):
                yield new, used
    return step


def relationship_range_seek_step(rel: str, left: str, right: str, direction: str, type_: str,
                                 seek: RangeSeek, scope: Scope, checked_scope: Scope, track_edges: bool
                                 ) -> Callable:
    """Finds the type's relationships in the seek's range and binds each with its ends as the pattern reads them
    (both ways round when it has no direction, a self-loop once); the conjuncts the seek answers are checked again
    on each relationship."""
    key = seek.key
    lower = (compile_expression(seek.lower[1], scope), seek.lower[0] == ">=") if seek.lower else None
    upper = (compile_expression(seek.upper[1], scope), seek.upper[0] == "<=") if seek.upper else None
    checks = [compile_expression(predicate, checked_scope) for predicate in seek.conjuncts]

    def candidates(row, ctx) -> tuple[Iterable, bool]:
        """The relationships to bind and whether they are the answer already (see `node_range_seek_step`)."""
        low = lower[0](row, ctx) if lower is not None else None
        high = upper[0](row, ctx) if upper is not None else None
        if (lower is not None and low is None) or (upper is not None and high is None):
            return (), True
        if all(seekable(bound) for bound in (low, high) if bound is not None) and same_kind(low, high):
            return ctx.txn.edges_by_range(type_, key, low, high, lower is None or lower[1],
                                          upper is None or upper[1]), True
        return ctx.txn.edges_with_type(type_), False

    def step(row, ctx, used):
        found, exact = candidates(row, ctx)
        for edge in found:
            if track_edges and edge in used:
                continue
            new = row.copy()
            new[rel] = edge
            if not exact and not all(check(new, ctx) is True for check in checks):
                continue
            ends = ((edge.dst, edge.src),) if direction == IN else ((edge.src, edge.dst),)
            if direction == BOTH and edge.src is not edge.dst:
                ends += ((edge.dst, edge.src),)
            for first, second in ends:
                out = new.copy()
                out[left] = first
                out[right] = second
                yield out, (used + (edge,) if track_edges else used)
    return step
