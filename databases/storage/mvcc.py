"""Visibility and write conflicts: the one module that interprets versions.

Two questions, after Memgraph's `ApplyDeltasForRead` / `PrepareForWrite`:

* which version of an entity does a reader see? (`read_version`, `committed_version`, and at commit
  `still_related`)
* may a transaction write an entity, and on which version? (`prepare_write`; `lock_ends` takes the lock alone)

A reader sees its own versions, and otherwise the newest version committed at or before its `read_ts`
(the snapshot's start under SNAPSHOT_ISOLATION, "now" under READ_COMMITTED); under READ_UNCOMMITTED it sees the
newest version that was not rolled back. A writer that finds another transaction's uncommitted version fails at
once under SNAPSHOT_ISOLATION and waits for it under the other levels, with deadlock detection and a timeout —
except in IN_MEMORY_ANALYTICAL mode, which takes no locks (as Memgraph's): the writer stacks its version on the
other's uncommitted one and goes on (docs/transactions.md says what a reader may then see).
"""
from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING

from graphplex.databases.errors import TransientError
from graphplex.databases.storage.isolation import IsolationLevel
from graphplex.databases.storage.modes import StorageMode
from graphplex.databases.storage.records import CommitInfo, Version, Vertex

if TYPE_CHECKING:
    from graphplex.databases.storage.transaction import Transaction

# The read timestamp of READ_COMMITTED and READ_UNCOMMITTED: every committed version is "before" it.
LATEST = sys.maxsize

CONFLICT_MESSAGE = ("Cannot resolve conflicting transactions. You can retry this transaction when the "
                    "conflicting transaction is finished")
DEADLOCK_MESSAGE = ("This transaction, and at least one more transaction, has acquired locks in a way that it "
                    "will wait indefinitely, and the database has aborted it. Retrying this transaction will most "
                    "likely be successful.")

# How often a waiting writer wakes to look for termination of its own transaction.
_WAIT_SLICE = 0.05


def read_version(head: Version | None, own: CommitInfo, read_ts: int, dirty: bool) -> Version | None:
    """The version of an entity (given its head) that a reader sees, or None when it sees no live entity."""
    version = head
    while version is not None:
        owner = version.owner
        if owner is own:
            break
        ts = owner.commit_ts
        if ts is not None:
            if ts <= read_ts:
                break
        elif dirty and not owner.aborted:
            break
        version = version.older
    if version is None or version.deleted:
        return None
    return version


def committed_version(head: Version | None, own: CommitInfo) -> Version | None:
    """What the entity will be once `own` commits now: its own version, else the newest committed one (or None);
    a version whose transaction passed validation and awaits its log sync counts as committed."""
    version = head
    while version is not None:
        owner = version.owner
        if owner is own or owner.commit_ts is not None or owner.pending_ts is not None:
            return None if version.deleted else version
        version = version.older
    return None


def still_related(vertex: Vertex, own: CommitInfo) -> bool:
    """Whether a node keeps a relationship once `own` commits now (a DELETE without DETACH then fails): one whose
    `committed_version` is live, deleted neither by `own` nor by a commit before it."""
    for adjacency in (vertex.out, vertex.inc):
        for bucket in tuple((adjacency or {}).values()):
            for edge in tuple(bucket):
                if committed_version(edge.head, own) is not None:
                    return True
    return False


def prepare_write(txn: "Transaction", entity) -> Version | None:
    """Makes `txn` the writer of `entity` and returns its own, writable version.

    Returns None when the entity no longer exists for the writer (deleted by a transaction it waited for, or by
    itself). Raises `Outdated` on a write-write conflict under SNAPSHOT_ISOLATION, `DeadlockDetected` when
    waiting would close a cycle, `LockAcquisitionTimeout` after waiting too long.
    """
    storage = txn.storage
    own = txn.info
    read_ts = txn.read_ts
    deadline = None
    while True:
        with storage.write_lock:
            head = entity.head
            if head is None:
                return None
            owner = head.owner
            if owner is own:
                return None if head.deleted else head
            stacking = storage.mode is StorageMode.IN_MEMORY_ANALYTICAL
            locker = entity.locker
            if locker is not None and locker is not own and _bars(locker, read_ts, stacking):
                owner = locker  # a lock without a version: waited for, or a conflict, as an unchanged version
            elif not _bars(owner, read_ts, stacking):
                if head.deleted:
                    return None
                version = Version(own, head.labels, head.props, False, head, True)
                entity.head = version
                txn.note_write(entity, version)
                return version
            if owner.commit_ts is not None or txn.isolation is IsolationLevel.SNAPSHOT_ISOLATION:
                raise conflict(txn)
            holder = owner.txn
            _check_deadlock(txn, holder)
            txn.waiting_for = holder
            if owner.released is None:
                owner.released = threading.Event()
            released = owner.released
        if deadline is None:
            deadline = time.monotonic() + storage.lock_acquisition_timeout
        try:
            _wait_for_release(txn, released, deadline, entity)
        finally:
            txn.waiting_for = None


def lock_ends(txn: "Transaction", vertices: list, start: int = 0) -> int:
    """Write-locks `vertices[start:]` in order for the relationships `txn` creates at them, under one hold of the
    write lock, as far as each one is free now: its head this transaction's own live version, or a committed
    version it may write over, and no other transaction's lock in the way (`_bars`). Such a node only records
    `txn` as its `locker` (a later writer of it waits or conflicts as on a version `txn` stacked on it, which is
    what `prepare_write` would make: the node itself is not changed). Returns the position of the first node that
    is not free — `prepare_write` must take that one, to wait for its writer, raise the conflict or find it
    deleted — or len(vertices); stopping there keeps the order in which locks are taken, so waits and deadlocks
    are those of one-by-one writes."""
    own = txn.info
    read_ts = txn.read_ts
    with txn.storage.write_lock:
        stacking = txn.storage.mode is StorageMode.IN_MEMORY_ANALYTICAL
        for position in range(start, len(vertices)):
            vertex = vertices[position]
            head = vertex.head
            if head is None or head.deleted:
                return position
            owner = head.owner
            if owner is own:
                continue
            if _bars(owner, read_ts, stacking):
                return position
            locker = vertex.locker
            if locker is not None and locker is not own and _bars(locker, read_ts, stacking):
                return position
            vertex.locker = own
    return len(vertices)


def _bars(writer: CommitInfo, read_ts: int, stacking: bool) -> bool:
    """Whether the version or lock of another transaction (`writer`) keeps a transaction reading at `read_ts` from
    writing over it now: `writer` has not ended (the other waits for it, or conflicts under SNAPSHOT_ISOLATION;
    unless `stacking`, in IN_MEMORY_ANALYTICAL mode), or it committed after the other's snapshot (a conflict). A
    rolled-back writer, or one committed before, bars nobody."""
    ts = writer.commit_ts
    if ts is None:
        return not writer.aborted and not stacking
    return ts > read_ts


def _wait_for_release(txn: "Transaction", released, deadline: float, entity) -> None:
    while not released.wait(_WAIT_SLICE):
        txn.check_terminated()
        if time.monotonic() >= deadline:
            error = TransientError(
                "Unable to acquire lock within configured timeout (db.lock.acquisition.timeout). Unable to acquire "
                f"lock for resource: {'NODE' if isinstance(entity, Vertex) else 'RELATIONSHIP'} with id: {entity.gid} "
                f"within {int(txn.storage.lock_acquisition_timeout * 1000)} millis.",
                "Neo.TransientError.Transaction.LockAcquisitionTimeout")
            txn.mark_failed(error)
            raise error


def _check_deadlock(txn: "Transaction", holder: "Transaction") -> None:
    """Raises DeadlockDetected when `holder` (transitively) waits for `txn`. Called under the write lock."""
    seen = 0
    current = holder
    while current is not None and seen < 10_000:
        if current is txn:
            error = TransientError(DEADLOCK_MESSAGE, "Neo.TransientError.Transaction.DeadlockDetected")
            txn.mark_failed(error)
            raise error
        current = current.waiting_for
        seen += 1


def conflict(txn) -> TransientError:
    """The write-write conflict error (`Outdated`), with `txn` marked failed; the disk engine raises it too."""
    error = TransientError(CONFLICT_MESSAGE, "Neo.TransientError.Transaction.Outdated")
    txn.mark_failed(error)
    return error

