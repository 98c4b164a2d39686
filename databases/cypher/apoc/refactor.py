"""apoc.refactor.mergeNodes: merges nodes onto the first of them, as APOC 5.26's `GraphRefactoring.mergeNodes` does.
neo4j-graphrag's entity resolver (SinglePropertyExactMatchResolver) merges the entities of one label and name with
it (`{properties: 'discard', mergeRels: true}`).

For each other node, in list order: its relationships are moved to the first node (deleted and created again, a
relationship between the two becoming a self-relationship unless `produceSelfRel: false` drops it); with
`mergeRels`, the first node's relationships of one type, direction and pair of ends are merged into the first of
them (its self-relationships from before the call kept apart when `preserveExistingSelfRels`, the default); the
node is deleted, its labels added to the first node and its properties merged into it by `properties`: "overwrite"
(the default for nodes), "discard" (keep the first node's), "combine" (both values, a list when they differ; the
default for relationships when `properties` is not given), as one mode or a map of key patterns to modes. Every
write goes through the statement's transaction as Cypher's do (privileges, constraints, counters)."""
from __future__ import annotations

import re
from typing import Iterator

from graphplex.databases.cypher.apoc.creation import set_property
from graphplex.databases.cypher.apoc.java_text import java_string
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.storage import Edge, Vertex

OVERWRITE, DISCARD, COMBINE = "overwrite", "discard", "combine"
_MATCH_ALL = ".*"


class RefactorConfig:
    """The options of APOC's RefactorConfig that mergeNodes reads."""

    def __init__(self, config: dict | None) -> None:
        config = config or {}
        self.merge_rels = bool(config.get("mergeRels"))
        self.produce_self_rel = bool(config.get("produceSelfRel", True))
        self.preserve_existing_self_rels = bool(config.get("preserveExistingSelfRels", True))
        self.single_element_as_array = bool(config.get("singleElementAsArray", False))
        value = config.get("properties")
        self.has_properties = value is not None
        self.modes: dict[str, str] = {_MATCH_ALL: OVERWRITE}
        if isinstance(value, str):
            self.modes = {_MATCH_ALL: value}
        elif isinstance(value, dict):
            self.modes = dict(value)

    def mode(self, key: str, relationship: bool) -> str:
        """APOC's getMergeMode: relationships combine unless `properties` is given; a pattern other than `.*`
        that matches the whole key wins, then the key itself, then `.*`."""
        if not self.has_properties and relationship:
            return COMBINE
        for pattern, mode in self.modes.items():
            if pattern != _MATCH_ALL and re.fullmatch(pattern, key):
                return mode
        return self.modes.get(key, self.modes.get(_MATCH_ALL, OVERWRITE))


def _merge_properties(ctx, properties: dict, target, config: RefactorConfig) -> None:
    """APOC's PropertiesManager.mergeProperties of one entity's properties into `target`."""
    for key, value in properties.items():
        mode = config.mode(key, isinstance(target, Edge))  # case-sensitive, as APOC's switch: others do nothing
        current = ctx.view(target).props.get(key)
        if mode in (OVERWRITE, "override"):
            set_property(ctx, target, key, value)
        elif mode == DISCARD:
            if current is None:
                set_property(ctx, target, key, value)
        elif mode == COMBINE:
            set_property(ctx, target, key, value if current is None else _combined(current, value, config))


def _combined(current, value, config: RefactorConfig):
    """Both values, distinct, in order (lists taken apart): one value alone stays itself unless
    `singleElementAsArray`; values of different types become their strings, as APOC builds a String[]."""
    values: dict[tuple, object] = {}
    for item in (current if isinstance(current, list) else [current]) + (value if isinstance(value, list) else [value]):
        values.setdefault((type(item), item), item)
    found = list(values.values())
    if len(found) == 1 and not config.single_element_as_array:
        return found[0]
    if len({type(item) for item in found}) > 1:
        return [java_string(item) for item in found]
    return found


def _move_relationships(ctx, source: Vertex, target: Vertex, config: RefactorConfig) -> None:
    """APOC's copyRelationships with delete: each relationship of `source` again with `target` in its place."""
    txn, counters = ctx.txn, ctx.counters
    for edge, _ in list(txn.expand(source, "both")):
        start, end = edge.src, edge.dst
        if not config.produce_self_rel and start == end:
            counters.relationships_deleted += txn.delete_edge(edge)
            continue
        properties = dict(ctx.view(edge).props)
        counters.relationships_deleted += txn.delete_edge(edge)
        txn.create_edge(target if start == source else start, target if end == source else end, edge.type,
                        properties)
        counters.relationships_created += 1
        counters.properties_set += len(properties)


def _merge_relationships(ctx, node: Vertex, direction: str, config: RefactorConfig, kept: set[int]) -> None:
    """APOC's mergeRelationshipsWithSameTypeAndDirection: per type and pair of ends, the later relationships'
    properties merged into the first, the later ones deleted (a self-relationship group deleted whole when
    `produceSelfRel` is false)."""
    txn = ctx.txn
    groups: dict[tuple, list[Edge]] = {}
    for edge, _ in list(txn.expand(node, direction)):
        if edge.gid not in kept:
            groups.setdefault((edge.type, edge.src, edge.dst), []).append(edge)
    for (_, start, end), edges in groups.items():
        if ctx.view(edges[0]) is None:  # a self-relationship merged while walking the other direction
            continue
        if start == end and not config.produce_self_rel:
            for edge in edges:
                ctx.counters.relationships_deleted += txn.delete_edge(edge)
            continue
        for edge in edges[1:]:
            properties = dict(ctx.view(edge).props)
            ctx.counters.relationships_deleted += txn.delete_edge(edge)
            _merge_properties(ctx, properties, edges[0], config)


def _merge_node(ctx, source: Vertex, target: Vertex, config: RefactorConfig, kept: set[int]) -> None:
    version = ctx.view(source)
    if version is None:  # APOC skips a node it cannot find
        return
    properties, labels = dict(version.props), list(version.labels)
    _move_relationships(ctx, source, target, config)
    if config.merge_rels:
        _merge_relationships(ctx, target, "out", config, kept)
        _merge_relationships(ctx, target, "in", config, kept)
    ctx.txn.delete_vertex(source)
    ctx.counters.nodes_deleted += 1
    ctx.counters.labels_added += ctx.txn.add_labels(target, labels)
    _merge_properties(ctx, properties, target, config)


@procedure("apoc.refactor.mergeNodes", inputs=[("nodes", "LIST<NODE>", ...), ("config", "MAP", {})],
           outputs=[("node", "NODE")], mode="WRITE")
def merge_nodes(ctx, nodes, config) -> Iterator[dict]:
    """Merges the given `LIST<NODE>` onto the first `NODE` in the `LIST<NODE>`.
    All `RELATIONSHIP` values are merged onto that `NODE` as well."""
    if not nodes:
        return
    config = RefactorConfig(config)
    distinct = list(dict.fromkeys(node for node in nodes if node is not None))
    first = nodes[0]
    for node in sorted(distinct, key=lambda n: n.gid):  # locks taken in one order, as APOC takes them
        ctx.txn.lock(node)
    kept = set()
    if config.preserve_existing_self_rels and ctx.view(first) is not None:
        kept = {edge.gid for edge, other in ctx.txn.expand(first, "both") if other == first}
    for node in distinct[1:]:
        ctx.check()
        _merge_node(ctx, node, first, config, kept)
    yield {"node": first}
