"""Parsing dynamic labels and types (Neo4j 5.26): `:$(expr)`, `:$all(expr)`, `:$any(expr)` in patterns and label
predicates, `$(expr)` in SET and REMOVE, while `$any` and `$all` stay parameter names everywhere else."""
from __future__ import annotations

import pytest

from graphplex.databases.cypher import ast as A
from graphplex.databases.cypher.parser import parse
from graphplex.databases.errors import CypherSyntaxError

LABEL = A.DynamicLabels(A.Parameter("label"))


def first_clause(text: str) -> A.Clause:
    return parse(text).parts[0].clauses[0]


def node_labels(text: str) -> A.LabelExpr:
    return first_clause(text).pattern[0].element.nodes[0].labels


@pytest.mark.parametrize("text, labels", [
    ("MATCH (n:$($label)) RETURN n", LABEL),
    ("MATCH (n:$all($label)) RETURN n", LABEL),
    ("MATCH (n:$ALL ($label)) RETURN n", LABEL),
    ("MATCH (n:$any($label)) RETURN n", A.DynamicLabels(A.Parameter("label"), True)),
    ("MATCH (n:A:$($label)) RETURN n", A.LabelAll((A.LabelName("A"), LABEL))),
    ("MATCH (n:A|$any($label)) RETURN n", A.LabelAny((A.LabelName("A"), A.DynamicLabels(A.Parameter("label"), True)))),
    ("MATCH (n:!$(n.kind)) RETURN n", A.LabelNot(A.DynamicLabels(A.Property(A.Variable("n"), "kind")))),
    ("CREATE (n:$(['A', 'B']))", A.DynamicLabels(A.ListLiteral((A.Literal("A"), A.Literal("B"))))),
])
def test_node_patterns(text, labels):
    assert node_labels(text) == labels


def test_relationship_types_keep_static_and_dynamic_alternatives_apart():
    rel = first_clause("MATCH ()-[r:A|$any($types)|B]->() RETURN r").pattern[0].element.relationships[0]
    assert rel.types == ("A", "B")
    assert rel.dynamic_types == (A.DynamicLabels(A.Parameter("types"), True),)


def test_set_and_remove_mix_names_and_expressions():
    query = parse("MATCH (n) SET n:$($label):Static REMOVE n:Old:$(n.kind)")
    set_item = query.parts[0].clauses[1].items[0]
    remove_item = query.parts[0].clauses[2].items[0]
    assert set_item == A.SetLabels("n", (LABEL, "Static"))
    assert remove_item == A.RemoveLabels("n", ("Old", A.DynamicLabels(A.Property(A.Variable("n"), "kind"))))


@pytest.mark.parametrize("text", ["MATCH (n) SET n:$any($label)", "MATCH (n) REMOVE n:$all($label)"])
def test_set_and_remove_refuse_any_and_all(text):
    with pytest.raises(CypherSyntaxError):
        parse(text)


def test_a_label_predicate_in_an_expression():
    where = first_clause("MATCH (n) WHERE n:$($label) RETURN n").where
    assert where == A.LabelPredicate(A.Variable("n"), LABEL)


def test_a_pattern_predicate_may_start_with_a_dynamic_label():
    where = first_clause("MATCH (n) WHERE (n:$($label))-->() RETURN n").where
    assert where.part.element.nodes[0] == A.NodePattern("n", LABEL)


@pytest.mark.parametrize("text", ["RETURN $any", "RETURN $all + $any", "MATCH (n {a: $any}) RETURN n"])
def test_any_and_all_remain_parameter_names(text):
    names = {node.name for node in parse(text).walk() if isinstance(node, A.Parameter)}
    assert names <= {"any", "all"} and names
