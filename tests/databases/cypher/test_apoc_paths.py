"""apoc.path.expandConfig with its default uniqueness (RELATIONSHIP_PATH) finds exactly the paths a variable-length
MATCH finds (relationship-unique paths), for random small graphs, every relationship filter direction and levels;
subgraphNodes finds exactly the nodes reachable within maxLevel hops."""
from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphplex.databases import Database

TYPES = ("A", "B")

graphs = st.integers(min_value=1, max_value=6).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(TYPES)), max_size=9)))

# (relationshipFilter, the relationship pattern of the same meaning)
FILTERS = [(None, "-[*{lo}..{hi}]-"), ("A>", "-[:A*{lo}..{hi}]->"), ("<A", "<-[:A*{lo}..{hi}]-"),
           ("A", "-[:A*{lo}..{hi}]-"), ("A>|<B", None)]


def build(n: int, edges) -> Database:
    db = Database()
    list(db.execute("UNWIND range(0, $n - 1) AS i CREATE (:N {i: i})", {"n": n}))
    for src, dst, type_ in edges:
        list(db.execute(f"MATCH (a:N {{i: $s}}), (b:N {{i: $d}}) CREATE (a)-[:{type_}]->(b)", {"s": src, "d": dst}))
    return db


def shapes(db: Database, query: str, parameters: dict) -> Counter:
    """Each path as (node ids, relationship ids), counted."""
    return Counter((tuple(row[0]), tuple(row[1])) for row in db.execute(query, parameters))


SHAPE = "RETURN [x IN nodes(p) | id(x)], [r IN relationships(p) | id(r)]"


def matched(db: Database, pattern: str | None, start: int, lo: int, hi: int) -> Counter:
    if pattern is not None:
        return shapes(db, f"MATCH p = (s:N {{i: $start}}){pattern.format(lo=lo, hi=hi)}() {SHAPE}", {"start": start})
    # "A>|<B": outgoing A or incoming B at every step, which one MATCH pattern cannot say; a union of orientations
    # per step is what the expander follows, so compare with a filter on the Cypher side instead.
    query = (f"MATCH p = (s:N {{i: $start}})-[rs:A|B*{lo}..{hi}]-() "
             "WHERE all(k IN range(0, size(rs) - 1) WHERE "
             "  (type(rs[k]) = 'A' AND startNode(rs[k]) = nodes(p)[k]) OR "
             "  (type(rs[k]) = 'B' AND endNode(rs[k]) = nodes(p)[k])) " + SHAPE)
    return shapes(db, query, {"start": start})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs, st.sampled_from(FILTERS), st.integers(0, 1), st.integers(0, 4), st.booleans(), st.data())
def test_expand_config_finds_what_a_variable_length_match_finds(graph, filter_, lo, hi, bfs, data):
    n, edges = graph
    db = build(n, edges)
    start = data.draw(st.integers(0, n - 1))
    lo = min(lo, hi)
    relationship_filter, pattern = filter_
    config = {"minLevel": lo, "maxLevel": hi, "bfs": bfs}
    if relationship_filter is not None:
        config["relationshipFilter"] = relationship_filter
    expanded = shapes(db, "MATCH (s:N {i: $start}) CALL apoc.path.expandConfig(s, $config) YIELD path AS p "
                          + SHAPE, {"start": start, "config": config})
    assert expanded == matched(db, pattern, start, lo, hi)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs, st.integers(0, 4), st.data())
def test_subgraph_nodes_finds_every_node_within_reach(graph, hi, data):
    n, edges = graph
    db = build(n, edges)
    start = data.draw(st.integers(0, n - 1))
    found = [row[0] for row in db.execute("MATCH (s:N {i: $start}) CALL apoc.path.subgraphNodes(s, "
                                          "{maxLevel: $hi}) YIELD node RETURN node.i", {"start": start, "hi": hi})]
    reachable = {row[0] for row in db.execute(f"MATCH (s:N {{i: $start}})-[*0..{hi}]-(x) RETURN DISTINCT x.i",
                                              {"start": start})}
    assert sorted(found) == sorted(reachable), "every node once"
