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
from graphplex.databases.cypher.plan_text import expression_text

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
