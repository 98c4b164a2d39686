"""The networkx peer is the floor issue 18 measures against: it must answer every workload statement as graphplex
does, on graphs where the trail rule and repeated relationships matter."""
import pytest

from bench import cypher_bench
from bench.cypher_queries import (AGGREGATE, COUNT_NODES, COUNT_RELS, LOAD_NODES, READ_CREATED, SHORTEST_PATH,
                                  TWO_HOP, TX_CREATE)
from bench.peers.networkx_engine import NetworkxEngine

PAIRS = [(0, 0), (0, 1), (1, 2), (2, 3), (3, 1), (1, 1), (1, 1), (4, 4), (2, 2), (2, 0)]


def _both() -> list:
    engines = [cypher_bench.GraphplexEngine(index=True), NetworkxEngine(index=True)]
    for engine in engines:
        engine.write(LOAD_NODES, {"rows": [cypher_bench.person(i) for i in range(6)]})
        for item in engine.prepare_rel_batches([[{"a": a, "b": b} for a, b in PAIRS]]):
            engine.load_rel_batch(item)
    return engines


@pytest.mark.parametrize("start", range(6))
def test_two_hop_counts_trails_like_graphplex(start):
    graphplex, networkx = _both()
    assert networkx.run(TWO_HOP, {"id": start}) == graphplex.run(TWO_HOP, {"id": start})


@pytest.mark.parametrize(("a", "b"), [(0, 3), (3, 0), (4, 0), (0, 4), (2, 1), (5, 0)])
def test_shortest_path_length_like_graphplex(a, b):
    graphplex, networkx = _both()
    assert networkx.run(SHORTEST_PATH, {"a": a, "b": b}) == graphplex.run(SHORTEST_PATH, {"a": a, "b": b})


def test_counts_aggregate_and_created_relationships_like_graphplex():
    graphplex, networkx = _both()
    for engine in (graphplex, networkx):
        txn = engine.begin()
        engine.run_in(txn, TX_CREATE, {**cypher_bench.person(6), "b": 1})
        engine.commit(txn)
    for query, params in ((COUNT_NODES, None), (COUNT_RELS, None), (AGGREGATE, None),
                          (READ_CREATED, {"id": 6}), (READ_CREATED, {"id": 1})):
        assert sorted(networkx.run(query, params)) == sorted(graphplex.run(query, params)), query


def test_every_workload_verifies_on_a_small_graph():
    """The workload functions check each answer and stop the run (SystemExit) on a wrong one."""
    sizes, node_batches, rel_batches, inputs, _ = cypher_bench.prepare(0.001)
    engine, _ = cypher_bench.w3_bulk_load(NetworkxEngine, sizes, node_batches, rel_batches)
    cypher_bench.verify_w3(engine, sizes)
    cypher_bench.w2_point_read(engine, inputs)
    cypher_bench.w4_two_hop(engine, inputs)
    cypher_bench.w5_aggregate_scan(engine, inputs, sizes)
    cypher_bench.w8_shortest_path(engine, inputs)
    cypher_bench.w6_explicit_tx(engine, inputs, sizes)
