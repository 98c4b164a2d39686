"""Label expressions (`:A|B`, `:A&!B`, `:%`) as tests on a label set, for patterns and `WHERE n:…` alike."""
from __future__ import annotations

from typing import Callable

from graphplex.databases.cypher import ast


def label_test(expr: ast.LabelExpr | None) -> Callable[[frozenset], bool]:
    """A function telling whether a set of labels (a relationship's: its type alone) satisfies `expr`."""
    if expr is None:
        return lambda labels: True
    if isinstance(expr, ast.LabelName):
        name = expr.name
        return lambda labels: name in labels
    if isinstance(expr, ast.LabelWildcard):
        return lambda labels: bool(labels)
    if isinstance(expr, ast.LabelNot):
        inner = label_test(expr.item)
        return lambda labels: not inner(labels)
    tests = [label_test(item) for item in expr.items]
    if isinstance(expr, ast.LabelAll):
        return lambda labels: all(test(labels) for test in tests)
    return lambda labels: any(test(labels) for test in tests)
