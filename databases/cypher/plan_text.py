"""Expressions written back as Cypher for the `Details` of a plan's operators (`b.x > 1`, `a:Person`), as Neo4j
writes them in its plans. An expression of a kind not listed is shown as `…`: the details describe, they are not
meant to be parsed back."""
from __future__ import annotations

from graphplex.databases.cypher import ast

UNSHOWN = "…"


def expression_text(expr: ast.Expr) -> str:
    """`expr` as Cypher text (variables, properties, literals, parameters, comparisons, boolean connectives, …)."""
    show = _SHOWN.get(type(expr))
    return show(expr) if show is not None else UNSHOWN


def label_expression_text(labels: ast.LabelExpr | None) -> str:
    """A label expression as written after a colon: `A`, `A|B`, `A&!B`, `%`."""
    if isinstance(labels, ast.LabelName):
        return labels.name
    if isinstance(labels, ast.LabelAll):
        return "&".join(_label_operand(item) for item in labels.items)
    if isinstance(labels, ast.LabelAny):
        return "|".join(_label_operand(item) for item in labels.items)
    if isinstance(labels, ast.LabelNot):
        return "!" + _label_operand(labels.item)
    if isinstance(labels, ast.LabelWildcard):
        return "%"
    return UNSHOWN


def _label_operand(labels: ast.LabelExpr) -> str:
    text = label_expression_text(labels)
    return text if isinstance(labels, (ast.LabelName, ast.LabelWildcard, ast.LabelNot)) else f"({text})"


def _literal(expr: ast.Literal) -> str:
    value = expr.value
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(value) if isinstance(value, (int, float)) else UNSHOWN


def _operand(expr: ast.Expr) -> str:
    """An operand inside a larger expression: compound ones in parentheses."""
    text = expression_text(expr)
    return f"({text})" if isinstance(expr, (ast.And, ast.Or, ast.Xor, ast.Comparison, ast.Arithmetic)) else text


def _comparison(expr: ast.Comparison) -> str:
    text = _operand(expr.operands[0])
    for operator, operand in zip(expr.operators, expr.operands[1:]):
        text += f" {operator} {_operand(operand)}"
    return text


def _connective(word: str):
    return lambda expr: f" {word} ".join(_operand(item) for item in expr.items)


_SHOWN = {
    ast.Literal: _literal,
    ast.Parameter: lambda expr: f"${expr.name}",
    ast.Variable: lambda expr: expr.name,
    ast.Property: lambda expr: f"{_operand(expr.subject)}.{expr.key}",
    ast.Comparison: _comparison,
    ast.And: _connective("AND"),
    ast.Or: _connective("OR"),
    ast.Xor: _connective("XOR"),
    ast.Not: lambda expr: f"NOT {_operand(expr.operand)}",
    ast.Arithmetic: lambda expr: f"{_operand(expr.left)} {expr.operator} {_operand(expr.right)}",
    ast.Negate: lambda expr: f"-{_operand(expr.operand)}",
    ast.IsNull: lambda expr: f"{_operand(expr.operand)} IS {'NOT ' if expr.negated else ''}NULL",
    ast.StringPredicate: lambda expr: f"{_operand(expr.left)} {expr.operator} {_operand(expr.right)}",
    ast.In: lambda expr: f"{_operand(expr.item)} IN {_operand(expr.collection)}",
    ast.ListLiteral: lambda expr: "[" + ", ".join(expression_text(item) for item in expr.items) + "]",
    ast.FunctionCall: lambda expr: f"{expr.name}({'DISTINCT ' if expr.distinct else ''}"
                                   + ", ".join(expression_text(arg) for arg in expr.args) + ")",
    ast.LabelCheck: lambda expr: _operand(expr.subject) + "".join(f":{label}" for label in expr.labels),
    ast.LabelPredicate: lambda expr: f"{_operand(expr.subject)}:{label_expression_text(expr.labels)}",
}
