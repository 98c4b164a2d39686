"""Visibility, write conflicts and commit rules of the on-disk engine: the one module of that engine that
interprets versions, write locks and commit stamps, as `databases.storage.mvcc` is for the in-memory engine.

A disk transaction reads its SQLite snapshot: an entity it loads carries one version owned by `ANCIENT` (the
snapshot's state), and the transaction's own writes stack its own versions on top. Each committed row carries the
timestamp of the commit that last wrote it (its stamp). So

* a reader sees the head of the entity it loaded, unless that head is deleted (`read_version`); it seeks an index
  only when the index was filled before its snapshot began (`index_usable`);
* a writer takes the entity's write lock, and fails at once (snapshot isolation, as in the in-memory engine) when
  another open transaction holds it or when the entity's stamp is later than the writer's read point, or it no
  longer exists (`prepare_write`, `lock`); creating a relationship locks both end nodes and has the commit
  re-stamp them (`lock_ends`, `restamps`), so an older snapshot cannot delete them; the locks are released when the
  writer ends (`release_locks`);
* a commit, serialised under the storage's commit lock, takes the next timestamp (`next_commit_ts`) and is
  validated against the newest committed state, not against its snapshot: a node deleted without DETACH must keep
  no relationship (`still_related`), and constraints see each entity as the commit leaves it (`at_commit`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

from graphplex.databases.storage.indexes import NODE, RELATIONSHIP, PropertyIndex
from graphplex.databases.storage.mvcc import conflict
from graphplex.databases.storage.records import ANCIENT, Version, Vertex

if TYPE_CHECKING:
    from graphplex.databases.storage.disk.storage import DiskStorage
    from graphplex.databases.storage.disk.transaction import DiskTransaction


def read_version(entity) -> Version | None:
    """The version of an entity its transaction sees, or None when it sees no live entity."""
    head = entity.head
    if head is None or head.deleted:
        return None
    return head


def snapshot_version(entity) -> Version | None:
    """The version loaded from the snapshot, under any own ones (None for an entity created by the transaction)."""
    version = entity.head
    while version is not None and version.owner is not ANCIENT:
        version = version.older
    return version


def index_usable(txn: "DiskTransaction", index: PropertyIndex) -> bool:
    """Whether `txn`'s snapshot may seek `index`: not when a commit after the snapshot began filled it (it holds
    none of the snapshot's entries)."""
    return txn.storage.index_ts.get(index.name, 0) <= txn.read_ts


def lock(txn: "DiskTransaction", entity) -> None:
    """Takes the entity's write lock for `txn`; raises `Outdated` (marking `txn` failed) on a write-write conflict:
    another open transaction holds the lock, or the entity's stamp is later than `txn`'s read point."""
    kind = NODE if isinstance(entity, Vertex) else RELATIONSHIP
    key = (kind, entity.gid)
    if key in txn.locked or txn.created(entity):
        return
    storage = txn.storage
    with storage.write_lock:
        holder = storage.locks.get(key)
        if holder is not None and holder is not txn and holder.is_open:
            raise conflict(txn)
        storage.locks[key] = txn
    txn.locked.add(key)
    latest = storage.latest_ts(kind, entity.gid)
    if latest is None or latest > txn.read_ts:
        raise conflict(txn)


def prepare_write(txn: "DiskTransaction", entity) -> Version | None:
    """Makes `txn` the writer of `entity` and returns its own, writable version; None when `txn` deleted it."""
    head = entity.head
    if head.owner is txn.info:
        return None if head.deleted else head
    lock(txn, entity)
    version = Version(txn.info, head.labels, head.props, older=head, props_shared=True)
    entity.head = version
    txn.note_write(entity, version)
    return version


def lock_ends(txn: "DiskTransaction", src: Vertex, dst: Vertex) -> None:
    """Before `txn` creates a relationship: both end nodes are write-locked and will be re-stamped by its commit
    (`restamps`), so a transaction whose snapshot is older than that commit conflicts when it deletes either."""
    for end in (src, dst):
        lock(txn, end)
    txn.restamped.update((src.gid, dst.gid))


def release_locks(storage: "DiskStorage", txn: "DiskTransaction") -> None:
    """Frees the write locks of a transaction that ended (called under the storage's write lock)."""
    for key in txn.locked:
        if storage.locks.get(key) is txn:
            del storage.locks[key]


# --- commit (under the storage's commit lock) -------------------------------------------------------------------

def next_commit_ts(storage: "DiskStorage") -> int:
    """The timestamp of the commit being made: commits are serialised, each one after the newest."""
    return storage.last_commit_ts + 1


def validate(txn: "DiskTransaction") -> None:
    """The commit's validation step (`TransactionState.validate_commit`) with this engine's `still_related`."""
    txn.validate_commit(lambda vertex: still_related(txn, vertex))


def still_related(txn: "DiskTransaction", vertex: Vertex) -> bool:
    """Whether a node keeps a relationship once `txn` commits: one of the newest committed state that `txn` did not
    delete, or one `txn` created and did not delete."""
    for gid in txn.storage.committed_relationships(vertex.gid):
        own = txn.own_edge(gid)
        if own is None or not own.head.deleted:
            return True
    return any(not edge.head.deleted for edge in txn.created_relationships(vertex))


def at_commit(txn: "DiskTransaction", committed: Iterable, index: PropertyIndex, key: tuple) -> Iterator:
    """The entities `index` holds under `key` as the committing `txn` leaves them (for the constraint checks): each
    one found there in the newest committed state as `txn` wrote it, if it did, else as committed; then those that
    `txn` brought to `key`."""
    for entity in committed:
        own = txn.own_vertex(entity.gid) if isinstance(entity, Vertex) else txn.own_edge(entity.gid)
        yield own or entity
    yield from txn.own_with_key(index, key)


def restamps(txn: "DiskTransaction", ts: int) -> list[tuple[int, int]]:
    """(stamp, node id) of the nodes whose rows the commit re-stamps with `ts` though they may not have changed:
    the end nodes of the relationships `txn` created (see `lock_ends`)."""
    return [(ts, gid) for gid in txn.restamped]
