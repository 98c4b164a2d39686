"""apoc.meta.graph and apoc.meta.graphSample: the meta-graph as virtual nodes (one per label, with `name` and
`count`) and virtual relationships (one per start label, type and end label the counts allow, with `type`, `out`,
`in` and `count`), which LlamaIndex's Neo4jPropertyGraphStore reads when it refreshes its schema. As APOC, the
combinations come from counts (a start label seen with the type, an end label seen with it); apoc.meta.graph then
drops those that sampling does not find, apoc.meta.graphSample keeps them. Virtual entities have negative ids
and are the public `Node` and `Relationship` values, as db.schema.visualization's."""
from __future__ import annotations

from typing import Iterator

from graphplex.databases.cypher.apoc.meta import sample_config
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.cypher.procedures_db import visible_labels
from graphplex.databases.graph_types import Node, Relationship

OUTPUTS = [("nodes", "LIST<NODE>"), ("relationships", "LIST<RELATIONSHIP>")]


class _Counts:
    """What Neo4j's count store answers: nodes per label, relationships per type, per (start label, type) and
    per (type, end label)."""

    def __init__(self, ctx) -> None:
        txn = ctx.txn
        self.labels = {label: sum(1 for _ in txn.vertices_with_label(label)) for label in visible_labels(ctx)}
        self.types: dict[str, int] = {}
        self.out: dict[tuple[str, str], int] = {}
        self.into: dict[tuple[str, str], int] = {}
        for edge in txn.edges():
            ctx.check()
            self.types[edge.type] = self.types.get(edge.type, 0) + 1
            for label in txn.view(edge.src).labels:
                self.out[(label, edge.type)] = self.out.get((label, edge.type), 0) + 1
            for label in txn.view(edge.dst).labels:
                self.into[(edge.type, label)] = self.into.get((edge.type, label), 0) + 1


def meta_graph(ctx, remove_missing: bool, sample: int, max_rels: int) -> dict:
    """APOC's `metaGraph` over the whole database."""
    counts = _Counts(ctx)
    nodes = {label: Node(str(-number), frozenset([label]), {"name": label, "count": counts.labels[label]})
             for number, label in enumerate(sorted(counts.labels), start=1)}
    labels = sorted(counts.labels)
    relationships: dict[tuple[str, str, str], Relationship] = {}
    for type_ in sorted(counts.types):
        for start in labels:
            out = counts.out.get((start, type_), 0)
            if out == 0:
                continue
            for end in labels:
                into = counts.into.get((type_, end), 0)
                if into > 0:
                    relationships[(start, type_, end)] = Relationship(
                        str(-(len(relationships) + 1)), type_, nodes[start], nodes[end],
                        {"type": type_, "out": out, "in": into, "count": counts.types[type_]})
    if remove_missing:
        _drop_missing(ctx, relationships, sample, max_rels)
    return {"nodes": list(nodes.values()), "relationships": list(relationships.values())}


def _drop_missing(ctx, relationships: dict, sample: int, max_rels: int) -> None:
    """APOC's `filterNonExistingRelationships`: where one (start, type) or (type, end) has several candidate
    patterns, each is checked by sampling from its side of smaller degree; those not found go."""
    groups: dict[tuple[str, str], set] = {}
    for pattern in relationships:
        start, type_, end = pattern
        groups.setdefault(("from", start, type_), set()).add(pattern)
        groups.setdefault(("to", type_, end), set()).add(pattern)
    doubtful = {pattern for group in groups.values() if len(group) > 1 for pattern in group}
    for pattern in sorted(doubtful):
        if not _exists(ctx, pattern, relationships[pattern], sample, max_rels):
            del relationships[pattern]


def _exists(ctx, pattern: tuple[str, str, str], relationship: Relationship, sample: int, max_rels: int) -> bool:
    start, type_, end = pattern
    degree_from = relationship["out"] / relationship.start_node["count"]
    degree_to = relationship["in"] / relationship.end_node["count"]
    if degree_from < degree_to:
        return _found(ctx, start, end, type_, "out", sample, max_rels)
    return _found(ctx, end, start, type_, "in", sample, max_rels)


def _found(ctx, label: str, other: str, type_: str, direction: str, sample: int, max_rels: int) -> bool:
    """APOC's `relationshipExists`: every `sample`-th node of `label` is asked for a `type_` relationship in
    `direction` whose other end has `other`, reading at most `max_rels` (+1) of them (-1: all)."""
    txn = ctx.txn
    skip = sample if sample > 0 else 1
    for position, vertex in enumerate(txn.vertices_with_label(label)):
        ctx.check()
        if position % skip:
            continue
        left = max_rels
        for _, neighbour in txn.expand(vertex, direction, [type_]):
            if other in txn.view(neighbour).labels:
                return True
            if left != -1:
                if left == 0:
                    break
                left -= 1
    return False


@procedure("apoc.meta.graph", inputs=[("config", "MAP", {})], outputs=OUTPUTS)
def graph(ctx, config) -> Iterator[dict]:
    """Examines the full graph and returns a meta-graph."""
    sample, max_rels = sample_config("apoc.meta.graph", config, (1, -1))
    yield meta_graph(ctx, True, sample, max_rels)


@procedure("apoc.meta.graphSample", inputs=[("config", "MAP", {})], outputs=OUTPUTS)
def graph_sample(ctx, config) -> Iterator[dict]:
    """Examines the full graph and returns a meta-graph.
    Unlike `apoc.meta.graph`, this procedure does not filter away non-existing paths."""
    yield meta_graph(ctx, False, 1000, 100)
