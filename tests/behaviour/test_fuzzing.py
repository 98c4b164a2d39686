"""Fuzzing through the public API: whatever the statement, the outcome is rows or a `Neo.*` error.

Statements come from `cypher_fuzzing` (derived from the grammar, or TCK queries mutated), each run on a fresh
in-memory DBMS holding a small graph, with a statement timeout. A Python exception other than the error
hierarchy, an internal error (`Neo.DatabaseError.General.UnknownError`, which wraps an unexpected Python
exception), or a statement still running well after its timeout is a failure; hypothesis shrinks it to a short
statement. The default run is bounded; the `slow` run tries five times as many."""
from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings

from cypher_fuzzing import PARAMETERS, TCK_FEATURES, derived_statements, mutated_tck_queries
from graphplex import DBMS, Query
from graphplex.errors import Neo4jError

TIMEOUT = 2.0
GRACE = 8.0   # how long past its timeout a statement may take to stop, on a loaded machine
MOST_ROWS = 10_000
INTERNAL = "Neo.DatabaseError.General.UnknownError"
GRAPH = ("CREATE (a:A {name: 'a', x: 1, list: [1, 2], at: date('2020-01-01')})-[:R {w: 2}]->(b:B {x: 2.5}), "
         "(b)-[:R]->(a), (a)-[:S]->(:C {name: 'c'})")
NEEDS_TCK = pytest.mark.skipif(not TCK_FEATURES.is_dir(), reason=f"the openCypher TCK is not at {TCK_FEATURES}")
FAST = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))


def outcome_of(text: str) -> str:
    """'rows' or the error code; fails the test on a hang, a raw exception or an internal error."""
    dbms = DBMS.in_memory()
    try:
        with dbms.session() as session:
            session.run(GRAPH).consume()
        finished: dict = {}

        def run() -> None:
            try:
                with dbms.session() as session:
                    result = session.run(Query(text, timeout=TIMEOUT), PARAMETERS)
                    for count, _ in enumerate(result):
                        if count >= MOST_ROWS:
                            break
                finished["outcome"] = "rows"
            except Neo4jError as error:
                finished["outcome"] = error
            except BaseException as error:   # noqa: BLE001 - the very thing this test looks for
                finished["outcome"] = error
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(TIMEOUT + GRACE)
        assert not worker.is_alive(), f"still running {TIMEOUT + GRACE:.0f} s after its {TIMEOUT} s timeout: {text!r}"
    finally:
        dbms.close()
    outcome = finished["outcome"]
    if isinstance(outcome, Neo4jError):
        assert outcome.code.startswith("Neo.") and outcome.message, (text, outcome)
        assert outcome.code != INTERNAL, f"internal error for {text!r}: {outcome.message}"
        return outcome.code
    assert outcome == "rows", f"{type(outcome).__name__} escaped for {text!r}: {outcome}"
    return outcome


# Inputs that once escaped as a Python exception, an internal error or a statement running past its timeout.
FOUND = {
    "a long chain of additions (parsed in quadratic time)": "RETURN " + " + ".join(["1"] * 6000),
    "a range longer than a list can be": "RETURN range(-9223372036854775808, 9223372036854775807)[9223372036854775806]",
    "shortestPath as a value between unbound nodes": "RETURN shortestPath((a)-->(b))",
    "shortestPath as a value with an anonymous relationship": "MATCH (a:A), (b:B) RETURN shortestPath((a)-->(b))",
    "a list literal of 20,000 elements": "RETURN size([" + ", ".join(map(str, range(20000))) + "])",
    "brackets nested 3,000 deep": "RETURN " + "[" * 3000 + "]" * 3000,
    "a regular expression that backtracks exponentially": "RETURN '" + "a" * 40 + "' =~ '(a|a)*b'",
}


@pytest.mark.parametrize("text", FOUND.values(), ids=FOUND.keys())
def test_inputs_found_by_fuzzing(text):
    outcome_of(text)


def test_shortest_path_as_a_value_needs_bound_nodes_and_may_be_anonymous():
    assert outcome_of(FOUND["shortestPath as a value between unbound nodes"]) == "Neo.ClientError.Statement.SyntaxError"
    assert outcome_of(FOUND["shortestPath as a value with an anonymous relationship"]) == "rows"


@FAST
@given(text=derived_statements())
def test_statements_derived_from_the_grammar(text):
    outcome_of(text)


@NEEDS_TCK
@FAST
@given(text=mutated_tck_queries())
def test_mutated_tck_queries(text):
    outcome_of(text)


@pytest.mark.slow
@LONG
@given(text=derived_statements(budget=16))
def test_many_statements_derived_from_the_grammar(text):
    outcome_of(text)


@pytest.mark.slow
@LONG
@NEEDS_TCK
@given(text=mutated_tck_queries())
def test_many_mutated_tck_queries(text):
    outcome_of(text)
