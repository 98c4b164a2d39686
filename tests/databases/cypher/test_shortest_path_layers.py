"""shortestPath's bidirectional layers (`expand_each`, one parent per vertex for one path) against a plain
breadth-first search over the relationships the transaction sees, on random graphs with own creations and
deletions: the same length (or no path) within the hop limit, a real path of the pattern's direction from a to b,
and the same answer when PROFILE runs it through the metered transaction."""
from __future__ import annotations

from collections import deque

from hypothesis import given, settings, strategies as st

from graphplex.databases import Database

NODES = 7
edges = st.lists(st.tuples(st.integers(0, NODES - 1), st.integers(0, NODES - 1)), max_size=16)


def reference_length(pairs, a: int, b: int, direction: str, high: int) -> int | None:
    neighbours: dict[int, set[int]] = {}
    for x, y in pairs:
        if direction != "<-":
            neighbours.setdefault(x, set()).add(y)
        if direction != "->":
            neighbours.setdefault(y, set()).add(x)
    depth = {a: 0}
    queue = deque([a])
    while queue:
        vertex = queue.popleft()
        for other in neighbours.get(vertex, ()):
            if other not in depth:
                depth[other] = depth[vertex] + 1
                queue.append(other)
    found = depth.get(b)
    return found if found is not None and found <= high else None


@settings(max_examples=150, deadline=None)
@given(committed=edges, own=edges, deletions=st.lists(st.integers(0, 40), max_size=4),
       direction=st.sampled_from(["->", "<-", "-"]), high=st.integers(1, 6),
       a=st.integers(0, NODES - 1), b=st.integers(0, NODES - 1))
def test_shortest_path_matches_breadth_first_search(committed, own, deletions, direction, high, a, b):
    db = Database()
    db.execute("UNWIND range(0, $n - 1) AS i CREATE (:N {id: i})", {"n": NODES}).consume()
    db.execute("UNWIND $pairs AS p MATCH (x:N {id: p[0]}), (y:N {id: p[1]}) CREATE (x)-[:R]->(y)",
               {"pairs": [list(pair) for pair in committed]}).consume()
    txn = db.begin()
    vertices = {v.head.props["id"]: v for v in txn.vertices()}
    for x, y in own:
        txn.create_edge(vertices[x], vertices[y], "R")
    present = list(txn.edges())
    for pick in deletions:
        if present:
            txn.delete_edge(present[pick % len(present)])
    seen = [(e.src.head.props["id"], e.dst.head.props["id"]) for e in txn.edges()]
    left, right = ("<-", "-") if direction == "<-" else ("-", "->" if direction == "->" else "-")
    query = (f"MATCH p = shortestPath((a:N {{id: $a}}){left}[:R*..{high}]{right}(b:N {{id: $b}})) "
             "RETURN [n IN nodes(p) | n.id] AS ids")
    rows = list(db.execute(query, {"a": a, "b": b}, transaction=txn))
    assert rows == list(db.execute("PROFILE " + query, {"a": a, "b": b}, transaction=txn))
    if a == b:
        return  # a cycle, `_bfs_cycle`'s search, not the layers'
    expected = reference_length(seen, a, b, direction, high)
    if expected is None:
        assert rows == []
        return
    [(ids,)] = rows
    assert len(ids) - 1 == expected and ids[0] == a and ids[-1] == b
    for x, y in zip(ids, ids[1:]):
        assert ((x, y) in seen and direction != "<-") or ((y, x) in seen and direction != "->")
    txn.rollback()
