"""Whether every relationship in the graph is plainly there for a reader: the condition of `expand`'s fast path.

A relationship's existence, unlike its properties, changes only when it is created or deleted. When no open
transaction has created or deleted one, no committed deletion is left in an adjacency for the garbage collector,
and the last commit that created or deleted one is inside the reader's snapshot, then every relationship a node's
adjacency holds is one the reader sees (`mvcc.read_version` would find a live version for each), so a traversal
may skip the per-relationship visibility work. Anything else takes the general path.

The order of the steps is what makes the answer safe without a lock on the read side: a writer is counted (`epoch`
moves on, and `floor`, the answer kept as one number, is raised out of reach) before its first relationship enters
an adjacency or is marked deleted, and stops being counted only after its commit timestamp and deletions are entered
here. A reader asks `settled` and notes `epoch` before it takes its snapshot of an adjacency, and trusts the
snapshot only when `epoch` has not moved meanwhile: the adjacency it read was then the settled one. (Asking after
the snapshot is not enough: a writer that was open while the reader copied the adjacency can roll back, or the
collector can take a deletion, before the reader asks, and the copy would hold what neither leaves behind.)
"""
from __future__ import annotations

import threading
from typing import Iterable

from graphplex.databases.storage.mvcc import LATEST
from graphplex.databases.storage.records import Edge

# A `floor` no reader reaches (READ_COMMITTED reads at LATEST).
_NEVER = LATEST + 1


class EdgeChanges:
    """The storage's account of relationship creations and deletions (see the module's rule)."""

    __slots__ = ("_lock", "writers", "changed_ts", "deleted", "floor", "epoch")

    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock  # the storage's write lock
        self.writers = 0  # open transactions that created or deleted a relationship
        self.changed_ts = 0  # the newest commit that created or deleted one
        self.deleted: set[Edge] = set()  # committed deletions still in an adjacency
        # The lowest read timestamp that is `settled`: one attribute a traversal reads per node it expands.
        self.floor = 0
        self.epoch = 0  # how many times a writer began: a reader's snapshot taken while it did not move is settled

    def settled(self, read_ts: int) -> bool:
        """Whether a reader at `read_ts` (with no read filter) sees every relationship an adjacency holds."""
        return self.floor <= read_ts

    def _refloor(self) -> None:
        self.floor = self.changed_ts if not self.writers and not self.deleted else _NEVER

    def writing(self) -> None:
        """A transaction is about to create or delete its first relationship (called under the write lock)."""
        self.writers += 1
        self.epoch += 1
        self.floor = _NEVER

    def finished(self, commit_ts: int | None, written: Iterable) -> None:
        """A transaction counted by `writing` ended: committed at `commit_ts` (None: rolled back) having written
        the entities `written`; its committed deletions stay in the adjacencies until collected."""
        with self._lock:
            if commit_ts is not None:
                self.changed_ts = max(self.changed_ts, commit_ts)
                self.deleted.update(entity for entity in written
                                    if type(entity) is Edge and entity.head is not None and entity.head.deleted)
            self.writers -= 1
            self._refloor()

    def removed(self, edge: Edge) -> None:
        """A relationship left the storage (collected or rolled back): it is in no adjacency any more."""
        if edge in self.deleted:
            self.deleted.discard(edge)
            self._refloor()

    def replayed(self, commit_ts: int) -> None:
        """Recovery applied a commit that created relationships."""
        self.changed_ts = max(self.changed_ts, commit_ts)
        self._refloor()
