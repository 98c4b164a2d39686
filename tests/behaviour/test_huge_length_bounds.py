"""A variable-length relationship with the largest INTEGER as its bound is planned and run like any other (found by
fuzzing: estimating its rows summed the mean degree's powers term by term and overflowed, an internal error; with a
mean degree of 1 the sum would never have ended)."""
from __future__ import annotations

import pytest

HUGE = 9223372036854775807


@pytest.mark.parametrize("graph", [
    "CREATE (a:A {name: 'a'})-[:LIKES]->(b:B {name: 'b'}), (c:C {name: 'c'})-[:LIKES]->(b), (a)-[:LIKES]->(c)",
    "CREATE (a:A {name: 'a'})-[:LIKES]->(b:B {name: 'b'})",
    "CREATE (:A {name: 'a'}), (:B), (:C)"])
def test_the_largest_bound_is_planned_and_run(session, graph):
    session.run(graph).consume()
    query = f"MATCH (a:A) MATCH (a)-[:LIKES]->()<-[:LIKES*{HUGE}]->(c) RETURN c.name"
    assert session.run(f"EXPLAIN {query}").consume().plan is not None
    assert session.run(query).data() == []
    assert session.run(f"MATCH (a:A)-[:LIKES*0..{HUGE}]->(c) RETURN count(c)").single()[0] >= 1
