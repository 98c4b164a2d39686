"""The graph-algorithm procedures (databases/cypher/algorithms.py), through the public engine."""
from __future__ import annotations

import math

import pytest

from graphplex.databases.cypher import algorithms
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.database import Database
from graphplex.databases.errors import Neo4jError, TransientError
from graphplex.databases.graph_types import Node, Path, Relationship


def run(db: Database, query: str, params: dict | None = None, **kwargs) -> list[tuple]:
    return list(db.execute(query, params or {}, **kwargs))


def by_name(rows) -> dict:
    """{name: value} of rows (node name, value)."""
    return {name: value for name, value in rows}


def raises_code(db: Database, query: str, prefix: str, params: dict | None = None) -> Neo4jError:
    with pytest.raises(Neo4jError) as info:
        run(db, query, params)
    assert info.value.code.startswith(prefix), info.value.code
    return info.value


# --- max flow ------------------------------------------------------------------------------------------------

# CLRS figure 26.1: the maximum flow from s to t is 23.
CLRS = """
CREATE (s:S {name: 's'}), (v1 {name: 'v1'}), (v2 {name: 'v2'}), (v3 {name: 'v3'}), (v4 {name: 'v4'}),
       (t:T {name: 't'}),
       (s)-[:PIPE {capacity: 16}]->(v1), (s)-[:PIPE {capacity: 13}]->(v2), (v1)-[:PIPE {capacity: 12}]->(v3),
       (v2)-[:PIPE {capacity: 4}]->(v1), (v2)-[:PIPE {capacity: 14}]->(v4), (v3)-[:PIPE {capacity: 9}]->(v2),
       (v3)-[:PIPE {capacity: 20}]->(t), (v4)-[:PIPE {capacity: 7}]->(v3), (v4)-[:PIPE {capacity: 4}]->(t)
"""
MAX_FLOW = "MATCH (s:S), (t:T) CALL algo.max_flow(s, t, 'capacity') YIELD max_flow RETURN max_flow"


@pytest.fixture
def clrs() -> Database:
    db = Database()
    run(db, CLRS)
    return db


def test_max_flow_classic_example(clrs):
    assert run(clrs, MAX_FLOW) == [(23.0,)]
    assert isinstance(run(clrs, MAX_FLOW)[0][0], float)


def test_max_flow_default_capacity_property_and_reverse_direction(clrs):
    assert run(clrs, "MATCH (s:S), (t:T) CALL algo.max_flow(s, t) YIELD max_flow RETURN max_flow") == [(23.0,)]
    # Relationships are directed: nothing flows from t back to s.
    assert run(clrs, "MATCH (s:S), (t:T) CALL algo.max_flow(t, s) YIELD max_flow RETURN max_flow") == [(0.0,)]


def test_max_flow_floats_and_other_property(clrs):
    run(clrs, "MATCH ()-[r:PIPE]->() SET r.width = r.capacity / 2.0")
    assert run(clrs, "MATCH (s:S), (t:T) CALL algo.max_flow(s, t, 'width') YIELD max_flow "
                     "RETURN max_flow") == [(11.5,)]


def test_max_flow_parallel_relationships_add_up():
    db = Database()
    run(db, "CREATE (s:S)-[:R {capacity: 3}]->(t:T), (s)-[:R {capacity: 4}]->(t), (s)-[:Q {capacity: 2.5}]->(t)")
    assert run(db, MAX_FLOW) == [(9.5,)]


def test_max_flow_missing_capacity_carries_nothing():
    db = Database()
    run(db, "CREATE (s:S)-[:R]->(m)-[:R {capacity: 5}]->(t:T), (s)-[:R {capacity: 2}]->(t), (s)-[:R]->(t)")
    assert run(db, MAX_FLOW) == [(2.0,)]
    assert run(db, "MATCH (s:S), (t:T) CALL algo.max_flow(s, t, 'nope') YIELD max_flow RETURN max_flow") \
        == [(0.0,)]


def test_max_flow_unbounded_is_infinity():
    db = Database()
    run(db, "CREATE (s:S)-[:R {capacity: $inf}]->(m)-[:R {capacity: $inf}]->(t:T)", {"inf": math.inf})
    assert run(db, MAX_FLOW) == [(math.inf,)]


def test_max_flow_self_loops_and_disconnected_sink():
    db = Database()
    run(db, "CREATE (s:S)-[:R {capacity: 5}]->(s), (s)-[:R {capacity: 5}]->(m), (t:T)")
    assert run(db, MAX_FLOW) == [(0.0,)]


def test_max_flow_what_if_in_a_transaction_then_rollback(clrs):
    """Memgraph's transactions page: change a capacity in an explicit transaction, run max flow, roll back."""
    txn = clrs.begin()
    run(clrs, "MATCH ({name: 'v3'})-[r]->(t:T) SET r.capacity = 17", transaction=txn)
    assert run(clrs, MAX_FLOW, transaction=txn) == [(21.0,)]
    assert run(clrs, MAX_FLOW) == [(23.0,)]  # other transactions still see the committed capacities
    txn.rollback()
    assert run(clrs, MAX_FLOW) == [(23.0,)]


def test_mage_max_flow_get_flow(clrs):
    run(clrs, "MATCH ()-[r:PIPE]->() SET r.weight = r.capacity")
    rows = run(clrs, "MATCH (s:S), (t:T) CALL max_flow.get_flow(s, t) YIELD max_flow RETURN max_flow")
    assert rows == [(23,)]
    assert run(clrs, "MATCH (s:S), (t:T) CALL max_flow.get_flow(s, t, 'capacity') YIELD max_flow "
                     "RETURN max_flow") == [(23,)]


def test_max_flow_one_row_per_input_row(clrs):
    rows = run(clrs, "MATCH (s:S), (t) WHERE t.name IN ['v3', 't'] CALL algo.max_flow(s, t) YIELD max_flow "
                     "RETURN t.name, max_flow ORDER BY t.name")
    # v3 receives at most 12 (from v1) + 7 (from v4) = 19.
    assert rows == [("t", 23.0), ("v3", 19.0)]


def test_max_flow_errors(clrs):
    raises_code(clrs, "MATCH (s:S) CALL algo.max_flow(s, s) YIELD max_flow RETURN max_flow",
                "Neo.ClientError.Procedure.ProcedureCallFailed")
    run(clrs, "MATCH ()-[r:PIPE]->() WHERE r.capacity = 4 SET r.capacity = -4")
    raises_code(clrs, MAX_FLOW, "Neo.ClientError.Procedure.ProcedureCallFailed")
    run(clrs, "MATCH ()-[r:PIPE]->() WHERE r.capacity = -4 SET r.capacity = 'four'")
    raises_code(clrs, MAX_FLOW, "Neo.ClientError.Statement.TypeError")


# --- weighted shortest path ----------------------------------------------------------------------------------

@pytest.fixture
def diamond() -> Database:
    db = Database()
    run(db, """CREATE (s:S {name: 's'}), (a {name: 'a'}), (b {name: 'b'}), (t:T {name: 't'}),
                      (s)-[:R {weight: 1}]->(a), (s)-[:R {weight: 4}]->(b), (a)-[:R {weight: 5}]->(t),
                      (b)-[:R {weight: 1}]->(t), (a)-[:R {weight: 1.5}]->(b), (t)-[:R {weight: 0}]->(s)""")
    return db


SHORTEST = ("MATCH (s:S), (t:T) CALL algo.shortest_path(s, t) YIELD path, total_weight "
            "RETURN [n IN nodes(path) | n.name], [r IN relationships(path) | r.weight], total_weight")


def test_shortest_path_diamond(diamond):
    assert run(diamond, SHORTEST) == [(["s", "a", "b", "t"], [1, 1.5, 1], 3.5)]


def test_shortest_path_returns_a_path_value(diamond):
    ((path, total),) = run(diamond, "MATCH (s:S), (t:T) CALL algo.shortest_path(s, t) YIELD path, total_weight "
                                    "RETURN path, total_weight")
    assert isinstance(path, Path) and len(path) == 3
    assert [n["name"] for n in path.nodes] == ["s", "a", "b", "t"]
    assert all(isinstance(r, Relationship) for r in path.relationships)
    assert isinstance(path.start_node, Node) and path.start_node["name"] == "s"
    assert total == 3.5 and isinstance(total, float)
    assert run(diamond, "MATCH (s:S), (t:T) CALL algo.shortest_path(s, t) YIELD path "
                        "RETURN length(path), startNode(relationships(path)[0]).name") == [(3, "s")]


def test_shortest_path_direction_and_no_path(diamond):
    # Against the direction only the zero-weight t->s relationship exists.
    assert run(diamond, "MATCH (s:S), (t:T) CALL algo.shortest_path(t, s) YIELD path, total_weight "
                        "RETURN length(path), total_weight") == [(1, 0.0)]
    run(diamond, "CREATE (:Island {name: 'i'})")
    assert run(diamond, "MATCH (s:S), (i:Island) CALL algo.shortest_path(s, i) YIELD path RETURN path") == []
    assert run(diamond, "MATCH (s:S), (i:Island) OPTIONAL CALL algo.shortest_path(s, i) YIELD path, total_weight "
                        "RETURN path, total_weight") == [(None, None)]


def test_shortest_path_same_node_is_empty_path(diamond):
    assert run(diamond, "MATCH (s:S) CALL algo.shortest_path(s, s) YIELD path, total_weight "
                        "RETURN length(path), nodes(path)[0].name, total_weight") == [(0, "s", 0.0)]


def test_shortest_path_parallel_relationships_take_the_lightest():
    db = Database()
    run(db, "CREATE (s:S)-[:R {weight: 3, id: 1}]->(t:T), (s)-[:R {weight: 2, id: 2}]->(t), "
            "(s)-[:R {weight: 2, id: 3}]->(t)")
    assert run(db, "MATCH (s:S), (t:T) CALL algo.shortest_path(s, t) YIELD path, total_weight "
                   "RETURN relationships(path)[0].id, total_weight") == [(2, 2.0)]


def test_shortest_path_missing_weight_is_not_traversable_and_custom_property(diamond):
    run(diamond, "MATCH ({name: 'a'})-[r]->({name: 'b'}) REMOVE r.weight")
    assert run(diamond, SHORTEST) == [(["s", "b", "t"], [4, 1], 5.0)]
    run(diamond, "MATCH ()-[r]->() SET r.cost = 1")
    assert run(diamond, "MATCH (s:S), (t:T) CALL algo.shortest_path(s, t, 'cost') YIELD total_weight "
                        "RETURN total_weight") == [(2.0,)]


def test_shortest_path_null_node_gives_no_row(diamond):
    assert run(diamond, "OPTIONAL MATCH (x:Missing) WITH x MATCH (t:T) "
                        "CALL algo.shortest_path(x, t) YIELD path RETURN path") == []


def test_shortest_path_errors(diamond):
    run(diamond, "MATCH ()-[r]->() WHERE r.weight = 4 SET r.weight = -4")
    raises_code(diamond, SHORTEST, "Neo.ClientError.Procedure.ProcedureCallFailed")
    run(diamond, "MATCH ()-[r]->() WHERE r.weight = -4 SET r.weight = true")
    raises_code(diamond, SHORTEST, "Neo.ClientError.Statement.TypeError")


# --- PageRank ------------------------------------------------------------------------------------------------

@pytest.fixture
def star_in() -> Database:
    """A hub every leaf points to, plus a short chain."""
    db = Database()
    run(db, """CREATE (h:Hub {name: 'hub'}), (a {name: 'a'})-[:L]->(h), (b {name: 'b'})-[:L]->(h),
                      (c {name: 'c'})-[:L]->(h), (d {name: 'd'})-[:L]->(h), (h)-[:L]->(a), (c)-[:L]->(d)""")
    return db


def test_pagerank_sums_to_one_and_hub_ranks_highest(star_in):
    rows = run(star_in, "CALL algo.pagerank() YIELD node, rank RETURN node.name, rank")
    ranks = by_name(rows)
    assert [name for name, _ in rows] == ["hub", "a", "b", "c", "d"]  # storage order
    assert sum(ranks.values()) == pytest.approx(1.0, abs=1e-9)
    assert max(ranks, key=ranks.get) == "hub"
    assert ranks["b"] == pytest.approx(ranks["c"])  # two nodes nobody points to
    assert ranks["a"] > ranks["b"]  # a is pointed to by the hub


def test_pagerank_matches_networkx(star_in):
    pytest.importorskip("scipy")
    import networkx as nx
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(["hub", "a", "b", "c", "d"])
    graph.add_edges_from([("a", "hub"), ("b", "hub"), ("c", "hub"), ("d", "hub"), ("hub", "a"), ("c", "d")])
    for alpha in (0.85, 0.5):
        expected = nx.pagerank(graph, alpha=alpha, tol=1e-10, max_iter=1000)
        ranks = by_name(run(star_in, "CALL algo.pagerank($d, 1000, 1e-10) YIELD node, rank RETURN node.name, rank",
                            {"d": alpha}))
        assert ranks == pytest.approx(expected, abs=1e-8)


def test_pagerank_parallel_relationships_count_and_dangling_nodes():
    pytest.importorskip("scipy")
    import networkx as nx
    db = Database()
    run(db, "CREATE (a {name: 'a'})-[:R]->(b {name: 'b'}), (a)-[:R]->(b), (a)-[:R]->(c {name: 'c'}), "
            "(c)-[:R]->(c), (d {name: 'd'})")
    graph = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("a", "c"), ("c", "c")])
    graph.add_node("d")
    expected = nx.pagerank(graph, tol=1e-10, max_iter=1000)
    ranks = by_name(run(db, "CALL algo.pagerank(0.85, 1000, 1e-10) YIELD node, rank RETURN node.name, rank"))
    assert ranks == pytest.approx(expected, abs=1e-8)


def test_pagerank_iteration_budget_returns_last_iterate(star_in):
    one = by_name(run(star_in, "CALL algo.pagerank(0.85, 1) YIELD node, rank RETURN node.name, rank"))
    # One step from the uniform vector: a, b and d give the hub all of their 1/5, c (two links) half of it.
    assert one["hub"] == pytest.approx(0.15 / 5 + 0.85 * (3 / 5 + 1 / 10))
    assert sum(one.values()) == pytest.approx(1.0)


def test_pagerank_empty_graph_and_mage_alias(star_in):
    assert run(Database(), "CALL algo.pagerank() YIELD node, rank RETURN node, rank") == []
    mage = by_name(run(star_in, "CALL pagerank.get(1000, 0.85, 1e-10) YIELD node, rank RETURN node.name, rank"))
    ours = by_name(run(star_in, "CALL algo.pagerank(0.85, 1000, 1e-10) YIELD node, rank RETURN node.name, rank"))
    assert mage == pytest.approx(ours)


def test_pagerank_standalone_call_columns(star_in):
    result = star_in.execute("CALL algo.pagerank()")
    rows = list(result)
    assert result.keys == ["node", "rank"]
    assert len(rows) == 5 and all(isinstance(node, Node) for node, _ in rows)


def test_pagerank_invalid_configuration(star_in):
    raises_code(star_in, "CALL algo.pagerank(1.5) YIELD rank RETURN rank",
                "Neo.ClientError.Procedure.ProcedureCallFailed")
    raises_code(star_in, "CALL algo.pagerank(0.85, 0) YIELD rank RETURN rank",
                "Neo.ClientError.Procedure.ProcedureCallFailed")
    raises_code(star_in, "CALL algo.pagerank(0.85, 10, -1.0) YIELD rank RETURN rank",
                "Neo.ClientError.Procedure.ProcedureCallFailed")


# --- weakly connected components -----------------------------------------------------------------------------

def test_weakly_connected_components_disconnected_graph():
    db = Database()
    run(db, """CREATE (a {name: 'a'})-[:R]->(b {name: 'b'}), (c {name: 'c'}),
                      (d {name: 'd'})<-[:R]-(e {name: 'e'})-[:R]->(f {name: 'f'}), (g {name: 'g'})-[:R]->(a),
                      (c)-[:R]->(c)""")
    rows = run(db, "CALL algo.weakly_connected_components() YIELD node, component_id "
                   "RETURN node.name, component_id")
    assert rows == [("a", 0), ("b", 0), ("c", 1), ("d", 2), ("e", 2), ("f", 2), ("g", 0)]
    assert run(db, "CALL weakly_connected_components.get() YIELD node, component_id "
                   "RETURN node.name, component_id") == rows
    assert run(db, "CALL algo.weakly_connected_components() YIELD component_id "
                   "RETURN count(DISTINCT component_id)") == [(3,)]


def test_weakly_connected_components_empty_graph():
    assert run(Database(), "CALL algo.weakly_connected_components() YIELD node RETURN node") == []


# --- betweenness centrality ----------------------------------------------------------------------------------

@pytest.fixture
def star_out() -> Database:
    db = Database()
    run(db, """CREATE (c:Center {name: 'c'}), (c)-[:R]->({name: 'l1'}), (c)-[:R]->({name: 'l2'}),
                      (c)-[:R]->({name: 'l3'}), (c)-[:R]->({name: 'l4'})""")
    return db


BETWEENNESS = ("CALL algo.betweenness_centrality({args}) YIELD node, betweenness_centrality "
               "RETURN node.name, betweenness_centrality")


def test_betweenness_star_undirected(star_out):
    scores = by_name(run(star_out, BETWEENNESS.format(args="false, true")))
    assert scores == {"c": 1.0, "l1": 0.0, "l2": 0.0, "l3": 0.0, "l4": 0.0}
    scores = by_name(run(star_out, BETWEENNESS.format(args="false, false")))
    assert scores["c"] == 6.0  # C(4, 2) pairs of leaves


def test_betweenness_star_directed(star_out):
    # All relationships leave the center: no directed shortest path runs through it.
    assert set(by_name(run(star_out, BETWEENNESS.format(args=""))).values()) == {0.0}
    run(star_out, "MATCH (c:Center)-[r]->(l) WHERE l.name IN ['l1', 'l2'] DELETE r CREATE (l)-[:R]->(c)")
    scores = by_name(run(star_out, BETWEENNESS.format(args="true, false")))
    assert scores["c"] == 4.0  # l1, l2 -> c -> l3, l4
    scores = by_name(run(star_out, BETWEENNESS.format(args="")))
    assert scores["c"] == pytest.approx(4 / 12)  # normalized by (n-1)(n-2)


def test_betweenness_parallel_relationships_count_once_and_mage_alias():
    db = Database()
    run(db, "CREATE (a {name: 'a'})-[:R]->(b {name: 'b'})-[:R]->(c {name: 'c'}), (a)-[:R]->(b), (a)-[:S]->(b)")
    assert by_name(run(db, BETWEENNESS.format(args="true, false"))) == {"a": 0.0, "b": 1.0, "c": 0.0}
    assert by_name(run(db, "CALL betweenness_centrality.get(true, false) YIELD node, betweenness_centrality "
                           "RETURN node.name, betweenness_centrality")) == {"a": 0.0, "b": 1.0, "c": 0.0}


def test_betweenness_matches_networkx():
    import networkx as nx
    db = Database()
    edges = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (1, 4), (6, 2)]
    run(db, "UNWIND range(0, 6) AS i CREATE (:N {id: i})")
    run(db, "UNWIND $edges AS e MATCH (a:N {id: e[0]}), (b:N {id: e[1]}) CREATE (a)-[:R]->(b)",
        {"edges": [list(e) for e in edges]})
    for directed in (True, False):
        graph = nx.DiGraph(edges) if directed else nx.Graph(edges)
        expected = nx.betweenness_centrality(graph, normalized=True)
        got = by_name(run(db, "CALL algo.betweenness_centrality($d) YIELD node, betweenness_centrality "
                              "RETURN node.id, betweenness_centrality", {"d": directed}))
        assert got == pytest.approx(expected)


# --- snapshots and transactions ------------------------------------------------------------------------------

COMPONENTS = "CALL algo.weakly_connected_components() YIELD node, component_id RETURN node.name, component_id"


def test_results_reflect_the_transaction_snapshot():
    db = Database()
    run(db, "CREATE ({name: 'a'}), ({name: 'b'})")
    writer = db.begin()
    run(db, "MATCH (a {name: 'a'}), (b {name: 'b'}) CREATE (a)-[:R]->(b), ({name: 'c'})", transaction=writer)
    # The writer sees its own uncommitted changes ...
    assert run(db, COMPONENTS, transaction=writer) == [("a", 0), ("b", 0), ("c", 1)]
    # ... another transaction does not.
    assert run(db, COMPONENTS) == [("a", 0), ("b", 1)]
    reader = db.begin()
    writer.commit()
    # A snapshot taken before the commit keeps not seeing it; a new one does.
    assert run(db, COMPONENTS, transaction=reader) == [("a", 0), ("b", 1)]
    reader.commit()
    assert run(db, COMPONENTS) == [("a", 0), ("b", 0), ("c", 1)]


def test_uncommitted_deletes_and_property_changes_of_others_are_not_seen(clrs):
    other = clrs.begin()
    run(clrs, "MATCH ({name: 'v3'})-[r]->(:T) DELETE r", transaction=other)
    run(clrs, "MATCH (s:S)-[r]->() SET r.capacity = 1", transaction=other)
    assert run(clrs, MAX_FLOW, transaction=other) == [(2.0,)]
    assert run(clrs, MAX_FLOW) == [(23.0,)]
    other.rollback()


def test_writes_earlier_in_the_same_query_are_seen(clrs):
    assert run(clrs, "MATCH ({name: 'v4'})-[r]->(:T) SET r.capacity = 100 "
                     "WITH count(*) AS done MATCH (s:S), (t:T) CALL algo.max_flow(s, t) YIELD max_flow "
                     "RETURN max_flow") == [(25.0,)]  # now s's side limits: 12 through v1 + 13 into v2


def test_node_deleted_by_this_transaction_is_not_found(clrs):
    txn = clrs.begin()
    raises = None
    try:
        run(clrs, "MATCH (s:S), (t:T) DETACH DELETE s WITH s, t CALL algo.max_flow(s, t) YIELD max_flow "
                  "RETURN max_flow", transaction=txn)
    except Neo4jError as error:
        raises = error
    assert raises is not None and raises.code == "Neo.ClientError.Statement.EntityNotFound"
    txn.rollback()


def test_terminated_transaction_stops_the_procedure(star_in):
    txn = star_in.begin()
    txn.terminate(TransientError("The transaction has been terminated.",
                                 "Neo.TransientError.Transaction.Terminated"))
    with pytest.raises(TransientError):
        run(star_in, "CALL algo.betweenness_centrality() YIELD node RETURN node", transaction=txn)
    txn.rollback()


class _Stop(Exception):
    pass


def test_termination_is_checked_inside_the_networkx_computation():
    """The adjacency networkx traverses is a termination point: a check fails deep inside the algorithm."""
    db = Database()
    n = 60
    run(db, "UNWIND range(0, $n - 1) AS i CREATE (:N {id: i})", {"n": n})
    run(db, "MATCH (a:N), (b:N) WHERE b.id = (a.id + 1) % $n OR b.id = (a.id * 7) % $n "
            "CREATE (a)-[:R {weight: 1, capacity: a.id % 5 + 1}]->(b)", {"n": n})
    txn = db.begin()

    class CountingContext(ExecutionContext):
        calls = 0
        fail_at = None

        def check(self):
            CountingContext.calls += 1
            if CountingContext.calls == CountingContext.fail_at:
                raise _Stop

    ctx = CountingContext(txn, {})
    rows = list(algorithms.betweenness_centrality(ctx, True, True))
    assert len(rows) == n
    total = CountingContext.calls
    assert total > n * n  # Brandes looks up an adjacency per node per source
    CountingContext.calls, CountingContext.fail_at = 0, total - 10
    with pytest.raises(_Stop):
        list(algorithms.betweenness_centrality(ctx, True, True))
    for procedure, args in ((algorithms.max_flow, ()), (algorithms.shortest_path, ())):
        CountingContext.calls, CountingContext.fail_at = 0, None
        vertices = list(txn.vertices())
        assert len(list(procedure(ctx, vertices[0], vertices[n // 2], *args))) == 1
        assert CountingContext.calls > n  # traversals inside networkx went through the check
    txn.rollback()


# --- errors --------------------------------------------------------------------------------------------------

def test_wrong_argument_types(clrs):
    for query in ("MATCH (t:T) CALL algo.max_flow(1, t) YIELD max_flow RETURN max_flow",
                  "MATCH (s:S) CALL algo.max_flow(s, 'x') YIELD max_flow RETURN max_flow",
                  "MATCH (s:S), (t:T) CALL algo.max_flow(s, t, 5) YIELD max_flow RETURN max_flow",
                  "MATCH (s:S)-[r]->() WITH s, r LIMIT 1 CALL algo.shortest_path(s, r) YIELD path RETURN path",
                  "CALL algo.pagerank('high') YIELD rank RETURN rank",
                  "CALL algo.pagerank(0.85, 1.5) YIELD rank RETURN rank",
                  "CALL algo.betweenness_centrality('yes') YIELD node RETURN node",
                  "CALL pagerank.get(0.85) YIELD rank RETURN rank"):
        raises_code(clrs, query, "Neo.ClientError.Statement.TypeError")


def test_wrong_argument_count_and_unknown_output(clrs):
    raises_code(clrs, "MATCH (s:S) CALL algo.max_flow(s) YIELD max_flow RETURN max_flow", "Neo.ClientError.")
    raises_code(clrs, "CALL algo.weakly_connected_components(1)", "Neo.ClientError.")
    raises_code(clrs, "CALL algo.pagerank() YIELD score RETURN score", "Neo.ClientError.")


def test_unknown_procedure(clrs):
    error = raises_code(clrs, "CALL algo.no_such_algorithm() YIELD x RETURN x",
                        "Neo.ClientError.Procedure.ProcedureNotFound")
    assert "algo.no_such_algorithm" in error.message


def test_procedures_are_registered_with_their_signatures():
    from graphplex.databases.cypher.lookup import find_procedure as find
    spec = find("algo.max_flow")
    assert [n for n, _, _ in spec.inputs] == ["source", "sink", "capacityProperty"]
    assert spec.outputs == (("max_flow", "FLOAT"),)
    assert find("ALGO.PAGERANK").outputs == (("node", "NODE"), ("rank", "FLOAT"))
    for name in ("algo.shortest_path", "algo.weakly_connected_components", "algo.betweenness_centrality",
                 "max_flow.get_flow", "pagerank.get", "weakly_connected_components.get",
                 "betweenness_centrality.get"):
        assert find(name).mode == "READ" and find(name).description
