"""Indexes: token lookups (label → vertices, type → edges) and range indexes on (label|type, properties).

Every index holds a superset: an entity is entered under every key that any of its live versions has, committed
or not, so that each reader finds what its own snapshot holds. Readers re-check the version they see
(`Transaction` does); entries are removed only when the versions that needed them are gone (rollback, garbage
collection). Index keys come from `databases.values.index_key`, which equals exactly when Cypher equality holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sortedcontainers import SortedList

from graphplex.databases.storage.entity_table import EntityTable
from graphplex.databases.storage.records import Vertex, has_token
from graphplex.databases.values import index_key

NODE = "NODE"
RELATIONSHIP = "RELATIONSHIP"


def property_value(props: dict, name: str) -> object:
    """The value of the property `name` of a property map; when there is no property of that exact name, `name`
    may be Memgraph's nested property `a.b.c` (an index's dotted path): the value at that path inside the map
    values, None where the path leaves the maps."""
    value = props.get(name)
    if value is None and "." in name:
        value = props
        for step in name.split("."):
            value = value.get(step) if isinstance(value, dict) else None
            if value is None:
                break
    return value


def root_keys(properties: tuple[str, ...]) -> frozenset[str]:
    """The top-level keys whose writes change what an index on `properties` holds: each property's own name and,
    for a nested one (`a.b`), the map property it lies in (`a`)."""
    return frozenset(properties) | {name.split(".", 1)[0] for name in properties}


@dataclass(eq=False)
class PropertyIndex:
    """A range index on one label (or relationship type) and one or more properties."""

    id: int
    name: str
    entity_type: str
    label: str
    properties: tuple[str, ...]
    owning_constraint: str | None = None
    # key → its entities: the entity itself while it is the only one (a unique index holds nothing else, and a
    # one-entry dict per key cost ~200 bytes a node), an insertion-ordered dict used as a set from the second on.
    # Read it through `seek` / `_members`.
    entries: dict[tuple, object] = field(default_factory=dict)
    sorted_keys: SortedList = field(default_factory=SortedList)
    # RANGE, TEXT or POINT: what SHOW INDEXES and the clash rules name. Every type keeps the same ordered entries,
    # which serve every seek (a text or point index finds a superset of what Neo4j's would).
    index_type: str = "RANGE"
    # The property keys whose writes may change an entity's entry (`root_keys`).
    roots: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.roots = root_keys(self.properties)

    def key_of(self, props: dict) -> tuple | None:
        """The entry key of a property map, or None when a property is missing (such entities are not indexed)."""
        if len(self.properties) == 1:
            value = property_value(props, self.properties[0])
            return None if value is None else index_key(value)
        values = []
        for name in self.properties:
            value = property_value(props, name)
            if value is None:
                return None
            values.append(index_key(value))
        return tuple(values)

    def add(self, entity, key: tuple) -> None:
        """Enters `entity` under `key`."""
        if self._enter(entity, key):
            self.sorted_keys.add(key)

    def add_many(self, entries: Iterable[tuple[object, tuple | None]]) -> None:
        """`add` for each (entity, key) of `entries` whose key is not None, the new keys sorted in at once."""
        enter = self._enter
        new_keys = [key for entity, key in entries if key is not None and enter(entity, key)]
        if new_keys:
            self.sorted_keys.update(new_keys)

    def _enter(self, entity, key: tuple) -> bool:
        """Puts `entity` under `key` (the only one held bare, several in a dict); whether the key is new, to be
        sorted in by the caller."""
        entries = self.entries
        bucket = entries.get(key)
        if bucket is None:
            entries[key] = entity
            return True
        if type(bucket) is dict:
            bucket[entity] = None
        elif bucket is not entity:
            entries[key] = {bucket: None, entity: None}
        return False

    def discard(self, entity, key: tuple) -> None:
        entries = self.entries
        bucket = entries.get(key)
        if bucket is None:
            return
        if type(bucket) is dict:
            if entity not in bucket:
                return
            del bucket[entity]
            if len(bucket) == 1:
                entries[key] = next(iter(bucket))
        elif bucket is entity:
            del entries[key]
            self.sorted_keys.remove(key)

    def seek(self, key: tuple) -> tuple:
        """Candidates whose key equals `key` (a snapshot, safe to iterate while others write)."""
        bucket = self.entries.get(key)
        if bucket is None:
            return ()
        return tuple(bucket) if type(bucket) is dict else (bucket,)

    def seek_range(self, lower: tuple | None, upper: tuple | None, lower_inclusive: bool = True,
                   upper_inclusive: bool = True) -> list:
        """Candidates with lower ≤ key ≤ upper (bounds optional); both bounds must be of one type group."""
        return self._members(self.sorted_keys.irange(lower, upper, (lower_inclusive, upper_inclusive)))

    def seek_prefix(self, prefix: str) -> list:
        """Candidates whose (string) key starts with `prefix`."""
        start = index_key(prefix)
        keys = []
        for key in self.sorted_keys.irange(start, None):
            if key[0] != start[0] or not key[1].startswith(prefix):
                break
            keys.append(key)
        return self._members(keys)

    def _members(self, keys: Iterable[tuple]) -> list:
        """Each entity once, though several of its versions may be entered under several of the keys."""
        members: dict = {}
        entries = self.entries
        for key in list(keys):
            bucket = entries.get(key)
            if type(bucket) is dict:
                members.update(bucket)
            elif bucket is not None:
                members[bucket] = None
        return list(members)

    def describe(self) -> str:
        """Neo4j's schema description, e.g. `(:Book {title})` or `()-[:KNOWS {since}]-()`."""
        props = ", ".join(self.properties)
        if self.entity_type == NODE:
            return f"(:{self.label} {{{props}}})"
        return f"()-[:{self.label} {{{props}}}]-()"


class IndexSet:
    """The indexes of one storage, and their maintenance as versions are written and discarded."""

    def __init__(self, all_edges: EntityTable | None = None) -> None:
        self.vertices_by_label: dict[str, dict[object, None]] = {}
        # type → its relationships: an insertion-ordered dict used as a set, or — while one type is the only one
        # ever written — the values of `all_edges` (the storage's table of relationships, when it gives one),
        # which then holds exactly that type's relationships in the same order (a second lookup of every
        # relationship cost ~45 bytes each). Read a lookup only by iterating it, `len` or `in`.
        self.edges_by_type: dict[str, object] = {}
        self._all_edges = all_edges
        self.by_name: dict[str, PropertyIndex] = {}
        # (entity_type, label) → indexes on that label or type
        self._by_token: dict[tuple[str, str], list[PropertyIndex]] = {}

    # --- catalogue -------------------------------------------------------------------------------------------

    def find(self, entity_type: str, label: str, properties: tuple[str, ...]) -> PropertyIndex | None:
        for index in self._by_token.get((entity_type, label), ()):
            if index.properties == properties:
                return index
        return None

    def for_token(self, entity_type: str, label: str) -> list[PropertyIndex]:
        return self._by_token.get((entity_type, label), [])

    def register(self, index: PropertyIndex, entities: Iterable) -> None:
        """Adds an index and fills it from every live version of `entities`."""
        for entity in entities:
            version = entity.head
            while version is not None:
                if not version.deleted and has_token(entity, version, index.label):
                    key = index.key_of(version.props)
                    if key is not None:
                        index.add(entity, key)
                version = version.older
        self.by_name[index.name] = index
        self._by_token.setdefault((index.entity_type, index.label), []).append(index)

    def unregister(self, index: PropertyIndex) -> None:
        del self.by_name[index.name]
        indexes = self._by_token[(index.entity_type, index.label)]
        indexes.remove(index)
        if not indexes:
            del self._by_token[(index.entity_type, index.label)]

    # --- maintenance as versions are written -----------------------------------------------------------------

    def vertex_written(self, vertex, version, labels: Iterable[str] | None = None, key: str | None = None) -> None:
        """Enters a vertex version: for `labels` (default: all its labels), for property `key` (default: all)."""
        props = version.props
        for label in version.labels if labels is None else labels:
            members = self.vertices_by_label.get(label)
            if members is None:
                self.vertices_by_label[label] = {vertex: None}
            else:
                members[vertex] = None
            for index in self._by_token.get((NODE, label), ()):
                if key is None or key in index.roots:
                    entry = index.key_of(props)
                    if entry is not None:
                        index.add(vertex, entry)

    def edge_written(self, edge, version, key: str | None = None) -> None:
        """Enters an edge version: in its type's lookup, and for property `key` (default: all)."""
        members = self.edges_by_type.get(edge.type)
        if type(members) is dict:
            members[edge] = None
        elif members is None:
            self._new_type(edge)
        for index in self._by_token.get((RELATIONSHIP, edge.type), ()):
            if key is None or key in index.roots:
                entry = index.key_of(version.props)
                if entry is not None:
                    index.add(edge, entry)

    def vertices_written(self, vertices: list) -> None:
        """`vertex_written` for many new vertices (their only versions) at once: each label's lookup and each
        index grow by one update, not one call per vertex."""
        by_label: dict[str, list] = {}
        for vertex in vertices:
            for label in vertex.head.labels:
                members = by_label.get(label)
                if members is None:
                    by_label[label] = [vertex]
                else:
                    members.append(vertex)
        for label, members in by_label.items():
            lookup = self.vertices_by_label.get(label)
            if lookup is None:
                self.vertices_by_label[label] = dict.fromkeys(members)
            else:
                lookup.update(dict.fromkeys(members))
            for index in self._by_token.get((NODE, label), ()):
                index.add_many((vertex, index.key_of(vertex.head.props)) for vertex in members)

    def edges_written(self, type_: str, edges: list) -> None:
        """`edge_written` for many new edges of one type (their only versions) at once."""
        if not edges:
            return
        members = self.edges_by_type.get(type_)
        if members is None:  # the storage's edge map already holds them when it becomes the lookup
            self._new_type(edges[0])
            members = self.edges_by_type[type_]
        if type(members) is dict:
            members.update(dict.fromkeys(edges))
        for index in self._by_token.get((RELATIONSHIP, type_), ()):
            index.add_many((edge, index.key_of(edge.head.props)) for edge in edges)

    def _new_type(self, edge) -> None:
        """`edge` is the first of its type: the first type of all takes the storage's edge map as its lookup; a
        second one ends that, the first type's lookup becoming a dict of its relationships."""
        by_type = self.edges_by_type
        if not by_type and self._all_edges is not None:
            by_type[edge.type] = self._all_edges.values()
            return
        for type_, members in by_type.items():
            if type(members) is not dict:
                by_type[type_] = dict.fromkeys(other for other in members if other.type == type_)
        by_type[edge.type] = {edge: None}

    # --- maintenance as versions are discarded ---------------------------------------------------------------

    def versions_dropped(self, entity, dropped: list, kept: list) -> None:
        """Removes the entries that only `dropped` versions needed (kept is empty when the entity is gone)."""
        if kept:
            # A version that only locked the entity (`Transaction.lock`) shares labels and properties with its
            # successor: it needed no entry of its own.
            dropped = [v for v in dropped if not any(v.props is k.props and v.labels is k.labels for k in kept)]
            if not dropped:
                return
        is_vertex = isinstance(entity, Vertex)
        kept_labels: set[str] = set()
        kept_keys: set[tuple] = set()
        for version in kept:
            if version.deleted:
                continue
            tokens = version.labels if is_vertex else (entity.type,)
            kept_labels.update(tokens)
            for token in tokens:
                for index in self._by_token.get((NODE if is_vertex else RELATIONSHIP, token), ()):
                    entry = index.key_of(version.props)
                    if entry is not None:
                        kept_keys.add((id(index), entry))
        for version in dropped:
            tokens = version.labels if is_vertex else (entity.type,)
            for token in tokens:
                if token not in kept_labels:
                    members = (self.vertices_by_label if is_vertex else self.edges_by_type).get(token)
                    if type(members) is dict:  # else the storage's edge map, which the storage leaves itself
                        members.pop(entity, None)
                for index in self._by_token.get((NODE if is_vertex else RELATIONSHIP, token), ()):
                    entry = index.key_of(version.props)
                    if entry is not None and (id(index), entry) not in kept_keys:
                        index.discard(entity, entry)
