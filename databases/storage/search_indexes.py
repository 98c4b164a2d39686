"""Search indexes (Neo4j's VECTOR and FULLTEXT index types): schema rules whose entries live in a search engine
(`databases.search`), kept transactional by graphplex's MVCC on top.

An engine holds the committed state of the entities it indexes, by gid. Each index also keeps `recent`: the
entities a commit changed while some snapshot may still see them as they were before (pruned against the oldest
open snapshot). A query merges two lists, as docs/design/search-indexes.md sets out: the *exact set* (the reader's
own writes, recent changes after its snapshot, other transactions' writes for a READ UNCOMMITTED reader), each read
through the reader's view and scored exactly, and the engine's answers for every other entity, each re-read through
the reader's view too (so privileges and deletions apply). The engine may lag or hold newer state only for entities
of the exact set, which never come from it.

An index is built lazily, on first use: after it is created, after a log is replayed into the storage, when an
on-disk store is opened. The engine is filled from a snapshot while writers go on (`building`: commits only note what
they change in `recent`, which is not pruned meanwhile), then caught up under the commit lock with each changed
entity's newest committed state. `built_ts` is that snapshot's timestamp; a reader whose snapshot is older scans
every entity of the index's labels instead. An analytical storage builds under the commit lock.
"""
from __future__ import annotations

import heapq
import itertools
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from graphplex.databases.storage.indexes import NODE, property_value
from graphplex.databases.storage.isolation import IsolationLevel
from graphplex.databases.storage.modes import StorageMode
from graphplex.databases.storage.mvcc import committed_version
from graphplex.databases.storage.records import CommitInfo, Vertex

if TYPE_CHECKING:
    from graphplex.databases.storage.schema import SchemaChange

VECTOR = "VECTOR"
FULLTEXT = "FULLTEXT"
SEARCH_TYPES = (VECTOR, FULLTEXT)

# The owner of no version: the newest committed version of an entity is what `committed_version` finds for it.
_NOBODY = CommitInfo()


@dataclass(eq=False)
class SearchIndex:
    """One vector or full-text index: its rule (as SHOW INDEXES lists it) and its engine."""

    id: int
    name: str
    index_type: str
    entity_type: str
    tokens: tuple[str, ...]
    properties: tuple[str, ...]
    options: dict
    owning_constraint: None = None
    # None until first built; rebuilt when `stale`.
    engine: object = None
    stale: bool = True
    # Set while a new engine is filled beside the writers: commits then only note what they change in `recent`.
    building: bool = False
    built_ts: int = 0
    recent: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Held by the one thread building the engine; readers of the index wait on it.
    build_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, change: "SchemaChange", index_id: int) -> "SearchIndex":
        return cls(index_id, change.name or change.default_name(), change.index_type, change.entity_type,
                   tuple(change.tokens) or (change.label,), tuple(change.properties), dict(change.options or {}))

    @property
    def label(self) -> str:
        return self.tokens[0]

    def as_change(self) -> "SchemaChange":
        from graphplex.databases.storage.schema import SchemaChange
        return SchemaChange("create_index", self.name, self.entity_type, self.label, self.properties,
                            index_type=self.index_type, tokens=self.tokens, options=dict(self.options))

    # --- what an entity contributes ----------------------------------------------------------------------------

    def new_engine(self):
        if self.index_type == VECTOR:
            from graphplex.databases.search.vectors import VectorEngine
            options = self.options
            return VectorEngine(options.get("vector.dimensions"),
                                str(options.get("vector.similarity_function", "COSINE")).lower(),
                                m=options.get("vector.hnsw.m", 16),
                                ef_construction=options.get("vector.hnsw.ef_construction", 100),
                                quantization=options.get("vector.quantization.enabled", True))
        from graphplex.databases.search.fulltext import FulltextEngine
        return FulltextEngine(self.properties, self.options.get("fulltext.analyzer", "standard-no-stop-words"))

    def holds(self, entity, version) -> bool:
        """Whether a version of `entity` has one of the index's labels (or is of one of its types)."""
        if self.entity_type == NODE:
            return isinstance(entity, Vertex) and not version.labels.isdisjoint(self.tokens)
        return not isinstance(entity, Vertex) and entity.type in self.tokens

    def entry(self, engine, entity, version):
        """The engine's entry for a version (a vector, a document), or None when the index leaves it out."""
        if version is None or not self.holds(entity, version):
            return None
        if self.index_type == VECTOR:
            value = property_value(version.props, self.properties[0])
            return None if value is None else engine.vector_of(value)
        return engine.document_of(version.props)

    # --- building and maintenance (under the storage's commit lock) ---------------------------------------------

    def build(self, committed: Callable[[str], Iterable], ts: int) -> None:
        """Fills a new engine from the newest committed state (`committed(entity_type)` lists the entities), under
        the commit lock."""
        engine = self.new_engine()
        self._load(engine, ((entity, committed_version(entity.head, _NOBODY))
                            for entity in committed(self.entity_type)))
        with self.lock:
            self.engine, self.stale, self.built_ts = engine, False, ts
            self.recent.clear()

    def _load(self, engine, versions: Iterable[tuple[object, object]]) -> None:
        items = []
        for entity, version in versions:
            entry = self.entry(engine, entity, version)
            if entry is not None:
                items.append((entity.gid, entry))
        if items:
            keys, entries = zip(*items)
            engine.load(list(keys), list(entries))

    def start_building(self) -> None:
        """Under the commit lock: from now on commits note what they change (`finish_building` catches up)."""
        with self.lock:
            self.building = True
            self.recent.clear()

    def fill(self, reader) -> object:
        """A new engine holding what the snapshot transaction `reader` sees (no commit lock held)."""
        engine = self.new_engine()
        self._load(engine, ((entity, reader.view(entity)) for entity in _scan(reader, self).values()))
        return engine

    def finish_building(self, engine, snapshot_ts: int, lookup: Callable[[str, int], object]) -> None:
        """Under the commit lock: brings `engine` (filled at `snapshot_ts`) up to the newest committed state of what
        commits changed meanwhile (`lookup(entity_type, gid)` finds an entity as committed, or None) and makes it
        the index's. Readers older than `snapshot_ts` scan (the changes before it are not in `recent`)."""
        with self.lock:
            for gid, ts in list(self.recent.items()):
                if ts <= snapshot_ts:
                    continue
                entity = lookup(self.entity_type, gid)
                version = None if entity is None else committed_version(entity.head, _NOBODY)
                entry = None if version is None else self.entry(engine, entity, version)
                if entry is None:
                    engine.remove(gid)
                else:
                    engine.upsert(gid, entry)
            self.engine, self.built_ts = engine, snapshot_ts
            self.stale = self.building = False

    def abandon_building(self) -> None:
        with self.lock:
            self.building = False

    def committed(self, ts: int, written: Iterable[tuple[object, object, object]], oldest_snapshot: int) -> None:
        """Puts each written entity's final version (None: deleted) into the engine, committed at `ts`, and notes
        it in `recent` when it is or was of the index's labels or types."""
        if self.stale and not self.building:
            return
        recent = self.recent
        with self.lock:  # once per commit: readers see all of it or none
            for entity, version, previous in written:
                if not ((version is not None and self.holds(entity, version)) or
                        (previous is not None and not previous.deleted and self.holds(entity, previous))):
                    continue
                gid = entity.gid
                recent.pop(gid, None)
                recent[gid] = ts
                if self.building:  # the builder catches up with every change noted since its snapshot
                    continue
                try:
                    entry = self.entry(self.engine, entity, version)
                    if entry is None:
                        self.engine.remove(gid)
                    else:
                        self.engine.upsert(gid, entry)
                except Exception:
                    # The commit is logged already and must not fail here: the index is rebuilt on its next use.
                    self.stale = True
                    return
        if not self.building:
            self._prune(oldest_snapshot)

    def _prune(self, oldest_snapshot: int) -> None:
        """Drops the changes every open snapshot already sees (`recent` is in commit order)."""
        with self.lock:
            recent = self.recent
            while recent:
                gid, ts = next(iter(recent.items()))
                if ts > oldest_snapshot:
                    break
                del recent[gid]


class SearchIndexes(dict):
    """The search indexes of one storage by name (the schema's `search`), and the calls both engines make into
    them."""

    def __init__(self, storage, committed: Callable[[str], Iterable], lookup: Callable[[str, int], object]) -> None:
        super().__init__()
        self.storage = storage
        # Every entity of the newest committed state of a type, and one by gid (under the commit lock): the
        # storage's own ways of finding them.
        self._committed = committed
        self._lookup = lookup

    def invalidate(self) -> None:
        """Every index is rebuilt on first use (a log was replayed into the storage)."""
        for index in self.values():
            index.stale = True

    def committed(self, ts: int, txn) -> None:
        """The commit hook: called under the commit lock once `txn`'s timestamp `ts` is reserved, before the commit
        is published. Cheap when there is no search index."""
        if not self:
            return
        written = list(final_versions(txn))
        if not written:
            return
        oldest = self.storage.oldest_snapshot()
        for index in tuple(self.values()):
            index.committed(ts, written, oldest)

    def ready(self, index: SearchIndex) -> SearchIndex:
        """`index`, built if it is stale. The engine is filled from a snapshot while writers go on (they note what
        they change), then brought up to date under the commit lock; readers of the index wait for it. An analytical
        storage, whose transactions read each other's writes, builds under the commit lock from what is
        committed."""
        if not index.stale:
            return index
        with index.build_lock:
            if index.stale:
                storage = self.storage
                if storage.mode is StorageMode.IN_MEMORY_ANALYTICAL:
                    with storage.commit_lock:
                        index.build(self._committed, storage.reserved_ts)
                else:
                    self._build_beside_writers(index)
        return index

    def _build_beside_writers(self, index: SearchIndex) -> None:
        storage = self.storage
        with storage.commit_lock:
            index.start_building()
            reserved = storage.reserved_ts
        try:
            if storage.last_commit_ts < reserved:  # commits that logged before building began: the snapshot has them
                storage.wait_published(reserved)
            reader = storage.begin(IsolationLevel.SNAPSHOT_ISOLATION)
            try:
                engine = index.fill(reader)
            finally:
                reader.rollback()
        except BaseException:
            with storage.commit_lock:
                index.abandon_building()
            raise
        with storage.commit_lock:
            index.finish_building(engine, reader.start_ts, self._lookup)


def final_versions(txn) -> Iterable[tuple[object, object, object]]:
    """(entity, version, previous) for each entity `txn` wrote: the version it leaves (None: deleted) and the one
    before its writes (None: created here)."""
    own = txn.info
    for entity in txn.written_entities():
        head = entity.head
        if head is None or head.owner is not own:
            continue
        previous = head.older
        while previous is not None and previous.owner is own:
            previous = previous.older
        yield entity, None if head.deleted else head, previous


# --- queries ---------------------------------------------------------------------------------------------------

def _exact_set(txn, index: SearchIndex) -> dict[int, object]:
    """The entities (by gid) a query in `txn` must score itself rather than take from the engine, less the recent
    changes (`_search` takes those together with the engine's answers)."""
    found: dict[int, object] = {}
    wants_vertex = index.entity_type == NODE

    def add(entity) -> None:
        if isinstance(entity, Vertex) == wants_vertex:
            found[entity.gid] = entity
    for entity in txn.written_entities():
        add(entity)
    if txn.isolation is IsolationLevel.READ_UNCOMMITTED:
        for other in txn.storage.active_transactions():
            if other is not txn:
                for entity in other.written_entities():
                    add(entity)
    return found


def _scan(txn, index: SearchIndex) -> dict[int, object]:
    """Every entity of the index's labels or types `txn` sees (a reader older than the index's build)."""
    found: dict[int, object] = {}
    for token in index.tokens:
        members = txn.vertices_with_label(token) if index.entity_type == NODE else txn.edges_with_type(token)
        for entity in members:
            found[entity.gid] = entity
    return found


def _candidates(txn, index: SearchIndex) -> tuple[dict[int, object], bool]:
    """The exact set, and whether the engine may add to it (False: the reader predates the index's build)."""
    if txn.start_ts < index.built_ts and txn.isolation is IsolationLevel.SNAPSHOT_ISOLATION:
        return _scan(txn, index), False
    return _exact_set(txn, index), True


def _search(txn, index: SearchIndex, search: Callable[[int], list], count: int, exact: dict[int, object]
            ) -> tuple[list[tuple[int, float]], bool, list]:
    """The engine's `count` best answers, whether it has no more, and the entities changed since `txn`'s snapshot
    that `exact` lacks (added to it). Both are read under the index's lock, so that no commit falls between: an
    entity a commit changed after the snapshot is either in `recent` or not yet changed in the engine."""
    with index.lock:
        answers = search(count)
        exhausted = len(answers) < count or count >= len(index.engine)
        changed = [gid for gid, ts in index.recent.items() if ts > txn.start_ts and gid not in exact]
    fetch = txn.vertex if index.entity_type == NODE else txn.edge
    late = []
    for gid in changed:
        entity = fetch(gid)
        if entity is not None:
            exact[gid] = entity
            late.append(entity)
    return answers, exhausted, late


def _visible(txn, index: SearchIndex, answers: Iterable[tuple[int, float]], exact: dict,
             accept: Callable[[object, float], float | None]) -> Iterator[tuple[object, float]]:
    """The engine's answers outside `exact` that `txn` sees, as `accept(entity, score)` scores them (None: drop)."""
    fetch = txn.vertex if index.entity_type == NODE else txn.edge
    for gid, score in answers:
        if gid in exact:
            continue
        entity = fetch(gid)
        if entity is not None:
            score = accept(entity, score)
            if score is not None:
                yield entity, score


def _order(hit: tuple[object, float]) -> tuple[float, int]:
    return -hit[1], hit[0].gid


def query_vectors(txn, index: SearchIndex, k: int, query) -> list[tuple[object, float]]:
    """The `k` entities nearest `query` (checked by the engine's `check_query`) in the vector `index` (`ready`)
    that `txn` sees, with Neo4j's scores, best first."""
    engine = index.engine
    exact, use_engine = _candidates(txn, index)
    view = txn.view

    def exactly(entities: Iterable) -> list[tuple[object, float]]:
        # Without `vector.dimensions` an index holds vectors of every length; a query sees those of its own.
        pairs = [(entity, index.entry(engine, entity, view(entity))) for entity in entities]
        pairs = [(entity, vector) for entity, vector in pairs
                 if vector is not None and len(vector) == query.dimensions]
        if not pairs:
            return []
        return list(zip((e for e, _ in pairs), (float(s) for s in engine.scores(query, [v for _, v in pairs]))))
    scored = exactly(exact.values())
    if use_engine and k > 0:
        key = index.properties[0]

        def accept(entity, score):
            # Outside the exact set the reader sees the committed vector the engine scored, unless its privileges
            # hide or trim what it reads: then the vector it reads is scored (reading a 384-d list costs ~0.1 ms).
            version = view(entity)
            if version is None or not index.holds(entity, version):
                return None
            if txn.read_filter is None:
                return score if property_value(version.props, key) is not None else None
            vector = index.entry(engine, entity, version)
            return None if vector is None else float(engine.scores(query, [vector])[0])
        count = k + len(exact)
        hits: dict[int, tuple[object, float]] = {}
        read: set[int] = set()  # each answer is read once, however often the engine is asked again
        while True:
            answers, exhausted, late = _search(txn, index, lambda n: engine.search(query, n), count, exact)
            scored.extend(exactly(late))
            for entity in late:  # an answer taken before a commit put it among the changes is scored exactly now
                hits.pop(entity.gid, None)
            fresh = [(gid, score) for gid, score in answers if gid not in read]
            read.update(gid for gid, _ in fresh)
            hits.update((entity.gid, (entity, score)) for entity, score in _visible(txn, index, fresh, exact, accept))
            if len(hits) >= k or exhausted:
                break
            count *= 2
        scored.extend(hits.values())
    scored.sort(key=_order)
    return scored[:k]


def query_text(txn, index: SearchIndex, prepared, skip: int = 0,
               limit: int | None = None) -> Iterator[tuple[object, float]]:
    """The entities of the full-text `index` (`ready`) matching the `prepared` Lucene query (the engine's
    `prepare`) that `txn` sees, with scores, best first, after `skip`, at most `limit`. Lazy: the engine is asked
    for more answers (twice as many each time) only as the caller reads on, so that a Cypher LIMIT after the
    procedure reads few."""
    engine = index.engine
    exact, use_engine = _candidates(txn, index)
    view = txn.view
    engine.flush_if_due()

    def exactly(entities: Iterable) -> list[tuple[object, float]]:
        documents = {}
        by_gid = {}
        for entity in entities:
            document = index.entry(engine, entity, view(entity))
            if document is not None:
                documents[entity.gid] = document
                by_gid[entity.gid] = entity
        return [(by_gid[gid], score) for gid, score in engine.score(prepared, documents)] if documents else []

    def accept(entity, score):
        if txn.read_filter is None:
            return score if index.holds(entity, view(entity)) else None
        rescored = exactly([entity])
        return rescored[0][1] if rescored else None

    def merged() -> Iterator[tuple[object, float]]:
        # Hits not yet given, by order; one is given once no later engine answer can come before it.
        pending_keys = [(_order(hit), hit[0].gid, hit) for hit in exactly(exact.values())]
        heapq.heapify(pending_keys)
        given: set[int] = set()
        count = max(skip + (limit if limit is not None else 0), 16) + len(exact)
        exhausted = not use_engine
        # The engine's answers already taken: a larger search need not repeat the smaller one's as its prefix (a
        # commit between two may move them), so each round takes what it has not seen.
        taken: set[int] = set()
        while True:
            floor = None
            if not exhausted:
                answers, exhausted, late = _search(txn, index, lambda n: engine.search(prepared, n), count, exact)
                for hit in exactly(late):
                    heapq.heappush(pending_keys, (_order(hit), hit[0].gid, hit))
                batch = [(gid, score) for gid, score in answers if gid not in taken]
                taken.update(gid for gid, _ in batch)
                count *= 2
                for hit in _visible(txn, index, batch, exact, accept):
                    heapq.heappush(pending_keys, (_order(hit), hit[0].gid, hit))
                if answers and not exhausted:
                    floor = (-answers[-1][1], -1)
            while pending_keys and (floor is None or pending_keys[0][0] <= floor):
                _, gid, hit = heapq.heappop(pending_keys)
                if gid not in given:
                    given.add(gid)
                    yield hit
            if exhausted and not pending_keys:
                return
    end = None if limit is None else skip + limit
    return itertools.islice(merged(), skip, end)
