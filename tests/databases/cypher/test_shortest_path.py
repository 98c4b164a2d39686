"""shortestPath and allShortestPaths agree with networkx on random graphs (parallel edges, bounds, no path)."""
import random

import networkx as nx
import pytest

from graphplex.databases import Database


@pytest.fixture(scope="module")
def graph():
    rng = random.Random(7)
    nodes = 120
    pairs = [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(260)]
    db = Database()
    list(db.execute("UNWIND range(0, $n - 1) AS i CREATE (:P {id: i})", {"n": nodes}))
    list(db.execute("CREATE INDEX FOR (p:P) ON (p.id)"))
    list(db.execute("UNWIND $pairs AS p MATCH (a:P {id: p[0]}), (b:P {id: p[1]}) CREATE (a)-[:K]->(b)",
                    {"pairs": pairs}))
    reference = nx.MultiDiGraph()
    reference.add_nodes_from(range(nodes))
    reference.add_edges_from(pairs)
    return db, reference, rng


def expected_length(reference, a, b, limit):
    try:
        length = nx.shortest_path_length(reference, a, b)
    except nx.NetworkXNoPath:
        return None
    return length if length <= limit else None


def expected_count(reference, a, b):
    simple = nx.DiGraph(reference)
    total = 0
    for path in nx.all_shortest_paths(simple, a, b):
        count = 1
        for u, v in zip(path, path[1:]):
            count *= reference.number_of_edges(u, v)
        total += count
    return total


@pytest.mark.parametrize("limit", [3, 10])
def test_shortest_path_lengths_match_networkx(graph, limit):
    db, reference, rng = graph
    for _ in range(60):
        a, b = rng.randrange(120), rng.randrange(120)
        if a == b:
            continue
        rows = list(db.execute(f"MATCH p = shortestPath((a:P {{id: $a}})-[:K*..{limit}]->(b:P {{id: $b}})) "
                               "RETURN length(p)", {"a": a, "b": b}))
        assert (rows[0][0] if rows else None) == expected_length(reference, a, b, limit), (a, b)


def test_all_shortest_paths_count_parallel_relationships(graph):
    db, reference, rng = graph
    for _ in range(60):
        a, b = rng.randrange(120), rng.randrange(120)
        if a == b or expected_length(reference, a, b, 20) is None:
            continue
        rows = list(db.execute("MATCH p = allShortestPaths((a:P {id: $a})-[:K*..20]->(b:P {id: $b})) "
                               "RETURN count(p)", {"a": a, "b": b}))
        assert rows[0][0] == expected_count(reference, a, b), (a, b)


def test_paths_are_well_formed(graph):
    db, _, _ = graph
    rows = list(db.execute("MATCH (a:P {id: 0}), (b:P) WHERE b.id > 0 "
                           "MATCH p = shortestPath((a)-[:K*..10]->(b)) RETURN p LIMIT 20"))
    for (path,) in rows:
        assert path.start_node["id"] == 0
        for relationship, (start, end) in zip(path.relationships, zip(path.nodes, path.nodes[1:])):
            assert (relationship.start_node, relationship.end_node) == (start, end)
