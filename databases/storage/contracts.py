"""The contracts of a storage engine, written down: what the database, the coordinator, the planner and the Cypher
engine may call on a storage and on a storage transaction, whichever engine holds the graph.

Two engines fulfil them: `storage.Storage` (IN_MEMORY_TRANSACTIONAL and IN_MEMORY_ANALYTICAL) and
`disk.DiskStorage` (ON_DISK_TRANSACTIONAL). `tests/databases/storage/test_contracts.py` checks both structurally,
and one conformance suite (`tests/databases/storage/conftest.py`'s `engine` fixture) runs the transaction tests and
the MVCC model test against both.

The life of a storage transaction, in phase order:

1. **begin** — `StorageEngine.begin(level, memory_limit)` opens it with a snapshot (`start_ts`).
2. **reads and writes** — reads see the snapshot (or, below SNAPSHOT_ISOLATION, the newest commit) overlaid with
   the transaction's own writes; a write first takes the entity's write lock. Any failed write marks the
   transaction for rollback (`Status.MARKED_FOR_ROLLBACK`, `failure` keeps the first cause): it may then only be
   rolled back, and every later write raises `TransactionError` chained to that cause.
3. **commit** — prepares and publishes in one call: validate (deleted nodes left with relationships, constraints,
   schema changes) → take the next commit timestamp and make the commit durable → publish every write at once.
   A failure in any step rolls the whole transaction back and is raised. The coordinator commits every reader
   child first and its single writer last.
   **or rollback** — undoes every write; idempotent once rolled back, refused once committed.

Entities (`records.Vertex`, `records.Edge`) are handles valid in the transaction that returned them: the on-disk
engine loads a fresh handle per transaction, so another transaction resolves an entity by id (`vertex(gid)`,
`edge(gid)`), never by passing the handle on.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable, Container, Iterable, Iterator, Protocol, Sequence, runtime_checkable

if TYPE_CHECKING:
    from graphplex.databases.errors import Neo4jError
    from graphplex.databases.storage.indexes import IndexSet, PropertyIndex
    from graphplex.databases.storage.isolation import IsolationLevel
    from graphplex.databases.storage.memory import MemoryTracker
    from graphplex.databases.storage.modes import StorageMode
    from graphplex.databases.storage.records import CommitInfo, Edge, Version, Vertex
    from graphplex.databases.storage.schema import Schema, SchemaChange
    from graphplex.databases.storage.tokens import PropertyKeys
    from graphplex.databases.storage.transaction_state import Status


@runtime_checkable
class StorageEngine(Protocol):
    """One graph's storage, in memory or on disk: opens transactions (phase 1 of `contracts`) and answers the
    schema, statistics and names the planner and the catalogue procedures need.

    `commit_lock` serialises commits: holding it, no transaction can commit (a storage-mode change counts the
    open transactions under it)."""

    database_id: str
    mode: "StorageMode"
    isolation_level: "IsolationLevel"
    lock_acquisition_timeout: float
    indexes: "IndexSet"
    schema: "Schema"
    commit_lock: threading.Lock
    last_commit_ts: int
    property_keys: "PropertyKeys"  # the property-key tokens (`tokens`)

    def begin(self, isolation_level: "IsolationLevel | str | None" = None,
              memory_limit: int | None = None) -> "StorageTransaction":
        """Phase 1: a new transaction at `isolation_level` (default: the storage's); an engine refuses a level
        it does not offer with a `ClientError`."""

    def active_transactions(self) -> list:
        """The transactions begun and not yet ended."""

    def switch_mode(self, mode: "StorageMode", then: Callable[[], None] | None = None) -> None:
        """Changes the storage mode in place, when the engine can (else a `ClientError`)."""

    def label_count(self, label: str) -> int:
        """An upper bound of the nodes carrying `label` (for the planner)."""

    def labels_in_use(self) -> list[str]:
        """Labels some node may carry, in Neo4j's token order: the order they were first used."""

    def types_in_use(self) -> list[str]:
        """Relationship types some relationship may have, in the order they were first used."""

    def counts(self) -> tuple[int, int]:
        """(nodes, relationships) held; exact when no transaction is open."""

    def element_id(self, entity) -> str:
        """The stable string id users see (`4:{database}:{id}` for nodes, `5:…` for relationships)."""

    def label_set(self, labels: Iterable[str]) -> frozenset:
        """The shared frozenset of `labels` (one object per distinct set)."""

    def close(self) -> None:
        """Releases what the storage holds open (files, connections); no transaction may be open."""


@runtime_checkable
class StorageTransaction(Protocol):
    """One transaction on one `StorageEngine`, driven through the phases of `contracts`: begun by the storage,
    then reads and writes, then exactly one of `commit` or `rollback`. Not thread-safe: the layers above confine
    it to one user at a time. `terminate` is the one call another thread may make."""

    storage: StorageEngine
    id: int
    isolation: "IsolationLevel"
    start_ts: int
    read_ts: int
    status: "Status"
    failure: "Neo4jError | None"
    termination: "Neo4jError | None"
    commit_ts: int | None
    memory: "MemoryTracker"
    info: "CommitInfo"
    waiting_for: "StorageTransaction | None"
    # A restricted user's privileges, installed by the coordinator before the first read.
    read_filter: Callable | None
    write_guard: object | None
    # Whether Memgraph's property values (maps, mixed and nested lists) may be stored, set by the coordinator for
    # Memgraph's dialect.
    memgraph_values: bool

    @property
    def is_open(self) -> bool:
        """Active or marked for rollback: not yet committed or rolled back."""

    @property
    def has_writes(self) -> bool:
        """Whether commit has anything to publish."""

    # --- status (every phase) -------------------------------------------------------------------------------

    def mark_failed(self, error: "Neo4jError") -> None:
        """Marks for rollback; the first failure is kept."""

    def terminate(self, error: "Neo4jError") -> None:
        """Asks the transaction to stop: its next check raises `error` (safe from another thread)."""

    def check_terminated(self) -> None:
        """Raises the termination error, if any, marking the transaction failed."""

    # --- phase 2: reads -------------------------------------------------------------------------------------

    def view(self, entity) -> "Version | None":
        """The version of an entity this transaction sees, or None when it sees none."""

    def vertex(self, gid: int) -> "Vertex | None":
        """The node `gid` if this transaction sees it."""

    def edge(self, gid: int) -> "Edge | None":
        """The relationship `gid` if this transaction sees it."""

    def vertices(self) -> Iterator["Vertex"]:
        """Every node this transaction sees."""

    def edges(self) -> Iterator["Edge"]:
        """Every relationship this transaction sees."""

    def vertices_with_label(self, label: str) -> Iterator["Vertex"]:
        """The nodes carrying `label`."""

    def edges_with_type(self, type_: str) -> Iterator["Edge"]:
        """The relationships of type `type_`."""

    def vertices_by_property(self, label: str, key: str, value: object) -> Iterator["Vertex"]:
        """Nodes with `label` whose `key` equals `value` in Cypher's sense."""

    def edges_by_property(self, type_: str, key: str, value: object) -> Iterator["Edge"]:
        """Relationships of `type_` whose `key` equals `value`."""

    def vertices_by_range(self, label: str, key: str, lower: object = None, upper: object = None,
                          lower_inclusive: bool = True, upper_inclusive: bool = True) -> Iterator["Vertex"]:
        """Nodes with `label` and lower ≤ `key` ≤ upper, within one type group."""

    def edges_by_range(self, type_: str, key: str, lower: object = None, upper: object = None,
                       lower_inclusive: bool = True, upper_inclusive: bool = True) -> Iterator["Edge"]:
        """Relationships of `type_` with lower ≤ `key` ≤ upper."""

    def vertices_by_prefix(self, label: str, key: str, prefix: str) -> Iterator["Vertex"]:
        """Nodes with `label` whose string `key` starts with `prefix`."""

    def expand(self, vertex: "Vertex", direction: str = "out",
               types: Iterable[str] | None = None) -> Iterator[tuple["Edge", "Vertex"]]:
        """The (relationship, other end) pairs of a node; a self-loop appears once for "both"."""

    def far_ends(self, vertex: "Vertex", direction: str = "out", types: Iterable[str] | None = None,
                 excluded: Container["Edge"] = ()) -> list["Vertex"]:
        """The other end of each pair `expand` gives, skipping the relationships in `excluded`."""

    def expand_each(self, vertices: Iterable["Vertex"], direction: str = "out", types: Iterable[str] | None = None
                    ) -> Iterator[tuple["Vertex", Sequence["Edge"]]]:
        """(node, the relationships `expand` pairs it with) for each of `vertices` in turn, lazily (a breadth-first
        layer); the other end of each is `edge.dst if edge.src is node else edge.src`."""

    def degree(self, vertex: "Vertex", direction: str = "both", types=None) -> int:
        """How many pairs `expand` gives."""

    def labels(self, vertex: "Vertex") -> frozenset:
        """The labels this transaction sees on a node."""

    def properties(self, entity) -> dict:
        """A copy of the properties this transaction sees."""

    def property(self, entity, key: str) -> object:
        """One property, None when absent."""

    def has_index(self, label: str, properties: tuple[str, ...], entity_type: str = "NODE") -> bool:
        """Whether an index on (label, properties) exists."""

    # --- phase 2: writes ------------------------------------------------------------------------------------

    def lock(self, entity) -> bool:
        """Takes an entity's write lock; False when it no longer exists for this transaction."""

    def create_vertex(self, labels: Iterable[str] = (), props: dict | None = None) -> "Vertex":
        """A new node (null properties are not stored)."""

    def create_edge(self, src: "Vertex", dst: "Vertex", type_: str, props: dict | None = None) -> "Edge":
        """A new relationship; both end nodes are write-locked."""

    def set_property(self, entity, key: str, value: object) -> None:
        """Sets one property; None removes it."""

    def set_properties(self, entity, props: dict, replace: bool = False) -> None:
        """`SET e = map` (replace) or `SET e += map`."""

    def add_labels(self, vertex: "Vertex", labels: Iterable[str]) -> int:
        """Adds labels; returns how many were new."""

    def remove_labels(self, vertex: "Vertex", labels: Iterable[str]) -> int:
        """Removes labels; returns how many were there."""

    def delete_edge(self, edge: "Edge") -> bool:
        """Deletes a relationship; False when this transaction had already deleted it."""

    def delete_vertex(self, vertex: "Vertex", detach: bool = False) -> list:
        """Deletes a node (with `detach`, its relationships too, returned); without `detach` a node still
        related at commit fails the commit."""

    def change_schema(self, change: "SchemaChange") -> bool:
        """Records a schema change, applied at commit; False when IF [NOT] EXISTS makes it a no-op."""

    def begin_statement(self) -> None:
        """A statement starts whose end checks uniqueness and keys (`constraint_checking = "statement"`)."""

    def end_statement(self) -> None:
        """The statement ended: raises `ConstraintError` (marking the transaction failed) when what it wrote holds
        values of a uniqueness or key constraint that another entity holds; the commit checks again."""

    def written_entities(self) -> tuple:
        """The entities this transaction wrote (for the log)."""

    def schema_changes(self) -> tuple:
        """The schema changes this transaction recorded."""

    def new_property_keys(self) -> tuple:
        """The property keys its commit makes tokens (`tokens`): written here, no tokens yet, in the order written."""

    # --- phase 3 --------------------------------------------------------------------------------------------

    def commit(self) -> int | None:
        """Validates, makes durable and publishes every write at once; returns the commit timestamp (None when
        nothing was written). A failure rolls back and is raised."""

    def rollback(self) -> None:
        """Undoes every write; does nothing when already rolled back, refuses a committed transaction."""


class TransactionHooks(Protocol):
    """What `transaction_state.TransactionState` (status, failure, memory, value checks, creation, labels, the
    commit's validation, the seeks, `expand`'s pairs and `delete_vertex`, which both engines share) calls on the
    engine class that completes it. Each engine's transaction class provides these, besides the whole
    `StorageTransaction`."""

    storage: StorageEngine
    info: "CommitInfo"
    # Nodes deleted without DETACH: the commit (validation step) refuses it if they are still related.
    _deleted_vertices: list

    def view(self, entity) -> "Version | None":
        """See `StorageTransaction.view`."""

    def expand(self, vertex: "Vertex", direction: str = "out",
               types: Iterable[str] | None = None) -> Iterator[tuple["Edge", "Vertex"]]:
        """See `StorageTransaction.expand`."""

    def delete_edge(self, edge: "Edge") -> bool:
        """See `StorageTransaction.delete_edge`."""

    def rollback(self) -> None:
        """See `StorageTransaction.rollback`."""

    def _writable(self, entity) -> "Version":
        """This transaction's own, writable version of `entity` (taking its write lock); raises and marks the
        transaction failed when it cannot write it."""

    def _property_candidates(self, entity_type: str, token: str, key: str, wanted: tuple) -> Iterable:
        """A superset of the entities of `entity_type` with `token` whose `key` has the index key `wanted`, found
        the engine's way (an index it may use, else a scan); the shared property seeks filter them."""

    def _ordered_candidates(self, entity_type: str, token: str, key: str,
                            seek: Callable[["PropertyIndex"], Iterable]) -> Iterable:
        """A superset of what a range or prefix seek on (`token`, `key`) finds: `seek(index)` over an ordered
        index the engine keeps, else every entity with `token`; the shared seeks filter them."""

    def _check_unique(self, written: dict) -> None:
        """`end_statement`'s check of the entities a statement wrote against the uniqueness and key constraints,
        with the engine's view of the newest committed state."""


__all__ = ["StorageEngine", "StorageTransaction", "TransactionHooks"]
