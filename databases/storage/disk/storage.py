"""ON_DISK_TRANSACTIONAL: a storage whose committed graph lives in SQLite, with snapshot isolation only.

It fulfils `contracts.StorageEngine`, as the in-memory `Storage` does (begin, the schema and its indexes,
statistics, element ids). Transactions (`DiskTransaction`) read their snapshot from SQLite and keep their own
writes in memory until commit; write-write conflicts fail at once, as in the in-memory engine: an entity is locked
by its first writer, and one committed after the writer's read point cannot be written (the rules: `disk.mvcc`).
"""
from __future__ import annotations

import itertools
import sqlite3
import threading
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Iterable, Iterator

from graphplex.databases.errors import ClientError
from graphplex.databases.storage.constraints import validate
from graphplex.databases.storage.disk import mvcc, store
from graphplex.databases.storage.disk.transaction import DiskTransaction
from graphplex.databases.storage.indexes import NODE, IndexSet, PropertyIndex
from graphplex.databases.storage.isolation import IsolationLevel
from graphplex.databases.storage.modes import StorageMode
from graphplex.databases.storage.records import ANCIENT, Edge, LabelSets, Version, Vertex, element_id
from graphplex.databases.storage.disk import ONLY_SNAPSHOT_ISOLATION
from graphplex.databases.storage.schema import Schema, SchemaChange
from graphplex.databases.storage.search_indexes import SearchIndexes
from graphplex.databases.storage.tokens import PropertyKeys


PROPERTY_KEYS = "property_keys"  # the `meta` row of the property-key tokens


@dataclass(eq=False)
class DiskIndex(PropertyIndex):
    """A range index whose entries are rows of the store: it is filled when created, inside the commit."""

    store: "DiskStorage | None" = None

    def add(self, entity, key: tuple) -> None:
        self.store.add_entry(self, entity.gid, key)

    def discard(self, entity, key: tuple) -> None:  # entries follow the rows they index, at commit
        pass

    def seek(self, key: tuple) -> tuple:
        """The entities with `key` as the committing transaction would leave them (constraint checks)."""
        return tuple(self.store.committing_seek(self, key))


class DiskStorage:
    """One database's graph in `directory/graph.sqlite`."""

    def __init__(self, directory: Path, database_id: str, lock_acquisition_timeout: float = 60.0,
                 durability: str = "fsync") -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / store.FILE_NAME
        self.database_id = database_id
        self.durability = durability
        self.mode = StorageMode.ON_DISK_TRANSACTIONAL
        self.isolation_level = IsolationLevel.SNAPSHOT_ISOLATION
        self.lock_acquisition_timeout = lock_acquisition_timeout
        self.write_lock = threading.Lock()
        self.commit_lock = threading.Lock()
        self._writer = store.connect(self.path, durability)
        store.create_tables(self._writer)
        self._latest = store.connect(self.path, durability)
        self._latest_lock = threading.Lock()
        self._readers: list[sqlite3.Connection] = []
        self.last_commit_ts = store.read_meta(self._writer, "last_commit_ts", 0)
        self.reserved_ts = self.last_commit_ts
        self._next_vertex, self._next_edge = store.read_meta(self._writer, "next_ids", (0, 0))
        self._label_sets = LabelSets()
        self.indexes = IndexSet()
        self.schema = Schema(self.indexes, self._new_index,
                             SearchIndexes(self, self.committed_entities, self.committed_entity))
        self._schema_history: list[tuple] = store.read_meta(self._writer, "schema", [])
        if self._schema_history:
            self.schema.apply([SchemaChange(*fields) for fields in self._schema_history], lambda _: (), ANCIENT)
        self.property_keys = PropertyKeys(self._stored_property_keys())
        # The commit that filled each index created since the store opened: an older snapshot has no entries
        # in it and scans instead.
        self.index_ts: dict[str, int] = {}
        self._txn_ids = itertools.count(1)
        self._active: dict[int, DiskTransaction] = {}
        self.locks: dict[tuple[str, int], DiskTransaction] = {}
        self._committing: DiskTransaction | None = None
        self.closed = False

    def _stored_property_keys(self) -> list[str]:
        """The tokens the store keeps in its `meta` row; a store written before there was one holds none, and gets
        the keys its nodes, relationships and schema use, once."""
        keys = store.read_meta(self._writer, PROPERTY_KEYS, None)
        if keys is not None:
            return keys
        found = dict.fromkeys(key for change in self._schema_history for key in SchemaChange(*change).properties)
        for (data,) in self._writer.execute("SELECT data FROM nodes ORDER BY gid"):
            found.update(dict.fromkeys(store.decode_node(data)[1]))
        for (props,) in self._writer.execute("SELECT props FROM edges ORDER BY gid"):
            found.update(dict.fromkeys(store.decode_props(props)))
        store.write_meta(self._writer, PROPERTY_KEYS, list(found))
        return list(found)

    def _new_index(self, *fields, **named) -> DiskIndex:
        return DiskIndex(*fields, **named, store=self)

    # --- transactions ----------------------------------------------------------------------------------------

    def begin(self, isolation_level: IsolationLevel | str | None = None,
              memory_limit: int | None = None) -> DiskTransaction:
        """A snapshot transaction: its connection's read transaction starts at the newest commit."""
        if isolation_level is not None and IsolationLevel.parse(isolation_level) is not \
                IsolationLevel.SNAPSHOT_ISOLATION:
            raise ClientError(ONLY_SNAPSHOT_ISOLATION, "Neo.ClientError.Statement.ExecutionFailed")
        connection = self._reader()
        # Under the commit lock no commit can slip between reading the timestamp and pinning the snapshot, nor
        # between pinning it and counting the transaction among the open ones (`oldest_snapshot`: a search index
        # forgets the changes every open snapshot sees).
        with self.commit_lock:
            connection.execute("BEGIN")
            connection.execute("SELECT 1 FROM meta LIMIT 1").fetchall()
            start_ts = self.last_commit_ts
            with self.write_lock:
                txn = DiskTransaction(self, next(self._txn_ids), start_ts, memory_limit, connection)
                self._active[txn.id] = txn
        return txn

    def _reader(self) -> sqlite3.Connection:
        with self.write_lock:
            if self._readers:
                return self._readers.pop()
        return store.connect(self.path, self.durability)

    def release_reader(self, connection: sqlite3.Connection) -> None:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        with self.write_lock:
            if len(self._readers) < 8 and not self.closed:
                self._readers.append(connection)
                return
        connection.close()

    def refresh_snapshot(self, connection: sqlite3.Connection) -> int:
        """Moves a transaction's snapshot to the newest commit (after `CALL { } IN TRANSACTIONS` batches)."""
        with self.commit_lock:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            connection.execute("BEGIN")
            connection.execute("SELECT 1 FROM meta LIMIT 1").fetchall()
            return self.last_commit_ts

    def finish(self, txn: DiskTransaction) -> None:
        with self.write_lock:
            self._active.pop(txn.id, None)
            mvcc.release_locks(self, txn)

    def oldest_snapshot(self) -> int:
        """The start of the oldest open transaction (every one is a snapshot)."""
        return min((txn.start_ts for txn in tuple(self._active.values())), default=self.last_commit_ts)

    def active_transactions(self) -> list[DiskTransaction]:
        return list(self._active.values())

    def switch_mode(self, mode: StorageMode, then=None) -> None:
        raise ClientError("An on-disk database changes its storage mode through its Database.",
                          "Neo.ClientError.Statement.ExecutionFailed")

    # --- ids, conflicts --------------------------------------------------------------------------------------

    def next_vertex_gid(self) -> int:
        with self.write_lock:
            gid = self._next_vertex
            self._next_vertex = gid + 1
            return gid

    def next_edge_gid(self) -> int:
        with self.write_lock:
            gid = self._next_edge
            self._next_edge = gid + 1
            return gid

    def latest_ts(self, entity_type: str, gid: int) -> int | None:
        """The commit timestamp of the newest committed state of an entity; None if it no longer exists."""
        table = "nodes" if entity_type == NODE else "edges"
        with self._latest_lock:
            row = self._latest.execute(f"SELECT ts FROM {table} WHERE gid = ?", (gid,)).fetchone()
        return None if row is None else row[0]

    def label_set(self, labels) -> frozenset:
        return self._label_sets.get(labels)

    # --- commit ----------------------------------------------------------------------------------------------

    def commit(self, txn: DiskTransaction) -> int:
        """Validates and writes a transaction in one SQLite transaction; returns its commit timestamp."""
        with self.commit_lock:
            writer = self._writer
            writer.execute("BEGIN IMMEDIATE")
            self._committing = txn
            undo_schema = None
            ts = mvcc.next_commit_ts(self)
            created: set[str] = set()
            new_keys: tuple[str, ...] = ()
            try:
                mvcc.validate(txn)
                if txn.schema_changes():
                    before = set(self.indexes.by_name)
                    undo_schema = self.schema.apply(list(txn.schema_changes()), self.committed_entities, txn.info)
                    for name in before - set(self.indexes.by_name):
                        writer.execute("DELETE FROM node_entries WHERE name = ?", (name,))
                        writer.execute("DELETE FROM edge_entries WHERE name = ?", (name,))
                    created = set(self.indexes.by_name) - before
                    self._schema_history.extend(astuple(change) for change in txn.schema_changes())
                    store.write_meta(writer, "schema", self._schema_history)
                txn.write(writer, ts)
                new_keys = txn.new_property_keys()
                if new_keys:
                    store.write_meta(writer, PROPERTY_KEYS, self.property_keys.names() + list(new_keys))
                store.write_meta(writer, "last_commit_ts", ts)
                store.write_meta(writer, "next_ids", (self._next_vertex, self._next_edge))
                writer.execute("COMMIT")
            except BaseException:
                if writer.in_transaction:
                    writer.execute("ROLLBACK")
                if undo_schema is not None:
                    undo_schema()
                raise
            finally:
                self._committing = None
            self.schema.search.committed(ts, txn)
            for name in created:
                self.index_ts[name] = ts
            if new_keys:
                self.property_keys.add(new_keys)
            self.last_commit_ts = self.reserved_ts = ts
            return ts

    def check_unique(self, txn: DiskTransaction, written: dict) -> None:
        """A statement's uniqueness check (`TransactionState.end_statement`): the commit's own check, on what the
        statement wrote, against the newest committed state as the commit lock lets it be read (`committing_seek`
        reads it through the writer, which only the holder of that lock uses)."""
        with self.commit_lock:
            self._committing = txn
            try:
                validate(self.schema.constraints_by_token, written, txn.info, unique_only=True)
            finally:
                self._committing = None

    def add_entry(self, index: PropertyIndex, gid: int, key: tuple) -> None:
        self._writer.execute(f"INSERT OR IGNORE INTO {store.ENTRY_TABLES[index.entity_type]} (name, key, gid) "
                             "VALUES (?, ?, ?)", (index.name, store.entry_key(key), gid))

    def committing_seek(self, index: PropertyIndex, key: tuple) -> Iterator:
        """Entities with `key` in `index` as the committing transaction leaves them (see `disk.mvcc.at_commit`):
        the committed ones are read fresh, never from the transaction's older snapshot."""
        table = store.ENTRY_TABLES[index.entity_type]
        if index.entity_type == NODE:
            rows = self._writer.execute(
                f"SELECT n.gid, n.data FROM {table} e JOIN nodes n ON n.gid = e.gid WHERE e.name = ? AND e.key = ?",
                (index.name, store.entry_key(key))).fetchall()
            committed: Iterable = (committed_vertex(gid, data, self.label_set) for gid, data in rows)
        else:
            rows = self._writer.execute(
                f"SELECT d.gid, d.type, d.src, d.dst, d.props FROM {table} e JOIN edges d ON d.gid = e.gid "
                "WHERE e.name = ? AND e.key = ?", (index.name, store.entry_key(key))).fetchall()
            committed = (committed_edge(row, self.label_set) for row in rows)
        return mvcc.at_commit(self._committing, committed, index, key)

    def committed_relationships(self, gid: int) -> list[int]:
        """The ids of the relationships at either end of node `gid` in the newest committed state (at commit)."""
        return [row[0] for row in self._writer.execute("SELECT gid FROM edges WHERE src = ? OR dst = ?", (gid, gid))]

    def committed_entities(self, entity_type: str) -> Iterator:
        """Every entity of the newest committed state, streamed (a schema change checks and indexes them)."""
        cursor = self._writer.cursor()  # read lazily: index entries may be written meanwhile
        if entity_type == NODE:
            for gid, data in cursor.execute("SELECT gid, data FROM nodes"):
                yield committed_vertex(gid, data, self.label_set)
        else:
            for row in cursor.execute("SELECT gid, type, src, dst, props FROM edges"):
                yield committed_edge(row, self.label_set)

    def committed_entity(self, entity_type: str, gid: int) -> Vertex | Edge | None:
        """Entity `gid` as the newest commit left it (under the commit lock, as `committed_entities`)."""
        if entity_type == NODE:
            row = self._writer.execute("SELECT data FROM nodes WHERE gid = ?", (gid,)).fetchone()
            return None if row is None else committed_vertex(gid, row[0], self.label_set)
        row = self._writer.execute("SELECT gid, type, src, dst, props FROM edges WHERE gid = ?", (gid,)).fetchone()
        return None if row is None else committed_edge(row, self.label_set)

    # --- statistics and names --------------------------------------------------------------------------------

    def label_count(self, label: str) -> int:
        with self._latest_lock:
            return self._latest.execute("SELECT count(*) FROM node_labels WHERE label = ?", (label,)).fetchone()[0]

    def labels_in_use(self) -> list[str]:
        """Labels in use, in the order of the oldest node carrying each: the store keeps no token ids, and this
        order, read from the data (one index step per label), is Neo4j's token order whenever labels were first
        used on nodes created in that order, and the same after a restart."""
        with self._latest_lock:
            return [row[0] for row in self._latest.execute(
                "SELECT label FROM node_labels GROUP BY label ORDER BY min(gid)")]

    def types_in_use(self) -> list[str]:
        """Relationship types in use, in the order of the oldest relationship of each (as `labels_in_use`)."""
        with self._latest_lock:
            return [row[0] for row in self._latest.execute("SELECT type FROM edges GROUP BY type ORDER BY min(gid)")]

    def counts(self) -> tuple[int, int]:
        with self._latest_lock:
            nodes = self._latest.execute("SELECT count(*) FROM nodes").fetchone()[0]
            edges = self._latest.execute("SELECT count(*) FROM edges").fetchone()[0]
        return nodes, edges

    def disk_usage(self) -> int:
        return sum(path.stat().st_size for path in self.directory.glob(store.FILE_NAME + "*") if path.exists())

    def element_id(self, entity) -> str:
        """See `records.element_id`."""
        return element_id(self.database_id, entity)

    def close(self) -> None:
        """Closes every connection (open transactions must have ended)."""
        with self.write_lock:
            self.closed = True
            readers, self._readers = self._readers, []
        for connection in readers + [self._latest, self._writer]:
            connection.close()


def committed_vertex(gid: int, data: bytes, label_set) -> Vertex:
    labels, props = store.decode_node(data)
    return Vertex(gid, Version(ANCIENT, label_set(labels), props, props_shared=True))


def committed_edge(row: tuple, label_set, vertex=None) -> Edge:
    """An edge from its row; `vertex(gid)` resolves the end points (default: bare committed stand-ins)."""
    gid, type_, src, dst, props = row
    resolve = vertex or (lambda g: Vertex(g, None))
    return Edge(gid, type_, resolve(src), resolve(dst), Version(ANCIENT, None, store.decode_props(props),
                                                                    props_shared=True))


__all__ = ["DiskStorage", "ONLY_SNAPSHOT_ISOLATION"]
