"""Questions the planner asks of expressions: which variables they read, their conjuncts, and rewriting."""
from __future__ import annotations

from dataclasses import fields, replace
from typing import Callable

from graphplex.databases.cypher import ast


def free_variables(expr: ast.Node) -> set[str]:
    """The variables an expression reads from its row (comprehension and reduce variables are local)."""
    found: set[str] = set()
    _collect(expr, frozenset(), found)
    return found


def _collect(node: ast.Node, local: frozenset, found: set[str]) -> None:
    if isinstance(node, ast.Variable):
        if node.name not in local:
            found.add(node.name)
        return
    if isinstance(node, (ast.ListComprehension, ast.Quantifier)):
        _collect(node.source, local, found)
        inner = local | {node.variable}
        for part in (node.predicate, getattr(node, "projection", None)):
            if part is not None:
                _collect(part, inner, found)
        return
    if isinstance(node, ast.Reduce):
        _collect(node.initial, local, found)
        _collect(node.source, local, found)
        _collect(node.expression, local | {node.accumulator, node.variable}, found)
        return
    if isinstance(node, ast.MapProjection):
        if node.subject.name not in local:
            found.add(node.subject.name)
        for item in node.items:
            if item[0] == "literal":
                _collect(item[2], local, found)
            elif item[0] == "variable" and item[1] not in local:
                found.add(item[1])
        return
    if isinstance(node, (ast.PatternExpression, ast.PatternComprehension, ast.ShortestPathExpression)):
        part = node.part
        names = set(_pattern_variables(part))
        for child in part.walk():
            if isinstance(child, ast.Expr):
                _collect(child, local | frozenset(names), found)
        found.update(n for n in names if n not in local)
        if isinstance(node, ast.PatternComprehension):
            inner = local | frozenset(names)
            for part_expr in (node.predicate, node.projection):
                if part_expr is not None:
                    _collect(part_expr, inner, found)
        return
    if isinstance(node, (ast.ExistsSubquery, ast.CountSubquery, ast.CollectSubquery)):
        found.update(_subquery_outer_reads(node) - local)
        return
    for child in node.children():
        _collect(child, local, found)


def _subquery_outer_reads(node) -> set[str]:
    """Every variable a subquery mentions: the ones bound outside are the ones it reads (a safe superset)."""
    names: set[str] = set()
    for child in node.walk():
        if child is node:
            continue
        if isinstance(child, ast.Variable):
            names.add(child.name)
        elif isinstance(child, ast.NodePattern) and child.variable:
            names.add(child.variable)
        elif isinstance(child, ast.RelationshipPattern) and child.variable:
            names.add(child.variable)
    return names


def _pattern_variables(part: ast.PatternPart) -> list[str]:
    names = [node.variable for node in part.element.nodes if node.variable]
    names += [rel.variable for rel in part.element.relationships if rel.variable]
    if part.variable:
        names.append(part.variable)
    return names


def pattern_variables(part: ast.PatternPart) -> list[str]:
    """The variables a pattern part names (nodes, relationships, the path)."""
    return _pattern_variables(part)


def conjuncts(expr: ast.Expr | None) -> list[ast.Expr]:
    """`a AND (b AND c)` as [a, b, c]."""
    if expr is None:
        return []
    if isinstance(expr, ast.And):
        result: list[ast.Expr] = []
        for item in expr.items:
            result.extend(conjuncts(item))
        return result
    return [expr]


def rewrite(node: ast.Node, replace_fn: Callable[[ast.Node], ast.Node | None]) -> ast.Node:
    """A copy of `node` where every subtree for which `replace_fn` returns a node is replaced by it."""
    replaced = replace_fn(node)
    if replaced is not None:
        return replaced
    changes = {}
    for f in fields(node):
        value = getattr(node, f.name)
        new = _rewrite_value(value, replace_fn)
        if new is not value:
            changes[f.name] = new
    return replace(node, **changes) if changes else node


def _rewrite_value(value, replace_fn):
    if isinstance(value, ast.Node):
        return rewrite(value, replace_fn)
    if isinstance(value, tuple):
        items = tuple(_rewrite_value(item, replace_fn) for item in value)
        return value if all(a is b for a, b in zip(items, value)) else items
    return value
