"""type_check: the static checks run on each clause before it is planned, given the kinds bound before it."""
from __future__ import annotations

import pytest

from graphplex.databases.cypher.parser import parse
from graphplex.databases.cypher.type_check import check_clause
from graphplex.databases.errors import CypherSyntaxError


def clause(text: str, index: int = 0):
    return parse(text).parts[0].clauses[index]


@pytest.mark.parametrize("text, kinds, message", [
    ("RETURN length(n)", {"n": "node"}, "expected Path but was Node"),
    ("RETURN type(r)", {"r": "node"}, "expected Relationship but was Node"),
    ("RETURN size(p)", {"p": "path"}, "expected String or List but was Path"),
    ("RETURN p.name", {"p": "path"}, "but was Path"),
    ("RETURN 1 IN 'abc'", {}, "expected List but was String"),
    ("RETURN [x IN ['a'] WHERE x % 2 = 0]", {}, r"but was String \(in %\)"),
    ("RETURN [x IN [1] | count(x)]", {}, "executing over lists"),
    ("RETURN collect(rand())", {}, "non-deterministic"),
    ("MATCH (n) WHERE n RETURN n", {}, "expected Boolean but was Node"),
    ("RETURN NOT r", {"r": "relationship"}, "expected Boolean but was Relationship"),
    ("RETURN toUpper(1)", {}, "expected String but was Integer"),
    ("RETURN sqrt('4')", {}, "expected Integer or Float but was String"),
    ("RETURN head(n)", {"n": "node"}, "expected List but was Node"),
])
def test_static_type_errors_are_syntax_errors(text, kinds, message):
    with pytest.raises(CypherSyntaxError, match=message):
        check_clause(clause(text), kinds)


@pytest.mark.parametrize("text, kinds", [
    ("RETURN length(p), size(l), type(r), labels(n)", {"p": "path", "l": "list", "r": "relationship", "n": "node"}),
    ("RETURN length(x), x.name, x % 2", {"x": "value"}),
    ("RETURN [x IN [1, 'a'] WHERE x % 2 = 0]", {}),
    ("RETURN [n IN [1] | n % 2]", {"n": "node"}),
    ("RETURN 'a' || 1, 'a' + 1", {}),
    ("RETURN size(null), 1 IN null", {}),
    ("RETURN toUpper(x), sqrt(-4), round(1.5, 0), reverse([1]), left('ab', 1), apoc.text.replace(1, 'a', 'b')", {}),
    ("WITH 1 AS p WHERE p % 2 = 1", {"p": "path"}),
])
def test_what_cannot_be_typed_statically_passes(text, kinds):
    check_clause(clause(text), kinds)
