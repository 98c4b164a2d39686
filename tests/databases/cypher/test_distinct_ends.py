"""`MATCH … RETURN count(DISTINCT end)` run as one set of ends (`distinct_ends`) answers what the row path answers.

The reference is the same pattern with `WITH c` between MATCH and RETURN, which the prefix does not take (the
aggregation no longer follows the MATCH), and the PROFILE run, which always takes the operators as planned. Both
run in the same open transaction, on a random graph (self-loops and parallel relationships included) with random
own creations and deletions and a concurrent commit the transaction's snapshot may or may not see.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from graphplex.databases import Database
from graphplex.databases.cypher.distinct_ends import DistinctEndsPrefix
from graphplex.databases.errors import Neo4jError, TransientError

NODES = 6
edges = st.lists(st.tuples(st.integers(0, NODES - 1), st.integers(0, NODES - 1), st.sampled_from("RS")),
                 max_size=14)
hops = st.lists(st.tuples(st.sampled_from(["-[{t}]->", "<-[{t}]-", "-[{t}]-"]), st.sampled_from(["", ":R", ":S"])),
                min_size=1, max_size=3)


def graph(pairs) -> Database:
    db = Database()
    db.execute("UNWIND range(0, $n - 1) AS i CREATE (:N {id: i})", {"n": NODES}).consume()
    for a, b, type_ in pairs:
        db.execute(f"MATCH (a:N {{id: $a}}), (b:N {{id: $b}}) CREATE (a)-[:{type_}]->(b)", {"a": a, "b": b}).consume()
    return db


def pattern(steps) -> str:
    return "".join(arrow.format(t=type_) + ("(c)" if i == len(steps) - 1 else "()")
                   for i, (arrow, type_) in enumerate(steps))


@settings(max_examples=120, deadline=None)
@given(committed=edges, own=edges, later=edges, deletions=st.lists(st.integers(0, 40), max_size=4),
       steps=hops, level=st.sampled_from(["SNAPSHOT_ISOLATION", "READ_COMMITTED", "READ_UNCOMMITTED"]),
       start=st.integers(0, NODES - 1))
def test_set_of_ends_matches_the_row_path(committed, own, later, deletions, steps, level, start):
    db = graph(committed)
    txn = db.begin(level)
    vertices = {v.head.props["id"]: v for v in txn.vertices()}
    for a, b, type_ in own:  # nodes 0-2: the concurrent writer below keeps to 3-5 (no write conflict)
        txn.create_edge(vertices[a % 3], vertices[b % 3], type_)
    present = list(txn.edges())
    for pick in deletions:
        if present:
            txn.delete_edge(present[pick % len(present)])
    other = db.begin()
    for a, b, type_ in later:  # committed after `txn` began: its snapshot may not see these
        other.create_edge(vertices[3 + a % 3], vertices[3 + b % 3], type_)
    other.commit()
    query = f"MATCH (a:N {{id: $id}}){pattern(steps)} RETURN count(DISTINCT c) AS n"
    reference = query.replace(" RETURN", " WITH c RETURN")
    assert isinstance(db.plan(query).prefix, DistinctEndsPrefix)
    assert db.plan(reference).prefix is None
    fast = list(db.execute(query, {"id": start}, transaction=txn))
    assert fast == list(db.execute(reference, {"id": start}, transaction=txn))
    assert fast == list(db.execute("PROFILE " + query, {"id": start}, transaction=txn))
    txn.rollback()


def test_relationship_uniqueness_holds():
    """0 -> 0 twice (two loops) and 0 -> 1: two hops may not reuse a loop, so 1 and 0 (over the other loop) are
    reached; a lone self-loop reaches nothing in two hops."""
    db = graph([(0, 0, "R"), (0, 0, "R"), (0, 1, "R"), (2, 2, "R")])
    query = "MATCH (a:N {id: $id})-[:R]->()-[:R]->(c) RETURN count(DISTINCT c) AS n"
    assert list(db.execute(query, {"id": 0})) == [(2,)]
    assert list(db.execute(query, {"id": 2})) == [(0,)]
    assert list(db.execute(query, {"id": 5})) == [(0,)]


def test_relationship_uniqueness_holds_across_a_middle_hop():
    """0 - 1 and 0 - 2, undirected, three hops: every trail would have to walk a relationship twice (0-1-0-2 back
    over 0 - 1), so nothing is reached; a middle hop handed on without rows (`patterns._two_hop_ends`) must skip
    the relationships its trail holds."""
    db = graph([(0, 1, "R"), (0, 2, "R")])
    query = "MATCH (a:N {id: $id})-[:R]-()-[:R]-()-[:R]-(c) RETURN count(DISTINCT c) AS n"
    assert list(db.execute(query, {"id": 0})) == [(0,)]
    assert list(db.execute(query.replace(" RETURN", " WITH c RETURN"), {"id": 0})) == [(0,)]


def test_the_aggregation_computes_its_columns():
    db = graph([(0, 1, "R"), (1, 2, "R"), (1, 3, "R")])
    result = db.execute("MATCH (a:N {id: 0})-->()-->(c) RETURN count(DISTINCT c) * 10 + 1 AS n")
    assert list(result) == [(21,)]


def test_a_memory_limit_counts_every_match_as_the_row_path_does():
    """Under QUERY MEMORY LIMIT the aggregation is given each match's value (held while it runs): 3,000 matches of
    one end exceed 1 KB as they do row by row, though the set holds one node."""
    db = graph([])
    db.execute("MATCH (a:N {id: 0}), (b:N {id: 1}) CREATE (a)-[:R]->(b)").consume()
    db.execute("MATCH (b:N {id: 1}), (c:N {id: 2}) UNWIND range(1, 3000) AS i CREATE (b)-[:R]->(c)").consume()
    query = "MATCH (a:N {id: 0})-[:R]->()-[:R]->(c) RETURN count(DISTINCT c) AS n"
    assert list(db.execute(query)) == [(1,)]
    with pytest.raises(Neo4jError) as fast:
        list(db.execute(query + " QUERY MEMORY LIMIT 1 KB"))
    with pytest.raises(Neo4jError) as rows:
        list(db.execute(query.replace(" RETURN", " WITH c RETURN") + " QUERY MEMORY LIMIT 1 KB"))
    assert fast.value.code == rows.value.code


def test_a_terminated_transaction_stops():
    db = graph([(0, 1, "R"), (1, 2, "R")])
    txn = db.begin()
    txn.terminate(TransientError("terminated", "Neo.TransientError.Transaction.Terminated"))
    with pytest.raises(TransientError, match="terminated"):
        list(db.execute("MATCH (a:N {id: 0})-->()-->(c) RETURN count(DISTINCT c)", transaction=txn))
