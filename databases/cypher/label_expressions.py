"""Label expressions (`:A|B`, `:A&!B`, `:%`, `:$any($labels)`) as tests on a label set, for patterns and
`WHERE n:…` alike, and the names that dynamic labels and types (`:$(expr)`, Neo4j 5.26) stand for on a row."""
from __future__ import annotations

from typing import Callable

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.errors import type_error
from graphplex.databases.cypher.values import type_name
from graphplex.databases.errors import ClientError

RowTest = Callable[[frozenset, dict, ExecutionContext], bool]
Compile = Callable[[ast.Expr], Callable[[dict, ExecutionContext], object]]
NamesOf = Callable[[dict, ExecutionContext], tuple[str, ...]]


def label_test(expr: ast.LabelExpr | None) -> Callable[[frozenset], bool]:
    """A function telling whether a set of labels (a relationship's: its type alone) satisfies `expr`, which
    names no dynamic label (see `row_label_test`)."""
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


def is_dynamic(expr: ast.LabelExpr | None) -> bool:
    """Whether a label expression has a part only a row can decide (`$(…)`, `$all(…)`, `$any(…)`)."""
    return expr is not None and any(isinstance(node, ast.DynamicLabels) for node in expr.walk())


def row_label_test(expr: ast.LabelExpr | None, compile: Compile) -> RowTest:
    """`label_test` for expressions that may name dynamic labels: the test also takes the row and context that
    their expressions are evaluated on. `compile` turns an expression into its closure."""
    if not is_dynamic(expr):
        test = label_test(expr)
        return lambda labels, row, ctx: test(labels)
    if isinstance(expr, ast.DynamicLabels):
        names_of = compile(expr.expression)
        if expr.any:
            return lambda labels, row, ctx: any(name in labels for name in label_names(names_of(row, ctx)))
        return lambda labels, row, ctx: all(name in labels for name in label_names(names_of(row, ctx)))
    if isinstance(expr, ast.LabelNot):
        inner = row_label_test(expr.item, compile)
        return lambda labels, row, ctx: not inner(labels, row, ctx)
    tests = [row_label_test(item, compile) for item in expr.items]
    if isinstance(expr, ast.LabelAll):
        return lambda labels, row, ctx: all(test(labels, row, ctx) for test in tests)
    return lambda labels, row, ctx: any(test(labels, row, ctx) for test in tests)


def label_names(value: object) -> tuple[str, ...]:
    """The names a dynamic label's value stands for: a STRING is one, a LIST<STRING> each of its items."""
    if type(value) is str:
        return (value,)
    if isinstance(value, list) and all(type(item) is str for item in value):
        return tuple(value)
    raise type_error(f"Expected the value {_shown(value)} to be of type STRING or LIST<STRING>, but was of type "
                     f"{type_name(value)}.")


def token_names(value: object) -> tuple[str, ...]:
    """`label_names` for a write, which makes the names tokens of the database: none may be empty."""
    names = label_names(value)
    for name in names:
        check_token_name(name)
    return names


def check_token_name(name: str) -> None:
    """Neo4j's TokenNameError for a name no token may have: empty, or holding a null byte."""
    if not name or "\0" in name:
        raise ClientError(f"'{name}' is not a valid token name. Token names cannot be empty or contain any "
                          "null-bytes.", "Neo.ClientError.Schema.TokenNameError")


def property_key(value: object) -> str:
    """The property key a dynamic key (`SET n[$key] = …`, `REMOVE n[$key]`) names: a STRING that can be a token."""
    if type(value) is not str:
        raise type_error(f"Expected the value {_shown(value)} to be of type STRING, but was of type "
                         f"{type_name(value)}.")
    return token_names(value)[0]


def written_labels(expr: ast.LabelExpr | None) -> tuple[str | ast.DynamicLabels, ...] | None:
    """The labels CREATE and MERGE give a node: a conjunction of names and `$(…)`/`$all(…)`, or None when the
    expression is anything richer (`|`, `!`, `%`, `$any(…)`)."""
    if expr is None:
        return ()
    if isinstance(expr, ast.LabelName):
        return (expr.name,)
    if isinstance(expr, ast.DynamicLabels):
        return None if expr.any else (expr,)
    if isinstance(expr, ast.LabelAll):
        items: list = []
        for item in expr.items:
            inner = written_labels(item)
            if inner is None:
                return None
            items.extend(inner)
        return tuple(items)
    return None


def compile_names(items: tuple[str | ast.DynamicLabels, ...], compile: Compile, writing: bool = True) -> NamesOf:
    """The labels `items` name on a row, in order and without repeats; `writing` refuses names that cannot be
    tokens. Static names cost nothing per row."""
    if not any(isinstance(item, ast.DynamicLabels) for item in items):
        static = tuple(dict.fromkeys(items))
        return lambda row, ctx: static
    check = token_names if writing else label_names
    parts = [(None, item) if isinstance(item, str) else (compile(item.expression), None) for item in items]

    def names_of(row, ctx):
        names: list[str] = []
        for compiled, name in parts:
            if compiled is None:
                names.append(name)
            else:
                names.extend(check(compiled(row, ctx)))
        return tuple(dict.fromkeys(names))
    return names_of


def compile_types(rel: ast.RelationshipPattern, compile: Compile) -> Callable[[dict, ExecutionContext],
                                                                             tuple[str, ...] | None]:
    """The types a relationship pattern with dynamic types accepts on a row: None for any type, else a tuple (empty
    when none can match: `$all` of two types, since a relationship has exactly one)."""
    static = tuple(rel.types)
    dynamic = [(compile(item.expression), item.any) for item in rel.dynamic_types]

    def types_of(row, ctx):
        accepted = list(static)
        for names_of, any_of in dynamic:
            names = label_names(names_of(row, ctx))
            if any_of:
                accepted.extend(names)
            elif len(set(names)) == 1:
                accepted.append(names[0])
            elif not names:
                return None
        return tuple(dict.fromkeys(accepted))
    return types_of


def _shown(value: object) -> str:
    """A value as Cypher writes it, for error messages (a node, relationship or path by its kind alone)."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "\\'") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_shown(item)}" for key, item in value.items()) + "}"
    kind = type_name(value)
    if kind in ("NODE", "RELATIONSHIP", "PATH"):
        return f"<{kind}>"
    from graphplex.databases.cypher.functions.conversion import to_string
    return to_string(value)
