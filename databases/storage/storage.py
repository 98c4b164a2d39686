"""The storage of one graph: its entities, indexes, schema, transactions and their timestamps."""
from __future__ import annotations

import itertools
import threading
import uuid
from typing import Callable, Iterable

from graphplex.databases.errors import ClientError
from graphplex.databases.storage.gc import GarbageCollector
from graphplex.databases.storage.indexes import NODE, IndexSet, PropertyIndex
from graphplex.databases.storage.isolation import IsolationLevel
from graphplex.databases.storage.modes import StorageMode
from graphplex.databases.storage.records import (PLAIN_RELATIONSHIP, CommitInfo, Edge, LabelSets, Version, Vertex,
                                                 attach_edge, detach_edge, element_id)
from graphplex.databases.storage.schema import Schema, SchemaChange
from graphplex.databases.storage.columns import ColumnStore
from graphplex.databases.storage.edge_changes import EdgeChanges
from graphplex.databases.storage.entity_table import EntityTable
from graphplex.databases.storage.search_indexes import SearchIndexes
from graphplex.databases.storage.tokens import PropertyKeys
from graphplex.databases.storage.transaction import Transaction


# Read at every begin, as a module name (an enum member read through its class costs ten times more).
_ANALYTICAL = StorageMode.IN_MEMORY_ANALYTICAL


class Storage:
    """An in-memory, multi-version property graph.

    `begin()` opens a transaction. Commits are serialised by `commit_lock` (constraint checks, the durability
    hook `before_publish`, publication); `write_lock` guards the short critical sections that install versions
    and change shared structures. Timestamps: `last_commit_ts` is the newest published commit; a snapshot
    transaction reads what was committed at or before its start.
    """

    def __init__(self, isolation_level: IsolationLevel | str = IsolationLevel.SNAPSHOT_ISOLATION,
                 lock_acquisition_timeout: float = 60.0, database_id: str | None = None) -> None:
        self.database_id = database_id or str(uuid.uuid4())
        self.vertices = EntityTable()  # gid → Vertex, answering as a dict does
        self.edges = EntityTable()  # gid → Edge
        self.indexes = IndexSet(self.edges)
        self.schema = Schema(self.indexes, PropertyIndex, SearchIndexes(self, self.all_entities, self.entity))
        self.property_keys = PropertyKeys()
        self.write_lock = threading.Lock()
        self.commit_lock = threading.Lock()
        self.last_commit_ts = 0
        # The newest timestamp handed out; commits awaiting their log sync sit between the two.
        self.reserved_ts = 0
        self._published = threading.Condition()
        self._awaiting = 0  # threads waiting on `_published` for a publication (`_await_published`)
        self._panic: BaseException | None = None
        self.isolation_level = IsolationLevel.parse(isolation_level)
        self.mode = StorageMode.IN_MEMORY_TRANSACTIONAL
        self._switching: int | None = None  # the thread changing the mode, if one is
        self._switched = threading.Condition()
        self.lock_acquisition_timeout = lock_acquisition_timeout
        self.gc = GarbageCollector(self)
        self.edge_changes = EdgeChanges(self.write_lock)  # when `expand` may skip per-relationship visibility
        self._next_vertex = 0
        self._next_edge = 0
        self._txn_ids = itertools.count(1)
        self._active: dict[int, Transaction] = {}
        self._label_sets = LabelSets()
        self._publish_hooks: list[Callable[[Transaction, int], None]] = []
        self.columns = ColumnStore(self)  # property columns per label for scans (`columns`)

    # --- transactions ----------------------------------------------------------------------------------------

    def begin(self, isolation_level: IsolationLevel | str | None = None,
              memory_limit: int | None = None) -> Transaction:
        """Opens a transaction at `isolation_level` (default: the storage's) with an optional memory limit."""
        level = self.isolation_level if isolation_level is None else IsolationLevel.parse(isolation_level)
        if self._switching is not None:
            self._await_switch()
        if self.mode is _ANALYTICAL:
            level = IsolationLevel.READ_UNCOMMITTED
        with self.write_lock:
            txn = Transaction(self, next(self._txn_ids), level, self.last_commit_ts, memory_limit)
            self._active[txn.id] = txn
        return txn

    def switch_mode(self, mode: StorageMode, then: Callable[[], None] | None = None) -> None:
        """Changes the storage mode when no transaction is open. Until `then()` (run by this thread, which may
        begin transactions) has returned, other threads wait to begin theirs."""
        with self.write_lock:
            if self._active:
                raise ClientError(
                    f"Storage mode cannot be changed to {mode.value} while there are {len(self._active)} active "
                    "transaction(s) on this database; retry when they have finished.",
                    "Neo.ClientError.Statement.ExecutionFailed")
            previous, self.mode = self.mode, mode
            self._switching = threading.get_ident()
        try:
            if then is not None:
                then()
        except BaseException:
            self.mode = previous
            raise
        finally:
            with self._switched:
                self._switching = None
                self._switched.notify_all()

    def _await_switch(self) -> None:
        with self._switched:
            while self._switching is not None and self._switching != threading.get_ident():
                self._switched.wait()

    def active_transactions(self) -> list[Transaction]:
        return list(self._active.values())

    def oldest_snapshot(self) -> int:
        """The start of the oldest open snapshot; versions older than what it sees are garbage."""
        oldest = self.last_commit_ts
        for txn in tuple(self._active.values()):
            if txn.isolation is IsolationLevel.SNAPSHOT_ISOLATION and txn.start_ts < oldest:
                oldest = txn.start_ts
        return oldest

    def finish(self, txn: Transaction, committed: Iterable | None = None) -> None:
        """Called by a transaction once it committed or rolled back: queues its versions for collection."""
        self._active.pop(txn.id, None)
        if txn.pausing_collector:
            txn.resume_collector()
        if txn.changes_edges:  # before the collector may take its deleted relationships away
            txn.changes_edges = False
            self.edge_changes.finished(txn.commit_ts, committed or ())
        if committed:
            self.gc.committed(txn.commit_ts, committed)
        if self.gc.pending:
            self.gc.collect()

    def add_publish_hook(self, hook: Callable[[Transaction, int], None]) -> None:
        """Registers `hook(txn, commit_ts)`, run under the commit lock before a commit becomes visible (the
        write-ahead log appends there); if it raises, the transaction is rolled back."""
        self._publish_hooks.append(hook)

    def before_publish(self, txn: Transaction, commit_ts: int):
        """Runs the publish hooks; returns a function to call (outside the commit lock) before the commit may be
        published, when a hook needs one (the log's sync), else None."""
        hooks = self._publish_hooks
        if not hooks:
            return None
        if len(hooks) == 1:  # the log's, alone: its wait (or None) as it is
            return hooks[0](txn, commit_ts)
        waits = [wait for wait in (hook(txn, commit_ts) for hook in hooks) if wait is not None]
        if not waits:
            return None
        if len(waits) == 1:
            return waits[0]
        return lambda: [wait() for wait in waits]

    def publish_in_order(self, commit_ts: int, publish: Callable[[], None]) -> None:
        """Publishes a commit once every earlier one is published (so snapshots never see a gap). A commit with
        every earlier one published, and nobody waiting (a single writer's, always), publishes straight away."""
        with self._published:
            if self.last_commit_ts != commit_ts - 1:
                self._await_published(lambda: self.last_commit_ts == commit_ts - 1)
            publish()
            if self._awaiting:
                self._published.notify_all()

    def wait_published(self, commit_ts: int) -> None:
        """Returns once every commit up to `commit_ts` is visible."""
        with self._published:
            if self.last_commit_ts < commit_ts:
                self._await_published(lambda: self.last_commit_ts >= commit_ts)

    def _await_published(self, done: Callable[[], bool]) -> None:
        """Waits (holding `_published`) until `done()`; counted in `_awaiting`, which publications notify."""
        self._awaiting += 1
        try:
            while not done():
                self.check_panic()
                self._published.wait(0.1)
        finally:
            self._awaiting -= 1

    def panic(self, error: BaseException) -> None:
        """A log sync failed: nothing more may commit (what was written may not be on disk)."""
        with self._published:
            self._panic = error
            self._published.notify_all()

    def check_panic(self) -> None:
        if self._panic is not None:
            from graphplex.databases.errors import DatabaseError
            raise DatabaseError(f"The database cannot commit any more: writing its log failed "
                                f"({self._panic})", "Neo.DatabaseError.Transaction.TransactionCommitFailed")

    # --- structure -------------------------------------------------------------------------------------------

    def next_vertex_gid(self) -> int:
        """A new vertex id (called under `write_lock`); ids are never reused."""
        gid = self._next_vertex
        self._next_vertex = gid + 1
        return gid

    def peek_vertex_gid(self) -> int:
        return self._next_vertex

    def peek_edge_gid(self) -> int:
        return self._next_edge

    def next_edge_gid(self) -> int:
        gid = self._next_edge
        self._next_edge = gid + 1
        return gid

    def reserve_gids(self, vertices: int, edges: int) -> tuple[int, int]:
        """The first of `vertices` new vertex ids and of `edges` new edge ids, taken at once (under `write_lock`)."""
        first = self._next_vertex, self._next_edge
        self._next_vertex += vertices
        self._next_edge += edges
        return first

    # --- statistics for the planner and the catalogue procedures -------------------------------------------

    def label_count(self, label: str) -> int:
        """How many vertices may carry `label` (an upper bound: uncommitted and not yet collected ones count)."""
        return len(self.indexes.vertices_by_label.get(label, ()))

    def labels_in_use(self) -> list[str]:
        """Labels some vertex may carry (callers check what their transaction sees), in the order they were first
        used: the label lookup gains a label's entry on its first write and never loses it, as Neo4j's tokens keep
        their ids (db.labels() and APOC's meta procedures list labels by token id)."""
        return [label for label, members in self.indexes.vertices_by_label.items() if members]

    def types_in_use(self) -> list[str]:
        """Relationship types in use, in the order they were first used (as `labels_in_use`)."""
        return [type_ for type_, members in self.indexes.edges_by_type.items() if members]

    def element_id(self, entity) -> str:
        """See `records.element_id`."""
        return element_id(self.database_id, entity)

    def label_set(self, labels) -> frozenset:
        return self._label_sets.get(labels)

    def entity(self, entity_type: str, gid: int) -> Vertex | Edge | None:
        """The vertex or edge `gid`, with every version any transaction may see (None: no such entity)."""
        return (self.vertices if entity_type == NODE else self.edges).get(gid)

    def all_entities(self, entity_type: str) -> tuple:
        return tuple(self.vertices.values() if entity_type == NODE else self.edges.values())

    def remove_entity(self, entity) -> None:
        """Removes an entity no transaction can see any more (rolled-back creation, collected deletion)."""
        if isinstance(entity, Vertex):
            self.vertices.pop(entity.gid, None)
            return
        self.edges.pop(entity.gid, None)
        detach_edge(entity.src.out, entity)
        detach_edge(entity.dst.inc, entity)
        self.edge_changes.removed(entity)

    # --- recovery ---------------------------------------------------------------------------------------------

    def replay(self, commit_ts: int, operations: list, entity_keys: bool = True) -> None:
        """Applies a redo record as committed state (recovery runs alone, before any transaction).

        Its "K" operations name property-key tokens (a snapshot's registry, a commit's new keys); with
        `entity_keys`, the keys of the vertices and edges it writes are taken as tokens too, which files written
        before the registry need (recovery leaves it out when the snapshot shows they were not: 6 % of a replay)."""
        owner = CommitInfo(commit_ts=commit_ts)
        schema = []
        keys: dict[str, None] = {}  # named by "K" operations, in the order made
        held: dict[str, None] = {}  # held by the entities (after those: a "K" operation has the commit's order)
        for operation in operations:
            kind = operation[0]
            if kind == "V":
                _, gid, labels, props = operation
                if entity_keys and props:
                    held.update(dict.fromkeys(props))
                version = Version(owner, self.label_set(labels), props)
                vertex = self.vertices.get(gid)
                if vertex is None:
                    vertex = self.vertices[gid] = Vertex(gid, version)
                else:
                    self.indexes.versions_dropped(vertex, [vertex.head], [version])
                    vertex.head = version
                self.indexes.vertex_written(vertex, version)
                self._next_vertex = max(self._next_vertex, gid + 1)
            elif kind == "E":
                _, gid, type_, src, dst, props = operation
                if entity_keys and props:
                    held.update(dict.fromkeys(props))
                # Recovery runs before any transaction: every reader sees what it replays.
                version = Version(owner, None, props) if props else PLAIN_RELATIONSHIP
                edge = self.edges.get(gid)
                if edge is None:
                    edge = self.edges[gid] = Edge(gid, type_, self.vertices[src], self.vertices[dst], version)
                    for end, side in ((edge.src, "out"), (edge.dst, "inc")):
                        if getattr(end, side) is None:
                            setattr(end, side, {})
                        attach_edge(getattr(end, side), edge)
                    self.edge_changes.replayed(commit_ts)
                else:
                    self.indexes.versions_dropped(edge, [edge.head], [version])
                    edge.head = version
                self.indexes.edge_written(edge, version)
                self._next_edge = max(self._next_edge, gid + 1)
            elif kind == "N":
                self._next_vertex = max(self._next_vertex, operation[1])
                self._next_edge = max(self._next_edge, operation[2])
            elif kind == "K":
                keys.update(dict.fromkeys(operation[1]))
            elif kind in ("v", "e"):
                entity = (self.vertices if kind == "v" else self.edges).get(operation[1])
                if entity is not None:
                    self.indexes.versions_dropped(entity, [entity.head], [])
                    self.remove_entity(entity)
            else:
                schema.append(SchemaChange(*operation[1:]))
        if schema:
            self.schema.apply(schema, self.all_entities, owner)
            for change in schema:
                held.update(dict.fromkeys(change.properties))
        keys.update(held)
        if keys:
            self.property_keys.add(keys)
        self.schema.search.invalidate()
        self.last_commit_ts = max(self.last_commit_ts, commit_ts)
        self.reserved_ts = self.last_commit_ts

    def close(self) -> None:
        """Nothing to release: an in-memory graph holds no files or connections (its log is the database's)."""

    # --- figures ---------------------------------------------------------------------------------------------

    def counts(self) -> tuple[int, int]:
        """(vertices, edges) held, including versions not yet collected; exact when no transaction is open."""
        return len(self.vertices), len(self.edges)
