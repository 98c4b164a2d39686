"""Relationship range seeks (Directed/UndirectedRelationshipIndexSeekByRange) answer what the plan without the
index answers: every direction, self-loops, longer patterns around the sought relationship, mixed-type values and
bounds, own uncommitted writes; in memory and on disk."""
import random

import pytest

from graphplex.databases import Database

VALUES = [0, 1, 2, 2.5, 3, 7, 9, float("nan"), "a", "b", True, [1], None]
BOUNDS = [None, 1, 2.5, 7, float("nan"), "a", [1], True]
DIRECTED, UNDIRECTED = "DirectedRelationshipIndexSeekByRange", "UndirectedRelationshipIndexSeekByRange"
# The plan's leaf for each pattern: a labelled pattern over a few nodes is cheaper from its label (cost-based).
PATTERNS = {"(a)-[r:T]->(b)": DIRECTED, "(a)<-[r:T]-(b)": DIRECTED, "(a)-[r:T]-(b)": UNDIRECTED,
            "(a:A)-[r:T]->(b:A)": "NodeByLabelScan", "(x)-[:T]->(a)-[r:T]-(b)": UNDIRECTED,
            "(a)-[r:T]->(b)<-[s:T]-(c)": DIRECTED}
PREDICATES = ["r.k > $x", "r.k >= $x AND r.k < $y", "$x <= r.k"]
MODES = ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"]


def _database(mode: str, directory, index: bool) -> Database:
    db = Database(storage_mode=mode, directory=str(directory)) if mode.startswith("ON_DISK") else Database()
    if index:
        db.execute("CREATE INDEX rel_k FOR ()-[r:T]-() ON (r.k)").consume()
    rng = random.Random(5)
    db.execute("UNWIND range(0, 11) AS i CREATE (:A {i: i})").consume()
    pairs = [(rng.randrange(12), rng.randrange(12), i) for i in range(40)] + [(4, 4, 40), (6, 6, 41)]
    rows = [{"a": a, "b": b, "i": i, "k": VALUES[i % len(VALUES)]} for a, b, i in pairs]
    db.execute("UNWIND $rows AS row MATCH (a:A {i: row.a}), (b:A {i: row.b}) "
               "CREATE (a)-[:T {i: row.i, k: row.k}]->(b)", {"rows": rows}).consume()
    return db


@pytest.fixture(scope="module", params=MODES)
def databases(request, tmp_path_factory):
    return (_database(request.param, tmp_path_factory.mktemp("indexed"), True),
            _database(request.param, tmp_path_factory.mktemp("plain"), False))


def _answer(db, pattern, predicate, x, y, transaction=None):
    query = f"MATCH {pattern} WHERE {predicate} RETURN a.i, b.i, r.i"
    return sorted(db.execute(query, {"x": x, "y": y}, transaction=transaction), key=repr)


def _leaf(db, pattern, predicate) -> str:
    tree = db.execute(f"EXPLAIN MATCH {pattern} WHERE {predicate} RETURN a.i", {"x": 1, "y": 2}).plan_description()
    while tree["children"]:
        tree = tree["children"][0]
    return tree["operatorType"].partition("@")[0]


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("predicate", PREDICATES)
def test_a_relationship_seek_answers_what_the_plan_without_it_answers(databases, pattern, predicate):
    indexed, plain = databases
    assert _leaf(indexed, pattern, predicate) == PATTERNS[pattern]
    for x in BOUNDS:
        for y in (BOUNDS if "$y" in predicate else [None]):
            assert _answer(indexed, pattern, predicate, x, y) == _answer(plain, pattern, predicate, x, y), \
                (pattern, predicate, x, y)


def test_a_bound_end_node_is_expanded_from_not_sought(databases):
    indexed, _ = databases
    assert _leaf(indexed, "(a:A {i: 1})-[r:T]->(b)", "r.k > $x") == "NodeByLabelScan"


@pytest.mark.parametrize("mode", MODES)
def test_own_relationship_writes_are_seen_by_the_seek(mode, tmp_path):
    db = _database(mode, tmp_path, True)
    txn = db.begin()
    db.execute("MATCH (a:A {i: 0}), (b:A {i: 1}) CREATE (a)-[:T {i: 100, k: 8}]->(b)", transaction=txn).consume()
    db.execute("MATCH ()-[r:T {k: 9}]->() DELETE r", transaction=txn).consume()
    db.execute("MATCH ()-[r:T {k: 2}]->() SET r.k = 8.5", transaction=txn).consume()
    found = {row[2] for row in _answer(db, "(a)-[r:T]->(b)", "r.k > $x", 7.5, None, transaction=txn)}
    every = {i for k, i in db.execute("MATCH ()-[r:T]->() RETURN r.k, r.i", transaction=txn)
             if isinstance(k, (int, float)) and not isinstance(k, bool) and k > 7.5}
    assert found == every
    assert 100 in found and not {i for k, i in db.execute("MATCH ()-[r:T]->() RETURN r.k, r.i", transaction=txn)
                                 if k == 9} & found
    txn.rollback()
