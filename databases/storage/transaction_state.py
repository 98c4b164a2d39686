"""What every storage transaction shares, in memory or on disk: its status, failure and termination, its memory
accounting, the checks and cleaning of property values before they are written, the first version of a created
entity, label changes, the validation step of a commit, and the seeks' re-check of what the transaction sees (over
candidates each engine finds its own way). Each engine's `mvcc` answers the questions of visibility these ask."""
from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Callable, Container, Iterable, Iterator, Sequence

from graphplex.databases.errors import ClientError, ConstraintError, Neo4jError, TransactionError
from graphplex.databases.storage import constraints as _constraints
from graphplex.databases.storage import search_indexes
from graphplex.databases.storage.filters import RangeBounds
from graphplex.databases.storage.indexes import NODE, RELATIONSHIP, PropertyIndex, property_value
from graphplex.databases.storage.memory import ENTITY_BYTES, VERSION_BYTES, MemoryTracker, props_bytes, value_bytes
from graphplex.databases.storage.records import CommitInfo, Edge, Version, Vertex, has_token
from graphplex.databases.values import check_storable, index_key

if TYPE_CHECKING:
    from graphplex.databases.storage.contracts import StorageEngine

# The directions of `expand`.
OUT, IN, BOTH = "out", "in", "both"

_PLAIN_SCALARS = frozenset({int, float, str, bool})

# The property map of every entity created without properties; never changed (`props_shared` forces a copy).
_NO_PROPS: dict = {}


class Status(enum.Enum):
    ACTIVE = "active"
    MARKED_FOR_ROLLBACK = "marked for rollback"
    COMMITTED = "committed"
    ROLLED_BACK = "rolled back"


# The members as module names: reading `Status.ACTIVE` goes through the enum's metaclass (~0.1 µs on CPython
# 3.11, ten times a global's), and every statement's begin and commit test the status a few times.
ACTIVE, MARKED_FOR_ROLLBACK = Status.ACTIVE, Status.MARKED_FOR_ROLLBACK
COMMITTED, ROLLED_BACK = Status.COMMITTED, Status.ROLLED_BACK


class TransactionState:
    """The status and failure handling of a storage transaction; subclasses hold the reads and writes.

    What this class calls on the engine class that completes it is declared here and written down as
    `contracts.TransactionHooks`; the whole transaction is `contracts.StorageTransaction`."""

    storage: "StorageEngine"
    info: CommitInfo
    _deleted_vertices: list

    def __init__(self, memory_limit: int | None = None) -> None:
        self.status = ACTIVE
        self.failure: Neo4jError | None = None
        self.termination: Neo4jError | None = None
        self.memory = MemoryTracker(memory_limit)
        self.commit_ts: int | None = None
        self._written: dict = {}
        self._schema_changes: list = []
        # The property keys this transaction wrote that were no tokens when it wrote them (`tokens`), in the order
        # written (with some that were tokens already): its commit makes them tokens. None until there is one.
        self._new_keys: dict[str, None] | None = None
        # The entities the running statement created or gave values or labels, kept only while uniqueness is
        # checked at the end of each statement (`begin_statement`); None otherwise.
        self._statement_writes: dict | None = None
        # A restricted user's privileges (installed by the coordinator): `read_filter(view, entity, version)`
        # hides or trims what the user may not see; `write_guard` refuses writes they may not make.
        self.read_filter = None
        self.write_guard = None
        # Whether Memgraph's property values (maps, mixed and nested lists; `values.is_storable`) may be stored: set
        # by whoever begins it for a session of Memgraph's dialect; Neo4j's refuses them.
        self.memgraph_values = False

    # --- what the engine provides (contracts.TransactionHooks) ------------------------------------------------

    def view(self, entity) -> Version | None:
        """The version of `entity` this transaction sees (the engine's visibility rule)."""
        raise NotImplementedError

    def expand(self, vertex, direction: str = "out", types=None) -> Iterator:
        """The (edge, other end) pairs of a vertex this transaction sees."""
        raise NotImplementedError

    def delete_edge(self, edge) -> bool:
        """Deletes a relationship; False when already deleted by this transaction."""
        raise NotImplementedError

    def rollback(self) -> None:
        """Undoes every write."""
        raise NotImplementedError

    def _writable(self, entity) -> Version:
        """The transaction's own writable version of `entity`, taking its write lock."""
        raise NotImplementedError

    def _property_candidates(self, entity_type: str, token: str, key: str, wanted: tuple) -> Iterable:
        """A superset of the entities with `token` whose `key` has the index key `wanted` (through an index when
        the engine may use one); `_by_property` checks each against the version this transaction sees."""
        raise NotImplementedError

    def _ordered_candidates(self, entity_type: str, token: str, key: str,
                            seek: Callable[[PropertyIndex], Iterable]) -> Iterable:
        """A superset of the entities with `token` that a range or prefix seek may find: `seek(index)` over an
        ordered index on (token, key) when the engine keeps one, else every entity with `token`."""
        raise NotImplementedError

    def _check_unique(self, written: dict) -> None:
        """Raises `ConstraintError` when an entity of `written` holds values of a uniqueness or key constraint that
        another entity holds, as the graph would be if this transaction committed now (the engine's way of seeing
        the newest committed state)."""
        raise NotImplementedError

    # --- state -----------------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        status = self.status
        return status is ACTIVE or status is MARKED_FOR_ROLLBACK

    @property
    def has_writes(self) -> bool:
        return bool(self._written) or bool(self._schema_changes)

    def mark_failed(self, error: Neo4jError) -> None:
        """Marks the transaction for rollback; the first failure is kept and every later write names it."""
        if self.failure is None:
            self.failure = error
        if self.status is Status.ACTIVE:
            self.status = Status.MARKED_FOR_ROLLBACK

    def terminate(self, error: Neo4jError) -> None:
        """Asks the transaction to stop: its next check (a write, a wait, the executor's row loop) raises `error`."""
        if self.termination is None:
            self.termination = error

    def check_terminated(self) -> None:
        if self.termination is not None:
            self.mark_failed(self.termination)
            raise self.termination

    def _check_writable(self) -> None:
        if self.status is not Status.ACTIVE:
            if self.status is Status.MARKED_FOR_ROLLBACK:
                raise TransactionError(
                    "The transaction has been marked for rollback and cannot be used for further writes: "
                    f"{self.failure.message if self.failure else 'it failed'}") from self.failure
            raise TransactionError(f"The transaction is {self.status.value} and cannot be used.")
        if self.termination is not None:
            self.check_terminated()

    def _check_readable(self) -> None:
        if not self.is_open:
            raise TransactionError(f"The transaction is {self.status.value} and cannot be used.")
        if self.termination is not None:
            self.check_terminated()

    def _check_property_writes(self, entity, props: dict, replace: bool = False) -> None:
        """Before `SET`: every new value must be storable, and a restricted user must be allowed to set each key
        (with `replace`, also each key the entity loses)."""
        if self._statement_writes is not None:
            self._statement_writes[entity] = None
        for key, value in props.items():
            if value is not None:
                self._check_value(key, value)
        if self.write_guard is not None:
            current = self.view(entity) or entity.head
            for key in set(props) | (set(current.props) if replace else set()):
                self._guarded(self.write_guard.set_property, entity, current, key)

    def new_property_keys(self) -> tuple[str, ...]:
        """The keys this transaction's commit makes tokens, in the order it first wrote them: those it wrote (or
        named in a schema change) that are still no tokens. Until then they count as tokens for it alone."""
        if not self._new_keys:
            return ()
        known = self.storage.property_keys.known
        return tuple(key for key in self._new_keys if key not in known)

    def _note_keys(self, keys) -> None:
        """Remembers `keys`, just written, when some are no tokens yet (one subset test when none is new); the
        known ones among them are filtered out by `new_property_keys`, so a transaction writing many entities
        with a new key pays one dict update each, not a filter."""
        if self.storage.property_keys.known.issuperset(keys):
            return
        if self._new_keys is None:
            self._new_keys = dict.fromkeys(keys)
        else:
            self._new_keys.update(dict.fromkeys(keys))

    def _check_committable(self) -> None:
        """Refuses to commit an ended, terminated or failed transaction (rolling the latter two back)."""
        status = self.status
        if status is ACTIVE and self.termination is None:  # the common case: nothing to refuse
            return
        if status is not ACTIVE and status is not MARKED_FOR_ROLLBACK:
            raise TransactionError(f"The transaction is {status.value} and cannot be committed.")
        if self.termination is not None:
            self.rollback()
            raise self.termination
        if status is MARKED_FOR_ROLLBACK:
            failure = self.failure
            self.rollback()
            raise TransactionError("Transaction failed") from failure

    def _check_rollbackable(self) -> bool:
        """Before a rollback: refuses a committed transaction; False when it is rolled back already."""
        if self.status is COMMITTED:
            raise TransactionError("The transaction is committed and cannot be rolled back.")
        return self.status is not ROLLED_BACK

    def validate_commit(self, still_related: Callable[[Vertex], bool]) -> None:
        """The validation step of a commit, the same in both engines (under the storage's commit lock, against
        what the graph will be once this transaction commits): a node deleted without DETACH must be left with no
        relationship (`still_related`, the engine's `mvcc` answers it), then every constraint must hold."""
        for vertex in self._deleted_vertices:
            if still_related(vertex):
                raise ConstraintError(
                    f"Cannot delete node<{vertex.gid}>, because it still has relationships. To delete this node, "
                    "you must first delete its relationships.",
                    memgraph_message="Failed to remove node because of its existing connections. Consider using "
                                     "DETACH DELETE.")  # Memgraph's RemoveAttachedVertexException
        constraints = self.storage.schema.constraints_by_token
        if constraints:
            _constraints.validate(constraints, self._written, self.info)

    def begin_statement(self) -> None:
        """A statement starts whose end checks uniqueness (`constraint_checking = "statement"`): the entities it
        writes are noted from now on."""
        self._statement_writes = {}

    def end_statement(self) -> None:
        """The statement begun last ended: the entities it wrote must not hold values of a uniqueness or key
        constraint that another entity holds, as Neo4j checks them (existence and types wait for the commit, which
        checks everything again: another transaction's uncommitted duplicate is invisible here). A violation fails
        the transaction like any failed statement."""
        written, self._statement_writes = self._statement_writes, None
        if not written or not self.storage.schema.constraints_by_token or not self.is_open:
            return
        try:
            self._check_unique(written)
        except Neo4jError as error:
            self.mark_failed(error)
            raise

    def _guarded(self, check, *arguments) -> None:
        """Runs a write-guard check; a refusal fails the transaction like any failed write."""
        try:
            check(*arguments)
        except Neo4jError as error:
            self.mark_failed(error)
            raise

    def note_write(self, entity, version: Version) -> None:
        """Records a new own version (called by the engine's `prepare_write`) and accounts its memory."""
        self._written[entity] = None
        self._allocate(VERSION_BYTES)

    def _own_props(self, version: Version) -> None:
        """Gives an own version a property map of its own before it changes one."""
        if version.props_shared:
            version.props = dict(version.props)
            version.props_shared = False
            self._allocate(props_bytes(version.props))

    # --- the write steps both engines take the same way --------------------------------------------------

    def _new_version(self, guard_check: str, token, props: dict | None, labels: frozenset | None) -> Version:
        """The first version of an entity to create (`labels` None for a relationship). Before: the transaction
        must be writable, the values storable (cleaned) and a restricted user allowed to create (`guard_check`
        names the write guard's check, given `token`). Without properties it shares the one empty map."""
        self._check_writable()
        clean = self._clean_props(props)
        if self.write_guard is not None:
            self._guarded(getattr(self.write_guard, guard_check), token, clean)
        if clean:
            self._note_keys(clean)
        return Version(self.info, labels, clean, props_shared=clean is _NO_PROPS)

    def _created(self, entity) -> None:
        """Records an entity this transaction created as written and accounts its memory."""
        self._written[entity] = None
        if self._statement_writes is not None:
            self._statement_writes[entity] = None
        self._allocate(ENTITY_BYTES + VERSION_BYTES + props_bytes(entity.head.props))

    def _write_property(self, version: Version, key: str, value: object) -> bool:
        """Sets `key` on an own version (None removes it); True when a value was stored."""
        self._own_props(version)
        if value is None:
            version.props.pop(key, None)
            return False
        version.props[key] = list(value) if isinstance(value, tuple) else value
        self._allocate(value_bytes(value))
        if key not in self.storage.property_keys.known:
            self._note_keys((key,))
        return True

    def _write_properties(self, version: Version, props: dict, replace: bool) -> None:
        """`SET e = map` (replace) or `SET e += map` on an own version: null values remove their key."""
        self._own_props(version)
        if replace:
            version.props.clear()
        for key, value in props.items():
            if value is None:
                version.props.pop(key, None)
            else:
                version.props[key] = list(value) if isinstance(value, tuple) else value
                self._allocate(value_bytes(value))
        if not self.storage.property_keys.known.issuperset(props):
            self._note_keys([key for key, value in props.items() if value is not None])

    def _label_change(self, vertex, labels: Iterable[str], adding: bool) -> tuple[Version, list]:
        """Before adding (or removing) labels: the own version of `vertex` and the labels that change on it."""
        if self.write_guard is not None:
            self._guarded(self.write_guard.change_labels, "SET LABEL" if adding else "REMOVE LABEL", labels)
        if adding and self._statement_writes is not None:
            self._statement_writes[vertex] = None
        version = self._writable(vertex)
        return version, [label for label in dict.fromkeys(labels) if (label not in version.labels) is adding]

    def _relabel(self, version: Version, changed: list, adding: bool) -> None:
        """Gives an own version the labels `_label_change` found changing (one shared frozenset per set)."""
        labels = version.labels.union(changed) if adding else version.labels.difference(changed)
        version.labels = self.storage.label_set(labels)

    def _may_delete(self, entity) -> bool:
        """Before a deletion: False when this transaction already deleted `entity`; a restricted user must be
        allowed to delete it."""
        head = entity.head
        if head is not None and head.owner is self.info and head.deleted:
            return False
        if self.write_guard is not None:
            self._guarded(self.write_guard.delete, entity, self.view(entity) or head)
        return True

    def _not_found(self, entity) -> ClientError:
        """The error of a write to an entity this transaction deleted; marks the transaction failed."""
        kind = "Node" if isinstance(entity, Vertex) else "Relationship"
        error = ClientError(f"{kind} with id {entity.gid} has been deleted in this transaction",
                            "Neo.ClientError.Statement.EntityNotFound")
        self.mark_failed(error)
        return error

    def _allocate(self, size: int) -> None:
        try:
            self.memory.allocate(size)
        except Neo4jError as error:
            self.mark_failed(error)
            raise

    def _check_value(self, key: str, value: object) -> None:
        try:
            check_storable(key, value, self.memgraph_values)
        except Neo4jError as error:
            self.mark_failed(error)
            raise

    def _clean_props(self, props: dict | None) -> dict:
        """A fresh map of the non-null properties; the shared empty map when there are none."""
        if not props:
            return _NO_PROPS
        clean = {key: value for key, value in props.items() if value is not None}
        if not _PLAIN_SCALARS.issuperset(map(type, clean.values())):
            for key, value in clean.items():
                self._check_value(key, value)
                if isinstance(value, tuple):
                    clean[key] = list(value)
        return clean or _NO_PROPS

    # --- what every storage transaction reads and records the same way ----------------------------------

    def has_index(self, label: str, properties: tuple[str, ...], entity_type: str = NODE) -> bool:
        return self.storage.indexes.find(entity_type, label, properties) is not None

    def _by_property(self, entity_type: str, token: str, key: str, value: object) -> Iterator:
        """The entities with `token` whose `key` equals `value` in Cypher's sense (null and NaN equal nothing)."""
        self._check_readable()
        if value is None or value != value:
            return
        wanted = index_key(value)
        yield from self._seen_with(self._property_candidates(entity_type, token, key, wanted), token, key,
                                   lambda current: current is not None and index_key(current) == wanted)

    def vertex_seeker(self, label: str, key: str) -> Callable[[object], Sequence[Vertex]]:
        """`seek(value)`: the vertices with `label` whose `key` equals `value`, as `vertices_by_property` finds them
        (and with its errors), for a statement that seeks many values before it writes (a batched import): valid
        only until this transaction writes again; the caller must not change what it returns."""
        return lambda value: tuple(self._by_property(NODE, label, key, value))

    def vertices_by_range(self, label: str, key: str, lower: object = None, upper: object = None,
                          lower_inclusive: bool = True, upper_inclusive: bool = True) -> Iterator[Vertex]:
        """Vertices with `label` and lower ≤ `key` ≤ upper; bounds of one type group, None for open."""
        return self._by_range(NODE, label, key, RangeBounds.of(lower, upper, lower_inclusive, upper_inclusive))

    def edges_by_range(self, type_: str, key: str, lower: object = None, upper: object = None,
                       lower_inclusive: bool = True, upper_inclusive: bool = True) -> Iterator[Edge]:
        return self._by_range(RELATIONSHIP, type_, key, RangeBounds.of(lower, upper, lower_inclusive,
                                                                       upper_inclusive))

    def _by_range(self, entity_type: str, token: str, key: str, bounds: RangeBounds) -> Iterator:
        self._check_readable()
        candidates = self._ordered_candidates(entity_type, token, key,
                                              lambda index: index.seek_range(*bounds.seek_arguments()))
        yield from self._seen_with(candidates, token, key, bounds.holds)

    def vertices_by_prefix(self, label: str, key: str, prefix: str) -> Iterator[Vertex]:
        """Vertices with `label` whose string property `key` starts with `prefix`."""
        self._check_readable()
        candidates = self._ordered_candidates(NODE, label, key, lambda index: index.seek_prefix(prefix))
        yield from self._seen_with(candidates, label, key,
                                   lambda current: isinstance(current, str) and current.startswith(prefix))

    def _seen_with(self, candidates: Iterable, token: str, key: str, holds: Callable[[object], bool]) -> Iterator:
        """The candidates that this transaction sees with `token` and whose value of `key` `holds`."""
        view = self.view
        for entity in candidates:
            version = view(entity)
            if version is not None and has_token(entity, version, token) \
                    and holds(property_value(version.props, key)):
                yield entity

    def vertices_by_property(self, label: str, key: str, value: object) -> Iterator[Vertex]:
        """Vertices with `label` whose property `key` equals `value` (through an index when there is one)."""
        return self._by_property(NODE, label, key, value)

    def edges_by_property(self, type_: str, key: str, value: object) -> Iterator[Edge]:
        return self._by_property(RELATIONSHIP, type_, key, value)

    def _expanded(self, outgoing: Iterable, incoming: Iterable, direction: str) -> Iterator[tuple[Edge, Vertex]]:
        """The (edge, other end) pairs this transaction sees among a node's `outgoing` and `incoming`
        relationships, each side taken only when `direction` asks for it; a self-loop appears once for BOTH."""
        view = self.view
        if direction != IN:
            for edge in outgoing:
                if view(edge) is not None:
                    yield edge, edge.dst
        if direction != OUT:
            for edge in incoming:
                if (direction == IN or edge.src is not edge.dst) and view(edge) is not None:
                    yield edge, edge.src

    def expand_each(self, vertices: Iterable, direction: str = OUT, types=None) -> Iterator[tuple[object, Sequence]]:
        """(vertex, the relationships `expand` pairs it with, in its order) for each of `vertices` in turn, lazily:
        a breadth-first layer, which a search may leave at any vertex. The other end of each is `edge.dst if
        edge.src is vertex else edge.src` in every direction. An engine may answer it faster than `expand` each."""
        for vertex in vertices:
            yield vertex, [edge for edge, _ in self.expand(vertex, direction, types)]

    def far_ends(self, vertex, direction: str = OUT, types=None, excluded: Container = ()) -> list:
        """The other end of each pair `expand` gives, skipping the relationships in `excluded` (a trail's), for a
        caller that needs no relationship (`count(DISTINCT c)` of a pattern's last hop)."""
        return [other for edge, other in self.expand(vertex, direction, types) if edge not in excluded]

    def degree(self, vertex, direction: str = "both", types=None) -> int:
        return sum(1 for _ in self.expand(vertex, direction, types))

    def labels(self, vertex) -> frozenset:
        version = self.view(vertex)
        return version.labels if version is not None else frozenset()

    def properties(self, entity) -> dict:
        version = self.view(entity)
        return dict(version.props) if version is not None else {}

    def property(self, entity, key: str) -> object:
        version = self.view(entity)
        return version.props.get(key) if version is not None else None

    def change_schema(self, change) -> bool:
        """Records a schema change (applied at commit); False when IF [NOT] EXISTS makes it a no-op."""
        self._check_writable()
        try:
            checked = self.storage.schema.check(change, self._schema_changes)
        except Neo4jError as error:
            self.mark_failed(error)
            raise
        if checked is None:
            return False
        self._schema_changes.append(checked)
        if checked.properties:
            self._note_keys(checked.properties)  # Neo4j makes the tokens of the keys a schema rule names
        return True

    def written_entities(self) -> tuple:
        """The entities this transaction wrote (for the redo log)."""
        return tuple(self._written)

    def schema_changes(self) -> tuple:
        return tuple(self._schema_changes)

    # --- search indexes ----------------------------------------------------------------------------------------

    def search_vectors(self, index, k: int, vector) -> list[tuple[object, float]]:
        """The `k` entities of the vector `index` (a built `SearchIndex`) nearest `vector` (its engine's checked
        query) that this transaction sees, with Neo4j's scores, best first (`search_indexes.query_vectors`)."""
        self._check_readable()
        return search_indexes.query_vectors(self, index, k, vector)

    def search_text(self, index, query, skip: int = 0, limit: int | None = None) -> Iterator[tuple[object, float]]:
        """The entities of the full-text `index` (a built `SearchIndex`) matching `query` (its engine's prepared
        Lucene query) that this transaction sees, with scores, best first (`search_indexes.query_text`)."""
        self._check_readable()
        return search_indexes.query_text(self, index, query, skip, limit)

    def delete_vertex(self, vertex: Vertex, detach: bool = False) -> list[Edge]:
        """Deletes a node (and with `detach` its relationships, returned). Without `detach`, a node that still has
        relationships when the transaction commits fails the commit."""
        if not self._may_delete(vertex):
            return []
        version = self._writable(vertex)
        removed = []
        if detach:
            for edge, _ in list(self.expand(vertex, "both")):
                if self.delete_edge(edge):
                    removed.append(edge)
        else:
            self._deleted_vertices.append(vertex)
        version.deleted = True
        return removed
