"""A snapshot transaction on the on-disk storage: reads from its SQLite snapshot, writes kept in memory.

Entities are loaded on demand into a weak identity map (one object per id while anything holds it), so a scan of
a large graph never holds more than the rows in flight. Written entities get an own version on top of the loaded
one, exactly as in the in-memory engine, so the Cypher engine sees no difference; at commit they are validated
(constraints, deletions) and written in one SQLite transaction.
"""
from __future__ import annotations

import sqlite3
import weakref
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from graphplex.databases.storage.disk import mvcc, store
from graphplex.databases.storage.indexes import NODE, RELATIONSHIP, PropertyIndex
from graphplex.databases.storage.isolation import IsolationLevel
from graphplex.databases.storage.records import ANCIENT, CommitInfo, Edge, Version, Vertex, has_token
from graphplex.databases.storage.transaction_state import IN, OUT, Status, TransactionState
from graphplex.databases.values import index_key

if TYPE_CHECKING:
    from graphplex.databases.storage.disk.storage import DiskStorage



class DiskTransaction(TransactionState):
    """One snapshot transaction; `connection` holds its SQLite read transaction until it ends."""

    def __init__(self, storage: "DiskStorage", txn_id: int, start_ts: int, memory_limit: int | None,
                 connection: sqlite3.Connection) -> None:
        super().__init__(memory_limit)
        self.storage = storage
        self.id = txn_id
        self.isolation = IsolationLevel.SNAPSHOT_ISOLATION
        self.start_ts = start_ts
        self._read_ts = start_ts
        self.dirty = False
        self.info = CommitInfo(self)
        self.waiting_for = None
        self.locked: set[tuple[str, int]] = set()
        self._connection = connection
        self._vertices: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._edges: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._created_vertices: dict[int, Vertex] = {}
        self._created_edges: dict[int, Edge] = {}
        self._own_out: dict[int, list[Edge]] = {}
        self._own_in: dict[int, list[Edge]] = {}
        self._own_by_value: dict[tuple[str, tuple], dict] = {}
        # The end nodes of relationships created here: the commit re-stamps them (`disk.mvcc.lock_ends`).
        self.restamped: set[int] = set()
        self._deleted_vertices: list[Vertex] = []
        self._own_keys: dict[str, dict] | None = None

    @property
    def read_ts(self) -> int:
        return self._read_ts

    @read_ts.setter
    def read_ts(self, ts: int) -> None:
        """Moving the read point forward (after `CALL { } IN TRANSACTIONS` batches) takes a newer snapshot."""
        if ts > self._read_ts:
            self._read_ts = self.storage.refresh_snapshot(self._connection)
            self._vertices = weakref.WeakValueDictionary(
                {v.gid: v for v in list(self._written) if isinstance(v, Vertex)})
            self._edges = weakref.WeakValueDictionary({e.gid: e for e in list(self._written) if isinstance(e, Edge)})

    # --- loading ---------------------------------------------------------------------------------------------

    def _rows(self, query: str, parameters: tuple = ()) -> sqlite3.Cursor:
        return self._connection.execute(query, parameters)

    def _vertex_row(self, gid: int, data: bytes) -> Vertex:
        vertex = self._vertices.get(gid)
        if vertex is None:
            labels, props = store.decode_node(data)
            vertex = Vertex(gid, Version(ANCIENT, self.storage.label_set(labels), props, props_shared=True))
            self._vertices[gid] = vertex
        return vertex

    def _vertex_at(self, gid: int) -> Vertex | None:
        vertex = self._vertices.get(gid)
        if vertex is not None:
            return vertex
        row = self._rows("SELECT data FROM nodes WHERE gid = ?", (gid,)).fetchone()
        return None if row is None else self._vertex_row(gid, row[0])

    def _edge_row(self, row: tuple, known: Vertex | None = None) -> Edge:
        gid, type_, src, dst, props = row
        edge = self._edges.get(gid)
        if edge is None:
            source = known if known is not None and known.gid == src else self._vertex_at(src)
            target = known if known is not None and known.gid == dst else self._vertex_at(dst)
            edge = Edge(gid, type_, source, target, Version(ANCIENT, None, store.decode_props(props),
                                                            props_shared=True))
            self._edges[gid] = edge
        return edge

    def own_vertex(self, gid: int) -> Vertex | None:
        """This transaction's vertex `gid` if it wrote it (for the commit's constraint checks)."""
        vertex = self._vertices.get(gid)
        return vertex if vertex is not None and vertex in self._written else None

    def own_edge(self, gid: int) -> Edge | None:
        edge = self._edges.get(gid)
        return edge if edge is not None and edge in self._written else None

    def own_with_key(self, index: PropertyIndex, key: tuple) -> list:
        """Written entities that `index` holds under `key` as this transaction leaves them."""
        if self._own_keys is None:
            self._own_keys = {}
        keys = self._own_keys.get(index.name)
        if keys is None:
            keys = self._own_keys[index.name] = {}
            for entity in self._written:
                version = mvcc.read_version(entity)
                if version is None or not has_token(entity, version, index.label):
                    continue
                own_key = index.key_of(version.props)
                if own_key is not None:
                    keys.setdefault(own_key, []).append(entity)
        return keys.get(key, [])

    def created_relationships(self, vertex: Vertex) -> list[Edge]:
        """The relationships this transaction created at either end of `vertex`."""
        return self._own_out.get(vertex.gid, []) + self._own_in.get(vertex.gid, [])

    def created(self, entity) -> bool:
        """Whether this transaction created `entity` (nothing of it is committed: no lock to take)."""
        return entity.gid in (self._created_vertices if isinstance(entity, Vertex) else self._created_edges)

    # --- reads -----------------------------------------------------------------------------------------------

    def view(self, entity) -> Version | None:
        """The version of an entity this transaction sees (see `disk.mvcc`), or None."""
        version = mvcc.read_version(entity)
        if version is None or self.read_filter is None:
            return version
        return self.read_filter(self.view, entity, version)

    def vertex(self, gid: int) -> Vertex | None:
        vertex = self._created_vertices.get(gid) or self._vertex_at(gid)
        return vertex if vertex is not None and self.view(vertex) is not None else None

    def edge(self, gid: int) -> Edge | None:
        edge = self._created_edges.get(gid) or self._edges.get(gid)
        if edge is None:
            row = self._rows("SELECT gid, type, src, dst, props FROM edges WHERE gid = ?", (gid,)).fetchone()
            edge = None if row is None else self._edge_row(row)
        return edge if edge is not None and self.view(edge) is not None else None

    def vertices(self) -> Iterator[Vertex]:
        self._check_readable()
        for gid, data in self._rows("SELECT gid, data FROM nodes"):
            vertex = self._vertex_row(gid, data)
            if self.view(vertex) is not None:
                yield vertex
        yield from self._live(tuple(self._created_vertices.values()))

    def edges(self) -> Iterator[Edge]:
        self._check_readable()
        for row in self._rows("SELECT gid, type, src, dst, props FROM edges"):
            edge = self._edge_row(row)
            if self.view(edge) is not None:
                yield edge
        yield from self._live(tuple(self._created_edges.values()))

    def _live(self, entities: Iterable) -> Iterator:
        for entity in entities:
            if self.view(entity) is not None:
                yield entity

    def vertices_with_label(self, label: str) -> Iterator[Vertex]:
        self._check_readable()
        for gid, data in self._rows("SELECT n.gid, n.data FROM node_labels l JOIN nodes n ON n.gid = l.gid "
                                    "WHERE l.label = ?", (label,)):
            vertex = self._vertex_row(gid, data)
            version = self.view(vertex)
            if version is not None and label in version.labels:
                yield vertex
        for vertex in tuple(self._written):
            if isinstance(vertex, Vertex):
                version, loaded = self.view(vertex), mvcc.snapshot_version(vertex)
                if version is not None and label in version.labels and (loaded is None or label not in loaded.labels):
                    yield vertex

    def edges_with_type(self, type_: str) -> Iterator[Edge]:
        self._check_readable()
        for row in self._rows("SELECT gid, type, src, dst, props FROM edges WHERE type = ?", (type_,)):
            edge = self._edge_row(row)
            if self.view(edge) is not None:
                yield edge
        yield from self._live(e for e in tuple(self._created_edges.values()) if e.type == type_)

    def _property_candidates(self, entity_type: str, token: str, key: str, wanted: tuple) -> Iterable:
        index = self.storage.indexes.find(entity_type, token, (key,))
        if index is None or not mvcc.index_usable(self, index):
            return self._with_token(entity_type, token)
        return self._seek(index, wanted)

    def _seek(self, index: PropertyIndex, wanted: tuple) -> Iterator:
        """The snapshot's entities under `wanted` in `index`, then own ones that reached that key here."""
        key = store.entry_key(wanted)
        if index.entity_type == NODE:
            for gid, data in self._rows("SELECT n.gid, n.data FROM node_entries e JOIN nodes n ON n.gid = e.gid "
                                        "WHERE e.name = ? AND e.key = ?", (index.name, key)):
                yield self._vertex_row(gid, data)
        else:
            for row in self._rows("SELECT d.gid, d.type, d.src, d.dst, d.props FROM edge_entries e "
                                  "JOIN edges d ON d.gid = e.gid WHERE e.name = ? AND e.key = ?", (index.name, key)):
                yield self._edge_row(row)
        wanted_class = Vertex if index.entity_type == NODE else Edge
        for entity in self._own_candidates(index, wanted):
            if type(entity) is not wanted_class:
                continue
            loaded = mvcc.snapshot_version(entity)
            if loaded is None or index.key_of(loaded.props) != wanted or not has_token(entity, loaded, index.label):
                yield entity

    def _own_candidates(self, index: PropertyIndex, wanted: tuple) -> tuple:
        """The entities this transaction gave a value `index` may hold under `wanted`: noted by value for a
        property of the entity, every one it wrote for a nested property (`a.b`), which lies inside a map value."""
        name = index.properties[0]
        if index.roots == {name}:
            return tuple(self._own_by_value.get((name, wanted), ()))
        return tuple(self._written)

    def _ordered_candidates(self, entity_type: str, token: str, key: str,
                            seek: Callable[[PropertyIndex], Iterable]) -> Iterable:
        """Every entity with `token`: the store's index entries answer equality only."""
        return self._with_token(entity_type, token)

    def _with_token(self, entity_type: str, token: str) -> Iterator:
        return self.vertices_with_label(token) if entity_type == NODE else self.edges_with_type(token)

    def expand(self, vertex: Vertex, direction: str = OUT, types: Iterable[str] | None = None
               ) -> Iterator[tuple[Edge, Vertex]]:
        """The (edge, other end) pairs of a vertex; a self-loop appears once for BOTH."""
        self._check_readable()
        types = tuple(types) if types is not None else None
        if types == ():
            return
        yield from self._expanded(self._adjacent(vertex, "src", types, self._own_out) if direction != IN else (),
                                  self._adjacent(vertex, "dst", types, self._own_in) if direction != OUT else (),
                                  direction)

    def _adjacent(self, vertex: Vertex, end: str, types: tuple | None, own: dict) -> Iterator[Edge]:
        """The relationships with `vertex` as their `end` ("src" or "dst") of `types` (None: any): the snapshot's,
        then those this transaction created (`own`: by end node)."""
        gid = vertex.gid
        if gid not in self._created_vertices:
            where = "" if types is None else f" AND type IN ({', '.join('?' * len(types))})"
            for row in self._rows(f"SELECT gid, type, src, dst, props FROM edges WHERE {end} = ?{where}",
                                  (gid,) + (types or ())).fetchall():
                yield self._edge_row(row, vertex)
        for edge in tuple(own.get(gid, ())):
            if types is None or edge.type in types:
                yield edge

    # --- writes ----------------------------------------------------------------------------------------------

    def _writable(self, entity) -> Version:
        """This transaction's own version of `entity` (see `disk.mvcc.prepare_write`)."""
        self._check_writable()
        version = mvcc.prepare_write(self, entity)
        if version is None:
            raise self._not_found(entity)
        return version

    def _note_values(self, entity, version: Version) -> None:
        """Remembers own property values, so that a seek finds what this transaction wrote."""
        for key, value in version.props.items():
            self._own_by_value.setdefault((key, index_key(value)), {})[entity] = None

    def lock(self, entity) -> bool:
        """Takes the write lock of an entity (its own version); False if it no longer exists for this transaction."""
        if mvcc.read_version(entity) is None:
            return False
        self._writable(entity)
        return True

    def create_vertex(self, labels: Iterable[str] = (), props: dict | None = None) -> Vertex:
        labels = self.storage.label_set(tuple(labels))
        version = self._new_version("create_vertex", labels, props, labels)
        vertex = Vertex(self.storage.next_vertex_gid(), version)
        self._created_vertices[vertex.gid] = vertex
        self._vertices[vertex.gid] = vertex
        self._created(vertex)
        self._note_values(vertex, version)
        return vertex

    def create_edge(self, src: Vertex, dst: Vertex, type_: str, props: dict | None = None) -> Edge:
        """Creates a relationship; both end nodes are locked, so a concurrent delete of either conflicts."""
        version = self._new_version("create_edge", type_, props, None)
        for end in (src, dst):
            if self.view(end) is None:
                self._writable(end)  # raises: deleted here
        mvcc.lock_ends(self, src, dst)
        edge = Edge(self.storage.next_edge_gid(), type_, src, dst, version)
        self._created_edges[edge.gid] = edge
        self._edges[edge.gid] = edge
        self._own_out.setdefault(src.gid, []).append(edge)
        self._own_in.setdefault(dst.gid, []).append(edge)
        self._created(edge)
        self._note_values(edge, version)
        return edge

    def set_property(self, entity, key: str, value: object) -> None:
        self._check_property_writes(entity, {key: value})
        version = self._writable(entity)
        if self._write_property(version, key, value):
            self._own_by_value.setdefault((key, index_key(value)), {})[entity] = None

    def set_properties(self, entity, props: dict, replace: bool = False) -> None:
        self._check_property_writes(entity, props, replace)
        version = self._writable(entity)
        self._write_properties(version, props, replace)
        self._note_values(entity, version)

    def add_labels(self, vertex: Vertex, labels: Iterable[str]) -> int:
        version, added = self._label_change(vertex, labels, adding=True)
        if added:
            self._relabel(version, added, adding=True)
            self._note_values(vertex, version)  # a new label may put the node's values under an index
        return len(added)

    def remove_labels(self, vertex: Vertex, labels: Iterable[str]) -> int:
        version, removed = self._label_change(vertex, labels, adding=False)
        if removed:
            self._relabel(version, removed, adding=False)
        return len(removed)

    def delete_edge(self, edge: Edge) -> bool:
        if not self._may_delete(edge):
            return False
        self._writable(edge).deleted = True
        return True

    def _check_unique(self, written: dict) -> None:
        """The statement's uniqueness check, made by the storage as a commit's checks are (see `check_unique`)."""
        self._own_keys = None  # the checks see the own writes as they are now
        self.storage.check_unique(self, written)

    # --- end -------------------------------------------------------------------------------------------------

    def commit(self) -> int | None:
        self._check_committable()
        if not self._written and not self._schema_changes:
            self._end(Status.COMMITTED)
            return None
        self._own_keys = None  # the constraint checks see the own writes as they are now
        try:
            ts = self.storage.commit(self)
        except BaseException:
            if self.is_open:
                self.rollback()
            raise
        self.commit_ts = ts
        self._end(Status.COMMITTED)
        return ts

    def rollback(self) -> None:
        if not self._check_rollbackable():
            return
        self.info.aborted = True
        self._end(Status.ROLLED_BACK)

    def _end(self, status: Status) -> None:
        self.status = status
        self.storage.release_reader(self._connection)
        self.storage.finish(self)
        self._written = {}
        self._created_vertices, self._created_edges = {}, {}
        self._own_out, self._own_in, self._own_by_value = {}, {}, {}
        self.info.txn = None

    # --- the commit's write (called by the storage under its commit lock) ---------------------------------

    def write(self, writer: sqlite3.Connection, ts: int) -> None:
        """Writes every own change (rows, label rows, index entries) in the writer's open SQLite transaction."""
        indexes = self.storage.indexes
        nodes, node_labels, node_entries, edges, edge_entries = [], [], [], [], []
        gone_nodes, gone_edges, relabelled, reindexed_nodes, reindexed_edges = [], [], [], [], []
        node_indexes = any(index.entity_type == NODE for index in indexes.by_name.values())
        edge_indexes = any(index.entity_type == RELATIONSHIP for index in indexes.by_name.values())
        for entity in self._written:
            version = mvcc.read_version(entity)
            loaded = mvcc.snapshot_version(entity)
            created = loaded is None
            if isinstance(entity, Vertex):
                if version is None:
                    if not created:
                        gone_nodes.append((entity.gid,))
                    continue
                nodes.append((entity.gid, store.encode_node(version.labels, version.props), ts))
                if loaded is None or loaded.labels != version.labels:
                    if loaded is not None:
                        relabelled.append((entity.gid,))
                    node_labels.extend((label, entity.gid) for label in version.labels)
                if node_indexes:
                    if not created:
                        reindexed_nodes.append((entity.gid,))
                    for label in version.labels:
                        for index in indexes.for_token(NODE, label):
                            key = index.key_of(version.props)
                            if key is not None:
                                node_entries.append((index.name, store.entry_key(key), entity.gid))
            else:
                if version is None:
                    if not created:
                        gone_edges.append((entity.gid,))
                    continue
                edges.append((entity.gid, entity.type, entity.src.gid, entity.dst.gid,
                              store.encode_props(version.props), ts))
                if edge_indexes:
                    if not created:
                        reindexed_edges.append((entity.gid,))
                    for index in indexes.for_token(RELATIONSHIP, entity.type):
                        key = index.key_of(version.props)
                        if key is not None:
                            edge_entries.append((index.name, store.entry_key(key), entity.gid))
        writer.executemany("DELETE FROM nodes WHERE gid = ?", gone_nodes)
        writer.executemany("DELETE FROM node_labels WHERE gid = ?", gone_nodes + relabelled)
        writer.executemany("DELETE FROM node_entries WHERE gid = ?", gone_nodes + reindexed_nodes)
        writer.executemany("DELETE FROM edges WHERE gid = ?", gone_edges)
        writer.executemany("DELETE FROM edge_entries WHERE gid = ?", gone_edges + reindexed_edges)
        writer.executemany("INSERT OR REPLACE INTO nodes (gid, data, ts) VALUES (?, ?, ?)", nodes)
        writer.executemany("INSERT OR IGNORE INTO node_labels (label, gid) VALUES (?, ?)", node_labels)
        writer.executemany("INSERT OR IGNORE INTO node_entries (name, key, gid) VALUES (?, ?, ?)", node_entries)
        writer.executemany("INSERT OR REPLACE INTO edges (gid, type, src, dst, props, ts) VALUES (?, ?, ?, ?, ?, ?)",
                           edges)
        writer.executemany("INSERT OR IGNORE INTO edge_entries (name, key, gid) VALUES (?, ?, ?)", edge_entries)
        writer.executemany("UPDATE nodes SET ts = ? WHERE gid = ?", mvcc.restamps(self, ts))

