"""A storage transaction: the API the Cypher executor and the coordinator use to read and write one graph.

Reads return what the transaction's snapshot holds (see `mvcc`); writes create the transaction's own versions,
entered into the indexes at once (so the transaction finds its own changes) and published atomically by
`commit`. Any error inside a write marks the transaction failed: it may then only be rolled back.
"""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Callable, Container, Iterable, Iterator, Sequence

from graphplex.databases.errors import Neo4jError
from graphplex.databases.storage.collector_pause import BULK, PAUSE
from graphplex.databases.storage.constraints import validate
from graphplex.databases.storage.indexes import NODE, PropertyIndex
from graphplex.databases.storage.isolation import IsolationLevel
from graphplex.databases.storage.memory import ENTITY_BYTES, VERSION_BYTES, props_bytes
from graphplex.databases.storage.mvcc import LATEST, lock_ends, prepare_write, read_version, still_related
from graphplex.databases.storage.records import CommitInfo, Edge, Version, Vertex, attach_edge, chain
from graphplex.databases.storage.modes import StorageMode
from graphplex.databases.storage.transaction_state import ACTIVE, BOTH, COMMITTED, IN, OUT, Status, TransactionState
from graphplex.databases.values import index_key

# The rank `index_key` gives numbers: an integer's key is (_NUMBER, value).
_NUMBER = index_key(0)[0]

# The levels every begin tests and the mode every expand tests, as module names (an enum member read through its
# class costs ten times more).
_SNAPSHOT, _UNCOMMITTED = IsolationLevel.SNAPSHOT_ISOLATION, IsolationLevel.READ_UNCOMMITTED
_TRANSACTIONAL = StorageMode.IN_MEMORY_TRANSACTIONAL

if TYPE_CHECKING:
    from graphplex.databases.storage.storage import Storage


class Transaction(TransactionState):
    """One transaction on one storage. Not thread-safe: the layers above confine it to one user at a time."""

    def __init__(self, storage: "Storage", txn_id: int, isolation: IsolationLevel, start_ts: int,
                 memory_limit: int | None = None) -> None:
        self.storage = storage
        self.id = txn_id
        self.isolation = isolation
        self.start_ts = start_ts
        self.read_ts = start_ts if isolation is _SNAPSHOT else LATEST
        self.dirty = isolation is _UNCOMMITTED
        self.info = CommitInfo(self)
        TransactionState.__init__(self, memory_limit)  # named, not super(): ~0.1 µs less at every begin
        self.waiting_for: Transaction | None = None
        self._deleted_vertices: list[Vertex] = []
        self._replaced: list[tuple[object, Version]] = []
        # Whether this transaction holds `collector_pause.PAUSE` (it created BULK entities); `Storage.finish` frees it.
        self.pausing_collector = False
        # Whether this transaction created or deleted a relationship (counted in `storage.edge_changes`).
        self.changes_edges = False

    # --- reads -----------------------------------------------------------------------------------------------

    def view(self, entity) -> Version | None:
        """The version of a vertex or edge this transaction sees (labels, props), or None if it sees none."""
        version = read_version(entity.head, self.info, self.read_ts, self.dirty)
        if version is None or self.read_filter is None:
            return version
        return self.read_filter(self.view, entity, version)

    def vertex(self, gid: int) -> Vertex | None:
        vertex = self.storage.vertices.get(gid)
        return vertex if vertex is not None and self.view(vertex) is not None else None

    def edge(self, gid: int) -> Edge | None:
        edge = self.storage.edges.get(gid)
        return edge if edge is not None and self.view(edge) is not None else None

    def vertices(self) -> Iterator[Vertex]:
        self._check_readable()
        view = self.view
        for vertex in tuple(self.storage.vertices.values()):
            if view(vertex) is not None:
                yield vertex

    def edges(self) -> Iterator[Edge]:
        self._check_readable()
        view = self.view
        for edge in tuple(self.storage.edges.values()):
            if view(edge) is not None:
                yield edge

    def vertices_with_label(self, label: str) -> Iterator[Vertex]:
        self._check_readable()
        view = self.view
        for vertex in tuple(self.storage.indexes.vertices_by_label.get(label, ())):
            version = view(vertex)
            if version is not None and label in version.labels:
                yield vertex

    def edges_with_type(self, type_: str) -> Iterator[Edge]:
        self._check_readable()
        view = self.view
        # The first type's lookup may be the storage's edge table (`IndexSet.edges_by_type`), which a second type's
        # first relationship can join between the lookup and its copy here: the type is tested too.
        for edge in tuple(self.storage.indexes.edges_by_type.get(type_, ())):
            if edge.type == type_ and view(edge) is not None:
                yield edge

    def _property_candidates(self, entity_type: str, token: str, key: str, wanted: tuple) -> Iterable:
        index = self.storage.indexes.find(entity_type, token, (key,))
        return index.seek(wanted) if index is not None else self._with_token(entity_type, token)

    def vertex_seeker(self, label: str, key: str) -> Callable[[object], Sequence[Vertex]]:
        """`TransactionState.vertex_seeker` through the index on (label, key) when there is one and no read filter
        applies: each value costs one probe of the index's entries (`_probe`), and under SNAPSHOT_ISOLATION (what
        the transaction sees then changes only by its own writes) a value sought before is not sought again."""
        index = self._seekable(label, key)
        if index is None:
            return super().vertex_seeker(label, key)
        self._check_readable()
        entries, own, read_ts, dirty = index.entries, self.info, self.read_ts, self.dirty
        found_before: dict | None = {} if self.isolation is _SNAPSHOT else None

        def seek(value: object) -> Sequence[Vertex]:
            wanted = _wanted(value)
            if wanted is None:
                return ()
            if found_before is not None:
                known = found_before.get(wanted)
                if known is not None:
                    return known
            found = _probe(entries, label, key, value, wanted, own, read_ts, dirty)
            if found_before is not None:
                found_before[wanted] = found
            return found
        return seek

    def vertices_by_property(self, label: str, key: str, value: object) -> Iterator[Vertex]:
        """`TransactionState.vertices_by_property`, through one probe of the index on (label, key) (`_probe`) when
        there is one and no read filter applies: a point read's seek, with no generator per candidate."""
        index = self._seekable(label, key)
        if index is None:
            return super().vertices_by_property(label, key, value)
        self._check_readable()
        wanted = _wanted(value)
        if wanted is None:
            return iter(())
        return iter(_probe(index.entries, label, key, value, wanted, self.info, self.read_ts, self.dirty))

    def _seekable(self, label: str, key: str) -> PropertyIndex | None:
        """The index on (label, key) that `_probe` may read for this transaction: None without one, under a read
        filter (which `view` applies) or for a nested key."""
        index = self.storage.indexes.find(NODE, label, (key,))
        if index is None or self.read_filter is not None or "." in key:
            return None
        return index

    def _ordered_candidates(self, entity_type: str, token: str, key: str,
                            seek: Callable[[PropertyIndex], Iterable]) -> Iterable:
        index = self.storage.indexes.find(entity_type, token, (key,))
        if index is None:
            return self._with_token(entity_type, token)
        with self.storage.write_lock:  # an ordered walk, unlike an equality seek, is no snapshot of its own
            return list(seek(index))

    def _with_token(self, entity_type: str, token: str) -> tuple:
        """A snapshot of the token index's members: every entity that may carry `token`."""
        tokens = self.storage.indexes.vertices_by_label if entity_type == NODE else self.storage.indexes.edges_by_type
        return tuple(tokens.get(token, ()))

    def expand(self, vertex: Vertex, direction: str = OUT, types: Iterable[str] | None = None
               ) -> list[tuple[Edge, Vertex]]:
        """The (edge, other end) pairs of a vertex; a self-loop appears once for BOTH. Costs the degree.

        A list built in one loop, each relationship's version resolved once by `mvcc.read_version` (what `view`
        answers when no read filter is installed; see `_seen_sides`): traversals call this once per node they
        reach, and a generator resumed per pair, with a `view` call per relationship, cost them several times as
        much."""
        if self.status is not ACTIVE or self.termination is not None:  # the common case in two tests
            self._check_readable()
        if self.read_filter is not None:
            return list(self._expanded(_adjacent(vertex.out, types) if direction != IN else (),
                                       _adjacent(vertex.inc, types) if direction != OUT else (), direction))
        outgoing, incoming = self._seen_sides(vertex, direction, types)
        if direction == IN:
            return [(edge, edge.src) for edge in incoming]
        pairs = [(edge, edge.dst) for edge in outgoing]
        if incoming:
            pairs += [(edge, edge.src) for edge in incoming if edge.src is not edge.dst]
        return pairs

    def far_ends(self, vertex: Vertex, direction: str = OUT, types: Iterable[str] | None = None,
                 excluded: Container[Edge] = ()) -> list[Vertex]:
        """`TransactionState.far_ends`: the other ends `expand` pairs with `vertex`, from the relationships
        `_seen_sides` answers, with no pair made per relationship."""
        if self.status is not ACTIVE or self.termination is not None:
            self._check_readable()
        if self.read_filter is not None:
            return super().far_ends(vertex, direction, types, excluded)
        outgoing, incoming = self._seen_sides(vertex, direction, types)
        ends = [edge.dst for edge in outgoing if edge not in excluded]
        if incoming:
            ends += [edge.src for edge in incoming
                     if edge not in excluded and (direction == IN or edge.src is not edge.dst)]
        return ends

    def _seen_sides(self, vertex: Vertex, direction: str, types: Iterable[str] | None
                    ) -> tuple[Sequence[Edge], Sequence[Edge]]:
        """The relationships of `vertex` this transaction sees (no read filter installed): outgoing, incoming,
        each side only when `direction` asks for it. While `storage.edge_changes` says nothing changed that this
        snapshot could miss, no relationship is checked."""
        storage = self.storage
        changes = storage.edge_changes
        epoch = changes.epoch
        settled = changes.floor <= self.read_ts  # `settled`, inline, asked before the adjacency is read
        outgoing = _adjacent(vertex.out, types) if direction != IN else ()
        incoming = _adjacent(vertex.inc, types) if direction != OUT else ()
        if settled and changes.epoch == epoch and storage.mode is _TRANSACTIONAL:
            # No writer began while the adjacency was read: every relationship in it is one this transaction sees.
            return outgoing, incoming
        own, read_ts, dirty = self.info, self.read_ts, self.dirty
        if outgoing:
            outgoing = [edge for edge in outgoing if read_version(edge.head, own, read_ts, dirty) is not None]
        if incoming:
            incoming = [edge for edge in incoming if read_version(edge.head, own, read_ts, dirty) is not None]
        return outgoing, incoming

    def expand_each(self, vertices: Iterable[Vertex], direction: str = OUT, types: Iterable[str] | None = None
                    ) -> Iterator[tuple[Vertex, Sequence[Edge]]]:
        """`TransactionState.expand_each`: one generator resumed per vertex of a breadth-first layer, not a call of
        `expand` each. One direction, with `edge_changes` settled (asked before each adjacency is read, and no writer
        begun while it was, as `expand` asks), costs a vertex its adjacency's snapshot, handed on as it is; anything
        else is `expand`'s."""
        storage = self.storage
        changes, read_ts = storage.edge_changes, self.read_ts
        outgoing = direction == OUT
        plain = direction != BOTH and self.read_filter is None and storage.mode is _TRANSACTIONAL
        single = types[0] if type(types) is tuple and len(types) == 1 else None
        for vertex in vertices:
            if self.status is not ACTIVE or self.termination is not None:
                self._check_readable()
            if plain:
                epoch = changes.epoch
                settled = changes.floor <= read_ts  # `changes.settled(read_ts)`, without a call per node
                adjacency = vertex.out if outgoing else vertex.inc
                if single is not None:  # `_adjacent`'s snapshot of one type, without its call: a layer reads many
                    bucket = adjacency.get(single) if adjacency else None
                    edges = tuple(bucket) if bucket else ()
                else:
                    edges = _adjacent(adjacency, types)
                if settled and changes.epoch == epoch:
                    yield vertex, edges
                    continue
            yield vertex, [edge for edge, _ in self.expand(vertex, direction, types)]

    # --- writes ----------------------------------------------------------------------------------------------

    def lock(self, entity) -> bool:
        """Takes the write lock of an entity (its own version); False if it no longer exists for this transaction."""
        head = entity.head
        if head is not None and head.owner is self.info and self.status is ACTIVE:
            return not head.deleted
        return self._prepare(entity) is not None

    def _prepare(self, entity) -> Version | None:
        """`mvcc.prepare_write`, failing the transaction when it raises."""
        self._check_writable()
        try:
            return prepare_write(self, entity)
        except Neo4jError as error:
            self.mark_failed(error)
            raise

    def _writable(self, entity) -> Version:
        head = entity.head
        if head is not None and head.owner is self.info and not head.deleted and self.status is ACTIVE \
                and self.termination is None:
            return head
        version = self._prepare(entity)
        if version is None:
            raise self._not_found(entity)
        return version

    def create_vertex(self, labels: Iterable[str] = (), props: dict | None = None) -> Vertex:
        storage = self.storage
        labels = storage.label_set(labels)
        version = self._new_version("create_vertex", labels, props, labels)
        with storage.write_lock:
            vertex = Vertex(storage.next_vertex_gid(), version)
            storage.vertices[vertex.gid] = vertex
            storage.indexes.vertex_written(vertex, version)
        self._created(vertex)
        self.announce_bulk(len(self._written))
        return vertex

    def create_edge(self, src: Vertex, dst: Vertex, type_: str, props: dict | None = None) -> Edge:
        """Creates a relationship; both end nodes are write-locked, so a concurrent delete of either conflicts."""
        version = self._new_version("create_edge", type_, props, None)
        own = self.info
        # The ends this transaction wrote or locked already are locked: `_writable`'s own checks were just made.
        head = src.head
        if head is None or head.deleted or head.owner is not own and src.locker is not own:
            self._lock_all([src])
        if dst is not src:
            head = dst.head
            if head is None or head.deleted or head.owner is not own and dst.locker is not own:
                self._lock_all([dst])
        storage = self.storage
        with storage.write_lock:
            if not self.changes_edges:
                self._changing_edges()
            edge = Edge(storage.next_edge_gid(), type_, src, dst, version)
            storage.edges[edge.gid] = edge
            if src.out is None:
                src.out = {}
            attach_edge(src.out, edge)
            if dst.inc is None:
                dst.inc = {}
            attach_edge(dst.inc, edge)
            storage.indexes.edge_written(edge, version)
        self._created(edge)
        self.announce_bulk(len(self._written))
        return edge

    def _changing_edges(self) -> None:
        """Counts this transaction in `storage.edge_changes` before its first relationship is created or deleted
        (under the write lock): until it ends, `expand` checks each relationship's visibility."""
        self.changes_edges = True
        self.storage.edge_changes.writing()

    def _pause_collector(self) -> None:
        """This transaction writes in bulk: CPython's cyclic collector is held off until it ends."""
        PAUSE.hold()
        self.pausing_collector = True

    def resume_collector(self) -> None:
        """Ends this transaction's hold on the cyclic collector, if it has one (when it ends)."""
        if self.pausing_collector:
            self.pausing_collector = False
            PAUSE.release()

    def create_vertices(self, rows: Iterable[tuple[Iterable[str], dict | None]]) -> list[Vertex]:
        """Creates a node for each (labels, properties) of `rows`, as `create_vertex` would one by one (the same
        ids, the same first error, nothing created when one fails), with the checks that hold for the whole call
        made once and the indexes entered once per call (a bulk import's path). A restricted user, a memory limit
        or statement-end checks take the one-by-one path."""
        rows = list(rows)
        if self.write_guard is not None or self.memory.bounded or self._statement_writes is not None:
            return [self.create_vertex(labels, props) for labels, props in rows]
        self._check_writable()
        storage = self.storage
        own, label_set, empty = self.info, storage.label_set, self._clean_props(None)
        maps, keys, size = self._cleaned_maps([props for _, props in rows])
        created: list[Vertex] = []
        with storage.write_lock:
            first = gid = storage.reserve_gids(len(rows), 0)[0]
            for (labels, _), props in zip(rows, maps):
                # No properties: the shared empty map, marked shared (copied before a change).
                created.append(Vertex(gid, Version(own, label_set(labels), props, False, None, props is empty)))
                gid += 1
            storage.vertices.enter_run(first, created)
            storage.indexes.vertices_written(created)
        self._written.update(dict.fromkeys(created))
        self._bulk_created(keys, size + len(created) * (ENTITY_BYTES + VERSION_BYTES))
        return created

    def create_edges(self, type_: str, ends: Iterable[tuple[Vertex, Vertex]],
                     props: Iterable[dict | None] | None = None) -> list[Edge]:
        """Creates a relationship of `type_` for each (start, end) of `ends` (with the properties of the same
        position in `props`), as `create_edge` would one by one (the same ids, the same first error, nothing
        created when one fails), with the checks that hold for the whole call made once; each end node is
        write-locked the first time this transaction writes it, in the order of `ends`."""
        ends = list(ends)
        maps = list(props) if props is not None else [None] * len(ends)
        if self.write_guard is not None or self.memory.bounded or self._statement_writes is not None:
            return [self.create_edge(src, dst, type_, values) for (src, dst), values in zip(ends, maps)]
        self._check_writable()
        if any(maps):
            # One by one, the ends of the rows before a bad map would have been locked first (and a lock that
            # fails there is the error to report).
            maps, keys, size = self._cleaned_maps(maps, lambda bad: self._lock_all(_ends_once(ends[:bad])))
        else:
            maps, keys, size = [self._clean_props(None)] * len(ends), {}, 0
        self._lock_all(_ends_once(ends))
        own, storage, empty = self.info, self.storage, self._clean_props(None)
        created: list[Edge] = []
        with storage.write_lock:
            if not self.changes_edges:
                self._changing_edges()
            first = gid = storage.reserve_gids(0, len(ends))[1]
            for (src, dst), values in zip(ends, maps):
                edge = Edge(gid, type_, src, dst, Version(own, None, values, False, None, values is empty))
                created.append(edge)
                gid += 1
                if src.out is None:
                    src.out = {}
                attach_edge(src.out, edge)
                if dst.inc is None:
                    dst.inc = {}
                attach_edge(dst.inc, edge)
            storage.edges.enter_run(first, created)
            storage.indexes.edges_written(type_, created)
        self._written.update(dict.fromkeys(created))
        self._bulk_created(keys, size + len(created) * (ENTITY_BYTES + VERSION_BYTES))
        return created

    def _lock_all(self, entities: list) -> None:
        """Write-locks the end nodes `entities` in order, as `_writable` would one by one: those free now under one
        hold of the write lock and without a version (`mvcc.lock_ends`), any other through `_writable` (which
        waits, or fails the transaction)."""
        position, count = 0, len(entities)
        while position < count:
            position = lock_ends(self, entities, position)
            if position < count:
                self._writable(entities[position])
                position += 1

    def _cleaned_maps(self, maps: list, failing: Callable[[int], None] | None = None
                      ) -> tuple[list, dict[str, None], int]:
        """The property maps of a bulk creation checked and cleaned before anything is created (a bad value fails
        the call with nothing half made, after `failing(position of its map)`), with the keys they name and the
        bytes they take; an empty or missing map is the shared empty one."""
        clean, empty = self._clean_props, self._clean_props(None)
        cleaned, keys, size = [], {}, 0
        for props in maps:
            if props:
                try:
                    props = clean(props)
                except Neo4jError:
                    if failing is not None:
                        failing(len(cleaned))
                    raise
                keys.update(dict.fromkeys(props))
                size += props_bytes(props)
            else:
                props = empty
            cleaned.append(props)
        return cleaned, keys, size

    def _bulk_created(self, keys: dict[str, None], size: int) -> None:
        """After `create_vertices` or `create_edges`: the new keys noted, the memory counted, the collector paused."""
        if keys:
            self._note_keys(keys)
        self._allocate(size)
        self.announce_bulk(len(self._written))

    def announce_bulk(self, creations: int) -> None:
        """This transaction is about to create (or has created) `creations` entities: from `BULK` on, CPython's
        cyclic collector is held off until it ends (`collector_pause`). A batched import says so before it
        starts, so that what it allocates first (its rows, its lookups) is not scanned again and again either."""
        if creations >= BULK and not self.pausing_collector:
            self._pause_collector()

    def set_property(self, entity, key: str, value: object) -> None:
        """Sets one property; None removes it (Cypher never stores null)."""
        self._check_property_writes(entity, {key: value})
        version = self._writable(entity)
        if not version.props_shared and version.props.get(key) is not None:
            self._remember_replaced(entity, version)
        if self._write_property(version, key, value):
            self._index_property(entity, version, key)

    def set_properties(self, entity, props: dict, replace: bool = False) -> None:
        """`SET e = map` (replace) or `SET e += map`: null values remove their key."""
        self._check_property_writes(entity, props, replace)
        version = self._writable(entity)
        if not version.props_shared:
            self._remember_replaced(entity, version)
        self._write_properties(version, props, replace)
        self._index_property(entity, version, None)

    def add_labels(self, vertex: Vertex, labels: Iterable[str]) -> int:
        """Adds labels; returns how many were new."""
        version, added = self._label_change(vertex, labels, adding=True)
        if added:
            self._relabel(version, added, adding=True)
            with self.storage.write_lock:
                self.storage.indexes.vertex_written(vertex, version, labels=added)
        return len(added)

    def remove_labels(self, vertex: Vertex, labels: Iterable[str]) -> int:
        """Removes labels; returns how many were there."""
        version, removed = self._label_change(vertex, labels, adding=False)
        if removed:
            older = version.older
            if older is None or older.labels is not version.labels:
                self._remember_replaced(vertex, version)
            self._relabel(version, removed, adding=False)
        return len(removed)

    def delete_edge(self, edge: Edge) -> bool:
        """Deletes a relationship; False if this transaction had already deleted it."""
        if not self._may_delete(edge):
            return False
        version = self._prepare(edge)
        if version is None:
            return False
        if not self.changes_edges:
            with self.storage.write_lock:
                self._changing_edges()
        version.deleted = True
        return True

    def _remember_replaced(self, entity, version: Version) -> None:
        """Keeps the state an own version is about to leave: the index entries it made are dropped when the
        transaction ends, unless a surviving version still needs them."""
        self._replaced.append((entity, Version(self.info, version.labels, dict(version.props))))

    def _drop_replaced(self) -> None:
        if not self._replaced:
            return
        indexes = self.storage.indexes
        with self.storage.write_lock:
            for entity, replaced in self._replaced:
                indexes.versions_dropped(entity, [replaced], chain(entity.head))
        self._replaced = []

    def _index_property(self, entity, version: Version, key: str | None) -> None:
        """Enters the entity under its new value of `key` (None: of every property) in the indexes."""
        indexes = self.storage.indexes
        with self.storage.write_lock:
            if isinstance(entity, Vertex):
                indexes.vertex_written(entity, version, key=key)
            else:
                indexes.edge_written(entity, version, key=key)

    # --- end -------------------------------------------------------------------------------------------------

    def commit(self) -> int | None:
        """Publishes every write at once and returns the commit timestamp (None for a read-only transaction).

        Constraints are checked first; a violation rolls the whole transaction back and is raised."""
        self._check_committable()
        storage = self.storage
        if not self._written and not self._schema_changes:
            self.status = COMMITTED
            self.info.txn = None  # no version names it; nor does a cycle keep it for the cyclic collector
            storage.finish(self)
            return None
        try:
            with storage.commit_lock:
                ts, durable = self._validate_and_reserve()
                if durable is None:
                    self._publish(ts)
        except BaseException:
            if self.is_open:
                self.rollback()
            raise
        if durable is not None:
            # Group commit: the sync happens outside the commit lock, so concurrent committers share one;
            # commits still become visible one by one, in timestamp order.
            try:
                durable()
            except BaseException as error:
                storage.panic(error)
                self.resume_collector()  # the transaction never finishes: the process must collect again
                raise
            storage.publish_in_order(ts, lambda: self._publish(ts))
        self.commit_ts = ts
        self.status = COMMITTED
        self._drop_replaced()
        # Only entities with older versions (or deleted ones) have anything to collect, and relationships (no labels)
        # a version to share when they have no properties (`gc`).
        storage.finish(self, committed=[e for e in self._written if e.head is not None and
                                        (e.head.older is not None or e.head.deleted or e.head.labels is None)])
        self._written = {}
        self.info.txn = None
        return ts

    def _check_unique(self, written: dict) -> None:
        """The statement's uniqueness check: the same one the commit makes (`constraints.validate`), on what the
        statement wrote; the indexes hold every version, and `committed_version` picks the newest committed."""
        validate(self.storage.schema.constraints_by_token, written, self.info, unique_only=True)

    def _validate_and_reserve(self) -> tuple[int, Callable[[], None] | None]:
        """Under the commit lock: checks constraints, applies schema changes, takes the next commit timestamp
        and logs the transaction. Returns the timestamp and, when the log must be synced before the commit
        may be seen, the function that waits for that."""
        storage = self.storage
        own = self.info
        self.validate_commit(lambda vertex: still_related(vertex, own))
        undo_schema = None
        if self._schema_changes:
            with storage.write_lock:
                undo_schema = storage.schema.apply(self._schema_changes, storage.all_entities, own)
        storage.check_panic()
        ts = storage.reserved_ts + 1
        try:
            durable = storage.before_publish(self, ts)
        except BaseException:
            if undo_schema is not None:
                with storage.write_lock:
                    undo_schema()
            raise
        storage.reserved_ts = ts
        # Later commits validate against this one as if it were committed already.
        own.pending_ts = ts
        storage.schema.search.committed(ts, self)
        return ts, durable

    def _publish(self, ts: int) -> None:
        storage = self.storage
        own = self.info
        if self._new_keys:
            storage.property_keys.add(self._new_keys)  # before the commit is seen: a snapshot then holds them
        with storage.write_lock:
            own.commit_ts = ts
            storage.last_commit_ts = ts
            released = own.released
        if released is not None:
            released.set()

    def rollback(self) -> None:
        """Undoes every write; idempotent on a transaction already rolled back."""
        if not self._check_rollbackable():
            return
        storage = self.storage
        own = self.info
        with storage.write_lock:
            stacked = storage.mode is StorageMode.IN_MEMORY_ANALYTICAL
            for entity in self._written:
                dropped = _unlink_own_versions(entity, own, stacked)
                if not dropped:
                    continue
                storage.indexes.versions_dropped(entity, dropped, chain(entity.head))
                if entity.head is None:
                    storage.remove_entity(entity)
            own.aborted = True
            released = own.released
        if released is not None:
            released.set()
        self.status = Status.ROLLED_BACK
        self._written = {}
        self._drop_replaced()
        self.info.txn = None
        storage.finish(self)


def _unlink_own_versions(entity, own, stacked: bool) -> list:
    """Takes `own`'s versions out of the entity's chain: the one at its head, or — when `stacked`, in
    IN_MEMORY_ANALYTICAL mode, which takes no locks — every one, wherever other writers stacked theirs above it."""
    head = entity.head
    if not stacked:
        if head is None or head.owner is not own:
            return []
        entity.head = head.older
        return [head]
    dropped = []
    newer, version = None, head
    while version is not None:
        if version.owner is own:
            dropped.append(version)
            if newer is None:
                entity.head = version.older
            else:
                newer.older = version.older
        else:
            newer = version
        version = version.older
    return dropped


def _ends_once(ends: list[tuple[Vertex, Vertex]]) -> list[Vertex]:
    """The end nodes of `ends`, each once, in the order they first appear (the order one-by-one writes lock them)."""
    return list(dict.fromkeys(itertools.chain.from_iterable(ends)))


def _wanted(value: object) -> tuple | None:
    """The index key an equality seek of `value` looks up; None for null and NaN, which equal nothing."""
    if type(value) is int:
        return (_NUMBER, value)
    if value is None or value != value:
        return None
    return index_key(value)


def _probe(entries: dict, label: str, key: str, value: object, wanted: tuple, own: CommitInfo, read_ts: int,
           dirty: bool) -> list[Vertex]:
    """The vertices an index's `entries` hold under `wanted` (`value`'s index key) that a reader (`own`, `read_ts`,
    `dirty`, no read filter) sees with `label` and with `key` equal to `value`: what `_by_property` finds, with one
    `read_version` per candidate."""
    bucket = entries.get(wanted)
    found = []
    if bucket is not None:
        # The index's only vertex for a key is held bare, several in a dict (`PropertyIndex.entries`).
        for vertex in tuple(bucket) if type(bucket) is dict else (bucket,):
            version = read_version(vertex.head, own, read_ts, dirty)
            if version is not None and label in version.labels:
                current = version.props.get(key)
                if current is not None and (current == value and type(current) is type(value) is int
                                            or index_key(current) == wanted):
                    found.append(vertex)
    return found


def _adjacent(adjacency: dict | None, types: Iterable[str] | None) -> tuple:
    """A snapshot of a node's relationships of `types` (None: every type) on one side: a tuple taken in one C
    call each, so a writer adding a relationship meanwhile cannot break the caller's loop."""
    if not adjacency:
        return ()
    if type(types) is tuple and len(types) == 1:  # the commonest pattern, `-[:KNOWS]->`, without a list made
        bucket = adjacency.get(types[0])
        return tuple(bucket) if bucket else ()
    buckets = tuple(adjacency.values()) if types is None else [adjacency.get(type_) for type_ in types]
    if len(buckets) == 1:
        return tuple(buckets[0]) if buckets[0] else ()
    edges: list = []
    for bucket in buckets:
        if bucket:
            edges.extend(bucket)
    return tuple(edges)
