"""Visibility and write conflicts of the on-disk engine: the one module of that engine that interprets versions and
write locks, as `databases.storage.mvcc` is for the in-memory engine.

A disk transaction reads its SQLite snapshot: an entity it loads carries one version owned by `ANCIENT` (the
snapshot's state), and the transaction's own writes stack its own versions on top. So

* a reader sees the head of the entity it loaded, unless that head is deleted (`read_version`);
* a writer takes the entity's write lock, and fails at once (snapshot isolation, as in the in-memory engine) when
  another open transaction holds it or when the entity's newest commit is later than the writer's read point, or
  it no longer exists (`prepare_write`); the lock is released when the writer ends (`release_locks`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from graphplex.databases.storage.indexes import NODE, RELATIONSHIP
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


def lock(txn: "DiskTransaction", entity) -> None:
    """Takes the entity's write lock for `txn`; raises `Outdated` (marking `txn` failed) on a write-write conflict:
    another open transaction holds the lock, or the entity's newest commit is later than `txn`'s read point."""
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


def release_locks(storage: "DiskStorage", txn: "DiskTransaction") -> None:
    """Frees the write locks of a transaction that ended (called under the storage's write lock)."""
    for key in txn.locked:
        if storage.locks.get(key) is txn:
            del storage.locks[key]
