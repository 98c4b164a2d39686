"""shortestPath stops its last layer at the first vertex both searches reached: the path it returns is still the
first one allShortestPaths lists (the whole layer's first), on random graphs with parallel relationships, in
every direction."""
import random

import pytest

from graphplex.databases import Database


@pytest.fixture(scope="module")
def db():
    rng = random.Random(11)
    nodes = 150
    pairs = [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(400)]
    database = Database()
    list(database.execute("UNWIND range(0, $n - 1) AS i CREATE (:P {id: i})", {"n": nodes}))
    list(database.execute("UNWIND $pairs AS p MATCH (a:P {id: p[0]}), (b:P {id: p[1]}) CREATE (a)-[:K]->(b)",
                          {"pairs": pairs}))
    return database, rng, nodes


@pytest.mark.parametrize("arrow", ["-[r:K*..8]->", "<-[r:K*..8]-", "-[r:K*..8]-"])
def test_the_shortest_path_is_the_first_of_all_shortest_paths(db, arrow):
    database, rng, nodes = db
    query = ("MATCH (a:P {id: $a}), (b:P {id: $b}) MATCH p = %s((a)" + arrow + "(b)) "
             "RETURN [n IN nodes(p) | n.id] AS ids, [x IN relationships(p) | id(x)] AS rels")
    compared = 0
    for _ in range(60):
        a, b = rng.randrange(nodes), rng.randrange(nodes)
        if a == b:
            continue
        one = list(database.execute(query % "shortestPath", {"a": a, "b": b}))
        every = list(database.execute(query % "allShortestPaths", {"a": a, "b": b}))
        assert one == every[:1]
        compared += bool(one)
    assert compared > 20
