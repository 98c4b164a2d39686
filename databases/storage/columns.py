"""Property columns per label: the committed state of a label's nodes kept column by column for scans.

A scan that reads one or two properties of every node with a label (`MATCH (p:Person) RETURN p.age % 10, count(*)`)
spends most of its time resolving each node's visible version and building a row for it. The column path reads
instead, for the label, one array per property key of the values every node held at one commit timestamp `built_ts`,
and resolves per node only the few nodes that a commit changed since (`changed`) or the reading transaction itself
wrote. Those are the scan's `delta`: the caller reads them through the transaction's own view, the ordinary way.

Why that is exact for a reader whose snapshot is at or after `built_ts` (every SNAPSHOT_ISOLATION transaction begun
since, every READ_COMMITTED one): a node no commit touched after `built_ts` has, as its newest committed version, the
one `built_ts` saw, and that is the version such a reader sees unless the reader wrote the node itself. A commit hook
(run under the commit lock, before the commit is visible) notes every node a commit wrote in `changed`, for each
label the node had before or has after. READ_UNCOMMITTED readers (and IN_MEMORY_ANALYTICAL, whose readers are) also
take as delta every node an open transaction wrote. A reader with an older snapshot, a restricted user (whose read
filter hides or trims entities) and the on-disk engine never get a column scan: they read row by row.

Columns are built on first use (`ColumnStore.scan`) and rebuilt when the changed nodes grow past a share of the
label; a column holds one value kind (integers, floats, booleans or strings, with nulls beside them) or is None
when the label's values of that key mix kinds, and the caller then reads row by row.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from itertools import repeat
from operator import is_not
from typing import TYPE_CHECKING, Any

from graphplex.databases.storage.mvcc import read_version
from graphplex.databases.storage.records import CommitInfo, Version, Vertex

if TYPE_CHECKING:
    from graphplex.databases.storage.storage import Storage
    from graphplex.databases.storage.transaction import Transaction

# A label's columns are rebuilt once more than this share of its nodes changed since they were built (and at
# least `_MIN_REBUILD` did): below it, reading the changed nodes row by row costs less than a rebuild.
_REBUILD_SHARE = 0.05
_MIN_REBUILD = 64
# Labels with fewer nodes than this are scanned row by row: columns would not pay for themselves.
MIN_COLUMN_ROWS = 256

_NOBODY = CommitInfo()  # owns no version: reading "as of a timestamp" with it sees committed versions only

# The properties of a member that had no version at `built_ts`, or not the label: an empty map told apart from a
# node's own empty map by identity. Never changed.
_ABSENT: dict = {}

_KINDS = {int: "int", float: "float", bool: "bool", str: "str"}
_DTYPES = {"int": "int64", "float": "float64", "bool": "bool"}
_FILLERS = {"int": 0, "float": 0.0, "bool": False, "str": ""}


@dataclass(frozen=True)
class Column:
    """One property key's values over a label's nodes, in the label's column order.

    `kind` is "int", "float", "bool", "str" or "null" (every value null); `values` holds the values (a filler where
    null; strings as an object array); `nulls` marks the nodes without the key (or, for positions whose node is not
    in the label at `built_ts`, anything). `bound` is the largest magnitude of an integer column (0 otherwise)."""

    kind: str
    values: Any  # numpy.ndarray
    nulls: Any  # numpy.ndarray of booleans
    bound: int = 0


def build_column(values: list) -> Column | None:
    """A column from Python values (None for null); None when the values mix kinds."""
    import numpy as np  # on first use: answering a query that never scans a column does not load numpy
    kinds = set(map(type, values))
    has_nulls = type(None) in kinds
    kinds.discard(type(None))
    size = len(values)
    if has_nulls:
        nulls = np.fromiter((value is None for value in values), np.bool_, size)
    else:
        nulls = np.zeros(size, np.bool_)
    if not kinds:
        return Column("null", np.zeros(size, np.bool_), nulls)
    if len(kinds) > 1:
        return None
    kind = _KINDS.get(kinds.pop())
    if kind is None:
        return None
    if has_nulls:
        filler = _FILLERS[kind]
        values = [filler if value is None else value for value in values]
    if kind == "str":
        array = np.empty(size, object)
        array[:] = values
        return Column(kind, array, nulls)
    try:
        array = np.array(values, _DTYPES[kind])
    except OverflowError:
        return None  # an integer beyond 64 bits: read row by row
    bound = 0
    if kind == "int" and size:
        low, high = int(array.min()), int(array.max())
        bound = max(-low, high)
    return Column(kind, array, nulls, bound)


def _props_at(head: Version | None, label: str, built_ts: int) -> dict:
    """The properties of the node whose newest version is `head` as of `built_ts`, or `_ABSENT` when it had no
    version then or not `label`."""
    version = read_version(head, _NOBODY, built_ts, False)
    return version.props if version is not None and label in version.labels else _ABSENT


class LabelColumns:
    """The columns of one label as of `built_ts`: the label's members then (`vertices`), the properties each had
    (`props`; `_ABSENT` when it had no version then or not the label), and the nodes commits changed since
    (`changed`)."""

    def __init__(self, label: str, built_ts: int, vertices: tuple) -> None:
        self.label = label
        self.built_ts = built_ts
        self.vertices = vertices
        self.props: list[dict] = []
        self.present: Any = None  # numpy.ndarray: whether each member had the label at `built_ts`
        self.changed: dict[Vertex, None] = {}
        self._columns: dict[str, Column | None] = {}
        self._positions: dict[Vertex, int] | None = None
        self._lock = threading.Lock()
        self.filled = False  # readers take the columns only once `fill` is done

    def fill(self) -> None:
        """Reads each member's properties as of `built_ts` (every commit up to it is published by now)."""
        import numpy as np
        label, built_ts = self.label, self.built_ts
        # Most heads are live, with the label, committed at or before `built_ts`: taken inline (a call per node
        # would cost as much as the rest of the build); `_props_at` for the others.
        props = [
            head.props
            if head is not None and (ts := head.owner.commit_ts) is not None and ts <= built_ts
            and not head.deleted and label in head.labels
            else _props_at(head, label, built_ts)
            for vertex in self.vertices for head in (vertex.head,)]
        self.props = props
        self.present = np.fromiter(map(is_not, props, repeat(_ABSENT)), np.bool_, len(props))
        self.filled = True

    def column(self, key: str) -> Column | None:
        """The column of property `key` (built on first use); None when its values mix kinds."""
        try:
            return self._columns[key]
        except KeyError:
            pass
        with self._lock:
            if key not in self._columns:
                self._columns[key] = build_column(list(map(dict.get, self.props, repeat(key))))
            return self._columns[key]

    def positions(self) -> dict[Vertex, int]:
        """Each member's position in the columns (built when a scan first has a delta)."""
        positions = self._positions
        if positions is None:
            positions = self._positions = {vertex: index for index, vertex in enumerate(self.vertices)}
        return positions

    @property
    def stale(self) -> bool:
        changed = len(self.changed)
        return changed > _MIN_REBUILD and changed > _REBUILD_SHARE * len(self.vertices)


@dataclass
class ColumnScan:
    """What one reader reads of a label: the columns, the positions it may take from them (`usable`), and the nodes
    it must read row by row through its own view (`delta`: each may or may not have the label for the reader), in
    the order a row-by-row scan of the label meets them: `placed`, (position, node) for those in the columns, by
    position; `later`, those the label gained since, in the label lookup's order."""

    columns: LabelColumns
    usable: Any  # numpy.ndarray of booleans
    placed: list
    later: list

    @property
    def delta(self) -> list:
        return [vertex for _, vertex in self.placed] + self.later

    def column(self, key: str) -> Column | None:
        return self.columns.column(key)

    @property
    def size(self) -> int:
        return len(self.columns.vertices)

    def vertex(self, position: int) -> Vertex:
        return self.columns.vertices[position]


class ColumnStore:
    """The label columns of one in-memory storage, and the commit hook that keeps their `changed` sets."""

    def __init__(self, storage: "Storage") -> None:
        self._storage = storage
        self._labels: dict[str, LabelColumns] = {}
        self._build_lock = threading.Lock()
        self._hooked = False

    def scan(self, txn: "Transaction", label: str, fresh: bool = False) -> ColumnScan | None:
        """The column scan of `label` for `txn`, or None when `txn` must scan row by row (see the module). `fresh`
        rebuilds the columns when a commit changed the label since they were built (a caller that would otherwise
        read the changed nodes row by row, for whom reading the whole label again costs less)."""
        storage = self._storage
        if txn.read_filter is not None or txn.storage is not storage:
            return None
        members = storage.indexes.vertices_by_label.get(label)
        if members is None or len(members) < MIN_COLUMN_ROWS:
            return None
        columns = self._current(label, txn.read_ts, fresh)
        if columns is None or columns.built_ts > txn.read_ts:
            return None
        delta = dict.fromkeys(tuple(columns.changed))
        delta.update(dict.fromkeys(v for v in tuple(txn._written) if type(v) is Vertex))
        if txn.dirty:
            for other in tuple(storage.active_transactions()):
                if other is not txn:
                    delta.update(dict.fromkeys(v for v in tuple(other._written) if type(v) is Vertex))
        usable = columns.present
        if not delta:
            return ColumnScan(columns, usable, [], [])
        usable = usable.copy()
        positions = columns.positions()
        placed, later = [], {}
        for vertex in delta:
            position = positions.get(vertex)
            if position is None:
                if vertex in members:  # a node written under another label only is none of this scan's
                    later[vertex] = None
            else:
                usable[position] = False
                placed.append((position, vertex))
        placed.sort(key=lambda pair: pair[0])
        return ColumnScan(columns, usable, placed, self._in_lookup_order(label, later))

    def _in_lookup_order(self, label: str, vertices: dict) -> list:
        """`vertices` in the order the label's lookup holds them (a row-by-row scan's order): they joined it after
        the columns were built, so they are looked for from its end."""
        if not vertices:
            return []
        found = []
        with self._storage.write_lock:
            for vertex in reversed(self._storage.indexes.vertices_by_label.get(label, {})):
                if vertex in vertices:
                    found.append(vertex)
                    if len(found) == len(vertices):
                        break
        found.reverse()
        seen = set(found)
        return found + [vertex for vertex in vertices if vertex not in seen]  # not in the lookup: without the label

    def _current(self, label: str, read_ts: int, fresh: bool) -> LabelColumns | None:
        """The label's columns for a reader at `read_ts`: built or rebuilt when needed and when the reader could
        use columns built now (a snapshot older than the newest commit could not: it keeps the columns there are,
        or None)."""
        columns = self._labels.get(label)
        usable = columns is not None and columns.filled
        if usable and not columns.stale and not (fresh and columns.changed):
            return columns
        if read_ts < self._storage.reserved_ts:
            return columns if usable else None
        with self._build_lock:  # held while a build fills the columns
            columns = self._labels.get(label)
            if columns is None or not columns.filled or columns.stale or (fresh and columns.changed):
                columns = self._build(label)
            return columns

    def _build(self, label: str) -> LabelColumns:
        storage = self._storage
        if not self._hooked:
            storage.add_publish_hook(self._committed)
            self._hooked = True
        with storage.commit_lock:
            # Every commit up to `reserved_ts` ran its hooks; every later one notes its changes in `changed`.
            built_ts = storage.reserved_ts
            with storage.write_lock:
                vertices = tuple(storage.indexes.vertices_by_label.get(label, ()))
            columns = LabelColumns(label, built_ts, vertices)
            self._labels[label] = columns
        storage.wait_published(built_ts)
        columns.fill()
        return columns

    def _committed(self, txn: "Transaction", commit_ts: int) -> None:
        """The commit hook: notes each node `txn` wrote under every label it has in a version not yet committed
        (its own, and any stacked on it) or in the newest committed one before them."""
        labels = self._labels
        if not labels:
            return None
        for entity in tuple(txn._written):
            if type(entity) is not Vertex:
                continue
            version = entity.head
            while version is not None:
                for label in version.labels or ():
                    columns = labels.get(label)
                    if columns is not None:
                        columns.changed[entity] = None
                        if columns.stale:  # the next scan rebuilds: let go of the nodes and versions held now
                            del labels[label]
                if version.owner.commit_ts is not None:
                    break
                version = version.older
        return None


def column_scan(txn, label: str, fresh: bool = False) -> ColumnScan | None:
    """The column scan of `label` for `txn` (any engine's transaction), or None when it must scan row by row."""
    store = getattr(txn.storage, "columns", None)
    return None if store is None else store.scan(txn, label, fresh)
