"""The batch import path (`cypher.batched_writes`) does what the row path does.

Hypothesis draws a graph of indexed Person nodes (ids repeating, of several types, some missing), a list of rows
(maps with missing and null fields, ids that match nothing or several nodes, now and then a row that is no map or
a property value that cannot be stored) and writes of the transaction's own made before the statement. The same
statement then runs on two databases built the same way, one planned with the batch and one without: the counters,
the error (code and message) and the graph afterwards (ids, labels, properties, ends) must be the same.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphplex.databases.cypher import batched_writes
from graphplex.databases.database import Database
from graphplex.databases.errors import Neo4jError

STATEMENTS = [
    "UNWIND $rows AS p CREATE (:Person {id: p.a, name: p.w})",
    "UNWIND $rows AS p CREATE (:Person:Extra {id: p.a}), (n:Other {w: p.w, k: 1})",
    "UNWIND $rows AS p CREATE (:Plain)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}), (b:Person {id: p.b}) CREATE (a)-[:KNOWS]->(b)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}) MATCH (b:Person {id: p.b}) CREATE (b)<-[r:R {w: p.w}]-(a)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}), (b:Person {id: p.b}) "
    "CREATE (a)-[:KNOWS {w: p.w, k: [1, $k]}]->(b), (b)-[:KNOWS]->(a)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}) CREATE (a)-[:SELF]->(a)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}), (c:Person {id: p.b}), (d:Person {id: $k}) "
    "CREATE (a)-[:T]->(d)",
    "UNWIND $rows AS p MATCH (a:Person {id: p['a']}) CREATE (a)-[:SUB {w: p.w}]->(a)",
    # `p.w.z` fails on a row whose `w` is a number, after the rows before it were created (or failed to be).
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}) CREATE (a)-[:SUB {w: p.w, v: p.w.z}]->(a)",
    "UNWIND $rows AS p CREATE (:Person {id: p.a, v: p.w.z, w: p.w})",
]

IDS = st.one_of(st.integers(0, 5), st.sampled_from([1.0, 2.5, "3", True, None, -0.0]))
VALUES = st.one_of(st.integers(-3, 3), st.sampled_from(["x", None, 2.5, [1, 2]]))
BAD_VALUES = st.sampled_from([{"nested": 1}, [1, "mixed"]])


@st.composite
def rows(draw) -> list:
    made = []
    for _ in range(draw(st.integers(0, 12))):
        shape = draw(st.sampled_from(["map"] * 8 + ["partial", "bad value", "no map"]))
        if shape == "no map":
            made.append(draw(st.sampled_from([7, "text", None, [1]])))
            continue
        row = {"a": draw(IDS), "b": draw(IDS), "w": draw(VALUES)}
        if shape == "partial":
            del row[draw(st.sampled_from(["a", "b", "w"]))]
        elif shape == "bad value":
            row["w"] = draw(BAD_VALUES)
        made.append(row)
    return made


OWN_WRITES = st.lists(st.tuples(st.sampled_from([
    "CREATE (:Person {id: $x})",
    "MATCH (n:Person {id: $x}) DETACH DELETE n",
    "MATCH (n:Person {id: $x}) SET n.id = $y",
    "MATCH (n:Person {id: $x}) REMOVE n:Person",
]), IDS.filter(lambda value: value is not None), IDS.filter(lambda value: value is not None)), max_size=4)


def build(ids: list) -> Database:
    db = Database()
    db.execute("CREATE INDEX person_id FOR (p:Person) ON (p.id)").consume()
    for value in ids:
        db.execute("CREATE (:Person {id: $id})", {"id": value}).consume()
    return db


def run(db: Database, statement: str, parameters: dict, own: list, batched: bool):
    """Runs `statement` after `own` writes in one transaction: (counters or error, graph after commit)."""
    plan = db.plan(statement)
    if batched:
        assert plan.prefix is not None, statement
    else:
        plan.prefix = None
    txn = db.begin()
    for text, x, y in own:
        db.execute(text, {"x": x, "y": y}, transaction=txn).consume()
    try:
        outcome = db.execute(statement, parameters, transaction=txn).consume().as_dict()
    except Neo4jError as error:
        outcome = (error.code, error.message)
        txn.rollback()
    else:
        txn.commit()
    return outcome, graph(db)


def graph(db: Database) -> tuple:
    nodes = list(db.execute("MATCH (n) RETURN id(n), labels(n), properties(n) ORDER BY id(n)"))
    edges = list(db.execute("MATCH (a)-[r]->(b) RETURN id(r), type(r), id(a), id(b), properties(r) ORDER BY id(r)"))
    return nodes, edges


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statement=st.sampled_from(STATEMENTS), ids=st.lists(IDS.filter(lambda value: value is not None),
                                                           max_size=10),
       items=rows(), own=OWN_WRITES, k=st.sampled_from([0, 1, 2.0]))
def test_batched_and_row_paths_agree(statement: str, ids: list, items: list, own: list, k) -> None:
    parameters = {"rows": items, "k": k}
    batched = run(build(ids), statement, parameters, own, batched=True)
    assert batched == run(build(ids), statement, parameters, own, batched=False)


@pytest.mark.parametrize("statement", STATEMENTS)
def test_the_import_idiom_is_batched(statement: str) -> None:
    assert build([]).plan(statement).prefix is not None


@pytest.mark.parametrize("statement", [
    "UNWIND $rows AS p OPTIONAL MATCH (a:Person {id: p.a}) CREATE (:X)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}) WHERE a.x = 1 CREATE (a)-[:T]->(a)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}) CREATE (a)-[:T]->(a) RETURN count(*)",
    "UNWIND $rows AS p MATCH (a:Unindexed {id: p.a}) CREATE (a)-[:T]->(a)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}) CREATE (a)-[:T]->(:New)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}) CREATE (a)-[:T]->(a), (a)-[:U]->(a)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}) CREATE (a)-[:T {n: a.id}]->(a)",
    "UNWIND $rows AS p MATCH (a:Person {id: p.a})-[:T]->(b) CREATE (a)-[:T]->(b)",
    "UNWIND $rows AS p CREATE (:Person {id: toInteger(p.a)})",
    "UNWIND $rows AS p CREATE (n:Person) SET n.id = p.a",
    "UNWIND $rows AS p CALL { WITH p CREATE (:Person {id: p.a}) } IN TRANSACTIONS OF 2 ROWS",
    "UNWIND $rows AS p CREATE (:Person {id: p.a}) QUERY MEMORY LIMIT 10 MB",
])
def test_other_statements_take_the_row_path(statement: str) -> None:
    assert build([]).plan(statement).prefix is None


LOAD_RELS = "UNWIND $rows AS p MATCH (a:Person {id: p.a}), (b:Person {id: p.b}) CREATE (a)-[:KNOWS]->(b)"


def test_profile_runs_the_row_path_with_the_same_counters() -> None:
    db = build(range(5))
    rows_ = [{"a": i, "b": (i + 1) % 5} for i in range(5)]
    result = db.execute("PROFILE " + LOAD_RELS, {"rows": rows_})
    assert result.consume().relationships_created == 5
    names = [row["operatorType"].split("@")[0] for row in _operators(result.plan_description())]
    assert "NodeIndexSeek" in names and "Create" in names
    assert db.execute(LOAD_RELS, {"rows": rows_}).consume().relationships_created == 5


def _operators(description) -> list:
    found = []
    stack = list(description) if isinstance(description, list) else [description]
    while stack:
        operator = stack.pop()
        found.append(operator)
        stack.extend(operator.get("children", ()))
    return found


def test_a_failure_in_a_later_row_leaves_nothing_behind() -> None:
    db = build(range(3))
    rows_ = [{"a": 0, "b": 1, "w": 1}] * 5000 + [{"a": 1, "b": 2, "w": {"nested": 1}}]
    with pytest.raises(Neo4jError):
        db.execute("UNWIND $rows AS p MATCH (a:Person {id: p.a}), (b:Person {id: p.b}) "
                   "CREATE (a)-[:R {w: p.w}]->(b)", {"rows": rows_}).consume()
    assert list(db.execute("MATCH ()-[r]->() RETURN count(r)")) == [(0,)]


def test_a_terminated_transaction_stops_before_creating() -> None:
    db = build(range(3))
    txn = db.begin()
    stop = Neo4jError("stopped", "Neo.TransientError.Transaction.Terminated")
    txn.terminate(stop)
    with pytest.raises(Neo4jError, match="stopped"):
        db.execute(LOAD_RELS, {"rows": [{"a": 0, "b": 1}]}, transaction=txn).consume()
    txn.rollback()
    assert list(db.execute("MATCH ()-[r]->() RETURN count(r)")) == [(0,)]


def test_termination_between_chunks_stops_the_statement(monkeypatch) -> None:
    db = build(range(3))
    monkeypatch.setattr(batched_writes, "CHUNK", 2)
    txn = db.begin()
    seen = []
    real = txn.vertex_seeker

    def seeker(label, key):
        seek = real(label, key)

        def counted(value):
            seen.append(value)
            if len(seen) == 3:
                txn.terminate(Neo4jError("stopped", "Neo.TransientError.Transaction.Terminated"))
            return seek(value)
        return counted
    txn.vertex_seeker = seeker
    with pytest.raises(Neo4jError, match="stopped"):
        db.execute(LOAD_RELS, {"rows": [{"a": 0, "b": 1}] * 10}, transaction=txn).consume()
    assert len(seen) == 4  # the chunk under way ends; the next one does not start
    txn.rollback()


def test_a_read_filter_takes_the_row_path() -> None:
    db = build(range(3))
    txn = db.begin()
    hidden = next(iter(txn.vertices_by_property("Person", "id", 1)))
    txn.read_filter = lambda view, entity, version: None if entity is hidden else version
    counters = db.execute(LOAD_RELS, {"rows": [{"a": 0, "b": 1}, {"a": 0, "b": 2}]}, transaction=txn).consume()
    assert counters.relationships_created == 1
    txn.rollback()


def test_a_memory_limit_takes_the_row_path() -> None:
    db = build(range(3))
    txn = db.begin(memory_limit=2_000)
    with pytest.raises(Neo4jError) as raised:
        db.execute(LOAD_RELS, {"rows": [{"a": 0, "b": 1}] * 100}, transaction=txn).consume()
    assert "Memory" in raised.value.code
    txn.rollback()


def test_a_locked_end_fails_under_snapshot_isolation_with_nothing_created() -> None:
    db = build(range(3))
    other = db.begin()
    db.execute("MATCH (n:Person {id: 2}) SET n.x = 1", transaction=other).consume()
    with pytest.raises(Neo4jError) as raised:
        db.execute(LOAD_RELS, {"rows": [{"a": 0, "b": 1}, {"a": 1, "b": 2}]}).consume()
    assert raised.value.code == "Neo.TransientError.Transaction.Outdated"
    other.rollback()
    assert list(db.execute("MATCH ()-[r]->() RETURN count(r)")) == [(0,)]


def test_node_ids_follow_the_rows() -> None:
    db = Database()
    db.execute("UNWIND $rows AS p CREATE (:A {n: p.n}), (:B {n: p.n})",
               {"rows": [{"n": i} for i in range(3)]}).consume()
    found = list(db.execute("MATCH (x) RETURN id(x), labels(x)[0], x.n ORDER BY id(x)"))
    assert found == [(0, "A", 0), (1, "B", 0), (2, "A", 1), (3, "B", 1), (4, "A", 2), (5, "B", 2)]


@pytest.mark.parametrize("statement", [
    "UNWIND $rows AS p MATCH (a:Person {id: p.a}) CREATE (a)-[:SUB {w: p.w, v: p.w.z}]->(a)",
    "UNWIND $rows AS p CREATE (:Person {id: p.a, v: p.w.z, w: p.w})",
])
def test_the_first_failure_is_the_row_paths(statement: str) -> None:
    """A value that cannot be stored in one row, a map that cannot be evaluated in a later row: the row path
    fails on the first (it creates each row before it evaluates the next), and so does the batch."""
    parameters = {"rows": [{"a": 0}, {"a": 1, "w": {"nested": 1}}, {"a": 2, "w": 5}]}
    outcomes = [run(build(range(3)), statement, parameters, [], batched) for batched in (True, False)]
    assert outcomes[0] == outcomes[1]
    code, message = outcomes[0][0]
    assert "when accessing property" not in message, message
