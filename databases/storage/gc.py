"""Garbage collection of versions no open transaction can see any more.

A committed transaction's entities are queued with its commit timestamp. Once every open snapshot started at or
after that timestamp, the versions below the newest one visible to the oldest snapshot are unreachable: they are
unlinked, their index entries dropped, and an entity whose surviving version is a deletion leaves the storage.
Memory therefore does not grow with the number of committed updates to the same entities.
"""
from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Iterable

from graphplex.databases.storage.records import ANCIENT, PLAIN_RELATIONSHIP, chain, shares_plain_version

if TYPE_CHECKING:
    from graphplex.databases.storage.storage import Storage


class GarbageCollector:
    """Collects the versions of committed transactions once the oldest open snapshot has passed them."""

    def __init__(self, storage: "Storage") -> None:
        self._storage = storage
        self._queue: deque[tuple[int, tuple]] = deque()

    def committed(self, commit_ts: int, entities: Iterable) -> None:
        self._queue.append((commit_ts, tuple(entities)))

    @property
    def pending(self) -> int:
        return len(self._queue)

    def collect(self) -> int:
        """Prunes what the oldest open snapshot allows; returns the number of versions dropped."""
        queue = self._queue
        if not queue:
            return 0
        storage = self._storage
        oldest = storage.oldest_snapshot()
        dropped = 0
        while queue and queue[0][0] <= oldest:
            with storage.write_lock:
                if not queue or queue[0][0] > oldest:
                    break
                _, entities = queue.popleft()
                for entity in entities:
                    head = entity.head
                    if head is None or head.deleted:
                        dropped += self._prune(entity, oldest)
                        continue
                    older = head.older
                    # The two common cases, in this loop of their own (a bulk load queues each relationship it
                    # made): a creation, one live version with nothing to unlink; and a write lock
                    # (`Transaction.lock`, or an end node locked after a wait), a version stacked on one with the
                    # same labels and map, which share every index entry (`versions_dropped` would find nothing to
                    # drop). Once every reader sees the head, it is the only version; a relationship may then
                    # share its version.
                    if older is None or older.older is None and older.props is head.props \
                            and older.labels is head.labels:
                        ts = head.owner.commit_ts
                        if ts is not None and ts <= oldest:
                            if older is not None:
                                head.older = None
                                dropped += 1
                            head.owner = ANCIENT
                            if head.labels is None and shares_plain_version(head):
                                entity.head = PLAIN_RELATIONSHIP
                            continue
                        if older is None:
                            continue
                    dropped += self._prune(entity, oldest)
        return dropped

    def _prune(self, entity, oldest: int) -> int:
        head = entity.head
        floor = head
        while floor is not None:
            ts = floor.owner.commit_ts
            if ts is not None and ts <= oldest:
                break
            floor = floor.older
        if floor is None:
            return 0
        dropped = chain(floor.older)
        floor.older = None
        floor.owner = ANCIENT
        storage = self._storage
        if floor.deleted and floor is head:
            dropped.append(floor)
            storage.indexes.versions_dropped(entity, dropped, [])
            storage.remove_entity(entity)
            return len(dropped)
        if dropped:
            storage.indexes.versions_dropped(entity, dropped, chain(head))
        self._share(entity, floor)
        return len(dropped)

    @staticmethod
    def _share(entity, floor) -> None:
        """A relationship without properties that every reader sees as `floor`, its only version, takes the shared
        `PLAIN_RELATIONSHIP` instead (same labels, map and visibility: readers cannot tell them apart)."""
        if floor is entity.head and floor is not PLAIN_RELATIONSHIP and shares_plain_version(floor):
            entity.head = PLAIN_RELATIONSHIP


