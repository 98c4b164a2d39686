"""The pure-Python floor of issue 18: each W1-W8 statement done by a plain Python program over a networkx `DiGraph`,
as a user without a database would write it. `bench/cypher_bench.py` runs the same workload functions on it as on
the databases, so its answers are verified the same way.

The graph: one node per element (attributes `labels` (a set), `id`, `name`, `age`), a dict from `id` to node as
the index (like Kùzu's primary key it is always there). A `DiGraph` holds one edge per ordered pair, so an edge's
attribute dict maps a relationship type to its multiplicity (`{"KNOWS": 2}`): the W3 pairs repeat and loop, and
relationship counts and W4's trail rule need every copy. Only the public networkx API is used (`graph.succ`,
`graph.nodes`, `bidirectional_shortest_path`), views included: that is the program a user writes.
"""
from __future__ import annotations

import itertools
from collections import Counter
from typing import Callable

from bench.cypher_queries import (AGGREGATE, COUNT_NODES, COUNT_RELS, CREATE_PERSON, LOAD_NODES, LOAD_RELS,
                                  MAX_HOPS, POINT_READ, READ_CREATED, READ_RECORD, SHORTEST_PATH, TWO_HOP,
                                  TX_CREATE)

PERSON = "Person"
KNOWS = "KNOWS"


class NetworkxEngine:
    """The engine adapter `cypher_bench` drives: `run(statement, params)` calls the program written for that
    statement's text. No transactions: W6's statements apply as they run and `commit` does nothing."""

    name = "networkx"
    shortest = SHORTEST_PATH
    two_hop_semantics = "trail"
    rel_method = "DiGraph.add_edge per pair (batches of 10,000), endpoints through the id dict"

    def __init__(self, index: bool) -> None:  # the id dict is the index, always there
        import networkx
        self.nx = networkx
        self.graph = networkx.DiGraph()
        self.by_id: dict[int, int] = {}
        self.keys = itertools.count()
        self.programs: dict[str, Callable[[dict], list[tuple]]] = {
            CREATE_PERSON: self.create_person, POINT_READ: self.point_read, LOAD_NODES: self.load_nodes,
            LOAD_RELS: self.load_rels, TWO_HOP: self.two_hop, AGGREGATE: self.aggregate,
            TX_CREATE: self.tx_create, SHORTEST_PATH: self.shortest_path, COUNT_NODES: self.count_nodes,
            COUNT_RELS: self.count_rels, READ_RECORD: self.read_record, READ_CREATED: self.read_created,
        }

    # --- the adapter contract of cypher_bench ---

    def run(self, query: str, params: dict | None = None) -> list[tuple]:
        return self.programs[query](params or {})

    def write(self, query: str, params: dict | None = None) -> None:
        self.programs[query](params or {})

    def prepare_rel_batches(self, rel_batches: list[list[dict]]) -> list[dict]:
        return [{"pairs": batch} for batch in rel_batches]

    def load_rel_batch(self, params: dict) -> None:
        self.load_rels(params)

    def begin(self) -> None:
        return None

    def run_in(self, txn: None, query: str, params: dict) -> list[tuple]:
        return self.run(query, params)

    def commit(self, txn: None) -> None:
        return None

    # --- writes ---

    def _add_person(self, record: dict) -> int:
        key = next(self.keys)
        self.graph.add_node(key, labels={PERSON}, id=record["id"], name=record["name"], age=record["age"])
        self.by_id[record["id"]] = key
        return key

    def _add_knows(self, a: int, b: int) -> None:
        data = self.graph.succ[a].get(b)
        if data is None:
            self.graph.add_edge(a, b, **{KNOWS: 1})
        else:
            data[KNOWS] = data.get(KNOWS, 0) + 1

    def create_person(self, params: dict) -> list[tuple]:
        self._add_person(params)
        return []

    def load_nodes(self, params: dict) -> list[tuple]:
        for record in params["rows"]:
            self._add_person(record)
        return []

    def load_rels(self, params: dict) -> list[tuple]:
        by_id = self.by_id
        for pair in params["pairs"]:
            a, b = by_id.get(pair["a"]), by_id.get(pair["b"])
            if a is not None and b is not None:
                self._add_knows(a, b)
        return []

    def tx_create(self, params: dict) -> list[tuple]:
        b = self.by_id.get(params["b"])
        if b is not None:
            self._add_knows(self._add_person(params), b)
        return []

    # --- reads ---

    def point_read(self, params: dict) -> list[tuple]:
        key = self.by_id.get(params["id"])
        return [] if key is None else [(self.graph.nodes[key]["name"],)]

    def read_record(self, params: dict) -> list[tuple]:
        key = self.by_id.get(params["id"])
        if key is None:
            return []
        attrs = self.graph.nodes[key]
        return [(attrs["name"], attrs["age"])]

    def read_created(self, params: dict) -> list[tuple]:
        key = self.by_id.get(params["id"])
        if key is None:
            return []
        name, nodes = self.graph.nodes[key]["name"], self.graph.nodes
        return [(name, nodes[b]["id"]) for b, data in self.graph.succ[key].items()
                for _ in range(data.get(KNOWS, 0))]

    def two_hop(self, params: dict) -> list[tuple]:
        """count(DISTINCT c) over a-[:KNOWS]->m-[:KNOWS]->c with the two relationships distinct (openCypher's
        trail rule): they can only be the same one when both are the self-loop a->a, which needs two copies."""
        a = self.by_id.get(params["id"])
        if a is None:
            return [(0,)]
        succ = self.graph.succ
        reached = set()
        for middle, first in succ[a].items():
            if KNOWS not in first:
                continue
            for end, second in succ[middle].items():
                if KNOWS in second and (end != a or middle != a or first[KNOWS] > 1):
                    reached.add(end)
        return [(len(reached),)]

    def aggregate(self, params: dict) -> list[tuple]:
        counts = Counter(attrs["age"] % 10 for _, attrs in self.graph.nodes(data=True) if PERSON in attrs["labels"])
        return sorted(counts.items())

    def shortest_path(self, params: dict) -> list[tuple]:
        """networkx's bidirectional BFS; every edge of the W3 graph is a KNOWS edge, so no type filter is needed."""
        a, b = self.by_id.get(params["a"]), self.by_id.get(params["b"])
        if a is None or b is None:
            return []
        try:
            length = len(self.nx.bidirectional_shortest_path(self.graph, a, b)) - 1
        except self.nx.NetworkXNoPath:
            return []
        return [(length,)] if length <= MAX_HOPS else []

    def count_nodes(self, params: dict) -> list[tuple]:
        return [(sum(1 for _, labels in self.graph.nodes(data="labels") if PERSON in labels),)]

    def count_rels(self, params: dict) -> list[tuple]:
        nodes = self.graph.nodes
        return [(sum(data.get(KNOWS, 0) for a, b, data in self.graph.edges(data=True)
                     if PERSON in nodes[a]["labels"] and PERSON in nodes[b]["labels"]),)]
