"""Expressions written back as Cypher for plan details, and the selectivities estimates use."""
from __future__ import annotations

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.estimates import (
    DEFAULT_SELECTIVITY, EQUALITY_SELECTIVITY, RANGE_SELECTIVITY, selectivity,
)
from graphplex.databases.cypher.plan_text import UNSHOWN, expression_text, label_expression_text

B_X = ast.Property(ast.Variable("b"), "x")


def test_comparisons_and_connectives_read_as_cypher():
    greater = ast.Comparison((">",), (B_X, ast.Literal(1)))
    named = ast.Comparison(("=",), (ast.Property(ast.Variable("p"), "name"), ast.Parameter("name")))
    assert expression_text(greater) == "b.x > 1"
    assert expression_text(ast.And((greater, ast.Not(named)))) == "(b.x > 1) AND NOT (p.name = $name)"
    assert expression_text(ast.Literal("it's")) == "'it\\'s'" and expression_text(ast.Literal(None)) == "NULL"
    assert expression_text(ast.IsNull(B_X, negated=True)) == "b.x IS NOT NULL"


def test_what_is_not_written_back_is_shown_as_an_ellipsis():
    assert expression_text(ast.CountStar()) == UNSHOWN


def test_label_expressions():
    either = ast.LabelAny((ast.LabelName("A"), ast.LabelNot(ast.LabelName("B"))))
    assert label_expression_text(either) == "A|!B"
    assert label_expression_text(ast.LabelAll((either, ast.LabelName("C")))) == "(A|!B)&C"


def test_selectivities_follow_neo4js_defaults():
    assert selectivity(ast.Comparison(("=",), (B_X, ast.Literal(1)))) == EQUALITY_SELECTIVITY
    assert selectivity(ast.Comparison(("<",), (B_X, ast.Literal(1)))) == RANGE_SELECTIVITY
    assert selectivity(ast.IsNull(B_X)) == DEFAULT_SELECTIVITY
