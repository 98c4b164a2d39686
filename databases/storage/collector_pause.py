"""Holding off CPython's cyclic garbage collector while transactions write in bulk.

Vertices, edges and versions are container objects the cyclic collector tracks. A transaction that creates
thousands of them sets off collection after collection that walks them again (each young generation, then full
passes over the growing heap), though every one of them is reachable: a third of a bulk load's time went there.
So while a transaction that has created `BULK` entities or more is open, automatic collection is off for the
process; it is switched on again (if it was on) when the last such transaction ends, with what was allocated
meanwhile moved to the oldest generation unscanned (`settle`). Garbage cycles made meanwhile wait for the next full
collection; reference counting frees everything else as usual. A transaction that is never ended keeps the
collector off, as it already keeps every version it could see from the storage's own garbage collection."""
from __future__ import annotations

import gc
import threading

# Creations after which a transaction counts as a bulk write.
BULK = 2_000


class CollectorPause:
    """Counts the open bulk transactions; the collector is off while there is one. `gc` is process-wide, so there
    is one pause per process (`PAUSE`)."""

    __slots__ = ("_lock", "_holders", "_resume")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._resume = False  # whether the collector was on when the first holder came

    def hold(self) -> None:
        """A bulk transaction began: collection stops (a no-op when the application switched it off itself)."""
        with self._lock:
            if self._holders == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._holders += 1

    def release(self) -> None:
        """A bulk transaction ended: the last one switches collection back on if `hold` found it on, with what
        was allocated meanwhile moved to the oldest generation unscanned (`settle`)."""
        with self._lock:
            self._holders -= 1
            if self._holders == 0 and self._resume:
                settle()
                gc.enable()

    @property
    def holders(self) -> int:
        return self._holders


PAUSE = CollectorPause()


def settle() -> None:
    """Moves every object the collector tracks to its oldest generation without scanning them (`gc.freeze` then
    `gc.unfreeze`: two splices of its lists). After a pause the young generation holds what the bulk writes
    made — mostly the graph itself, reachable for as long as the data lives — and the next young collections
    would walk it twice (young, then middle generation) to find almost nothing. Garbage cycles among those
    objects are not lost: the next full collection finds them, as it finds any in the oldest generation."""
    gc.freeze()
    gc.unfreeze()
